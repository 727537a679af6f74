package shard

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/status"
	"github.com/multigres/multigres-operator/internal/multiadmin"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/topo"
)

// reconcileBackups runs the shard's backup schedule through multiadmin (one backup at a time;
// expiry after each success; verifications), reads back the repository's newest backup, and
// reports all of it in status.backup, the BackupHealthy condition and Events. It does nothing
// until the shard has a primary: there is nothing to back up before, and simulated clusters
// never have one. It returns when to look again, 0 for not on its account.
func (r *Reconciler) reconcileBackups(ctx context.Context, s *v1beta1.Shard, t *topology) time.Duration {
	if s.Spec.Backup == nil || t == nil || t.primary == "" {
		return 0
	}
	now := time.Now()
	if s.Status.Backup == nil {
		s.Status.Backup = &v1beta1.ShardBackupStatus{}
	}
	b := backupRun{r: r, s: s, st: s.Status.Backup, admin: multiAdmin(s), key: multiadmin.KeyOf(s), now: now,
		refresh: s.Status.Backup.Listed == nil || r.backedUpOnDemand(ctx, s)}
	wake := b.follow(ctx)
	plan := planBackups(s.Spec.Backup.Schedule, b.st, s.CreationTimestamp.Time, now)
	wake = earliest(wake, plan.wake)
	if plan.start != "" {
		wake = earliest(wake, b.start(ctx, plan))
	}
	if plan.verify {
		b.verify(ctx)
		plan.record(false)
	}
	if b.refresh && !b.list(ctx) {
		wake = earliest(wake, now.Add(time.Minute))
	}
	if b.st.Listed != nil { // no verdict before anything is known of the repository
		recordBackupNewest(s)
		health, stale := backupHealth(s.Spec.Backup.Schedule, b.st, now)
		conditions.Set(s, health)
		wake = earliest(wake, stale)
	}
	if wake.IsZero() {
		return 0
	}
	return max(wake.Sub(now), time.Second)
}

// backedUpOnDemand says whether a MultigresBackup took a backup of s since its backups were
// last listed.
func (r *Reconciler) backedUpOnDemand(ctx context.Context, s *v1beta1.Shard) bool {
	backups := &v1beta1.MultigresBackupList{}
	if err := r.List(ctx, backups, client.InNamespace(s.Namespace)); err != nil {
		return false
	}
	for _, b := range backups.Items {
		if b.Status.Finished == nil || !s.Status.Backup.Listed.Before(b.Status.Finished) {
			continue
		}
		for _, p := range b.Status.Shards {
			if p.Shard == s.Name && ptr.Deref(p.Succeeded, false) {
				return true
			}
		}
	}
	return false
}

// backupRun is one reconcile's work on a shard's backups.
type backupRun struct {
	r     *Reconciler
	s     *v1beta1.Shard
	st    *v1beta1.ShardBackupStatus
	admin multiadmin.Client
	key   topo.ShardKey
	now   time.Time
	// refresh: the repository changed (or was never read); read its backups again.
	refresh bool
}

// follow asks multiadmin about the running backup and, once it ended, records how, and
// expires what the retention no longer keeps; it returns when to ask again.
func (b *backupRun) follow(ctx context.Context) time.Time {
	run := b.st.Running
	if run == nil {
		return time.Time{}
	}
	job, err := b.admin.JobStatus(ctx, b.key, run.JobID)
	if err != nil || !job.Done() {
		if err != nil {
			log.FromContext(ctx).Info("Cannot follow the running backup; asking again", "job", run.JobID, "error", err.Error())
		}
		return b.now.Add(backupPoll)
	}
	b.st.Running, b.refresh = nil, true
	if job.Status != multiadmin.JobCompleted {
		b.fail(fmt.Sprintf("%s backup %s failed: %s", run.Type, run.JobID, job.ErrorMessage))
		countBackupOperation(b.s, "backup", errors.New(job.ErrorMessage))
		return time.Time{}
	}
	countBackupOperation(b.s, "backup", nil)
	b.event(corev1.EventTypeNormal, ReasonBackupSucceeded, "Backup", "%s backup %s finished (job %s)", run.Type, job.BackupID, run.JobID)
	expired, err := b.admin.Expire(ctx, b.key, retention(b.s.Spec.Backup.Retention))
	countBackupOperation(b.s, "expire", err)
	if err != nil {
		b.fail(fmt.Sprintf("expiring backups after %s: %v", job.BackupID, err))
	} else if len(expired) > 0 {
		b.event(corev1.EventTypeNormal, ReasonBackupsExpired, "Expire", "expired %s", strings.Join(expired, ", "))
	}
	return time.Time{}
}

// start asks multiadmin for the plan's backup; the plan's backup times are recorded once it
// runs. A refusal is recorded once and retried a minute later, until the schedule's next time
// replaces the missed one.
func (b *backupRun) start(ctx context.Context, plan backupPlan) time.Time {
	id, err := b.admin.StartBackup(ctx, b.key, string(plan.start))
	if err != nil {
		countBackupOperation(b.s, "backup", err)
		b.fail(fmt.Sprintf("starting a scheduled %s backup: %v", plan.start, err))
		return b.now.Add(time.Minute)
	}
	plan.record(true)
	b.st.Running = &v1beta1.BackupRun{JobID: id, Type: plan.start, Started: metav1.NewTime(b.now)}
	b.event(corev1.EventTypeNormal, ReasonBackupStarted, "Backup", "scheduled %s backup started (job %s)", plan.start, id)
	return b.now.Add(backupPoll)
}

// verify runs pgBackRest verify over the repository.
func (b *backupRun) verify(ctx context.Context) {
	out, err := b.admin.Verify(ctx, b.key)
	countBackupOperation(b.s, "verify", err)
	v := &v1beta1.BackupVerification{Time: metav1.NewTime(b.now), Succeeded: err == nil, Message: status.Truncate(strings.TrimSpace(out), status.MaxMessage)}
	if err != nil {
		v.Message = status.Truncate(err.Error(), status.MaxMessage)
		b.event(corev1.EventTypeWarning, ReasonVerificationFailed, "Verify", "%s", v.Message)
	} else {
		b.event(corev1.EventTypeNormal, ReasonVerificationSucceeded, "Verify", "every backup and WAL file checked out")
	}
	b.st.LastVerification = v
}

// list reads the repository's backups: the newest complete one and how many there are. An
// unreachable multiadmin leaves what was known (false: to be read again).
func (b *backupRun) list(ctx context.Context) bool {
	backups, err := b.admin.Backups(ctx, b.key)
	if err != nil {
		log.FromContext(ctx).Info("Cannot list the shard's backups", "error", err.Error())
		return false
	}
	b.st.Complete, b.st.Newest, b.st.Listed = 0, nil, &metav1.Time{Time: b.now}
	for _, backup := range backups {
		if !backup.Complete() {
			continue
		}
		b.st.Complete++
		if b.st.Newest == nil || !backup.Stopped.Before(b.st.Newest.Finished.Time) {
			b.st.Newest = &v1beta1.BackupInfo{ID: backup.ID, Type: v1beta1.BackupType(backup.Type),
				Finished: &metav1.Time{Time: backup.Stopped}, SizeBytes: backup.Size(), Location: location(b.s)}
		}
	}
	return true
}

// fail records a failed backup operation with a warning Event; the same failure seen again
// before any backup succeeded is not recorded twice.
func (b *backupRun) fail(msg string) {
	msg = status.Truncate(msg, status.MaxMessage)
	if f := b.st.LastFailure; f != nil && f.Message == msg && (b.st.Newest == nil || !f.Time.Before(b.st.Newest.Finished)) {
		return
	}
	b.st.LastFailure = &v1beta1.BackupFailure{Time: metav1.NewTime(b.now), Message: msg}
	b.event(corev1.EventTypeWarning, ReasonBackupFailed, "Backup", "%s", msg)
}

func (b *backupRun) event(eventType, reason, action, format string, args ...any) {
	b.r.Writer.Events.Eventf(b.s, nil, eventType, reason, action, "%s", status.Truncate(fmt.Sprintf(format, args...), status.MaxNote))
}

// retention is a BackupRetention as the pgBackRest options multiadmin's expiry takes, for the
// shard's one repository (repo1).
func retention(r *v1beta1.BackupRetention) map[string]string {
	switch {
	case r != nil && r.FullBackupDays != nil:
		return map[string]string{"repo1-retention-full-type": "time", "repo1-retention-full": strconv.Itoa(int(*r.FullBackupDays))}
	case r != nil && r.FullBackups != nil:
		return map[string]string{"repo1-retention-full-type": "count", "repo1-retention-full": strconv.Itoa(int(*r.FullBackups))}
	}
	return nil
}

// location names the shard's repository in status: its claim or its bucket.
func location(s *v1beta1.Shard) string {
	if b := s.Spec.Backup; b.S3 != nil {
		return "s3://" + b.S3.Bucket + "/" + strings.TrimPrefix(b.S3.Path, "/")
	}
	return "persistentvolumeclaim/" + names.BackupClaim(s.Name)
}
