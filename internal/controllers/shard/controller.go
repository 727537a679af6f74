// Package shard runs a Shard's pools: per pool a StatefulSet of pods with two containers
// (postgres run by pgctld, and multipooler), a headless Service that names the pods and a
// PodDisruptionBudget. Data volumes come from the StatefulSet's claim template; they grow
// with the spec and are never shrunk or deleted by this controller. Which pod is primary it
// reads from the Multigres topology (topology.go): status, pod role labels, an Event.
//
// A shard or pool the Multigres images cannot serve (internal/limits) gets no pods: its
// StatefulSet is not created or, when it exists from before, is scaled to 0 with its claims
// kept, and the shard's Supported condition says why.
package shard

import (
	"context"
	"fmt"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/controllers/coalesce"
	"github.com/multigres/multigres-operator/internal/controllers/pause"
	"github.com/multigres/multigres-operator/internal/controllers/reconcileerrors"
	"github.com/multigres/multigres-operator/internal/controllers/status"
	"github.com/multigres/multigres-operator/internal/controllers/topowatch"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/names"
)

// +kubebuilder:rbac:groups=multigres.com,resources=shards/status,verbs=get;patch
// +kubebuilder:rbac:groups=multigres.com,resources=shards/finalizers,verbs=update
// +kubebuilder:rbac:groups=apps,resources=statefulsets,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=core,resources=services,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=core,resources=persistentvolumeclaims,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups=core,resources=configmaps,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups=core,resources=pods,verbs=get;list;watch;patch;delete
// +kubebuilder:rbac:groups=core,resources=secrets,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups=batch,resources=jobs,verbs=get;list;watch;create

// kind names Shards to the topology watches.
const kind = "Shard"

// Reconciler reconciles Shards.
type Reconciler struct {
	client.Client
	Writer *children.Writer
	// Limits are what the Multigres images serve; the rest gets no pods.
	Limits limits.Limits
	// Topology follows the poolers of the shards' cells in the Multigres topology.
	Topology *topowatch.Watches

	mu sync.Mutex
	// switches are the switchovers asked for, by shard, until a new primary shows.
	switches map[types.NamespacedName]switchover
	// appointed are when a restored shard's first leader was last asked for.
	appointed map[types.NamespacedName]time.Time
	// reported are the primaries last reported (Event, metric), by shard: a reconcile that
	// read a stale Shard from the cache would report the same change again.
	reported map[types.NamespacedName]string
}

// Setup registers the Shard controller with the manager.
func Setup(mgr ctrl.Manager, lim limits.Limits, topology *topowatch.Watches) error {
	r := &Reconciler{Client: mgr.GetClient(), Writer: children.NewWriter(mgr), Limits: lim, Topology: topology,
		switches: map[types.NamespacedName]switchover{}, appointed: map[types.NamespacedName]time.Time{},
		reported: map[types.NamespacedName]string{}}
	owned := coalesce.OwnedBy(mgr, &v1beta1.Shard{})
	return ctrl.NewControllerManagedBy(mgr).
		Named("shard").
		For(&v1beta1.Shard{}, builder.WithPredicates(status.NotStatusOnly())).
		Watches(&appsv1.StatefulSet{}, owned).
		Watches(&corev1.Service{}, owned).
		Watches(&policyv1.PodDisruptionBudget{}, owned).
		Watches(&corev1.ConfigMap{}, owned).
		Watches(&batchv1.Job{}, owned).
		// Reconciled again when their cluster is paused or resumed (internal/controllers/pause).
		Watches(&v1beta1.MultigresCluster{}, pause.Resumed(mgr.GetClient(), &v1beta1.ShardList{}), pause.Toggled()).
		// Reconciled again when the topology of one of its cells changes (a failover).
		WatchesRawSource(topology.Source(kind)).
		// Reconciled again when a MultigresBackup of it finishes, to read the new backup.
		Watches(&v1beta1.MultigresBackup{}, handler.EnqueueRequestsFromMapFunc(backedUpShards)).
		Complete(reconcileerrors.Counted(kind, r))
}

// forget drops what the reconciler remembers of a shard that is gone: its switchover, its
// last leader appointment and its last reported primary.
func (r *Reconciler) forget(key types.NamespacedName) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.switches, key)
	delete(r.appointed, key)
	delete(r.reported, key)
}

// backedUpShards are the Shards a finished MultigresBackup backed up.
func backedUpShards(_ context.Context, obj client.Object) []reconcile.Request {
	b, ok := obj.(*v1beta1.MultigresBackup)
	if !ok || b.Status.Finished == nil {
		return nil
	}
	var out []reconcile.Request
	for _, p := range b.Status.Shards {
		out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: b.Namespace, Name: p.Shard}})
	}
	return out
}

// observedPool is a pool: what its spec asks for, and its StatefulSet as it runs (empty until
// it exists).
type observedPool struct {
	name        string
	spec        v1beta1.PoolSpec
	want        poolObjects
	statefulSet *appsv1.StatefulSet
	// unserved says why the pool gets no pods (the images cannot serve it); empty when it runs.
	unserved string
}

// Reconcile brings the shard's pools to its spec and reports them in its status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	s := &v1beta1.Shard{}
	if err := r.Get(ctx, req.NamespacedName, s); err != nil || s.DeletionTimestamp != nil {
		r.Topology.Forget(topowatch.User(kind, req.NamespacedName))
		forgetBackupMetrics(req.Namespace, req.Name)
		r.forget(req.NamespacedName)
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused, err := pause.Paused(ctx, r.Client, s); paused || err != nil {
		return ctrl.Result{}, err
	}
	before := s.DeepCopy()
	var errs []error
	unserved := r.Limits.ShardSpec(&s.Spec)
	pools, duplicates := r.pools(s, unserved)
	if err := r.observe(ctx, s, pools); err != nil {
		return ctrl.Result{}, err
	}
	t := r.readTopology(s, pools)
	pods, err := r.listPods(ctx, s, pools)
	if err != nil {
		return ctrl.Result{}, err
	}
	next, planErr := r.nextStep(ctx, s, pools, pods, t)
	errs = append(errs, planErr)
	copied, restoreWake := true, time.Duration(0)
	if restoring(s) {
		var err error
		copied, restoreWake, err = r.restore(ctx, s, pools, t)
		errs = append(errs, err)
	}
	if err := r.sync(ctx, s, pools, t, len(unserved) == 0, copied); err != nil {
		errs = append(errs, err)
	}
	if err := r.labelRoles(ctx, pools, pods, t); err != nil {
		errs = append(errs, err)
	}
	requeue := recheck
	if planErr == nil {
		requeue, err = r.act(ctx, s, pods, next)
		errs = append(errs, err)
	}
	setStatus(s, pools, duplicates, unserved)
	setTopologyStatus(s, pools, t)
	setRollingUpdate(s, next)
	for _, wake := range []time.Duration{r.reconcileBackups(ctx, s, t), restoreWake} {
		if wake > 0 && (requeue == 0 || wake < requeue) {
			requeue = wake
		}
	}
	if err := status.Patch(ctx, r.Client, before, s); err != nil {
		errs = append(errs, err)
	} else {
		r.reportPrimaryChange(s, before.Status.Primary)
	}
	return ctrl.Result{RequeueAfter: requeue}, kerrors.NewAggregate(errs)
}

// pools are the shard's pools by name. Two pools with the same cell and type would be one
// StatefulSet: the first wins and the others are reported. In a shard the images cannot
// serve (shardUnserved), no pool is served.
func (r *Reconciler) pools(s *v1beta1.Shard, shardUnserved []string) ([]observedPool, []string) {
	var pools []observedPool
	var duplicates []string
	seen := map[string]bool{}
	for _, p := range s.Spec.Pools {
		name := PoolName(s.Name, p)
		if seen[name] {
			duplicates = append(duplicates, fmt.Sprintf("%s/%s", p.Cell, p.Type))
			continue
		}
		seen[name] = true
		unserved := r.Limits.PoolType(p.Type)
		if len(shardUnserved) > 0 {
			unserved = "the shard gets no pods"
		}
		pools = append(pools, observedPool{name: name, spec: p, want: buildPool(s, p), statefulSet: &appsv1.StatefulSet{}, unserved: unserved})
	}
	return pools, duplicates
}

// observe reads each pool's StatefulSet (left empty when it does not exist yet).
func (r *Reconciler) observe(ctx context.Context, s *v1beta1.Shard, pools []observedPool) error {
	for i := range pools {
		err := r.Get(ctx, client.ObjectKey{Namespace: s.Namespace, Name: pools[i].name}, pools[i].statefulSet)
		if client.IgnoreNotFound(err) != nil {
			return err
		}
	}
	return nil
}

// sync writes the shard's objects with children.Writer.Sync (pools no longer in the spec are
// deleted once the rest is in place; their StatefulSet's retention policy decides what happens
// to their volumes, by default they stay; a scale-down waits while it would remove the
// primary, as t shows it), then grows the served pools' claims. served says
// whether the shard runs pods at all: only then does it get what its pods share; withPools
// false holds the pools back (a restored shard's repository is still being copied).
func (r *Reconciler) sync(ctx context.Context, s *v1beta1.Shard, pools []observedPool, t *topology, served, withPools bool) error {
	var desired []client.Object
	if served {
		if err := r.ensureBackupClaim(ctx, s); err != nil {
			return err
		}
		if err := r.ensureBackupTLS(ctx, s, pools); err != nil {
			return err
		}
		desired = append(desired, components.PgctldConfig(names.PgctldConfig(s.Name), s.Namespace,
			components.Labels(s.Labels, names.ComponentShard, s.Name)))
	}
	for _, p := range pools {
		if !withPools {
			break // a restored shard's repository is still being copied
		}
		exists := p.statefulSet.Generation > 0
		obj := p.want
		if exists {
			// Claim templates are immutable: keep them as created; growClaims resizes the claims.
			obj.statefulSet.Spec.VolumeClaimTemplates = p.statefulSet.Spec.VolumeClaimTemplates
		}
		switch {
		case p.unserved == "":
			keepPrimary(obj.statefulSet, p, t)
		case exists:
			scaleDown(obj.statefulSet)
		default:
			continue // nothing is created for a pool the images cannot serve
		}
		desired = append(desired, obj.service, obj.statefulSet, obj.pdb)
	}
	if _, err := r.Writer.Sync(ctx, s, desired,
		&policyv1.PodDisruptionBudgetList{}, &appsv1.StatefulSetList{}, &corev1.ServiceList{}); err != nil {
		return err
	}
	var errs []error
	for i := range pools {
		if pools[i].unserved == "" {
			errs = append(errs, r.growClaims(ctx, s, &pools[i]))
		}
	}
	return kerrors.NewAggregate(errs)
}

// scaleDown runs no pods for a pool the images cannot serve, whose StatefulSet exists from
// before (an operator or flag that served it): it is scaled to 0 rather than deleted, so its
// claims stay (whatever whenScaled says) for when the pool is served again.
func scaleDown(sts *appsv1.StatefulSet) {
	sts.Spec.Replicas = ptr.To[int32](0)
	if sts.Spec.PersistentVolumeClaimRetentionPolicy == nil {
		sts.Spec.PersistentVolumeClaimRetentionPolicy = &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
			WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType}
	}
	sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled = appsv1.RetainPersistentVolumeClaimRetentionPolicyType
}

// ensureBackupClaim creates the shard's filesystem backup repository, which every pod of the
// shard shares. The claim is only ever created: its spec is fixed once bound, and it is deleted with
// the shard only when the pools delete their data too.
func (r *Reconciler) ensureBackupClaim(ctx context.Context, s *v1beta1.Shard) error {
	if b := s.Spec.Backup; b != nil && b.S3 != nil {
		return nil // the repository is a bucket
	}
	claim, owned := backupClaim(s)
	err := r.Get(ctx, client.ObjectKeyFromObject(claim), &corev1.PersistentVolumeClaim{})
	if !apierrors.IsNotFound(err) {
		return err
	}
	if owned {
		if err := controllerutil.SetControllerReference(s, claim, r.Scheme()); err != nil {
			return err
		}
	}
	return r.Writer.Create(ctx, s, claim)
}
