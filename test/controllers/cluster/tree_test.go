package cluster

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/multigrescluster"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// The design document's example becomes its whole tree, with the resolved settings, every
// child controlled by its parent, and a status rolled up from the children.
func TestSampleTree(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "sample")
	c := applySamples(t, ns)
	waitForTree(g, ns)
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(c), c)).To(Succeed())

	// The cluster's own children.
	global := kubetest.Get(g, k8s, ns, sample+"-global", &v1beta1.TopoServer{})
	kubetest.ControlledBy(g, global, c)
	g.Expect(global.Labels).To(HaveKeyWithValue(v1beta1.LabelCluster, sample))
	g.Expect(global.Spec.Replicas).To(Equal(int32(3)))
	g.Expect(global.Spec.RootPath).To(Equal("/multigres/global"))

	east := kubetest.Get(g, k8s, ns, sample+"-us-east-1", &v1beta1.Cell{})
	west := kubetest.Get(g, k8s, ns, sample+"-us-west-2", &v1beta1.Cell{})
	for _, cell := range []*v1beta1.Cell{east, west} {
		kubetest.ControlledBy(g, cell, c)
		g.Expect(cell.Labels).To(HaveKeyWithValue(v1beta1.LabelCell, cell.Spec.Name))
		g.Expect(cell.Spec.AllCells).To(Equal([]string{"us-east-1", "us-west-2"}))
	}
	gw := east.Spec.MultiGateway
	g.Expect(*gw.Replicas).To(Equal(int32(2)))
	g.Expect(gw.Resources.Limits.Cpu().String()).To(Equal("2"), "the override")
	g.Expect(gw.Resources.Requests.Cpu().String()).To(Equal("500m"), "from standard-ha")

	for _, name := range []string{"default", "orders-tg", "analytics-tg", "custom-tg"} {
		tg := kubetest.Get(g, k8s, ns, sample+"-production-db-"+name, &v1beta1.TableGroup{})
		kubetest.ControlledBy(g, tg, c)
		g.Expect(tg.Labels).To(HaveKeyWithValue(v1beta1.LabelDatabase, "production_db"))
		g.Expect(tg.Spec.PostgresCredentialsSecret).To(Equal(sample + "-postgres-credentials"))
	}
	analytics := kubetest.Get(g, k8s, ns, sample+"-production-db-analytics-tg", &v1beta1.TableGroup{})
	pool := analytics.Spec.ShardTemplate.Pools[0]
	g.Expect(pool.DataVolumeClaimTemplate.Resources.Requests.Storage().String()).To(Equal("1000Gi"))
	g.Expect(pool.Postgres.Resources.Requests.Cpu().String()).To(Equal("4"))
	g.Expect(pool.Postgres.Resources.Requests.Memory().String()).To(Equal("4Gi"), "from default-ha")

	// The Cell's own objects, by the Cell controller.
	local := kubetest.Get(g, k8s, ns, sample+"-us-west-2", &v1beta1.TopoServer{})
	kubetest.ControlledBy(g, local, west)
	g.Expect(local.Spec.RootPath).To(Equal("/multigres/us-west-2"))
	kubetest.ControlledBy(g, kubetest.Get(g, k8s, ns, sample+"-us-east-1-multigateway", &appsv1.Deployment{}), east)
	kubetest.ControlledBy(g, kubetest.Get(g, k8s, ns, sample+"-us-west-2-multiorch", &appsv1.Deployment{}), west)

	// multiadmin.
	admin := kubetest.Get(g, k8s, ns, sample+"-multiadmin", &appsv1.Deployment{})
	kubetest.ControlledBy(g, admin, c)
	g.Expect(*admin.Spec.Replicas).To(Equal(int32(1)))
	container := admin.Spec.Template.Spec.Containers[0]
	g.Expect(container.Command).To(Equal([]string{"multiadmin"}))
	g.Expect(container.Image).To(Equal("multigres/multigres:latest"))
	g.Expect(container.Args).To(ContainElements("--http-port=15000", "--grpc-port=15070",
		"--topo-global-server-addresses="+sample+"-global-client."+ns+".svc:2379", "--topo-global-root=/multigres/global"))
	g.Expect(container.Resources.Requests.Cpu().String()).To(Equal("100m"))
	g.Expect(container.Resources.Limits.Memory().String()).To(Equal("256Mi"))
	g.Expect(admin.Spec.Template.Spec.Affinity.PodAntiAffinity).NotTo(BeNil(), "from standard-ha")
	g.Expect(admin.Spec.Template.Spec.ImagePullSecrets).To(Equal([]corev1.LocalObjectReference{{Name: "my-registry-secret"}}))
	svc := kubetest.Get(g, k8s, ns, sample+"-multiadmin", &corev1.Service{})
	kubetest.ControlledBy(g, svc, c)
	g.Expect(svc.Spec.Selector).To(Equal(admin.Spec.Selector.MatchLabels))
	g.Expect(svc.Spec.Ports).To(ConsistOf(
		HaveField("Port", int32(15000)), HaveField("Port", int32(15070))))
	g.Expect(svc.Spec.Ports[0].TargetPort).To(Equal(intstr.FromString(svc.Spec.Ports[0].Name)))

	// The generated credentials: once, never rewritten; not owned by the cluster, since its
	// data is retained (credentials_test.go).
	secret := kubetest.Get(g, k8s, ns, sample+"-postgres-credentials", &corev1.Secret{})
	g.Expect(secret.OwnerReferences).To(BeEmpty())
	g.Expect(secret.Labels).To(HaveKeyWithValue(v1beta1.LabelCluster, sample))
	g.Expect(secret.Type).To(Equal(corev1.SecretTypeOpaque))
	g.Expect(string(secret.Data["username"])).To(Equal("postgres"))
	g.Expect(len(secret.Data["password"])).To(BeNumerically(">=", 32))
	g.Expect(secret.Labels).To(HaveKeyWithValue("app.kubernetes.io/managed-by", "multigres-operator"))

	// Every template lists the cluster and is kept from deletion; the cluster keeps its own
	// finalizer to take itself off those lists.
	for _, name := range []string{"standard-ha", "default-ha", "orders-ha-replica", "orders-read-only"} {
		consumersOf(g, ns, name, sample)
	}
	g.Expect(c.Finalizers).To(ContainElement(names.ClusterFinalizer))

	// Status, with nothing running yet.
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(c), c)).To(Succeed())
		g.Expect(c.Status.ObservedGeneration).To(Equal(c.Generation))
		g.Expect(c.Status.Cells).To(HaveKey("us-east-1"))
		g.Expect(c.Status.Cells).To(HaveKey("us-west-2"))
		g.Expect(c.Status.Databases).To(HaveKeyWithValue("production_db", HaveField("DesiredInstances", int32(14))))
		g.Expect(c.Status.MultiAdmin).To(Equal(&v1beta1.MultiAdminStatus{Available: ptr.To(false), ServiceName: sample + "-multiadmin"}))
		g.Expect(c.Status.GlobalTopoServer.Etcd.Available).To(Equal(ptr.To(false)))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionAvailable, metav1.ConditionFalse, multigrescluster.ReasonNotAvailable)
	kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionReady, metav1.ConditionFalse, multigrescluster.ReasonNotAvailable)

	// Once every workload runs, everything rolls up to Ready.
	converge(g, ns)
	markWorkloadsReady(g, ns)
	kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionAvailable, metav1.ConditionTrue, multigrescluster.ReasonAvailable)
	kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionProgressing, metav1.ConditionFalse, multigrescluster.ReasonReconciliationComplete)
	kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionReady, metav1.ConditionTrue, multigrescluster.ReasonReady)
	// No Multigres runs here, so no shard has a primary to serve writes
	// (test/controllers.TestShardFollowsTopology has one).
	all := v1beta1.CellStatusSummary{GatewayAvailable: ptr.To(true), MultiOrchAvailable: ptr.To(true), TopoServerAvailable: ptr.To(true)}
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(c), c)).To(Succeed())
		g.Expect(c.Status.Databases["production_db"]).To(Equal(v1beta1.DatabaseStatusSummary{
			DesiredInstances: 14, ReadyInstances: 14, ServingWrites: ptr.To(false)}))
		g.Expect(c.Status.Cells).To(Equal(map[string]v1beta1.CellStatusSummary{"us-east-1": all, "us-west-2": all}))
		g.Expect(c.Status.MultiAdmin.Available).To(Equal(ptr.To(true)))
		g.Expect(c.Status.GlobalTopoServer.Etcd.Available).To(Equal(ptr.To(true)))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())

	// The password survives reconciles.
	converge(g, ns)
	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) { c.Annotations = map[string]string{"touched": "1"} })
	converge(g, ns)
	again := kubetest.Get(g, k8s, ns, sample+"-postgres-credentials", &corev1.Secret{})
	g.Expect(again.ResourceVersion).To(Equal(secret.ResourceVersion))
	g.Expect(again.Data).To(Equal(secret.Data))
}
