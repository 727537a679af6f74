package tablegroup

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/status"
	"github.com/multigres/multigres-operator/internal/limits"
)

// Condition reasons.
const (
	ReasonShardsReady         = "ShardsReady"
	ReasonShardsNotReady      = "ShardsNotReady"
	ReasonCreatingShards      = "CreatingShards"
	ReasonShardsReconciled    = "ShardsReconciled"
	ReasonShardRemovalRefused = "ShardRemovalRefused"
)

// shardUnserved: the shard's own controller runs no pods for it, on purpose (the images
// cannot serve it), so it never becomes available and nobody should wait for it.
func shardUnserved(s *v1beta1.Shard) bool {
	return status.Reported(s) && conditions.GetReason(s, v1beta1.ConditionAvailable) == limits.ReasonUnsupported
}

// setStatus counts every shard tg owns, including the ones kept after partitioning.shards
// was lowered. unsupported names what of tg the images cannot serve (TableGroupSpec).
func setStatus(tg *v1beta1.TableGroup, desired, owned []v1beta1.Shard, unsupported []string) {
	want := map[string]bool{}
	for _, s := range desired {
		want[s.Name] = true
	}
	var ready, unserved int32
	var extra []string
	existing := map[string]bool{}
	for i := range owned {
		existing[owned[i].Name] = true
		switch {
		case status.Available(&owned[i]):
			ready++
		case shardUnserved(&owned[i]):
			unserved++
		}
		if !want[owned[i].Name] {
			extra = append(extra, owned[i].Name)
		}
	}
	slices.Sort(extra)
	missing := 0
	for name := range want {
		if !existing[name] {
			missing++
		}
	}
	tg.Status.ObservedGeneration = tg.Generation
	tg.Status.Shards = int32(len(owned))
	tg.Status.ReadyShards = ready

	conditions.Set(tg, limits.Condition("Every shard and pool of this table group runs.", "Not run", unsupported))

	msg := fmt.Sprintf("%d of %d shards available", ready, len(owned))
	if unserved > 0 {
		msg += fmt.Sprintf("; %d run no pods (see Supported)", unserved)
	}
	available := metav1.Condition{Type: v1beta1.ConditionAvailable, Status: metav1.ConditionFalse, Reason: ReasonShardsNotReady, Message: msg}
	switch {
	case missing == 0 && ready == int32(len(owned)):
		available.Status, available.Reason = metav1.ConditionTrue, ReasonShardsReady
	case missing == 0 && ready+unserved == int32(len(owned)):
		// Nothing is on its way: what is not available never will be with these images.
		available.Reason = limits.ReasonUnsupported
	}
	conditions.Set(tg, available)

	progressing := metav1.Condition{Type: v1beta1.ConditionProgressing, Status: metav1.ConditionFalse, Reason: ReasonShardsReconciled, Message: msg}
	switch {
	case len(extra) > 0:
		progressing.Reason = ReasonShardRemovalRefused
		progressing.Message = fmt.Sprintf("partitioning.shards is %d but shards %s exist; shards are never removed "+
			"(their data would be lost), so they are kept", len(desired), strings.Join(extra, ", "))
	case missing > 0:
		progressing.Status, progressing.Reason = metav1.ConditionTrue, ReasonCreatingShards
		progressing.Message = fmt.Sprintf("%d of %d shards created", len(desired)-missing, len(desired))
	case ready+unserved < int32(len(owned)):
		progressing.Status, progressing.Reason = metav1.ConditionTrue, ReasonShardsNotReady
	}
	conditions.Set(tg, progressing)
}
