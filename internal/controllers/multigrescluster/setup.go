package multigrescluster

import (
	"context"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/controllers/coalesce"
	"github.com/multigres/multigres-operator/internal/controllers/reconcileerrors"
	"github.com/multigres/multigres-operator/internal/controllers/status"
	"github.com/multigres/multigres-operator/internal/controllers/topowatch"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// IndexTemplateNames is the field index of MultigresClusters by the names of the
// DeploymentTemplates they reference (resolve.TemplateNames).
const IndexTemplateNames = ".spec.templateNames"

// Setup registers the MultigresCluster controller and its field index with the manager.
func Setup(mgr ctrl.Manager, lim limits.Limits, topology *topowatch.Watches) error {
	if err := mgr.GetFieldIndexer().IndexField(context.Background(), &v1beta1.MultigresCluster{}, IndexTemplateNames,
		func(obj client.Object) []string { return resolve.TemplateNames(obj.(*v1beta1.MultigresCluster)) }); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), APIReader: mgr.GetAPIReader(), Writer: children.NewWriter(mgr), Limits: lim, Topology: topology}
	owned := coalesce.OwnedBy(mgr, &v1beta1.MultigresCluster{})
	return ctrl.NewControllerManagedBy(mgr).
		Named("multigrescluster").
		For(&v1beta1.MultigresCluster{}, builder.WithPredicates(status.NotStatusOnly())).
		Watches(&v1beta1.Cell{}, owned).
		Watches(&v1beta1.TableGroup{}, owned).
		Watches(&appsv1.Deployment{}, owned).
		Watches(&corev1.Service{}, owned).
		// TopoServers by label, not owner: the global one is the cluster's, a cell's local one
		// is its Cell's, and both feed the cluster's status. Shards are grandchildren whose
		// ready pods the cluster counts. The credentials Secret is owned only when the data
		// goes with the cluster.
		Watches(&corev1.Secret{}, coalesce.Batched(handler.EnqueueRequestsFromMapFunc(clusterOfLabel))).
		Watches(&v1beta1.TopoServer{}, coalesce.Batched(handler.EnqueueRequestsFromMapFunc(clusterOfLabel))).
		Watches(&v1beta1.Shard{}, coalesce.Batched(handler.EnqueueRequestsFromMapFunc(clusterOfLabel))).
		Watches(&v1beta1.DeploymentTemplate{}, coalesce.Batched(handler.EnqueueRequestsFromMapFunc(r.clustersOfTemplate))).
		// Reconciled again when writing its registration into the topology succeeds or fails.
		WatchesRawSource(topology.Source(kind)).
		Complete(reconcileerrors.Counted("MultigresCluster", r))
}

// clusterOfLabel maps an object to the cluster its multigres.com/cluster label names.
func clusterOfLabel(_ context.Context, obj client.Object) []reconcile.Request {
	name := obj.GetLabels()[v1beta1.LabelCluster]
	if name == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: obj.GetNamespace(), Name: name}}}
}

// clustersOfTemplate maps a template to the clusters that reference it (from the field
// index, not by reading every cluster) and to the ones its status still lists, so a
// cluster that stopped using it is taken off the list.
func (r *Reconciler) clustersOfTemplate(ctx context.Context, obj client.Object) []reconcile.Request {
	t := obj.(*v1beta1.DeploymentTemplate)
	var keys []types.NamespacedName
	list := &v1beta1.MultigresClusterList{}
	if err := r.List(ctx, list, client.InNamespace(t.Namespace), client.MatchingFields{IndexTemplateNames: t.Name}); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "Listing the clusters of a template", "template", client.ObjectKeyFromObject(t))
	}
	for _, c := range list.Items {
		keys = append(keys, client.ObjectKeyFromObject(&c))
	}
	for _, ref := range t.Status.Consumers {
		keys = append(keys, types.NamespacedName{Namespace: ref.Namespace, Name: ref.Name})
	}
	slices.SortFunc(keys, compareKeys)
	keys = slices.Compact(keys)
	reqs := make([]reconcile.Request, 0, len(keys))
	for _, k := range keys {
		reqs = append(reqs, reconcile.Request{NamespacedName: k})
	}
	return reqs
}
