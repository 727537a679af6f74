package cell

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/status/statustest"
)

// localTopo is the cell's TopoServer as observed, its Available condition reported for
// generation reported.
func localTopo(available metav1.ConditionStatus, reported int64) *v1beta1.TopoServer {
	return &v1beta1.TopoServer{ObjectMeta: metav1.ObjectMeta{Name: "c-a", Generation: 2}, Status: v1beta1.TopoServerStatus{
		Conditions: []metav1.Condition{{Type: v1beta1.ConditionAvailable, Status: available, ObservedGeneration: reported}}}}
}

var (
	managed  = &v1beta1.CellTopoServerSpec{Managed: &v1beta1.TopoServerSpec{RootPath: "/multigres/a", Image: "etcd", Replicas: 1}}
	external = &v1beta1.CellTopoServerSpec{External: &v1beta1.ExternalTopoServerSpec{Address: "etcd:2379", RootPath: "/a"}}
)

// cellAndObjects is the cell "a" with topology topo, and the objects built for it: a local
// TopoServer when topo is managed.
func cellAndObjects(topo *v1beta1.CellTopoServerSpec) (*v1beta1.Cell, objects) {
	c := &v1beta1.Cell{ObjectMeta: metav1.ObjectMeta{Name: "c-a", Namespace: "ns", Generation: 4},
		Spec: v1beta1.CellSpec{Name: "a", TopoServer: topo}}
	obj := objects{gatewayService: &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "c-a-gateway"}}}
	if topo != nil && topo.Managed != nil {
		obj.topoServer = &v1beta1.TopoServer{ObjectMeta: metav1.ObjectMeta{Name: "c-a"}}
	}
	return c, obj
}

func TestSetStatus(t *testing.T) {
	const nothingReady = "multigateway 0 of 1 ready; multiorch 0 of 1 ready"
	var (
		deployment = statustest.Deployment
		none       = &appsv1.Deployment{}
		notReady   = func(msg string) statustest.Condition { return statustest.False(ReasonComponentsNotReady, msg) }
		ready      = statustest.True(ReasonComponentsReady, "multigateway 2 of 2 ready")
		complete   = statustest.False(ReasonRolloutComplete, "multigateway 2 of 2 ready")
		rollingOut = statustest.True(ReasonRollingOut, "multigateway 2 of 2 ready")
		topoDown   = "local topo server c-a not available"
	)
	localStatus := &v1beta1.CellTopoServerStatus{RootPath: "/multigres/a", Address: "c-a-client.ns.svc:2379"}
	for _, tc := range []struct {
		name string
		// topoSpec is the cell's topology (nil: the global one).
		topoSpec *v1beta1.CellTopoServerSpec
		// What observe found; an object not found yet is empty, as observe leaves it.
		gateway, orch          *appsv1.Deployment
		topo                   *v1beta1.TopoServer
		orchAvailable          bool
		topoStatus             *v1beta1.CellTopoServerStatus
		available, progressing statustest.Condition
	}{
		{name: "nothing created yet", gateway: none, orch: none,
			available:   notReady(nothingReady),
			progressing: statustest.True(ReasonRollingOut, nothingReady)},
		{name: "nothing created yet, with a local topo server", topoSpec: managed,
			gateway: none, orch: none, topo: &v1beta1.TopoServer{},
			topoStatus:  localStatus,
			available:   notReady(nothingReady + "; " + topoDown),
			progressing: statustest.True(ReasonRollingOut, nothingReady+"; "+topoDown)},
		{name: "gateways partly ready", gateway: deployment(3, 2), orch: deployment(1, 1), orchAvailable: true,
			available:   notReady("multigateway 2 of 3 ready"),
			progressing: statustest.True(ReasonRollingOut, "multigateway 2 of 3 ready")},
		{name: "multiorch not ready", gateway: deployment(2, 2), orch: deployment(2, 1),
			available:   notReady("multiorch 1 of 2 ready"),
			progressing: statustest.True(ReasonRollingOut, "multiorch 1 of 2 ready")},
		{name: "every component ready", gateway: deployment(2, 2), orch: deployment(1, 1), orchAvailable: true,
			available: ready, progressing: complete},
		{name: "gateway spec not observed by the Deployment controller", gateway: statustest.Unobserved(deployment(2, 2)), orch: deployment(1, 1),
			orchAvailable: true, available: ready, progressing: rollingOut},
		{name: "multiorch pods not all updated", gateway: deployment(2, 2), orch: statustest.Updated(deployment(2, 2), 1),
			orchAvailable: true, available: ready, progressing: rollingOut},
		// Progressing is about the two Deployments: the topo server reports its own rollout.
		{name: "local topo server not available", topoSpec: managed,
			gateway: deployment(2, 2), orch: deployment(1, 1), topo: localTopo(metav1.ConditionFalse, 2), orchAvailable: true,
			topoStatus:  localStatus,
			available:   notReady(topoDown),
			progressing: statustest.False(ReasonRolloutComplete, topoDown)},
		{name: "local topo server available for an earlier spec", topoSpec: managed,
			gateway: deployment(2, 2), orch: deployment(1, 1), topo: localTopo(metav1.ConditionTrue, 1), orchAvailable: true,
			topoStatus:  localStatus,
			available:   notReady(topoDown),
			progressing: statustest.False(ReasonRolloutComplete, topoDown)},
		{name: "local topo server available", topoSpec: managed,
			gateway: deployment(2, 2), orch: deployment(1, 1), topo: localTopo(metav1.ConditionTrue, 2), orchAvailable: true,
			topoStatus: localStatus, available: ready, progressing: complete},
		{name: "external topo server", topoSpec: external, gateway: deployment(2, 2), orch: deployment(1, 1), orchAvailable: true,
			topoStatus: &v1beta1.CellTopoServerStatus{RootPath: "/a", Address: "etcd:2379"}, available: ready, progressing: complete},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			c, obj := cellAndObjects(tc.topoSpec)
			setStatus(c, obj, observed{gateway: tc.gateway, orch: tc.orch, topoServer: tc.topo})

			g.Expect(c.Status.ObservedGeneration).To(Equal(int64(4)))
			g.Expect(c.Status.GatewayReplicas).To(Equal(tc.gateway.Status.Replicas))
			g.Expect(c.Status.GatewayReadyReplicas).To(Equal(tc.gateway.Status.ReadyReplicas))
			g.Expect(c.Status.GatewayServiceName).To(Equal("c-a-gateway"))
			g.Expect(c.Status.MultiOrchAvailable).To(Equal(&tc.orchAvailable))
			g.Expect(c.Status.TopoServer).To(Equal(tc.topoStatus))
			statustest.Expect(g, c, v1beta1.ConditionAvailable, tc.available)
			statustest.Expect(g, c, v1beta1.ConditionProgressing, tc.progressing)
			g.Expect(c.Status.Conditions).To(HaveLen(2))
		})
	}
}

// The condition an earlier operator's registration Job left on a cell is removed.
func TestSetStatusDropsTopologyRegistered(t *testing.T) {
	g := NewWithT(t)
	c, obj := cellAndObjects(nil)
	conditions.Set(c, metav1.Condition{Type: conditionTopologyRegistered, Status: metav1.ConditionTrue, Reason: "Registered"})
	setStatus(c, obj, observed{gateway: statustest.Deployment(1, 1), orch: statustest.Deployment(1, 1)})
	g.Expect(conditions.Has(c, conditionTopologyRegistered)).To(BeFalse())
	g.Expect(c.Status.Conditions).To(HaveLen(2))
}

// A condition whose status does not change keeps its lastTransitionTime; one that flips gets
// a new one.
func TestSetStatusKeepsTransitionTime(t *testing.T) {
	g := NewWithT(t)
	c, obj := cellAndObjects(managed)
	seen := observed{gateway: statustest.Deployment(2, 2), orch: statustest.Deployment(1, 1), topoServer: localTopo(metav1.ConditionFalse, 2)}
	setStatus(c, obj, seen)
	then := statustest.Age(c.Status.Conditions)

	// The local topo server becomes available: Available flips; Progressing stays False.
	seen.topoServer = localTopo(metav1.ConditionTrue, 2)
	setStatus(c, obj, seen)
	g.Expect(conditions.Get(c, v1beta1.ConditionAvailable).LastTransitionTime.After(then.Time)).To(BeTrue())
	g.Expect(conditions.Get(c, v1beta1.ConditionProgressing)).To(And(HaveField("Reason", ReasonRolloutComplete),
		HaveField("LastTransitionTime", then)))
}
