package testenv

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// MarkStatefulSetReady reads the StatefulSet key and writes it the status SetStatefulSetReady
// gives, for suites that run without the StatefulSet controller; retry it on a conflict.
func MarkStatefulSetReady(ctx context.Context, c client.Client, key client.ObjectKey) error {
	sts := &appsv1.StatefulSet{}
	if err := c.Get(ctx, key, sts); err != nil {
		return err
	}
	SetStatefulSetReady(sts)
	return c.Status().Update(ctx, sts)
}

// SetStatefulSetReady gives sts the status the StatefulSet controller writes when every
// replica runs the current spec and is ready, for suites that run without it.
func SetStatefulSetReady(sts *appsv1.StatefulSet) {
	n := ptr.Deref(sts.Spec.Replicas, 1)
	sts.Status = appsv1.StatefulSetStatus{ObservedGeneration: sts.Generation, Replicas: n, ReadyReplicas: n,
		CurrentReplicas: n, UpdatedReplicas: n, AvailableReplicas: n}
}

// SetJobSucceeded gives job the status the Job controller writes when its pod succeeded (the
// API server refuses a Complete condition without SuccessCriteriaMet and the times), for
// suites that run without kube-controller-manager.
func SetJobSucceeded(job *batchv1.Job) {
	now := metav1.Now()
	job.Status = batchv1.JobStatus{StartTime: &now, CompletionTime: &now, Succeeded: 1, Conditions: []batchv1.JobCondition{
		{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue, LastTransitionTime: now},
		{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, LastTransitionTime: now},
	}}
}
