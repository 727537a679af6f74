package tablegroup

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Condition reasons.
const (
	ReasonShardsReady         = "ShardsReady"
	ReasonShardsNotReady      = "ShardsNotReady"
	ReasonCreatingShards      = "CreatingShards"
	ReasonShardsReconciled    = "ShardsReconciled"
	ReasonShardRemovalRefused = "ShardRemovalRefused"
)

// shardAvailable: the shard's own controller saw its latest spec and reports it Available.
func shardAvailable(s *v1beta1.Shard) bool {
	c := conditions.Get(s, v1beta1.ConditionAvailable)
	return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == s.Generation
}

// setStatus counts every shard tg owns, including the ones kept after partitioning.shards
// was lowered.
func setStatus(tg *v1beta1.TableGroup, desired, owned []v1beta1.Shard) {
	want := map[string]bool{}
	for _, s := range desired {
		want[s.Name] = true
	}
	var ready int32
	var extra []string
	existing := map[string]bool{}
	for i := range owned {
		existing[owned[i].Name] = true
		if shardAvailable(&owned[i]) {
			ready++
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

	msg := fmt.Sprintf("%d of %d shards available", ready, len(owned))
	available := metav1.Condition{Type: v1beta1.ConditionAvailable, Status: metav1.ConditionFalse, Reason: ReasonShardsNotReady, Message: msg}
	if missing == 0 && ready == int32(len(owned)) {
		available.Status, available.Reason = metav1.ConditionTrue, ReasonShardsReady
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
	case ready < int32(len(owned)):
		progressing.Status, progressing.Reason = metav1.ConditionTrue, ReasonShardsNotReady
	}
	conditions.Set(tg, progressing)
}
