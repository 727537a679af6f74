// Package toposerver runs a managed etcd cluster for a TopoServer: a StatefulSet of members
// that bootstrap statically, a client Service, a headless peer Service and a
// PodDisruptionBudget that keeps quorum.
package toposerver

import (
	"context"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/controllers/coalesce"
	"github.com/multigres/multigres-operator/internal/controllers/pause"
	"github.com/multigres/multigres-operator/internal/controllers/reconcileerrors"
	"github.com/multigres/multigres-operator/internal/controllers/status"
)

// +kubebuilder:rbac:groups=multigres.com,resources=toposervers/status,verbs=get;patch
// +kubebuilder:rbac:groups=multigres.com,resources=toposervers/finalizers,verbs=update
// +kubebuilder:rbac:groups=apps,resources=statefulsets,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups=core,resources=services,verbs=get;list;watch;create;patch
// +kubebuilder:rbac:groups=policy,resources=poddisruptionbudgets,verbs=get;list;watch;create;patch

// Reconciler reconciles TopoServers.
type Reconciler struct {
	client.Client
	Writer *children.Writer
}

// Setup registers the TopoServer controller with the manager.
func Setup(mgr ctrl.Manager) error {
	r := &Reconciler{Client: mgr.GetClient(), Writer: children.NewWriter(mgr)}
	owned := coalesce.OwnedBy(mgr, &v1beta1.TopoServer{})
	return ctrl.NewControllerManagedBy(mgr).
		Named("toposerver").
		For(&v1beta1.TopoServer{}, builder.WithPredicates(status.NotStatusOnly())).
		Watches(&appsv1.StatefulSet{}, owned).
		Watches(&corev1.Service{}, owned).
		Watches(&policyv1.PodDisruptionBudget{}, owned).
		// Reconciled again when their cluster is paused or resumed (internal/controllers/pause).
		Watches(&v1beta1.MultigresCluster{}, pause.Resumed(mgr.GetClient(), &v1beta1.TopoServerList{}), pause.Toggled()).
		Complete(reconcileerrors.Counted("TopoServer", r))
}

// Reconcile brings the etcd objects to the TopoServer's spec and reports them in its status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ts := &v1beta1.TopoServer{}
	if err := r.Get(ctx, req.NamespacedName, ts); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if ts.DeletionTimestamp != nil {
		return ctrl.Result{}, nil // garbage collection removes the children
	}
	if paused, err := pause.Paused(ctx, r.Client, ts); paused || err != nil {
		return ctrl.Result{}, err
	}
	before := ts.DeepCopy()
	sts, members, err := r.reconcileObjects(ctx, ts)
	setStatus(ts, sts, members)
	return ctrl.Result{}, kerrors.NewAggregate([]error{err,
		status.Patch(ctx, r.Client, before, ts)})
}

// reconcileObjects ensures the children and returns the observed StatefulSet (empty when it
// did not exist yet) and the etcd member count.
func (r *Reconciler) reconcileObjects(ctx context.Context, ts *v1beta1.TopoServer) (*appsv1.StatefulSet, int32, error) {
	observed := &appsv1.StatefulSet{}
	err := r.Get(ctx, client.ObjectKey{Namespace: ts.Namespace, Name: ts.Name}, observed)
	if client.IgnoreNotFound(err) != nil {
		return observed, ts.Spec.Replicas, err
	}
	exists := !apierrors.IsNotFound(err)
	members := ts.Spec.Replicas
	if n, ok := bootstrappedMembers(observed); exists && ok {
		members = n
	}
	obj := build(ts, members)
	if exists {
		// Claim templates are immutable: keep them as created (volumes grow through their claims).
		obj.statefulSet.Spec.VolumeClaimTemplates = observed.Spec.VolumeClaimTemplates
	}
	desired := []client.Object{obj.peerService, obj.clientService, obj.statefulSet}
	if obj.pdb != nil { // none for one or two members: an earlier release made one, pruned here
		desired = append(desired, obj.pdb)
	}
	_, err = r.Writer.Sync(ctx, ts, desired, &policyv1.PodDisruptionBudgetList{})
	return observed, members, err
}

// bootstrappedMembers is the member count an existing etcd cluster was bootstrapped with, read
// from its ETCD_INITIAL_CLUSTER. Static bootstrap cannot add or remove members, so this count
// wins over the spec (and over a hand edit of the StatefulSet's replicas).
func bootstrappedMembers(sts *appsv1.StatefulSet) (int32, bool) {
	for _, c := range sts.Spec.Template.Spec.Containers {
		for _, e := range c.Env {
			if c.Name == components.ContainerEtcd && e.Name == "ETCD_INITIAL_CLUSTER" && e.Value != "" {
				return int32(strings.Count(e.Value, ",") + 1), true
			}
		}
	}
	return 0, false
}
