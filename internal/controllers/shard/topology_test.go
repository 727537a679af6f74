package shard

import (
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/status/statustest"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/topo"
)

func TestSetTopologyStatus(t *testing.T) {
	a, b := pool("a", statustest.StatefulSet(2, 2)), pool("b", statustest.StatefulSet(1, 1))
	record := func(cell string, role topo.Role, serving bool) topo.Pooler {
		return topo.Pooler{ID: topo.ID{Cell: cell}, Role: role, Serving: serving, Lifecycle: topo.LifecycleActive}
	}
	for _, tc := range []struct {
		name    string
		pools   []observedPool
		t       *topology
		status  metav1.ConditionStatus
		reason  string
		primary string
		cell    string
		counts  []v1beta1.ShardPoolStatus
		roles   map[string]string
	}{
		{name: "topology unknown", pools: []observedPool{a}, status: "False", reason: ReasonTopologyUnknown},
		{name: "nothing served", pools: []observedPool{readOnlyPool("c", statustest.StatefulSet(0, 0))}, status: "False", reason: limits.ReasonUnsupported},
		{name: "no primary yet", pools: []observedPool{a},
			t:      &topology{poolers: map[string]topo.Pooler{"s-a-0": record("a", topo.RoleReplica, false)}},
			status: "False", reason: ReasonNoPrimary, counts: []v1beta1.ShardPoolStatus{{Name: "a", Replicas: 1}},
			roles: map[string]string{"s-a-0": names.RoleReplica}},
		{name: "primary not serving", pools: []observedPool{a},
			t:      &topology{primary: "s-a-0", poolers: map[string]topo.Pooler{"s-a-0": record("a", topo.RolePrimary, false)}},
			status: "False", reason: ReasonPrimaryNotServing, primary: "s-a-0", cell: "a", counts: []v1beta1.ShardPoolStatus{{Name: "a", Primaries: 1}}},
		{name: "serving, across two pools, with a stale primary, a shut down pooler and a stranger", pools: []observedPool{a, b},
			t: &topology{primary: "s-b-0", poolers: map[string]topo.Pooler{
				"s-b-0":     record("b", topo.RolePrimary, true),
				"s-a-0":     record("a", topo.RolePrimary, true), // the old primary, under an older rule
				"s-a-1":     record("a", topo.RoleReplica, true),
				"s-a-2":     {ID: topo.ID{Cell: "a"}, Role: topo.RoleReplica, Lifecycle: topo.LifecycleShutdown},
				"elsewhere": record("a", topo.RoleReplica, true),
			}},
			status: "True", reason: ReasonPrimaryServing, primary: "s-b-0", cell: "b",
			counts: []v1beta1.ShardPoolStatus{{Name: "a", Replicas: 1}, {Name: "b", Primaries: 1}},
			roles:  map[string]string{"s-b-0": names.RolePrimary, "s-a-0": "", "s-a-1": names.RoleReplica, "s-a-2": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			s := &v1beta1.Shard{Status: v1beta1.ShardStatus{Primary: "before", PrimaryCell: "before"}}
			setTopologyStatus(s, tc.pools, tc.t)
			c := conditions.Get(s, v1beta1.ConditionServingWrites)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.Status).To(Equal(tc.status), c.Message)
			g.Expect(c.Reason).To(Equal(tc.reason), c.Message)
			g.Expect(s.Status.Primary).To(Equal(tc.primary))
			g.Expect(s.Status.PrimaryCell).To(Equal(tc.cell))
			g.Expect(s.Status.Pools).To(Equal(tc.counts))
			for pod, role := range tc.roles {
				g.Expect(tc.t.role(pod)).To(Equal(role), pod)
			}
		})
	}
}

func TestPoolOf(t *testing.T) {
	pools := []observedPool{pool("a", nil), pool("a-b", nil)}
	for pod, want := range map[string]string{"s-a-0": "s-a", "s-a-b-12": "s-a-b", "s-a-": "", "s-a-x": "", "s-c-0": ""} {
		p, ok := poolOf(pod, pools)
		got := ""
		if ok {
			got = p.name
		}
		if got != want {
			t.Errorf("poolOf(%q) = %q, want %q", pod, got, want)
		}
	}
}
