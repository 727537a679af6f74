package shard

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/limits"
)

// Condition reasons.
const (
	ReasonPoolsReady      = "PoolsReady"
	ReasonPoolsNotReady   = "PoolsNotReady"
	ReasonRollingOut      = "RollingOut"
	ReasonRolloutComplete = "RolloutComplete"
	ReasonDuplicatePools  = "DuplicatePools"
)

// setStatus rebuilds the shard's status from its pools' StatefulSets (setTopologyStatus adds
// what the topology says). shardUnserved says why the images cannot serve the shard at all (nil when they can).
//
// Pools that get no pods count neither towards Available nor as progressing once scaled
// down: they are left out on purpose, which Supported says. A shard with no pool served
// serves nothing, so it is not Available (reason UnsupportedByMultigres).
func setStatus(s *v1beta1.Shard, pools []observedPool, duplicates []string, shardUnserved []string) {
	var total, ready int32
	allReady, allDone := true, true
	var notReady, unservedPools []string
	served := 0
	for _, p := range pools {
		r := children.StatefulSetRollout(p.statefulSet)
		total += p.statefulSet.Status.Replicas
		ready += p.statefulSet.Status.ReadyReplicas
		if p.unserved != "" {
			unservedPools = append(unservedPools, fmt.Sprintf("pool %q: %s", p.spec.Name, p.unserved))
			// Done once a StatefulSet from before has no pods left.
			allDone = allDone && (p.statefulSet.Generation == 0 || r.Done)
			continue
		}
		served++
		if r.Ready < r.Want || p.statefulSet.Generation == 0 {
			allReady = false
			notReady = append(notReady, fmt.Sprintf("%s: %d of %d ready", p.name, r.Ready, r.Want))
		}
		allDone = allDone && r.Done && p.statefulSet.Generation > 0
	}
	s.Status.ObservedGeneration = s.Generation
	s.Status.TotalPods = total
	s.Status.ReadyPods = ready

	supported := limits.Condition("Every pool of this shard runs.", "Some pools get no pods", unservedPools)
	if len(shardUnserved) > 0 {
		supported = limits.Condition("", "No pods run for this shard", shardUnserved)
	}
	conditions.Set(s, supported)

	msg := fmt.Sprintf("%d of %d pods ready", ready, total)
	if len(notReady) > 0 {
		msg += "; " + strings.Join(notReady, ", ")
	}
	available := metav1.Condition{Type: v1beta1.ConditionAvailable, Status: metav1.ConditionFalse, Reason: ReasonPoolsNotReady, Message: msg}
	switch {
	case len(shardUnserved) > 0 || (len(pools) > 0 && served == 0):
		available.Reason, available.Message = limits.ReasonUnsupported, supported.Message
	case allReady:
		available.Status, available.Reason = metav1.ConditionTrue, ReasonPoolsReady
	}
	conditions.Set(s, available)

	progressing := metav1.Condition{Type: v1beta1.ConditionProgressing, Status: metav1.ConditionTrue, Reason: ReasonRollingOut, Message: msg}
	switch {
	case len(duplicates) > 0:
		progressing = metav1.Condition{Type: v1beta1.ConditionProgressing, Status: metav1.ConditionFalse, Reason: ReasonDuplicatePools,
			Message: "pools with the same cell and type share one StatefulSet; only the first runs: " + strings.Join(duplicates, ", ")}
	case allDone && available.Reason == limits.ReasonUnsupported:
		progressing.Status, progressing.Reason, progressing.Message = metav1.ConditionFalse, limits.ReasonUnsupported, supported.Message
	case allDone:
		progressing.Status, progressing.Reason = metav1.ConditionFalse, ReasonRolloutComplete
	}
	conditions.Set(s, progressing)
}
