package shard

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/controllers/status"
	"github.com/multigres/multigres-operator/internal/multiadmin"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
	"github.com/multigres/multigres-operator/internal/topo"
)

// Reasons of the Restored condition.
const (
	ReasonCopyingRepository = "CopyingRepository"
	ReasonCopyFailed        = "CopyFailed"
	ReasonRestoringPoolers  = "RestoringPoolers"
	ReasonAppointingLeader  = "AppointingLeader"
	ReasonRestoredBackup    = "Restored"
)

// restoreSource is where a restored shard's pods read the source repository in the copy Job.
const restoreSource = "/source"

// restoring says whether s starts from another cluster's backups and has no primary yet.
func restoring(s *v1beta1.Shard) bool {
	return s.Spec.Restore != nil && !conditions.IsTrue(s, v1beta1.ConditionRestored)
}

// restore moves a shard started from another cluster's backups on, one step per reconcile,
// and says whether its pools may run (the repository is copied):
//
//  1. a Job copies the source shard's repository into the shard's own (the source is only
//     read); the pools wait for it;
//  2. every pooler finds the newest complete backup in its repository and restores it, as a
//     standby: the restored data still names the source's poolers as the shard's cohort, so
//     multiorch elects nobody;
//  3. once every pooler of the served pools is in the topology, multiadmin is asked to install
//     a rule naming them (the first as leader) with the database's durability policy, its
//     outgoing rule and frozen position derived from the poolers themselves;
//  4. Restored turns True when a primary serves. It never runs again for the shard.
func (r *Reconciler) restore(ctx context.Context, s *v1beta1.Shard, pools []observedPool, t *topology) (bool, time.Duration, error) {
	cond := metav1.Condition{Type: v1beta1.ConditionRestored, Status: metav1.ConditionFalse}
	from := fmt.Sprintf("MultigresCluster %s's backups (claim %s)", s.Spec.Restore.Cluster, s.Spec.Restore.Claim)
	if t != nil && t.primary != "" {
		cond.Status, cond.Reason, cond.Message = metav1.ConditionTrue, ReasonRestoredBackup, "restored from "+from+"; "+t.primary+" is primary"
		conditions.Set(s, cond)
		return true, 0, nil
	}
	copied, err := r.copyRepository(ctx, s, pools, &cond)
	if err != nil || !copied {
		cond.Message += " (from " + from + ")"
		conditions.Set(s, cond)
		return false, recheck, err
	}
	var want int32
	for _, p := range pools {
		if p.unserved == "" {
			want += ptr.Deref(p.spec.Replicas, resolve.DefaultPoolReplicas)
		}
	}
	if t == nil || int32(len(t.poolers)) < want {
		cond.Reason, cond.Message = ReasonRestoringPoolers, fmt.Sprintf("the poolers restore the newest backup of %s", from)
		conditions.Set(s, cond)
		return true, recheck, nil
	}
	cond.Reason = ReasonAppointingLeader
	cond.Message = "asking multiadmin to appoint a leader among the restored poolers"
	conditions.Set(s, cond)
	return true, recheck, r.appointLeader(ctx, s, t)
}

// copyRepository runs the copy Job and says whether it finished; cond says how it stands. A
// shard whose pools already run copied before (its Job may be gone).
func (r *Reconciler) copyRepository(ctx context.Context, s *v1beta1.Shard, pools []observedPool, cond *metav1.Condition) (bool, error) {
	job := &batchv1.Job{}
	err := r.Get(ctx, client.ObjectKey{Namespace: s.Namespace, Name: names.RestoreJob(s.Name)}, job)
	switch {
	case apierrors.IsNotFound(err):
		if slices.ContainsFunc(pools, func(p observedPool) bool { return p.statefulSet.Generation > 0 }) {
			return true, nil
		}
		cond.Reason, cond.Message = ReasonCopyingRepository, "copying the source repository"
		job = buildRestoreJob(s)
		if err := controllerutil.SetControllerReference(s, job, r.Scheme()); err != nil {
			return false, err
		}
		return false, r.Writer.Create(ctx, s, job)
	case err != nil:
		return false, err
	}
	for _, c := range job.Status.Conditions {
		switch {
		case c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue:
			return true, nil
		case c.Type == batchv1.JobFailed && c.Status == corev1.ConditionTrue:
			cond.Reason, cond.Message = ReasonCopyFailed, status.Truncate("the copy Job "+job.Name+" failed: "+c.Message+
				"; see its pods' logs, fix the cause and delete the Job to copy again", status.MaxMessage)
			return false, nil
		}
	}
	cond.Reason, cond.Message = ReasonCopyingRepository, "copying the source repository (Job "+job.Name+")"
	return false, nil
}

// copyScript copies the source repository (what is in it: the mount point itself is not the
// Job's to change, nor is a file system's lost+found), then drops the WAL archived after the end of its
// newest backup: a restored pooler replays every archived segment, so without this the new
// cluster would hold whatever was archived up to the copy rather than exactly the backup.
// pgBackRest lists the complete backups of a stanza in backup/<stanza>/backup.info, one
// line of JSON each, with the last WAL segment the backup needs (backup-archive-stop); the
// archive holds segments (24 hex digits, then a checksum or a suffix) and timeline history
// files (8 hex digits). Segment names order as WAL does, timeline first. An encrypted
// backup.info cannot be read here, so it fails with that said.
const copyScript = `set -eu
find ` + restoreSource + ` -mindepth 1 -maxdepth 1 ! -name lost+found -exec cp -R -p -t ` + components.BackupDir + ` {} +
stop=$(sed -n 's/.*"backup-archive-stop":"\([0-9A-F]\{24\}\)".*/\1/p' ` + components.BackupDir + `/backup/*/backup.info | sort | tail -n 1)
if [ -z "$stop" ]; then
  echo "the source repository's backup.info lists no complete backup (or is encrypted, which a restore cannot read yet)" >&2
  exit 1
fi
echo "keeping the archive up to $stop, the end of the newest backup"
find ` + components.BackupDir + `/archive -type f | awk -v stop="$stop" '{
  n = $0; sub(/.*\//, "", n)
  if (length(n) >= 24 && substr(n, 1, 24) ~ /^[0-9A-F]+$/ && substr(n, 1, 24) > stop) print
  else if (n ~ /^[0-9A-F]+\.history$/ && substr(n, 1, 8) > substr(stop, 1, 8)) print
}' | xargs -r rm -f
`

// buildRestoreJob copies the source claim's repository into the shard's claim, as the pool
// pods' user, with the Postgres image (which has a shell and cp).
func buildRestoreJob(s *v1beta1.Shard) *batchv1.Job {
	labels := components.Labels(s.Labels, names.ComponentShard, s.Name)
	image := postgresImage(s)
	template := components.PodTemplate(components.Pod{
		Labels: labels,
		User:   components.PostgresUser,
		Containers: []corev1.Container{{
			Name:            "copy",
			Image:           image.Name,
			ImagePullPolicy: image.PullPolicy,
			Command:         []string{"sh", "-c", copyScript},
			VolumeMounts: []corev1.VolumeMount{{Name: "source", MountPath: restoreSource, ReadOnly: true},
				{Name: components.BackupVolume, MountPath: components.BackupDir}},
			SecurityContext: components.ContainerSecurityContext(components.PostgresUser),
		}},
		Volumes: []corev1.Volume{
			{Name: "source", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
				ClaimName: s.Spec.Restore.Claim, ReadOnly: true}}},
			{Name: components.BackupVolume, VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
				ClaimName: names.BackupClaim(s.Name)}}},
		},
		PullSecrets:   s.Spec.Images.ImagePullSecrets,
		RestartPolicy: corev1.RestartPolicyNever,
	})
	return &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: names.RestoreJob(s.Name), Namespace: s.Namespace, Labels: labels},
		Spec:       batchv1.JobSpec{BackoffLimit: ptr.To[int32](3), Template: template},
	}
}

// appointLeader asks multiadmin, at most every appointEvery, to install the restored shard's
// first rule: every pooler of the shard, the first by name leading.
func (r *Reconciler) appointLeader(ctx context.Context, s *v1beta1.Shard, t *topology) error {
	key := types.NamespacedName{Namespace: s.Namespace, Name: s.Name}
	r.mu.Lock()
	last := r.appointed[key]
	if time.Since(last) < appointEvery {
		r.mu.Unlock()
		return nil
	}
	r.appointed[key] = time.Now()
	r.mu.Unlock()
	var cohort []topo.ID
	for _, p := range t.poolers {
		cohort = append(cohort, p.ID)
	}
	slices.SortFunc(cohort, func(a, b topo.ID) int {
		return cmp.Or(strings.Compare(a.Cell, b.Cell), strings.Compare(a.Name, b.Name))
	})
	policy, err := topo.Durability(string(s.Spec.Restore.DurabilityPolicy))
	if err != nil {
		return err
	}
	reason := "restored from MultigresCluster " + s.Spec.Restore.Cluster + "'s backups"
	if err := multiAdmin(s).ApplyRuleChange(ctx, multiadmin.KeyOf(s), cohort[0], cohort, policy, reason); err != nil {
		r.Writer.Events.Eventf(s, nil, corev1.EventTypeWarning, ReasonAppointingLeader, "RuleChange", "%s",
			status.Truncate("appointing "+cohort[0].Name+" leader: "+err.Error(), status.MaxNote))
		return err
	}
	log.FromContext(ctx).Info("Appointed the restored shard's leader", "leader", cohort[0].Name, "cohort", len(cohort))
	r.Writer.Events.Eventf(s, nil, corev1.EventTypeNormal, ReasonAppointingLeader, "RuleChange", "appointed %s leader of the %d restored poolers", cohort[0].Name, len(cohort))
	return nil
}

// appointEvery spaces the requests for a restored shard's first rule.
const appointEvery = 30 * time.Second
