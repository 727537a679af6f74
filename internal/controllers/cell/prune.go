package cell

import (
	"context"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/controllers/topowatch"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/topo"
)

// ReasonPrunedPooler is the reason of the Event that names the pooler records removed.
const ReasonPrunedPooler = "PrunedPooler"

// prune removes from the cell's topology the records of poolers whose pod is gone for good,
// when topologyReconciliation.pruneTablets says so: a multipooler never removes its own
// record, and multiorch and multigateway would keep tracking a pooler that will not return.
// Records of poolers in other namespaces, or whose pod may still return, are left alone.
func (r *Reconciler) prune(ctx context.Context, c *v1beta1.Cell) error {
	user := topowatch.User(kind, client.ObjectKeyFromObject(c))
	global := components.TopoFrom(c.Spec.GlobalTopoServer, c.Namespace)
	if !ptr.Deref(c.Spec.TopologyReconciliation.PruneTablets, false) || global.Address == "" {
		r.Topology.Forget(user)
		return nil
	}
	target := topo.Target{GlobalAddresses: global.Address, GlobalRoot: global.Root, Cell: c.Spec.Name}
	r.Topology.Forget(user, target)
	poolers, known := r.Topology.Poolers(target, user)
	if !known {
		return nil
	}
	var errs []error
	var pruned []string
	for _, p := range poolers {
		pod, statefulSet, namespace, ok := names.SplitPodHost(p.Hostname)
		if !ok || namespace != c.Namespace {
			continue
		}
		gone, err := r.goneForGood(ctx, namespace, pod, statefulSet)
		if err != nil || !gone {
			errs = append(errs, err)
			continue
		}
		if err := r.Topology.DeletePooler(ctx, target, p.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		log.FromContext(ctx).Info("Pruned pooler record", "pooler", p.ID.Name, "pod", pod)
		pruned = append(pruned, p.ID.Name)
	}
	if len(pruned) > 0 {
		// One Event per pass: events of one reason in a short time are folded into one series.
		r.Writer.Events.Eventf(c, nil, corev1.EventTypeNormal, ReasonPrunedPooler, ReasonPrunedPooler,
			"Removed from the topology the poolers %s: their pods are gone and will not return", strings.Join(pruned, ", "))
	}
	return kerrors.NewAggregate(errs)
}

// poolPodCell is the Cell of a pool pod (none for other pods).
func poolPodCell(_ context.Context, pod client.Object) []reconcile.Request {
	l := pod.GetLabels()
	if l[names.LabelComponent] != names.ComponentShardPool || l[v1beta1.LabelCluster] == "" || l[v1beta1.LabelCell] == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: pod.GetNamespace(), Name: names.Cell(l[v1beta1.LabelCluster], l[v1beta1.LabelCell])}}}
}

// deletedOnly passes deletions only: a pod's deletion may leave a pooler record to prune.
var deletedOnly = predicate.Funcs{
	CreateFunc:  func(event.CreateEvent) bool { return false },
	UpdateFunc:  func(event.UpdateEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
}

// goneForGood: the pod does not exist and its StatefulSet will not make it again (it is gone,
// or scaled below the pod's ordinal). A pod in the cache exists; its absence there is
// confirmed by the API server, as is the StatefulSet: a record deleted for a pod the cache has
// not seen yet would be lost (a pooler rewrites its record only when it changes).
func (r *Reconciler) goneForGood(ctx context.Context, namespace, pod, statefulSet string) (bool, error) {
	ordinal, ok := names.PodOrdinal(statefulSet, pod)
	if !ok {
		return false, nil // not a pod of that StatefulSet: not ours to judge
	}
	key := client.ObjectKey{Namespace: namespace, Name: pod}
	if r.Get(ctx, key, &corev1.Pod{}) == nil {
		return false, nil // the usual case, answered without a request
	}
	if err := r.APIReader.Get(ctx, key, &corev1.Pod{}); !apierrors.IsNotFound(err) {
		return false, err
	}
	sts := &appsv1.StatefulSet{}
	err := r.APIReader.Get(ctx, client.ObjectKey{Namespace: namespace, Name: statefulSet}, sts)
	switch {
	case apierrors.IsNotFound(err):
		return true, nil
	case err != nil:
		return false, err
	}
	return ordinal >= ptr.Deref(sts.Spec.Replicas, 1), nil
}
