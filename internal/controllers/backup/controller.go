// Package backup runs MultigresBackups: one backup of each of a cluster's shards (or one
// database's; shards the Multigres images cannot serve hold no data and are left out), asked of the cluster's multiadmin once every shard has a primary, followed
// until each ends, and reported in the MultigresBackup's status and Events. A finished
// MultigresBackup is never acted on again. Scheduled backups are the Shard controller's.
package backup

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/controllers/reconcileerrors"
	"github.com/multigres/multigres-operator/internal/controllers/status"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/multiadmin"
)

// +kubebuilder:rbac:groups=multigres.com,resources=multigresbackups/status,verbs=get;patch

// Reasons of the Succeeded condition, also those of the Events.
const (
	ReasonPending   = "Pending"
	ReasonRunning   = "Running"
	ReasonSucceeded = "Succeeded"
	ReasonFailed    = "Failed"
)

// poll is how often running backups are asked about, and a pending one looks again.
const poll = 10 * time.Second

// Reconciler reconciles MultigresBackups.
type Reconciler struct {
	client.Client
	Events events.EventRecorder
}

// Setup registers the MultigresBackup controller with the manager.
func Setup(mgr ctrl.Manager) error {
	r := &Reconciler{Client: mgr.GetClient(), Events: mgr.GetEventRecorder(children.FieldOwner)}
	return ctrl.NewControllerManagedBy(mgr).
		Named("multigresbackup").
		For(&v1beta1.MultigresBackup{}, builder.WithPredicates(status.NotStatusOnly())).
		Complete(reconcileerrors.Counted("MultigresBackup", r))
}

// Reconcile moves the backup on: waits for primaries, starts the shards' backups, follows them.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	b := &v1beta1.MultigresBackup{}
	if err := r.Get(ctx, req.NamespacedName, b); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if b.Status.Finished != nil {
		return ctrl.Result{}, nil
	}
	before := b.DeepCopy()
	var wait time.Duration
	var err error
	if b.Status.Started == nil {
		wait, err = r.start(ctx, b)
	} else {
		wait = r.follow(ctx, b)
	}
	if err != nil {
		return ctrl.Result{}, err
	}
	if err := status.Patch(ctx, r.Client, before, b); err != nil {
		return ctrl.Result{}, err
	}
	return ctrl.Result{RequeueAfter: wait}, nil
}

// start asks multiadmin for a backup of every shard, once each has a primary.
func (r *Reconciler) start(ctx context.Context, b *v1beta1.MultigresBackup) (time.Duration, error) {
	labels := client.MatchingLabels{v1beta1.LabelCluster: b.Spec.ClusterName}
	if b.Spec.Database != "" {
		labels[v1beta1.LabelDatabase] = b.Spec.Database
	}
	shards := &v1beta1.ShardList{}
	if err := r.List(ctx, shards, client.InNamespace(b.Namespace), labels); err != nil {
		return 0, err
	}
	// Shards the Multigres images cannot serve run no pods and hold no data.
	shards.Items = slices.DeleteFunc(shards.Items, func(s v1beta1.Shard) bool {
		c := conditions.Get(&s, v1beta1.ConditionAvailable)
		return c != nil && c.Reason == limits.ReasonUnsupported
	})
	if len(shards.Items) == 0 {
		err := r.Get(ctx, client.ObjectKey{Namespace: b.Namespace, Name: b.Spec.ClusterName}, &v1beta1.MultigresCluster{})
		switch {
		case apierrors.IsNotFound(err):
			r.finish(b, fmt.Sprintf("there is no MultigresCluster %q in namespace %s", b.Spec.ClusterName, b.Namespace))
		case err == nil:
			r.finish(b, fmt.Sprintf("MultigresCluster %s has no shards%s", b.Spec.ClusterName, inDatabase(b)))
		default:
			return 0, err
		}
		return 0, nil
	}
	var waiting []string
	for i := range shards.Items {
		if !conditions.IsTrue(&shards.Items[i], v1beta1.ConditionServingWrites) {
			waiting = append(waiting, shards.Items[i].Name)
		}
	}
	if len(waiting) > 0 {
		slices.Sort(waiting)
		conditions.Set(b, metav1.Condition{Type: v1beta1.ConditionSucceeded, Status: metav1.ConditionUnknown, Reason: ReasonPending,
			Message: "waiting for a serving primary in Shard " + strings.Join(waiting, ", ")})
		return poll, nil
	}
	admin := multiadmin.ForCluster(b.Namespace, b.Spec.ClusterName)
	b.Status.Started = ptr.To(metav1.Now())
	for i := range shards.Items {
		s := &shards.Items[i]
		progress := v1beta1.ShardBackupProgress{Shard: s.Name}
		id, err := admin.StartBackup(ctx, multiadmin.KeyOf(s), string(b.Spec.Type))
		if err != nil {
			progress.Succeeded, progress.Message = ptr.To(false), status.Truncate(err.Error(), status.MaxMessage)
		}
		progress.JobID = id
		b.Status.Shards = append(b.Status.Shards, progress)
	}
	slices.SortFunc(b.Status.Shards, func(a, b v1beta1.ShardBackupProgress) int { return strings.Compare(a.Shard, b.Shard) })
	r.Events.Eventf(b, nil, corev1.EventTypeNormal, ReasonRunning, "Backup", "%s backup of %d shard(s) started", b.Spec.Type, len(b.Status.Shards))
	return r.follow(ctx, b), nil
}

// follow asks multiadmin about each running backup and finishes b once all ended.
func (r *Reconciler) follow(ctx context.Context, b *v1beta1.MultigresBackup) time.Duration {
	admin := multiadmin.ForCluster(b.Namespace, b.Spec.ClusterName)
	var running, failed []string
	for i := range b.Status.Shards {
		p := &b.Status.Shards[i]
		if p.Succeeded == nil {
			shard := &v1beta1.Shard{}
			var job multiadmin.Job
			err := r.Get(ctx, client.ObjectKey{Namespace: b.Namespace, Name: p.Shard}, shard)
			if err == nil {
				job, err = admin.JobStatus(ctx, multiadmin.KeyOf(shard), p.JobID)
			}
			switch {
			case apierrors.IsNotFound(err):
				p.Succeeded, p.Message = ptr.To(false), "the Shard was deleted"
			case err != nil || !job.Done():
			case job.Status == multiadmin.JobCompleted:
				p.Succeeded, p.BackupID = ptr.To(true), job.BackupID
			default:
				p.Succeeded, p.Message = ptr.To(false), status.Truncate(job.ErrorMessage, status.MaxMessage)
			}
		}
		switch {
		case p.Succeeded == nil:
			running = append(running, p.Shard)
		case !*p.Succeeded:
			failed = append(failed, fmt.Sprintf("%s: %s", p.Shard, p.Message))
		}
	}
	if len(running) > 0 {
		conditions.Set(b, metav1.Condition{Type: v1beta1.ConditionSucceeded, Status: metav1.ConditionUnknown, Reason: ReasonRunning,
			Message: fmt.Sprintf("%d of %d shard backups running: %s", len(running), len(b.Status.Shards), strings.Join(running, ", "))})
		return poll
	}
	r.finish(b, strings.Join(failed, "; "))
	return 0
}

// finish ends b: succeeded when failure is empty.
func (r *Reconciler) finish(b *v1beta1.MultigresBackup, failure string) {
	b.Status.Finished = ptr.To(metav1.Now())
	if failure != "" {
		conditions.Set(b, metav1.Condition{Type: v1beta1.ConditionSucceeded, Status: metav1.ConditionFalse, Reason: ReasonFailed,
			Message: status.Truncate(failure, status.MaxMessage)})
		r.Events.Eventf(b, nil, corev1.EventTypeWarning, ReasonFailed, "Backup", "%s", status.Truncate(failure, status.MaxNote))
		return
	}
	msg := fmt.Sprintf("%s backup of %d shard(s) finished", b.Spec.Type, len(b.Status.Shards))
	conditions.Set(b, metav1.Condition{Type: v1beta1.ConditionSucceeded, Status: metav1.ConditionTrue, Reason: ReasonSucceeded, Message: msg})
	r.Events.Eventf(b, nil, corev1.EventTypeNormal, ReasonSucceeded, "Backup", "%s", msg)
}

func inDatabase(b *v1beta1.MultigresBackup) string {
	if b.Spec.Database == "" {
		return ""
	}
	return " in database " + b.Spec.Database
}
