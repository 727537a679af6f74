package controllers

import (
	"context"
	"strings"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/testenv"
)

const (
	timeout = 20 * time.Second
	poll    = 50 * time.Millisecond
)

var ctx = context.Background()

func key(ns, name string) client.ObjectKey { return client.ObjectKey{Namespace: ns, Name: name} }

// get waits for an object to exist and returns it.
func get[T client.Object](g Gomega, ns, name string, obj T) T {
	g.Eventually(func() error { return k8s.Get(ctx, key(ns, name), obj) }, timeout, poll).Should(Succeed(), "%s/%s", ns, name)
	return obj
}

// markStatefulSetReady plays the StatefulSet controller: every replica runs the current spec
// and is ready.
func markStatefulSetReady(g Gomega, ns, name string) {
	g.Eventually(func() error { return testenv.MarkStatefulSetReady(ctx, k8s, key(ns, name)) }, timeout, poll).Should(Succeed())
}

// markDeploymentReady plays the Deployment controller.
func markDeploymentReady(g Gomega, ns, name string) {
	g.Eventually(func() error {
		d := &appsv1.Deployment{}
		if err := k8s.Get(ctx, key(ns, name), d); err != nil {
			return err
		}
		n := ptr.Deref(d.Spec.Replicas, 1)
		d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: n, ReadyReplicas: n,
			UpdatedReplicas: n, AvailableReplicas: n}
		return k8s.Status().Update(ctx, d)
	}, timeout, poll).Should(Succeed())
}

// haveCondition waits until obj's condition t has status and reason.
func haveCondition(g Gomega, obj conditionObject, t string, status metav1.ConditionStatus, reason string) *metav1.Condition {
	var c *metav1.Condition
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
		c = conditions.Get(obj, t)
		g.Expect(c).NotTo(BeNil(), "no %s condition", t)
		g.Expect(c.Status).To(Equal(status), "%s: %s", t, c.Message)
		g.Expect(c.Reason).To(Equal(reason), "%s: %s", t, c.Message)
		g.Expect(c.ObservedGeneration).To(Equal(obj.GetGeneration()))
	}, timeout, poll).Should(Succeed())
	return c
}

type conditionObject interface {
	client.Object
	conditions.Getter
}

func commandLine(c corev1.Container) string {
	return strings.Join(append(append([]string{}, c.Command...), c.Args...), " ")
}

func container(spec corev1.PodSpec, name string) corev1.Container {
	for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
		if c.Name == name {
			return c
		}
	}
	return corev1.Container{}
}

func envValue(c corev1.Container, name string) string {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

func quantity(s string) resource.Quantity { return resource.MustParse(s) }

func resources(cpu, memory string) *corev1.ResourceRequirements {
	return &corev1.ResourceRequirements{Requests: corev1.ResourceList{
		corev1.ResourceCPU: quantity(cpu), corev1.ResourceMemory: quantity(memory),
	}}
}

func claim(size string) *corev1.PersistentVolumeClaimSpec {
	return &corev1.PersistentVolumeClaimSpec{
		AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: quantity(size)}},
	}
}

// controlledBy asserts obj's controller is owner.
func controlledBy(g Gomega, obj, owner client.Object) {
	ref := metav1.GetControllerOf(obj)
	g.Expect(ref).NotTo(BeNil(), "%s has no controller", obj.GetName())
	g.Expect(ref.UID).To(Equal(owner.GetUID()), "%s is controlled by %s", obj.GetName(), ref.Name)
}

// eventually re-reads obj until check passes: the controllers write asynchronously.
func eventually(g Gomega, obj client.Object, check func(g Gomega)) {
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
		check(g)
	}, timeout, poll).Should(Succeed())
}
