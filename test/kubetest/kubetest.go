// Package kubetest holds what the envtest suites share to wait for, read and edit objects in a
// real API server, and to play the workload controllers that envtest does not run.
package kubetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Timeout and Poll bound every wait: the controllers write asynchronously.
const (
	Timeout = 30 * time.Second
	Poll    = 50 * time.Millisecond
)

var ctx = context.Background()

// Key is the key of object name in namespace ns.
func Key(ns, name string) client.ObjectKey { return client.ObjectKey{Namespace: ns, Name: name} }

// Namespace creates namespace name and returns its name.
func Namespace(t *testing.T, c client.Client, name string) string {
	t.Helper()
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		t.Fatal(err)
	}
	return name
}

// Get waits for an object to exist and returns it.
func Get[T client.Object](g gomega.Gomega, c client.Client, ns, name string, obj T) T {
	g.Eventually(func() error { return c.Get(ctx, Key(ns, name), obj) }, Timeout, Poll).Should(gomega.Succeed(), "%s/%s", ns, name)
	return obj
}

// Update reads obj's latest version, applies change and writes it, retrying on conflicts.
func Update[T client.Object](g gomega.Gomega, c client.Client, obj T, change func(T)) {
	g.Eventually(func() error {
		if err := c.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		change(obj)
		return c.Update(ctx, obj)
	}, Timeout, Poll).Should(gomega.Succeed())
}

// Eventually re-reads obj until check passes.
func Eventually(g gomega.Gomega, c client.Client, obj client.Object, check func(g gomega.Gomega)) {
	g.Eventually(func(g gomega.Gomega) {
		g.Expect(c.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(gomega.Succeed())
		check(g)
	}, Timeout, Poll).Should(gomega.Succeed())
}

// ConditionObject is an object with status conditions.
type ConditionObject interface {
	client.Object
	conditions.Getter
}

// HaveCondition waits until obj's condition t, for obj's current generation, has status and
// reason, and returns it.
func HaveCondition(g gomega.Gomega, c client.Client, obj ConditionObject, t string, status metav1.ConditionStatus, reason string) *metav1.Condition {
	var cond *metav1.Condition
	Eventually(g, c, obj, func(g gomega.Gomega) {
		cond = conditions.Get(obj, t)
		g.Expect(cond).NotTo(gomega.BeNil(), "%s has no %s condition", obj.GetName(), t)
		g.Expect(cond.Status).To(gomega.Equal(status), "%s %s: %s", obj.GetName(), t, cond.Message)
		g.Expect(cond.Reason).To(gomega.Equal(reason), "%s %s: %s", obj.GetName(), t, cond.Message)
		g.Expect(cond.ObservedGeneration).To(gomega.Equal(obj.GetGeneration()))
	})
	return cond
}

// ControlledBy asserts obj's controller reference points at owner and blocks its deletion,
// so garbage collection deletes obj with owner, after it.
func ControlledBy(g gomega.Gomega, obj, owner client.Object) {
	ref := metav1.GetControllerOf(obj)
	g.Expect(ref).NotTo(gomega.BeNil(), "%s has no controller", obj.GetName())
	g.Expect(ref.UID).To(gomega.Equal(owner.GetUID()), "%s is controlled by %s", obj.GetName(), ref.Name)
	g.Expect(ptr.Deref(ref.BlockOwnerDeletion, false)).To(gomega.BeTrue(), "%s does not block its owner's deletion", obj.GetName())
}

// MarkReady plays the controller of workload obj (a StatefulSet, Deployment or Job) named
// name in ns: it reads it and writes it the status SetReady gives.
func MarkReady(g gomega.Gomega, c client.Client, ns, name string, obj client.Object) {
	g.Eventually(func() error {
		if err := c.Get(ctx, Key(ns, name), obj); err != nil {
			return err
		}
		SetReady(obj)
		return c.Status().Update(ctx, obj)
	}, Timeout, Poll).Should(gomega.Succeed())
}

// SetReady gives a workload the status its controller writes when every replica runs the
// current spec and is ready, or a pod the kubelet's when it runs and is ready.
func SetReady(obj client.Object) {
	switch w := obj.(type) {
	case *appsv1.StatefulSet:
		n := ptr.Deref(w.Spec.Replicas, 1)
		w.Status = appsv1.StatefulSetStatus{ObservedGeneration: w.Generation, Replicas: n, ReadyReplicas: n,
			CurrentReplicas: n, UpdatedReplicas: n, AvailableReplicas: n}
	case *appsv1.Deployment:
		n := ptr.Deref(w.Spec.Replicas, 1)
		w.Status = appsv1.DeploymentStatus{ObservedGeneration: w.Generation, Replicas: n, ReadyReplicas: n,
			UpdatedReplicas: n, AvailableReplicas: n}
	case *corev1.Pod:
		w.Status = corev1.PodStatus{Phase: corev1.PodRunning, Conditions: []corev1.PodCondition{
			{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: metav1.Now()}}}
	default:
		panic(fmt.Sprintf("kubetest.SetReady: %T is not a StatefulSet, Deployment or Pod", obj))
	}
}
