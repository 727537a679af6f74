package controllers

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/toposerver"
	"github.com/multigres/multigres-operator/test/kubetest"
)

func globalTopoServer(ns string) *v1beta1.TopoServer {
	return &v1beta1.TopoServer{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "example-global",
			Labels: map[string]string{v1beta1.LabelCluster: "example", v1beta1.LabelTopoScope: "global"}},
		Spec: v1beta1.TopoServerSpec{
			RootPath: "/multigres/global", Image: "quay.io/coreos/etcd:v3.5.17", Replicas: 3,
			Resources:               *resources("200m", "256Mi"),
			DataVolumeClaimTemplate: claim("10Gi"),
		},
	}
}

func TestTopoServer(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "topo")
	ts := globalTopoServer(ns)
	g.Expect(k8s.Create(ctx, ts)).To(Succeed())

	sts := kubetest.Get(g, k8s, ns, "example-global", &appsv1.StatefulSet{})
	kubetest.ControlledBy(g, sts, ts)
	g.Expect(*sts.Spec.Replicas).To(Equal(int32(3)))
	g.Expect(sts.Spec.ServiceName).To(Equal("example-global-peer"))
	g.Expect(sts.Spec.PodManagementPolicy).To(Equal(appsv1.ParallelPodManagement))
	g.Expect(sts.Spec.PersistentVolumeClaimRetentionPolicy).To(Equal(&appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
		WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType, WhenScaled: appsv1.RetainPersistentVolumeClaimRetentionPolicyType}))
	g.Expect(sts.Spec.VolumeClaimTemplates).To(HaveLen(1))
	g.Expect(sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String()).To(Equal("10Gi"))
	etcd := container(sts.Spec.Template.Spec, "etcd")
	g.Expect(etcd.Image).To(Equal("quay.io/coreos/etcd:v3.5.17"))
	g.Expect(etcd.Resources.Requests.Cpu().String()).To(Equal("200m"))
	g.Expect(envValue(etcd, "ETCD_INITIAL_CLUSTER")).To(Equal(
		"example-global-0=http://example-global-0.example-global-peer.topo.svc:2380," +
			"example-global-1=http://example-global-1.example-global-peer.topo.svc:2380," +
			"example-global-2=http://example-global-2.example-global-peer.topo.svc:2380"))
	g.Expect(envValue(etcd, "ETCD_DATA_DIR")).To(Equal("/var/lib/etcd"))
	g.Expect(etcd.VolumeMounts).To(ContainElement(corev1.VolumeMount{Name: "data", MountPath: "/var/lib/etcd"}))

	clientSvc := kubetest.Get(g, k8s, ns, "example-global-client", &corev1.Service{})
	kubetest.ControlledBy(g, clientSvc, ts)
	g.Expect(clientSvc.Spec.Ports).To(HaveLen(1))
	g.Expect(clientSvc.Spec.Ports[0].Port).To(Equal(int32(2379)))
	peer := kubetest.Get(g, k8s, ns, "example-global-peer", &corev1.Service{})
	g.Expect(peer.Spec.ClusterIP).To(Equal(corev1.ClusterIPNone))
	g.Expect(peer.Spec.PublishNotReadyAddresses).To(BeTrue())
	g.Expect(peer.Spec.Ports).To(ContainElement(HaveField("Port", int32(2380))))
	pdb := kubetest.Get(g, k8s, ns, "example-global", &policyv1.PodDisruptionBudget{})
	g.Expect(*pdb.Spec.MaxUnavailable).To(Equal(intstr.FromInt32(1)), "three members keep quorum with one away")
	g.Expect(pdb.Spec.Selector.MatchLabels).To(Equal(sts.Spec.Selector.MatchLabels))

	kubetest.HaveCondition(g, k8s, ts, v1beta1.ConditionAvailable, metav1.ConditionFalse, toposerver.ReasonQuorumNotReady)
	kubetest.MarkReady(g, k8s, ns, "example-global", &appsv1.StatefulSet{})
	kubetest.HaveCondition(g, k8s, ts, v1beta1.ConditionAvailable, metav1.ConditionTrue, toposerver.ReasonQuorumReady)
	kubetest.HaveCondition(g, k8s, ts, v1beta1.ConditionProgressing, metav1.ConditionFalse, toposerver.ReasonRolloutComplete)
	kubetest.Eventually(g, k8s, ts, func(g Gomega) {
		g.Expect(ts.Status.ReadyReplicas).To(Equal(int32(3)))
		g.Expect(ts.Status.Replicas).To(Equal(int32(3)))
		g.Expect(ts.Status.ClientServiceName).To(Equal("example-global-client"))
		g.Expect(ts.Status.PeerServiceName).To(Equal("example-global-peer"))
		g.Expect(ts.Status.ObservedGeneration).To(Equal(ts.Generation))
	})

	// Static bootstrap: the member count is kept, and the refusal is reported.
	g.Expect(k8s.Patch(ctx, ts, client.RawPatch("application/merge-patch+json", []byte(`{"spec":{"replicas":5}}`)))).To(Succeed())
	kubetest.HaveCondition(g, k8s, ts, v1beta1.ConditionProgressing, metav1.ConditionFalse, toposerver.ReasonReplicasChangeRefused)
	g.Expect(k8s.Get(ctx, kubetest.Key(ns, "example-global"), sts)).To(Succeed())
	g.Expect(*sts.Spec.Replicas).To(Equal(int32(3)))
}
