// Package tablegroup runs the shards of a TableGroup: one Shard per index, derived from the
// table group's spec by resolve.Shards. Shards are never deleted by this controller: a shard
// holds data, and lowering the shard count is refused (and reported) instead.
//
// Shards the Multigres images cannot serve are still created (they say why, and run no
// pods); the table group's Supported condition names everything of it that gets no pods, and
// its rollups do not wait for those shards.
package tablegroup

import (
	"context"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/controllers/coalesce"
	"github.com/multigres/multigres-operator/internal/controllers/pause"
	"github.com/multigres/multigres-operator/internal/controllers/reconcileerrors"
	"github.com/multigres/multigres-operator/internal/controllers/status"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// +kubebuilder:rbac:groups=multigres.com,resources=tablegroups/status,verbs=get;patch
// +kubebuilder:rbac:groups=multigres.com,resources=tablegroups/finalizers,verbs=update
// +kubebuilder:rbac:groups=multigres.com,resources=shards,verbs=create;patch

// Reconciler reconciles TableGroups.
type Reconciler struct {
	client.Client
	Writer *children.Writer
	// Limits are what the Multigres images serve.
	Limits limits.Limits
}

// Setup registers the TableGroup controller with the manager.
func Setup(mgr ctrl.Manager, lim limits.Limits) error {
	r := &Reconciler{Client: mgr.GetClient(), Writer: children.NewWriter(mgr), Limits: lim}
	owned := coalesce.OwnedBy(mgr, &v1beta1.TableGroup{})
	return ctrl.NewControllerManagedBy(mgr).
		Named("tablegroup").
		For(&v1beta1.TableGroup{}, builder.WithPredicates(status.NotStatusOnly())).
		Watches(&v1beta1.Shard{}, owned).
		// Reconciled again when their cluster is paused or resumed (internal/controllers/pause).
		Watches(&v1beta1.MultigresCluster{}, pause.Resumed(mgr.GetClient(), &v1beta1.TableGroupList{}), pause.Toggled()).
		Complete(reconcileerrors.Counted("TableGroup", r))
}

// Reconcile ensures the table group's shards and rolls their readiness up.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	tg := &v1beta1.TableGroup{}
	if err := r.Get(ctx, req.NamespacedName, tg); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if tg.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	if paused, err := pause.Paused(ctx, r.Client, tg); paused || err != nil {
		return ctrl.Result{}, err
	}
	before := tg.DeepCopy()
	owned, err := r.ownedShards(ctx, tg)
	if err != nil {
		return ctrl.Result{}, err
	}
	desired := resolve.Shards(tg)
	keepKeyRanges(desired, owned)
	objs := make([]client.Object, len(desired))
	for i := range desired {
		objs[i] = &desired[i]
	}
	_, err = r.Writer.Sync(ctx, tg, objs) // nothing pruned: shards are never removed (status says so)
	errs := []error{err}
	setStatus(tg, desired, owned, r.Limits.TableGroupSpec(&tg.Spec))
	errs = append(errs, status.Patch(ctx, r.Client, before, tg))
	return ctrl.Result{}, kerrors.NewAggregate(errs)
}

// keepKeyRanges keeps the key range an existing shard was created with: a new shard count
// renames no live shard (Multigres cannot move a shard's data to another range). Shards
// named by index before key ranges were used take their range.
func keepKeyRanges(desired, owned []v1beta1.Shard) {
	existing := map[string]string{}
	for _, s := range owned {
		if strings.Contains(s.Spec.ShardName, "-") {
			existing[s.Name] = s.Spec.ShardName
		}
	}
	for i := range desired {
		if keyRange, ok := existing[desired[i].Name]; ok {
			desired[i].Spec.ShardName = keyRange
			desired[i].Labels[v1beta1.LabelShard] = keyRange
		}
	}
}

// ownedShards are the Shards tg controls, from the cache.
func (r *Reconciler) ownedShards(ctx context.Context, tg *v1beta1.TableGroup) ([]v1beta1.Shard, error) {
	list := &v1beta1.ShardList{}
	if err := r.List(ctx, list, client.InNamespace(tg.Namespace)); err != nil {
		return nil, err
	}
	var owned []v1beta1.Shard
	for _, s := range list.Items {
		if metav1.IsControlledBy(&s, tg) {
			owned = append(owned, s)
		}
	}
	return owned, nil
}
