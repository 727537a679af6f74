package shard

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/status/statustest"
	"github.com/multigres/multigres-operator/internal/limits"
)

// scalingDown is a StatefulSet scaled to 0 whose running pods, all ready, are not gone yet.
func scalingDown(running int32) *appsv1.StatefulSet {
	s := statustest.StatefulSet(0, running)
	s.Status.Replicas = running
	return s
}

// pool is a replica pool in cell, served, with its observed StatefulSet (empty: none yet).
func pool(cell string, sts *appsv1.StatefulSet) observedPool {
	return observedPool{name: "s-" + cell, spec: v1beta1.PoolSpec{Name: cell, Cell: cell, Type: v1beta1.PoolTypeReplica}, statefulSet: sts}
}

// readOnlyPool is a pool in cell that Multigres v0.1 cannot serve.
func readOnlyPool(cell string, sts *appsv1.StatefulSet) observedPool {
	p := pool(cell, sts)
	p.spec.Type = v1beta1.PoolTypeReadOnly
	p.unserved = limits.V01.PoolType(p.spec.Type)
	return p
}

// unservedShard is why Multigres v0.1 serves no pool of a shard of database "db", and pools
// as the controller lists them then.
func unservedShard(pools ...observedPool) ([]string, []observedPool) {
	for i := range pools {
		pools[i].unserved = "the shard gets no pods"
	}
	return limits.V01.ShardSpec(&v1beta1.ShardSpec{DatabaseName: "db", TableGroupName: "default", ShardName: "0-inf"}), pools
}

func TestSetStatus(t *testing.T) {
	var (
		sts            = statustest.StatefulSet
		none           = &appsv1.StatefulSet{}
		everyPoolRuns  = statustest.True(limits.ReasonSupported, "Every pool of this shard runs.")
		readOnlyNotRun = statustest.False(limits.ReasonUnsupported,
			`Some pools get no pods: pool "b": Multigres v0.1 has no read-only pooler`).Mentioning()
		shardNotRun = statustest.False(limits.ReasonUnsupported,
			`No pods run for this shard: database "db": Multigres v0.1 serves only database "postgres"`).Mentioning()
		ready      = func(msg string) statustest.Condition { return statustest.True(ReasonPoolsReady, msg) }
		notReady   = func(msg string) statustest.Condition { return statustest.False(ReasonPoolsNotReady, msg) }
		rollingOut = func(msg string) statustest.Condition { return statustest.True(ReasonRollingOut, msg) }
		complete   = func(msg string) statustest.Condition { return statustest.False(ReasonRolloutComplete, msg) }
	)
	noPodsWhy, noPods := unservedShard(pool("a", none), pool("b", none))
	scalingWhy, scaling := unservedShard(pool("a", scalingDown(2)), pool("b", sts(0, 0)))
	for _, tc := range []struct {
		name                              string
		pools                             []observedPool
		duplicates, shardUnserved         []string
		total, ready                      int32
		supported, available, progressing statustest.Condition
	}{
		{name: "nothing created yet", pools: []observedPool{pool("a", none), pool("b", none)},
			supported:   everyPoolRuns,
			available:   notReady("0 of 0 pods ready; s-a: 0 of 1 ready, s-b: 0 of 1 ready"),
			progressing: rollingOut("0 of 0 pods ready; s-a: 0 of 1 ready, s-b: 0 of 1 ready")},
		{name: "one pool partly ready", pools: []observedPool{pool("a", sts(3, 2)), pool("b", sts(2, 2))},
			total: 5, ready: 4, supported: everyPoolRuns,
			available: notReady("4 of 5 pods ready; s-a: 2 of 3 ready"), progressing: rollingOut("4 of 5 pods ready; s-a: 2 of 3 ready")},
		{name: "every pool ready", pools: []observedPool{pool("a", sts(3, 3)), pool("b", sts(2, 2))},
			total: 5, ready: 5, supported: everyPoolRuns,
			available: ready("5 of 5 pods ready"), progressing: complete("5 of 5 pods ready")},
		{name: "new spec not observed by the StatefulSet controller", pools: []observedPool{pool("a", statustest.Unobserved(sts(3, 3)))},
			total: 3, ready: 3, supported: everyPoolRuns,
			available: ready("3 of 3 pods ready"), progressing: rollingOut("3 of 3 pods ready")},
		{name: "pods not all updated", pools: []observedPool{pool("a", sts(2, 2)), pool("b", statustest.Updated(sts(3, 3), 2))},
			total: 5, ready: 5, supported: everyPoolRuns,
			available: ready("5 of 5 pods ready"), progressing: rollingOut("5 of 5 pods ready")},
		// An unserved pool is neither waited for nor counted as not ready.
		{name: "an unserved pool never created", pools: []observedPool{pool("a", sts(2, 2)), readOnlyPool("b", none)},
			total: 2, ready: 2, supported: readOnlyNotRun,
			available: ready("2 of 2 pods ready"), progressing: complete("2 of 2 pods ready")},
		// Its pods count while they still run.
		{name: "an unserved pool scaling down", pools: []observedPool{pool("a", sts(2, 2)), readOnlyPool("b", scalingDown(1))},
			total: 3, ready: 3, supported: readOnlyNotRun,
			available: ready("3 of 3 pods ready"), progressing: rollingOut("3 of 3 pods ready")},
		{name: "an unserved pool scaled down", pools: []observedPool{pool("a", sts(2, 2)), readOnlyPool("b", sts(0, 0))},
			total: 2, ready: 2, supported: readOnlyNotRun,
			available: ready("2 of 2 pods ready"), progressing: complete("2 of 2 pods ready")},
		{name: "an unserved pool and a served one not ready", pools: []observedPool{pool("a", sts(2, 1)), readOnlyPool("b", none)},
			total: 2, ready: 1, supported: readOnlyNotRun,
			available: notReady("1 of 2 pods ready; s-a: 1 of 2 ready"), progressing: rollingOut("1 of 2 pods ready; s-a: 1 of 2 ready")},
		// A shard whose every pool is unserved serves nothing.
		{name: "every pool unserved", pools: []observedPool{readOnlyPool("b", none)},
			supported: readOnlyNotRun, available: readOnlyNotRun, progressing: readOnlyNotRun},
		{name: "every pool unserved, one scaling down", pools: []observedPool{readOnlyPool("b", scalingDown(2))},
			total: 2, ready: 2, supported: readOnlyNotRun, available: readOnlyNotRun, progressing: rollingOut("2 of 2 pods ready")},
		{name: "shard unserved", pools: noPods, shardUnserved: noPodsWhy,
			supported: shardNotRun, available: shardNotRun, progressing: shardNotRun},
		{name: "shard unserved, a pool scaling down", pools: scaling, shardUnserved: scalingWhy,
			total: 2, ready: 2, supported: shardNotRun, available: shardNotRun, progressing: rollingOut("2 of 2 pods ready")},
		{name: "duplicate pools", pools: []observedPool{pool("a", sts(2, 2))}, duplicates: []string{"a/replica", "a/replica"},
			total: 2, ready: 2, supported: everyPoolRuns, available: ready("2 of 2 pods ready"),
			progressing: statustest.False(ReasonDuplicatePools,
				"pools with the same cell and type share one StatefulSet; only the first runs: a/replica, a/replica")},
		// Duplicates are the spec's to fix: they are said even while the pools roll out.
		{name: "duplicate pools while rolling out", pools: []observedPool{pool("a", sts(2, 1))}, duplicates: []string{"a/replica"},
			total: 2, ready: 1, supported: everyPoolRuns, available: notReady("1 of 2 pods ready; s-a: 1 of 2 ready"),
			progressing: statustest.False(ReasonDuplicatePools, "only the first runs: a/replica").Mentioning()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			s := &v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Name: "s", Generation: 5}}
			setStatus(s, tc.pools, tc.duplicates, tc.shardUnserved)

			g.Expect(s.Status.ObservedGeneration).To(Equal(int64(5)))
			g.Expect(s.Status.TotalPods).To(Equal(tc.total), "totalPods")
			g.Expect(s.Status.ReadyPods).To(Equal(tc.ready), "readyPods")
			g.Expect(s.Status.PrimaryCell).To(BeEmpty())
			statustest.Expect(g, s, v1beta1.ConditionSupported, tc.supported)
			statustest.Expect(g, s, v1beta1.ConditionAvailable, tc.available)
			statustest.Expect(g, s, v1beta1.ConditionProgressing, tc.progressing)
			g.Expect(s.Status.Conditions).To(HaveLen(3))
		})
	}
}

// A condition whose status does not change keeps its lastTransitionTime; one that flips gets
// a new one.
func TestSetStatusKeepsTransitionTime(t *testing.T) {
	g := NewWithT(t)
	s := &v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Name: "s", Generation: 1}}
	setStatus(s, []observedPool{pool("a", statustest.StatefulSet(3, 1))}, nil, nil)
	then := statustest.Age(s.Status.Conditions)

	setStatus(s, []observedPool{pool("a", statustest.StatefulSet(3, 2))}, nil, nil) // still not available, still rolling out
	for _, c := range s.Status.Conditions {
		g.Expect(c.LastTransitionTime).To(Equal(then), c.Type)
	}
	g.Expect(conditions.Get(s, v1beta1.ConditionAvailable).Message).To(ContainSubstring("s-a: 2 of 3 ready"))

	setStatus(s, []observedPool{pool("a", statustest.StatefulSet(3, 3))}, nil, nil)
	g.Expect(conditions.Get(s, v1beta1.ConditionSupported).LastTransitionTime).To(Equal(then))
	g.Expect(conditions.Get(s, v1beta1.ConditionAvailable).LastTransitionTime.After(then.Time)).To(BeTrue())
	g.Expect(conditions.Get(s, v1beta1.ConditionProgressing).LastTransitionTime.After(then.Time)).To(BeTrue())
}
