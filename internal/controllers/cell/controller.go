// Package cell runs a Cell: its multigateway Deployment and Service, its multiorch
// Deployment and its managed local TopoServer if it has one. (The MultigresCluster
// controller registers the cell in the global topology.) It also removes from the cell's
// topology the records of poolers gone for good (prune.go).
package cell

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/controllers/coalesce"
	"github.com/multigres/multigres-operator/internal/controllers/pause"
	"github.com/multigres/multigres-operator/internal/controllers/reconcileerrors"
	"github.com/multigres/multigres-operator/internal/controllers/status"
	"github.com/multigres/multigres-operator/internal/controllers/topowatch"
)

// +kubebuilder:rbac:groups=multigres.com,resources=cells/status,verbs=get;patch
// +kubebuilder:rbac:groups=multigres.com,resources=cells/finalizers,verbs=update
// +kubebuilder:rbac:groups=multigres.com,resources=toposervers,verbs=create;patch;delete
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups=core,resources=services,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups=apps,resources=statefulsets,verbs=get
// +kubebuilder:rbac:groups=core,resources=pods,verbs=get;list;watch

// kind names Cells to the topology watches.
const kind = "Cell"

// Reconciler reconciles Cells.
type Reconciler struct {
	client.Client
	// APIReader reads around the cache, where a stale read could lose data.
	APIReader client.Reader
	Writer    *children.Writer
	// Topology follows the cells' poolers, to prune the records of the ones gone for good.
	Topology *topowatch.Watches
}

// Setup registers the Cell controller with the manager.
func Setup(mgr ctrl.Manager, topology *topowatch.Watches) error {
	r := &Reconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Writer: children.NewWriter(mgr), Topology: topology}
	owned := coalesce.OwnedBy(mgr, &v1beta1.Cell{})
	return ctrl.NewControllerManagedBy(mgr).
		Named("cell").
		For(&v1beta1.Cell{}, builder.WithPredicates(status.NotStatusOnly())).
		Watches(&appsv1.Deployment{}, owned).
		Watches(&corev1.Service{}, owned).
		Watches(&v1beta1.TopoServer{}, owned).
		// Reconciled again when their cluster is paused or resumed (internal/controllers/pause).
		Watches(&v1beta1.MultigresCluster{}, pause.Resumed(mgr.GetClient(), &v1beta1.CellList{}), pause.Toggled()).
		// Reconciled again when the cell's poolers change or a pool pod of the cell is deleted,
		// to prune the records of poolers gone for good.
		WatchesRawSource(topology.Source(kind)).
		Watches(&corev1.Pod{}, handler.EnqueueRequestsFromMapFunc(poolPodCell), builder.WithPredicates(deletedOnly)).
		Complete(reconcileerrors.Counted(kind, r))
}

// observed is what the cell's children report, from the cache; empty objects until they exist.
type observed struct {
	gateway, orch *appsv1.Deployment
	topoServer    *v1beta1.TopoServer
}

// Reconcile brings the cell's components to its spec and reports them in its status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	c := &v1beta1.Cell{}
	if err := r.Get(ctx, req.NamespacedName, c); err != nil || c.DeletionTimestamp != nil {
		r.Topology.Forget(topowatch.User(kind, req.NamespacedName))
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if paused, err := pause.Paused(ctx, r.Client, c); paused || err != nil {
		return ctrl.Result{}, err
	}
	before := c.DeepCopy()
	obj := build(c)
	errs := []error{r.ensure(ctx, c, obj), r.prune(ctx, c)}
	seen, err := r.observe(ctx, c, obj)
	if err == nil {
		setStatus(c, obj, seen)
	}
	errs = append(errs, err, status.Patch(ctx, r.Client, before, c))
	return ctrl.Result{}, kerrors.NewAggregate(errs)
}

// ensure writes the cell's children and deletes the ones it no longer has: the local topo
// server when the cell stops managing one (its volumes follow its retention policy).
func (r *Reconciler) ensure(ctx context.Context, c *v1beta1.Cell, obj objects) error {
	desired := []client.Object{obj.gatewayService, obj.gateway, obj.orch}
	if obj.topoServer != nil {
		desired = append(desired, obj.topoServer)
	}
	_, err := r.Writer.Sync(ctx, c, desired, &v1beta1.TopoServerList{})
	return err
}

// observe reads the children from the cache.
func (r *Reconciler) observe(ctx context.Context, c *v1beta1.Cell, obj objects) (observed, error) {
	o := observed{gateway: &appsv1.Deployment{}, orch: &appsv1.Deployment{}}
	get := func(name string, into client.Object) error {
		return client.IgnoreNotFound(r.Get(ctx, client.ObjectKey{Namespace: c.Namespace, Name: name}, into))
	}
	errs := []error{get(obj.gateway.Name, o.gateway), get(obj.orch.Name, o.orch)}
	if obj.topoServer != nil {
		o.topoServer = &v1beta1.TopoServer{}
		errs = append(errs, get(obj.topoServer.Name, o.topoServer))
	}
	return o, kerrors.NewAggregate(errs)
}
