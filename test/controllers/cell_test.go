package controllers

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/cell"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// exampleCell is a resolved cell of cluster "example", as the cluster controller writes it.
func exampleCell(ns, name string, all ...string) *v1beta1.Cell {
	return &v1beta1.Cell{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "example-" + name,
			Labels: map[string]string{v1beta1.LabelCluster: "example", v1beta1.LabelCell: name}},
		Spec: v1beta1.CellSpec{
			Name: name,
			Images: v1beta1.CellImages{MultiGateway: "multigres/multigres:gw", MultiOrch: "multigres/multigres:orch",
				ImagePullPolicy: corev1.PullAlways, ImagePullSecrets: []corev1.LocalObjectReference{{Name: "regcred"}}},
			MultiGateway:           v1beta1.StatelessSpec{Replicas: ptr.To[int32](2), Resources: resources("500m", "512Mi")},
			MultiOrch:              v1beta1.StatelessSpec{Replicas: ptr.To[int32](1), Resources: resources("100m", "128Mi")},
			GlobalTopoServer:       v1beta1.GlobalTopoServerRef{RootPath: "/multigres/global", ClientServiceName: "example-global-client", Address: "example-global-client." + ns + ".svc:2379"},
			AllCells:               all,
			TopologyReconciliation: v1beta1.TopologyReconciliation{RegisterCell: ptr.To(true), PruneTablets: ptr.To(true)},
		},
	}
}

func TestCellWithManagedLocalTopoServer(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "cell")
	c := exampleCell(ns, "us-west-2", "us-east-1", "us-west-2")
	c.Spec.TopoServer = &v1beta1.CellTopoServerSpec{Managed: &v1beta1.TopoServerSpec{RootPath: "/multigres/us-west-2", Image: "quay.io/coreos/etcd:v3.5.17",
		Replicas: 1, DataVolumeClaimTemplate: claim("5Gi")}}
	g.Expect(k8s.Create(ctx, c)).To(Succeed())

	topo := kubetest.Get(g, k8s, ns, "example-us-west-2", &v1beta1.TopoServer{})
	kubetest.ControlledBy(g, topo, c)
	g.Expect(topo.Labels).To(HaveKeyWithValue(v1beta1.LabelTopoScope, "cell"))
	g.Expect(topo.Labels).To(HaveKeyWithValue(v1beta1.LabelCell, "us-west-2"))
	g.Expect(topo.Labels).To(HaveKeyWithValue(v1beta1.LabelCluster, "example"))
	g.Expect(topo.Spec.RootPath).To(Equal("/multigres/us-west-2"))
	g.Expect(topo.Spec.Replicas).To(Equal(int32(1)))

	gw := kubetest.Get(g, k8s, ns, "example-us-west-2-multigateway", &appsv1.Deployment{})
	kubetest.ControlledBy(g, gw, c)
	g.Expect(*gw.Spec.Replicas).To(Equal(int32(2)))
	gwc := container(gw.Spec.Template.Spec, "multigateway")
	g.Expect(gwc.Image).To(Equal("multigres/multigres:gw"))
	g.Expect(gwc.ImagePullPolicy).To(Equal(corev1.PullAlways))
	g.Expect(gw.Spec.Template.Spec.ImagePullSecrets).To(Equal([]corev1.LocalObjectReference{{Name: "regcred"}}))
	g.Expect(gwc.Resources.Requests.Cpu().String()).To(Equal("500m"))
	g.Expect(gwc.Resources.Requests.Memory().String()).To(Equal("512Mi"))
	g.Expect(commandLine(gwc)).To(Equal("multigateway --http-port=15100 --grpc-port=15170 --pg-port=5432 --cell=us-west-2" +
		" --topo-global-server-addresses=example-global-client.cell.svc:2379 --topo-global-root=/multigres/global --hostname=$(POD_IP)"))

	orch := kubetest.Get(g, k8s, ns, "example-us-west-2-multiorch", &appsv1.Deployment{})
	oc := container(orch.Spec.Template.Spec, "multiorch")
	g.Expect(oc.Image).To(Equal("multigres/multigres:orch"))
	g.Expect(oc.Resources.Requests.Cpu().String()).To(Equal("100m"))
	g.Expect(commandLine(oc)).To(ContainSubstring("multiorch --http-port=15300 --grpc-port=15370 --cell=us-west-2"))

	svc := kubetest.Get(g, k8s, ns, "example-us-west-2-gateway", &corev1.Service{})
	kubetest.ControlledBy(g, svc, c)
	ports := map[string]int32{}
	for _, p := range svc.Spec.Ports {
		ports[p.Name] = p.Port
	}
	g.Expect(ports).To(Equal(map[string]int32{"postgres": 5432, "http": 15100, "grpc": 15170}))
	g.Expect(svc.Spec.Selector).To(Equal(gw.Spec.Selector.MatchLabels))

	kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionAvailable, metav1.ConditionFalse, cell.ReasonComponentsNotReady)
	kubetest.MarkReady(g, k8s, ns, gw.Name, &appsv1.Deployment{})
	kubetest.MarkReady(g, k8s, ns, orch.Name, &appsv1.Deployment{})
	kubetest.MarkReady(g, k8s, ns, topo.Name, &appsv1.StatefulSet{}) // the topo server's etcd
	kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionAvailable, metav1.ConditionTrue, cell.ReasonComponentsReady)
	kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionProgressing, metav1.ConditionFalse, cell.ReasonRolloutComplete)
	kubetest.Eventually(g, k8s, c, func(g Gomega) {
		g.Expect(c.Status.GatewayReplicas).To(Equal(int32(2)))
		g.Expect(c.Status.GatewayReadyReplicas).To(Equal(int32(2)))
		g.Expect(c.Status.GatewayServiceName).To(Equal("example-us-west-2-gateway"))
		g.Expect(c.Status.MultiOrchAvailable).To(Equal(ptr.To(true)))
		g.Expect(c.Status.TopoServer).To(Equal(&v1beta1.CellTopoServerStatus{
			RootPath: "/multigres/us-west-2", Address: "example-us-west-2-client.cell.svc:2379"}))
	})

	// The cell stops managing a topo server: its TopoServer goes.
	g.Eventually(func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(c), c); err != nil {
			return err
		}
		c.Spec.TopoServer = &v1beta1.CellTopoServerSpec{Global: &v1beta1.UseGlobalTopoServer{}}
		return k8s.Update(ctx, c)
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	g.Eventually(func() bool {
		return apierrors.IsNotFound(k8s.Get(ctx, kubetest.Key(ns, "example-us-west-2"), &v1beta1.TopoServer{}))
	}, kubetest.Timeout, kubetest.Poll).Should(BeTrue())
	g.Eventually(func() *v1beta1.CellTopoServerStatus {
		_ = k8s.Get(ctx, client.ObjectKeyFromObject(c), c)
		return c.Status.TopoServer
	}, kubetest.Timeout, kubetest.Poll).Should(BeNil())
}
