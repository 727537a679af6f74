// Package pause lets an administrator stop the operator from touching one cluster: a
// MultigresCluster annotated multigres.com/paused=true, and every object labelled with it, is
// skipped by every controller until the annotation goes; removing it wakes them all.
package pause

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// IsPaused reports whether c carries the pause annotation.
func IsPaused(c *v1beta1.MultigresCluster) bool {
	return c.Annotations[v1beta1.AnnotationPaused] == "true"
}

// Paused reports whether obj's cluster (named by its multigres.com/cluster label) is paused,
// reading the cluster from r (the cache). An object without a cluster, or whose cluster is
// gone, is not paused.
func Paused(ctx context.Context, r client.Reader, obj client.Object) (bool, error) {
	name := obj.GetLabels()[v1beta1.LabelCluster]
	if name == "" {
		return false, nil
	}
	c := &v1beta1.MultigresCluster{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: obj.GetNamespace(), Name: name}, c); err != nil {
		return false, client.IgnoreNotFound(err)
	}
	return IsPaused(c), nil
}

// Toggled passes cluster updates that set or remove the pause, so children controllers hear of
// nothing else from the clusters they watch.
func Toggled() builder.Predicates {
	return builder.WithPredicates(predicate.Funcs{
		CreateFunc:  func(event.CreateEvent) bool { return false },
		DeleteFunc:  func(event.DeleteEvent) bool { return false },
		GenericFunc: func(event.GenericEvent) bool { return false },
		UpdateFunc: func(e event.UpdateEvent) bool {
			return IsPaused(e.ObjectOld.(*v1beta1.MultigresCluster)) != IsPaused(e.ObjectNew.(*v1beta1.MultigresCluster))
		},
	})
}

// Resumed enqueues, when a cluster's pause is set or removed, every object of list's kind
// labelled with the cluster: what was skipped while paused is reconciled at once.
func Resumed(r client.Reader, list client.ObjectList) handler.EventHandler {
	return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, obj client.Object) []reconcile.Request {
		l := list.DeepCopyObject().(client.ObjectList)
		if err := r.List(ctx, l, client.InNamespace(obj.GetNamespace()), client.MatchingLabels{v1beta1.LabelCluster: obj.GetName()}); err != nil {
			return nil
		}
		var reqs []reconcile.Request
		_ = meta.EachListItem(l, func(o runtime.Object) error {
			co := o.(client.Object)
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(co)})
			return nil
		})
		return reqs
	})
}
