// Package coalesce batches a controller's reactions to its children. A child's status moves
// once per pod that starts (a StatefulSet of three replicas reports several times while it
// rolls out), and a parent that reacted to each would rewrite its own status as often.
// Holding the parent's request back for Period gathers a burst of child events into one
// reconcile, which reads the children as they are at its end: the same idea as
// kube-controller-manager's --endpoint-updates-batch-period. The parent's own spec changes
// are not delayed.
package coalesce

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// Period is how long a request caused by a child waits for further events of the same
// parent. It delays convergence by at most Period per level of the tree.
const Period = time.Second

// Manager is what OwnedBy needs from a controller-runtime manager.
type Manager interface {
	GetScheme() *runtime.Scheme
	GetRESTMapper() meta.RESTMapper
}

// OwnedBy enqueues the controller owner, of owner's kind, of each object it sees, batched.
// It is builder.Owns with batching: use it with Watches.
func OwnedBy(mgr Manager, owner client.Object) handler.EventHandler {
	return Batched(handler.EnqueueRequestForOwner(mgr.GetScheme(), mgr.GetRESTMapper(), owner, handler.OnlyControllerOwner()))
}

// Batched adds the requests h makes to the queue Period after the event instead of at
// once. A request already waiting keeps its earlier time, so a burst of events becomes one
// request at most Period after its first event.
func Batched(h handler.EventHandler) handler.EventHandler { return batched{h} }

type queue = workqueue.TypedRateLimitingInterface[reconcile.Request]

type batched struct{ h handler.EventHandler }

func (b batched) Create(ctx context.Context, e event.CreateEvent, q queue) {
	b.h.Create(ctx, e, delayed{q})
}

func (b batched) Update(ctx context.Context, e event.UpdateEvent, q queue) {
	b.h.Update(ctx, e, delayed{q})
}

func (b batched) Delete(ctx context.Context, e event.DeleteEvent, q queue) {
	b.h.Delete(ctx, e, delayed{q})
}

func (b batched) Generic(ctx context.Context, e event.GenericEvent, q queue) {
	b.h.Generic(ctx, e, delayed{q})
}

// delayed turns Add into AddAfter(Period). It hides the priority queue's AddWithOpts, so
// controller-runtime's handlers fall back to Add.
type delayed struct{ queue }

func (d delayed) Add(r reconcile.Request) { d.AddAfter(r, Period) }
