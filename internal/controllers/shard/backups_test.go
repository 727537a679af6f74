package shard

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func mt(s string) *metav1.Time { return &metav1.Time{Time: at(s)} }

func TestPlanBackups(t *testing.T) {
	daily := &v1beta1.BackupSchedule{Full: "0 0 * * *", Incremental: "0 * * * *", Verify: "0 3 * * 0"}
	created := at("2026-11-30T12:00:00Z")
	for _, tc := range []struct {
		name       string
		sched      *v1beta1.BackupSchedule
		st         v1beta1.ShardBackupStatus
		now        string
		start      v1beta1.BackupType
		verify     bool
		wake       string
		recordFull string // the full entry's time once recorded; "" when unchanged
	}{
		{name: "nothing scheduled", sched: &v1beta1.BackupSchedule{}, now: "2026-12-01T00:00:00Z"},
		{name: "not yet", sched: daily, now: "2026-11-30T12:30:00Z", wake: "2026-11-30T13:00:00Z"},
		{name: "first incremental after creation", sched: daily, now: "2026-11-30T13:00:05Z",
			start: v1beta1.BackupIncremental, wake: "2026-11-30T14:00:00Z"},
		// Full and incremental both due at midnight: one backup, the full one, for both.
		{name: "full wins", sched: daily, now: "2026-12-01T00:00:10Z",
			st:    v1beta1.ShardBackupStatus{Scheduled: &v1beta1.BackupScheduleTimes{Full: mt("2026-11-30T00:00:00Z"), Incremental: mt("2026-11-30T23:00:00Z")}},
			start: v1beta1.BackupFull, wake: "2026-12-01T01:00:00Z", recordFull: "2026-12-01T00:00:00Z"},
		// Down for three days: one full backup, for the newest missed midnight.
		{name: "caught up once", sched: &v1beta1.BackupSchedule{Full: "0 0 * * *"}, now: "2026-12-04T09:00:00Z",
			st:    v1beta1.ShardBackupStatus{Scheduled: &v1beta1.BackupScheduleTimes{Full: mt("2026-12-01T00:00:00Z")}},
			start: v1beta1.BackupFull, wake: "2026-12-05T00:00:00Z", recordFull: "2026-12-04T00:00:00Z"},
		{name: "a backup runs", sched: &v1beta1.BackupSchedule{Full: "0 0 * * *"}, now: "2026-12-04T09:00:00Z",
			st: v1beta1.ShardBackupStatus{Scheduled: &v1beta1.BackupScheduleTimes{Full: mt("2026-12-01T00:00:00Z")},
				Running: &v1beta1.BackupRun{JobID: "j"}},
			wake: "2026-12-02T00:00:00Z"},
		{name: "a verification waits for a running backup", sched: &v1beta1.BackupSchedule{Full: "0 0 * * *", Verify: "0 3 * * 0"},
			now: "2026-12-06T03:00:00Z",
			st: v1beta1.ShardBackupStatus{Scheduled: &v1beta1.BackupScheduleTimes{Full: mt("2026-12-06T00:00:00Z"), Verify: mt("2026-11-29T03:00:00Z")},
				Running: &v1beta1.BackupRun{JobID: "j"}},
			wake: "2026-12-06T03:00:00Z"},
		{name: "and for one it starts", sched: &v1beta1.BackupSchedule{Full: "0 3 * * *", Verify: "0 3 * * 0"},
			now:   "2026-12-06T03:00:00Z",
			st:    v1beta1.ShardBackupStatus{Scheduled: &v1beta1.BackupScheduleTimes{Full: mt("2026-12-05T03:00:00Z"), Verify: mt("2026-11-29T03:00:00Z")}},
			start: v1beta1.BackupFull, wake: "2026-12-07T03:00:00Z", recordFull: "2026-12-06T03:00:00Z"},
		{name: "verification alone", sched: &v1beta1.BackupSchedule{Full: "0 0 * * *", Verify: "0 3 * * 0"},
			now:    "2026-12-06T03:00:00Z",
			st:     v1beta1.ShardBackupStatus{Scheduled: &v1beta1.BackupScheduleTimes{Full: mt("2026-12-06T00:00:00Z"), Verify: mt("2026-11-29T03:00:00Z")}},
			verify: true, wake: "2026-12-07T00:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.st.DeepCopy()
			p := planBackups(tc.sched, st, created, at(tc.now))
			if p.start != tc.start || p.verify != tc.verify {
				t.Errorf("start %q verify %v; want %q %v", p.start, p.verify, tc.start, tc.verify)
			}
			if (tc.wake == "") != p.wake.IsZero() || (tc.wake != "" && !p.wake.Equal(at(tc.wake))) {
				t.Errorf("wake %v, want %s", p.wake, tc.wake)
			}
			p.record(true)
			if tc.recordFull != "" && (st.Scheduled.Full == nil || !st.Scheduled.Full.Time.Equal(at(tc.recordFull))) {
				t.Errorf("recorded full %v, want %s", st.Scheduled.Full, tc.recordFull)
			}
			if tc.start == v1beta1.BackupFull && tc.sched.Incremental != "" && !st.Scheduled.Incremental.Time.Equal(st.Scheduled.Full.Time) {
				t.Errorf("the incremental entry due with the full one is not consumed: %v", st.Scheduled.Incremental)
			}
		})
	}
}

func TestBackupHealth(t *testing.T) {
	daily := &v1beta1.BackupSchedule{Full: "0 0 * * *"}
	newest := &v1beta1.BackupInfo{ID: "20261204-000001F", Type: v1beta1.BackupFull, Finished: mt("2026-12-04T00:05:00Z")}
	for _, tc := range []struct {
		name   string
		sched  *v1beta1.BackupSchedule
		st     v1beta1.ShardBackupStatus
		now    string
		reason string
		msg    string
		wake   string
	}{
		{"recent", daily, v1beta1.ShardBackupStatus{Newest: newest}, "2026-12-04T12:00:00Z", ReasonBackupRecent,
			"newest complete backup 20261204-000001F (full) finished 2026-12-04T00:05:00Z", "2026-12-05T01:00:01Z"},
		{"stale: the next backup is an hour late", daily, v1beta1.ShardBackupStatus{Newest: newest}, "2026-12-05T01:00:01Z", ReasonBackupStale,
			"the newest complete backup, 20261204-000001F, finished 2026-12-04T00:05:00Z; the schedule asked for one at 2026-12-05T00:00:00Z", ""},
		{"not stale while it runs", daily, v1beta1.ShardBackupStatus{Newest: newest, Running: &v1beta1.BackupRun{JobID: "j"}},
			"2026-12-05T04:00:00Z", ReasonBackupRecent, "", ""},
		{"nothing scheduled", &v1beta1.BackupSchedule{}, v1beta1.ShardBackupStatus{Newest: newest}, "2027-01-01T00:00:00Z", ReasonBackupRecent, "", ""},
		{"no backup", daily, v1beta1.ShardBackupStatus{}, "2026-12-04T12:00:00Z", ReasonNoBackup, "", ""},
		{"failed after the newest", daily, v1beta1.ShardBackupStatus{Newest: newest,
			LastFailure: &v1beta1.BackupFailure{Time: *mt("2026-12-05T00:00:03Z"), Message: "full backup j failed: permission denied"}},
			"2026-12-05T00:00:04Z", ReasonBackupFailed, "full backup j failed: permission denied", ""},
		{"a failure before the newest is history", daily, v1beta1.ShardBackupStatus{Newest: newest,
			LastFailure: &v1beta1.BackupFailure{Time: *mt("2026-12-03T00:00:03Z"), Message: "x"}},
			"2026-12-04T12:00:00Z", ReasonBackupRecent, "", "2026-12-05T01:00:01Z"},
		{"verification failed", daily, v1beta1.ShardBackupStatus{Newest: newest,
			LastVerification: &v1beta1.BackupVerification{Time: *mt("2026-12-04T03:00:00Z"), Message: "checksum mismatch"}},
			"2026-12-04T12:00:00Z", ReasonVerificationFailed, "the repository failed verification: checksum mismatch", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cond, wake := backupHealth(tc.sched, &tc.st, at(tc.now))
			healthy := tc.reason == ReasonBackupRecent
			if cond.Reason != tc.reason || (cond.Status == metav1.ConditionTrue) != healthy || (tc.msg != "" && cond.Message != tc.msg) {
				t.Errorf("%s %s %q; want %s %q", cond.Status, cond.Reason, cond.Message, tc.reason, tc.msg)
			}
			if (tc.wake == "") != wake.IsZero() || (tc.wake != "" && !wake.Equal(at(tc.wake))) {
				t.Errorf("wake %v, want %s", wake, tc.wake)
			}
		})
	}
}

func TestRetention(t *testing.T) {
	if got := retention(&v1beta1.BackupRetention{FullBackupDays: new(int32(14))}); got["repo1-retention-full-type"] != "time" || got["repo1-retention-full"] != "14" {
		t.Errorf("days: %v", got)
	}
	if got := retention(&v1beta1.BackupRetention{FullBackups: new(int32(3))}); got["repo1-retention-full-type"] != "count" || got["repo1-retention-full"] != "3" {
		t.Errorf("count: %v", got)
	}
}
