package coalesce

import (
	"context"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/workqueue"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

// A burst of events becomes one request, which is ready Period after the first event.
func TestBurstBecomesOneRequestAfterPeriod(t *testing.T) {
	clock := clocktesting.NewFakeClock(time.Unix(0, 0))
	q := workqueue.NewTypedRateLimitingQueueWithConfig(workqueue.DefaultTypedControllerRateLimiter[reconcile.Request](),
		workqueue.TypedRateLimitingQueueConfig[reconcile.Request]{Clock: clock})
	defer q.ShutDown()
	h := Batched(&handler.EnqueueRequestForObject{})
	pod := func(name string) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name}}
	}
	ctx := context.Background()

	h.Create(ctx, event.CreateEvent{Object: pod("a")}, q)
	clock.Step(Period / 2)
	for range 5 {
		h.Update(ctx, event.UpdateEvent{ObjectOld: pod("a"), ObjectNew: pod("a")}, q)
	}
	h.Update(ctx, event.UpdateEvent{ObjectOld: pod("b"), ObjectNew: pod("b")}, q)
	h.Delete(ctx, event.DeleteEvent{Object: pod("c")}, q)
	h.Generic(ctx, event.GenericEvent{Object: pod("c")}, q)
	if n := q.Len(); n != 0 {
		t.Fatalf("%d requests ready before Period has passed", n)
	}

	clock.Step(Period / 2) // a's first event is Period old; b's and c's are not
	waitForLen(t, q, 1)
	if r, _ := q.Get(); r.Name != "a" {
		t.Fatalf("got %s, want a", r.Name)
	}
	clock.Step(Period / 2)
	waitForLen(t, q, 2)
}

// waitForLen waits for the queue's own goroutine to move waiting requests once the clock
// has stepped; it fails if more than n become ready.
func waitForLen(t *testing.T, q workqueue.TypedRateLimitingInterface[reconcile.Request], n int) {
	t.Helper()
	for range 1000 {
		if q.Len() >= n {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if got := q.Len(); got != n {
		t.Fatalf("%d requests ready, want %d", got, n)
	}
}
