package children

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/utils/ptr"
)

// Rollout is how far a workload is from running its current spec on all its replicas.
type Rollout struct {
	// Want is the desired replica count, Ready how many pods are ready.
	Want, Ready int32
	// Done: the workload controller saw the latest spec and every replica runs it, ready.
	Done bool
}

// StatefulSetRollout reads a StatefulSet's status.
func StatefulSetRollout(s *appsv1.StatefulSet) Rollout {
	want := ptr.Deref(s.Spec.Replicas, 1)
	st := s.Status
	return Rollout{Want: want, Ready: st.ReadyReplicas, Done: st.ObservedGeneration >= s.Generation &&
		st.UpdatedReplicas >= want && st.ReadyReplicas >= want && st.Replicas == want}
}

// DeploymentRollout reads a Deployment's status.
func DeploymentRollout(d *appsv1.Deployment) Rollout {
	want := ptr.Deref(d.Spec.Replicas, 1)
	st := d.Status
	return Rollout{Want: want, Ready: st.ReadyReplicas, Done: st.ObservedGeneration >= d.Generation &&
		st.UpdatedReplicas >= want && st.ReadyReplicas >= want && st.Replicas == want}
}
