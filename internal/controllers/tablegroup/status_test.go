package tablegroup

import (
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/status/statustest"
	"github.com/multigres/multigres-operator/internal/limits"
)

// desiredShards are the shards the table group's spec asks for.
func desiredShards(names ...string) []v1beta1.Shard {
	shards := make([]v1beta1.Shard, len(names))
	for i, name := range names {
		shards[i].Name = name
	}
	return shards
}

// reported is a shard whose controller reported Available for its current spec.
func reported(name string, available metav1.ConditionStatus, reason string) v1beta1.Shard {
	return v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Name: name, Generation: 2}, Status: v1beta1.ShardStatus{
		Conditions: []metav1.Condition{{Type: v1beta1.ConditionAvailable, Status: available, Reason: reason, ObservedGeneration: 2}}}}
}

func ready(name string) v1beta1.Shard { return reported(name, metav1.ConditionTrue, "PoolsReady") }

func notReady(name string) v1beta1.Shard {
	return reported(name, metav1.ConditionFalse, "PoolsNotReady")
}

// unserved is a shard its controller runs no pods for: the images cannot serve it.
func unserved(name string) v1beta1.Shard {
	return reported(name, metav1.ConditionFalse, limits.ReasonUnsupported)
}

// stale: s's spec changed after its controller last reported.
func stale(s v1beta1.Shard) v1beta1.Shard {
	s.Generation++
	return s
}

func TestSetStatus(t *testing.T) {
	twoShards := limits.V01.TableGroupSpec(&v1beta1.TableGroupSpec{DatabaseName: "postgres", TableGroupName: "default",
		Partitioning: v1beta1.Partitioning{Shards: ptr.To[int32](2)}})
	var (
		everythingRuns = statustest.True(limits.ReasonSupported, "Every shard and pool of this table group runs.")
		notRun         = statustest.False(limits.ReasonUnsupported, "Not run: "+twoShards[0])
		allAvailable   = func(msg string) statustest.Condition { return statustest.True(ReasonShardsReady, msg) }
		notAvailable   = func(msg string) statustest.Condition { return statustest.False(ReasonShardsNotReady, msg) }
		unsupported    = func(msg string) statustest.Condition { return statustest.False(limits.ReasonUnsupported, msg) }
		reconciled     = func(msg string) statustest.Condition { return statustest.False(ReasonShardsReconciled, msg) }
		waiting        = func(msg string) statustest.Condition { return statustest.True(ReasonShardsNotReady, msg) }
		creating       = func(msg string) statustest.Condition { return statustest.True(ReasonCreatingShards, msg) }
		refused        = func(shards string) statustest.Condition {
			return statustest.False(ReasonShardRemovalRefused, "partitioning.shards is 1 but shards "+shards+
				" exist; shards are never removed (their data would be lost), so they are kept")
		}
	)
	g := NewWithT(t)
	g.Expect(twoShards).To(HaveLen(1))
	for _, tc := range []struct {
		name                              string
		desired, owned                    []v1beta1.Shard
		unsupported                       []string
		shards, ready                     int32
		supported, available, progressing statustest.Condition
	}{
		{name: "nothing created yet", desired: desiredShards("tg-a", "tg-b"),
			supported: everythingRuns, available: notAvailable("0 of 0 shards available"), progressing: creating("0 of 2 shards created")},
		{name: "some shards created", desired: desiredShards("tg-a", "tg-b"), owned: []v1beta1.Shard{ready("tg-a")},
			shards: 1, ready: 1, supported: everythingRuns,
			available: notAvailable("1 of 1 shards available"), progressing: creating("1 of 2 shards created")},
		{name: "a shard not reported yet", desired: desiredShards("tg-a", "tg-b"),
			owned:  []v1beta1.Shard{ready("tg-a"), {ObjectMeta: metav1.ObjectMeta{Name: "tg-b", Generation: 1}}},
			shards: 2, ready: 1, supported: everythingRuns,
			available: notAvailable("1 of 2 shards available"), progressing: waiting("1 of 2 shards available")},
		{name: "a shard available for an earlier spec", desired: desiredShards("tg-a", "tg-b"),
			owned:  []v1beta1.Shard{ready("tg-a"), stale(ready("tg-b"))},
			shards: 2, ready: 1, supported: everythingRuns,
			available: notAvailable("1 of 2 shards available"), progressing: waiting("1 of 2 shards available")},
		{name: "a shard not available", desired: desiredShards("tg-a", "tg-b"), owned: []v1beta1.Shard{notReady("tg-a"), ready("tg-b")},
			shards: 2, ready: 1, supported: everythingRuns,
			available: notAvailable("1 of 2 shards available"), progressing: waiting("1 of 2 shards available")},
		{name: "every shard available", desired: desiredShards("tg-a", "tg-b"), owned: []v1beta1.Shard{ready("tg-a"), ready("tg-b")},
			shards: 2, ready: 2, supported: everythingRuns,
			available:   allAvailable("2 of 2 shards available"),
			progressing: reconciled("2 of 2 shards available")},
		// Nothing to wait for: no pods will ever run for these shards.
		{name: "every shard unserved", desired: desiredShards("tg-a", "tg-b"), owned: []v1beta1.Shard{unserved("tg-a"), unserved("tg-b")},
			unsupported: twoShards, shards: 2, supported: notRun,
			available:   unsupported("0 of 2 shards available; 2 run no pods (see Supported)"),
			progressing: reconciled("0 of 2 shards available; 2 run no pods (see Supported)")},
		{name: "a shard unserved, the other available", desired: desiredShards("tg-a", "tg-b"), owned: []v1beta1.Shard{unserved("tg-a"), ready("tg-b")},
			unsupported: twoShards, shards: 2, ready: 1, supported: notRun,
			available:   unsupported("1 of 2 shards available; 1 run no pods (see Supported)"),
			progressing: reconciled("1 of 2 shards available; 1 run no pods (see Supported)")},
		{name: "a shard unserved, the other not available", desired: desiredShards("tg-a", "tg-b"), owned: []v1beta1.Shard{unserved("tg-a"), notReady("tg-b")},
			unsupported: twoShards, shards: 2, supported: notRun,
			available:   notAvailable("0 of 2 shards available; 1 run no pods (see Supported)"),
			progressing: waiting("0 of 2 shards available; 1 run no pods (see Supported)")},
		// What a shard said of its previous spec may no longer hold.
		{name: "a shard unserved under an earlier spec", desired: desiredShards("tg-a"), owned: []v1beta1.Shard{stale(unserved("tg-a"))},
			shards: 1, supported: everythingRuns,
			available: notAvailable("0 of 1 shards available"), progressing: waiting("0 of 1 shards available")},
		{name: "a shard unserved, the other not created", desired: desiredShards("tg-a", "tg-b"), owned: []v1beta1.Shard{unserved("tg-a")},
			unsupported: twoShards, shards: 1, supported: notRun,
			available:   notAvailable("0 of 1 shards available; 1 run no pods (see Supported)"),
			progressing: creating("1 of 2 shards created")},
		{name: "shards beyond partitioning.shards", desired: desiredShards("tg-a"), owned: []v1beta1.Shard{ready("tg-c"), ready("tg-a"), ready("tg-b")},
			shards: 3, ready: 3, supported: everythingRuns,
			available:   allAvailable("3 of 3 shards available"),
			progressing: refused("tg-b, tg-c")},
		{name: "shards beyond partitioning.shards, one not available", desired: desiredShards("tg-a"), owned: []v1beta1.Shard{ready("tg-a"), notReady("tg-b")},
			shards: 2, ready: 1, supported: everythingRuns,
			available:   notAvailable("1 of 2 shards available"),
			progressing: refused("tg-b")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			tg := &v1beta1.TableGroup{ObjectMeta: metav1.ObjectMeta{Name: "tg", Generation: 4}}
			setStatus(tg, tc.desired, tc.owned, tc.unsupported)

			g.Expect(tg.Status.ObservedGeneration).To(Equal(int64(4)))
			g.Expect(tg.Status.Shards).To(Equal(tc.shards), "shards")
			g.Expect(tg.Status.ReadyShards).To(Equal(tc.ready), "readyShards")
			statustest.Expect(g, tg, v1beta1.ConditionSupported, tc.supported)
			statustest.Expect(g, tg, v1beta1.ConditionAvailable, tc.available)
			statustest.Expect(g, tg, v1beta1.ConditionProgressing, tc.progressing)
			g.Expect(tg.Status.Conditions).To(HaveLen(3))
		})
	}
}

// A condition whose status does not change keeps its lastTransitionTime; one that flips gets
// a new one.
func TestSetStatusKeepsTransitionTime(t *testing.T) {
	g := NewWithT(t)
	tg := &v1beta1.TableGroup{ObjectMeta: metav1.ObjectMeta{Name: "tg", Generation: 1}}
	desired := desiredShards("tg-a", "tg-b")
	setStatus(tg, desired, []v1beta1.Shard{ready("tg-a")}, nil)
	then := statustest.Age(tg.Status.Conditions)

	setStatus(tg, desired, []v1beta1.Shard{ready("tg-a"), notReady("tg-b")}, nil) // still not available, still progressing
	for _, c := range tg.Status.Conditions {
		g.Expect(c.LastTransitionTime).To(Equal(then), c.Type)
	}
	g.Expect(conditions.Get(tg, v1beta1.ConditionProgressing).Reason).To(Equal(ReasonShardsNotReady))

	setStatus(tg, desired, []v1beta1.Shard{ready("tg-a"), ready("tg-b")}, nil)
	g.Expect(conditions.Get(tg, v1beta1.ConditionSupported).LastTransitionTime).To(Equal(then))
	g.Expect(conditions.Get(tg, v1beta1.ConditionAvailable).LastTransitionTime.After(then.Time)).To(BeTrue())
	g.Expect(conditions.Get(tg, v1beta1.ConditionProgressing).LastTransitionTime.After(then.Time)).To(BeTrue())
}
