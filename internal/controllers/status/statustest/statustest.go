// Package statustest is what the controllers' status tests share: the conditions they expect
// and the workloads whose status they read.
package statustest

import (
	"time"

	"github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/internal/controllers/status"
)

// Condition is what a test expects of a condition.
type Condition struct {
	Status          metav1.ConditionStatus
	Reason, Message string
	// Part: Message is a part of the message, not all of it.
	Part bool
}

// True expects status True with reason and message.
func True(reason, message string) Condition {
	return Condition{Status: metav1.ConditionTrue, Reason: reason, Message: message}
}

// False expects status False with reason and message.
func False(reason, message string) Condition {
	return Condition{Status: metav1.ConditionFalse, Reason: reason, Message: message}
}

// Mentioning is c expecting its message only to contain c.Message.
func (c Condition) Mentioning() Condition {
	c.Part = true
	return c
}

// Expect checks obj's condition of type t against want, and that it describes obj's
// current generation.
func Expect(g gomega.Gomega, obj status.Child, t string, want Condition) {
	got := conditions.Get(obj, t)
	g.ExpectWithOffset(1, got).NotTo(gomega.BeNil(), t)
	message := gomega.Equal(want.Message)
	if want.Part {
		message = gomega.ContainSubstring(want.Message)
	}
	g.ExpectWithOffset(1, *got).To(gomega.And(gomega.HaveField("Status", want.Status), gomega.HaveField("Reason", want.Reason),
		gomega.HaveField("Message", message), gomega.HaveField("ObservedGeneration", obj.GetGeneration())), t)
}

// Age sets the lastTransitionTime of every condition to an hour ago, whole seconds as the API
// stores it, and returns it: a later setStatus keeps it on a condition whose status stays.
func Age(conds []metav1.Condition) metav1.Time {
	then := metav1.NewTime(time.Now().Add(-time.Hour).Truncate(time.Second))
	for i := range conds {
		conds[i].LastTransitionTime = then
	}
	return then
}

// StatefulSet wants want pods, ready of them ready, every one on the spec its controller saw.
func StatefulSet(want, ready int32) *appsv1.StatefulSet {
	return &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Generation: 2}, Spec: appsv1.StatefulSetSpec{Replicas: ptr.To(want)},
		Status: appsv1.StatefulSetStatus{ObservedGeneration: 2, Replicas: want, ReadyReplicas: ready, UpdatedReplicas: want}}
}

// Deployment wants want pods, ready of them ready, every one on the spec its controller saw.
func Deployment(want, ready int32) *appsv1.Deployment {
	return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Generation: 2}, Spec: appsv1.DeploymentSpec{Replicas: ptr.To(want)},
		Status: appsv1.DeploymentStatus{ObservedGeneration: 2, Replicas: want, ReadyReplicas: ready, UpdatedReplicas: want}}
}

// Unobserved: obj has a spec its controller has not seen yet.
func Unobserved[T metav1.Object](obj T) T {
	obj.SetGeneration(obj.GetGeneration() + 1)
	return obj
}

// Updated: only n of obj's pods run its current spec.
func Updated[T *appsv1.StatefulSet | *appsv1.Deployment](obj T, n int32) T {
	switch o := any(obj).(type) {
	case *appsv1.StatefulSet:
		o.Status.UpdatedReplicas = n
	case *appsv1.Deployment:
		o.Status.UpdatedReplicas = n
	}
	return obj
}
