package shard

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/schedule"
)

// Reasons of the BackupHealthy condition, also those of the backup Events.
const (
	ReasonBackupRecent       = "BackupRecent"
	ReasonNoBackup           = "NoBackup"
	ReasonBackupStale        = "BackupStale"
	ReasonBackupFailed       = "BackupFailed"
	ReasonVerificationFailed = "VerificationFailed"

	ReasonBackupStarted         = "BackupStarted"
	ReasonBackupSucceeded       = "BackupSucceeded"
	ReasonBackupsExpired        = "BackupsExpired"
	ReasonVerificationSucceeded = "VerificationSucceeded"
)

// backupGrace is how long after its scheduled time a backup may take to finish before the
// shard's backups count as stale (while it runs, they never do).
const backupGrace = time.Hour

// backupPoll is how often a running backup is asked about.
const backupPoll = 10 * time.Second

// scheduleEntry is one entry of a BackupSchedule: its expression and where its last fire time
// is kept.
type scheduleEntry struct {
	backup v1beta1.BackupType // "" for the verification
	expr   string
	last   **metav1.Time
}

// entries are sched's entries, full before differential before incremental (a full backup
// due with an incremental one serves both), then the verification.
func entries(sched *v1beta1.BackupSchedule, times *v1beta1.BackupScheduleTimes) []scheduleEntry {
	return []scheduleEntry{
		{v1beta1.BackupFull, sched.Full, &times.Full},
		{v1beta1.BackupDifferential, sched.Differential, &times.Differential},
		{v1beta1.BackupIncremental, sched.Incremental, &times.Incremental},
		{"", sched.Verify, &times.Verify},
	}
}

// backupPlan is what is due for a shard's backups now.
type backupPlan struct {
	// start is the backup type to take, "" for none.
	start v1beta1.BackupType
	// verify: a verification is due.
	verify bool
	// fired are the schedule times the plan consumes: to be recorded once acted on.
	fired []firedEntry
	// wake is when the next entry falls due; zero when none will.
	wake time.Time
}

type firedEntry struct {
	backup bool
	last   *metav1.Time
	at     **metav1.Time
}

// planBackups says what of schedule is due at now, given st (whose Scheduled times it reads;
// an entry that never fired counts from since, the shard's creation). A backup is started only
// when none runs; several backup entries due at once start one backup, the fullest, and all
// count as fired. An entry that missed several times fires once. A verification waits for the
// backup that runs or starts. Expressions that do not parse are skipped (admission refuses
// them).
func planBackups(sched *v1beta1.BackupSchedule, st *v1beta1.ShardBackupStatus, since, now time.Time) backupPlan {
	var p backupPlan
	if sched == nil {
		return p
	}
	if st.Scheduled == nil {
		st.Scheduled = &v1beta1.BackupScheduleTimes{}
	}
	for _, e := range entries(sched, st.Scheduled) {
		if e.expr == "" {
			continue
		}
		cron, err := schedule.Parse(e.expr)
		if err != nil {
			continue
		}
		last := since
		if *e.last != nil {
			last = (*e.last).Time
		}
		if st.Running != nil {
			// One thing at a time on a repository (pgBackRest's verify can trip over a backup
			// being written): looked at again when the backup ends.
			p.wake = earliest(p.wake, cron.Next(last))
			continue
		}
		fired, due, next := schedule.Due(cron, last, now)
		p.wake = earliest(p.wake, next)
		if !due {
			continue
		}
		switch {
		case e.backup == "" && p.start != "":
			continue // after the backup
		case e.backup == "":
			p.verify = true
		case p.start == "":
			p.start = e.backup
		}
		p.fired = append(p.fired, firedEntry{e.backup != "", &metav1.Time{Time: fired}, e.last})
	}
	return p
}

// record writes the fire times of the plan's backup entries (backups true) or of its
// verification into the status.
func (p backupPlan) record(backups bool) {
	for _, f := range p.fired {
		if f.backup == backups {
			*f.at = f.last
		}
	}
}

// backupHealth is the BackupHealthy condition of st under sched at now, and when it could
// next turn stale (zero: not by time alone).
func backupHealth(sched *v1beta1.BackupSchedule, st *v1beta1.ShardBackupStatus, now time.Time) (metav1.Condition, time.Time) {
	cond := metav1.Condition{Type: v1beta1.ConditionBackupHealthy, Status: metav1.ConditionFalse}
	var newest time.Time
	if st.Newest != nil && st.Newest.Finished != nil {
		newest = st.Newest.Finished.Time
	}
	switch {
	case st.LastFailure != nil && !st.LastFailure.Time.Time.Before(newest):
		cond.Reason, cond.Message = ReasonBackupFailed, st.LastFailure.Message
		return cond, time.Time{}
	case st.LastVerification != nil && !st.LastVerification.Succeeded:
		cond.Reason, cond.Message = ReasonVerificationFailed, "the repository failed verification: "+st.LastVerification.Message
		return cond, time.Time{}
	case st.Newest == nil:
		cond.Reason, cond.Message = ReasonNoBackup, "the repository holds no complete backup"
		return cond, time.Time{}
	}
	// The schedule promised a backup at due, the first backup time after the newest one.
	var due time.Time
	if sched != nil {
		for _, e := range entries(sched, &v1beta1.BackupScheduleTimes{}) {
			if e.backup == "" || e.expr == "" {
				continue
			}
			if cron, err := schedule.Parse(e.expr); err == nil {
				due = earliest(due, cron.Next(newest))
			}
		}
	}
	deadline := due.Add(backupGrace)
	if !due.IsZero() && st.Running == nil && now.After(deadline) {
		cond.Reason = ReasonBackupStale
		cond.Message = fmt.Sprintf("the newest complete backup, %s, finished %s; the schedule asked for one at %s",
			st.Newest.ID, newest.UTC().Format(time.RFC3339), due.UTC().Format(time.RFC3339))
		return cond, time.Time{}
	}
	cond.Status, cond.Reason = metav1.ConditionTrue, ReasonBackupRecent
	cond.Message = fmt.Sprintf("newest complete backup %s (%s) finished %s", st.Newest.ID, st.Newest.Type, newest.UTC().Format(time.RFC3339))
	if due.IsZero() || st.Running != nil {
		return cond, time.Time{}
	}
	return cond, deadline.Add(time.Second)
}

// earliest is the earlier of two times, where zero is "never".
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}
