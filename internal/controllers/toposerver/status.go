package toposerver

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/names"
)

// Condition reasons.
const (
	ReasonQuorumReady           = "QuorumReady"
	ReasonQuorumNotReady        = "QuorumNotReady"
	ReasonRollingOut            = "RollingOut"
	ReasonRolloutComplete       = "RolloutComplete"
	ReasonReplicasChangeRefused = "ReplicasChangeRefused"
)

// setStatus rebuilds ts's status from the observed StatefulSet. etcd serves while a quorum
// of members is ready.
func setStatus(ts *v1beta1.TopoServer, sts *appsv1.StatefulSet, members int32) {
	ts.Status.ObservedGeneration = ts.Generation
	ts.Status.Replicas = sts.Status.Replicas
	ts.Status.ReadyReplicas = sts.Status.ReadyReplicas
	ts.Status.ClientServiceName = names.TopoClientService(ts.Name)
	ts.Status.PeerServiceName = names.TopoPeerService(ts.Name)

	ready := fmt.Sprintf("%d of %d members ready", sts.Status.ReadyReplicas, members)
	available := metav1.Condition{Type: v1beta1.ConditionAvailable, Status: metav1.ConditionFalse, Reason: ReasonQuorumNotReady, Message: ready}
	if sts.Status.ReadyReplicas >= Quorum(members) {
		available.Status, available.Reason = metav1.ConditionTrue, ReasonQuorumReady
	}
	conditions.Set(ts, available)

	rollout := children.StatefulSetRollout(sts)
	progressing := metav1.Condition{Type: v1beta1.ConditionProgressing, Status: metav1.ConditionTrue, Reason: ReasonRollingOut, Message: ready}
	switch {
	case members != ts.Spec.Replicas:
		progressing = metav1.Condition{Type: v1beta1.ConditionProgressing, Status: metav1.ConditionFalse, Reason: ReasonReplicasChangeRefused,
			Message: fmt.Sprintf("etcd members bootstrap statically: the cluster keeps its %d members and ignores spec.replicas %d", members, ts.Spec.Replicas)}
	case rollout.Done && sts.Generation > 0:
		progressing.Status, progressing.Reason = metav1.ConditionFalse, ReasonRolloutComplete
	}
	conditions.Set(ts, progressing)
}
