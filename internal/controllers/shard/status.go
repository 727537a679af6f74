package shard

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
)

// Condition reasons.
const (
	ReasonPoolsReady      = "PoolsReady"
	ReasonPoolsNotReady   = "PoolsNotReady"
	ReasonRollingOut      = "RollingOut"
	ReasonRolloutComplete = "RolloutComplete"
	ReasonDuplicatePools  = "DuplicatePools"
)

// setStatus rebuilds the shard's status from its pools' StatefulSets. primaryCell stays empty:
// primaries are elected by multiorch, and the operator does not read the topology.
func setStatus(s *v1beta1.Shard, pools []observedPool, duplicates []string) {
	var total, ready int32
	allReady, allDone := true, true
	var notReady []string
	for _, p := range pools {
		r := children.StatefulSetRollout(p.statefulSet)
		total += p.statefulSet.Status.Replicas
		ready += p.statefulSet.Status.ReadyReplicas
		if r.Ready < r.Want || p.statefulSet.Generation == 0 {
			allReady = false
			notReady = append(notReady, fmt.Sprintf("%s: %d of %d ready", p.name, r.Ready, r.Want))
		}
		allDone = allDone && r.Done && p.statefulSet.Generation > 0
	}
	s.Status.ObservedGeneration = s.Generation
	s.Status.TotalPods = total
	s.Status.ReadyPods = ready

	msg := fmt.Sprintf("%d of %d pods ready", ready, total)
	if len(notReady) > 0 {
		msg += "; " + strings.Join(notReady, ", ")
	}
	available := metav1.Condition{Type: v1beta1.ConditionAvailable, Status: metav1.ConditionFalse, Reason: ReasonPoolsNotReady, Message: msg}
	if allReady {
		available.Status, available.Reason = metav1.ConditionTrue, ReasonPoolsReady
	}
	conditions.Set(s, available)

	progressing := metav1.Condition{Type: v1beta1.ConditionProgressing, Status: metav1.ConditionTrue, Reason: ReasonRollingOut, Message: msg}
	switch {
	case len(duplicates) > 0:
		progressing = metav1.Condition{Type: v1beta1.ConditionProgressing, Status: metav1.ConditionFalse, Reason: ReasonDuplicatePools,
			Message: "pools with the same cell and type share one StatefulSet; only the first runs: " + strings.Join(duplicates, ", ")}
	case allDone:
		progressing.Status, progressing.Reason = metav1.ConditionFalse, ReasonRolloutComplete
	}
	conditions.Set(s, progressing)
}
