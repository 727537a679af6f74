package webhooks

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1alpha1"
	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// The samples are accepted as they are, and the stored cluster shows the written defaults.
func TestSamplesAcceptedWithDefaults(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := kubetest.Namespace(t, admin, "valid")
	sample := applySamples(t, ns, false)

	got := &v1beta1.MultigresCluster{}
	g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: ns, Name: sample.Name}, got)).To(Succeed())
	g.Expect(got.Spec.TopologyReconciliation).To(Equal(&v1beta1.TopologyReconciliation{
		RegisterCell: ptr.To(true), PruneTablets: ptr.To(true)}))
	// What the user wrote is kept as written.
	g.Expect(got.Spec.Cells).To(Equal(sample.Spec.Cells))
	g.Expect(got.Spec.Databases).To(Equal(sample.Spec.Databases))
}

// A cluster that says almost nothing gets every default that must not move under it.
func TestMinimalClusterDefaulted(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := kubetest.Namespace(t, admin, "minimal")
	c := &v1beta1.MultigresCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "tiny"},
		Spec: v1beta1.MultigresClusterSpec{
			Cells: []v1beta1.CellConfig{{Name: "zone-a"}},
			Databases: []v1beta1.DatabaseConfig{{Name: "app", Spec: v1beta1.DatabaseConfigSpec{
				TableGroups: []v1beta1.TableGroupConfig{{Name: "main", ShardTemplate: v1beta1.ShardTemplateConfig{
					Pools: []v1beta1.PoolConfig{{Name: "main", Type: v1beta1.PoolTypeReplica, Cell: "zone-a",
						Spec: &v1beta1.ShardPoolSpec{}}},
				}}},
			}}},
		},
	}
	g.Expect(admin.Create(ctx, c)).To(Succeed())
	g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(c), c)).To(Succeed())

	g.Expect(c.Spec.Images.ImagePullPolicy).To(Equal(corev1.PullIfNotPresent))
	g.Expect(c.Spec.Images.Postgres).To(BeEmpty(), "images stay implicit so an operator upgrade can move them")
	managed := c.Spec.GlobalTopoServer.Managed
	g.Expect(managed.RootPath).To(Equal("/multigres/global"))
	g.Expect(*managed.Spec.Replicas).To(Equal(resolve.DefaultTopoServerReplicas))
	g.Expect(managed.Spec.DataVolumeClaimTemplate.Resources.Requests.Storage().String()).To(Equal("10Gi"))
	g.Expect(managed.Spec.Image).To(BeEmpty())
	g.Expect(c.Spec.Cells[0].Spec.TopoServer).To(Equal(&v1beta1.CellTopoServerConfig{Global: &v1beta1.UseGlobalTopoServer{}}))
	tg := c.Spec.Databases[0].Spec.TableGroups[0]
	g.Expect(*tg.Partitioning.Shards).To(Equal(int32(1)))
	pool := tg.ShardTemplate.Pools[0].Spec
	g.Expect(*pool.Replicas).To(Equal(resolve.DefaultPoolReplicas))
	g.Expect(pool.DataVolumeClaimTemplate.AccessModes).To(Equal([]corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}))
	g.Expect(pool.DataVolumeClaimTemplate.Resources.Requests.Storage().Cmp(resolve.DefaultPoolStorage)).To(Equal(0))
	g.Expect(pool.Postgres).To(BeNil(), "resources stay implicit")
}

// The webhooks are registered for v1beta1 with matchPolicy Equivalent: a v1alpha1 request is
// converted and checked by them, and its errors name v1beta1 fields.
func TestV1alpha1RequestsCheckedAsV1beta1(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := kubetest.Namespace(t, admin, "v1alpha1")
	c := &v1alpha1.MultigresCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "old"},
		Spec: v1alpha1.MultigresClusterSpec{
			GlobalTopoServer: &v1alpha1.TopoServerConfig{DeploymentTemplate: "missing"},
			Cells:            []v1alpha1.CellConfig{{Name: "zone-a"}},
			Databases: []v1alpha1.DatabaseConfig{{Name: "app", Spec: v1alpha1.DatabaseConfigSpec{
				TableGroups: []v1alpha1.TableGroupConfig{{Name: "main", ShardTemplate: v1alpha1.ShardTemplateConfig{
					Pools: []v1alpha1.PoolConfig{{Type: v1alpha1.PoolTypeReplica, Cell: "zone-b"}},
				}}},
			}}},
		},
	}
	err := admin.Create(ctx, c.DeepCopy())
	g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want Invalid, got %v", err)
	g.Expect(err.Error()).To(ContainSubstring(`admission webhook "vmultigrescluster-v1beta1.multigres.com" denied the request`))
	g.Expect(err.Error()).To(ContainSubstring("spec.globalTopoServer.managed.deploymentTemplate"))
	g.Expect(err.Error()).To(ContainSubstring("spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].cell"))

	// Made valid, it is created with the defaults written, which read back in v1alpha1.
	c.Spec.GlobalTopoServer = nil
	c.Spec.Databases[0].Spec.TableGroups[0].ShardTemplate.Pools[0].Cell = "zone-a"
	g.Expect(admin.Create(ctx, c)).To(Succeed())
	g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(c), c)).To(Succeed())
	g.Expect(c.Spec.GlobalTopoServer.RootPath).To(Equal("/multigres/global"))
	g.Expect(*c.Spec.Databases[0].Spec.TableGroups[0].ShardTemplate.Pools[0].Replicas).To(Equal(resolve.DefaultPoolReplicas))
}

// Sizes that work but defeat their purpose are admitted with a warning.
func TestWarnings(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := kubetest.Namespace(t, admin, "warnings")
	c := &v1beta1.MultigresCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "small"},
		Spec: v1beta1.MultigresClusterSpec{
			GlobalTopoServer: &v1beta1.GlobalTopoServerConfig{Managed: &v1beta1.ManagedTopoServerConfig{
				Spec: &v1beta1.ManagedTopoServerSpec{Replicas: ptr.To[int32](2)}}},
			Cells: []v1beta1.CellConfig{{Name: "zone-a"}},
			Databases: []v1beta1.DatabaseConfig{{Name: "app", Spec: v1beta1.DatabaseConfigSpec{
				TableGroups: []v1beta1.TableGroupConfig{{Name: "main", ShardTemplate: v1beta1.ShardTemplateConfig{
					Pools: []v1beta1.PoolConfig{{Name: "main", Type: v1beta1.PoolTypeReplica, Cell: "zone-a",
						Spec: &v1beta1.ShardPoolSpec{Replicas: ptr.To[int32](1)}}},
				}}},
			}}},
		},
	}
	warnings.take()
	g.Expect(admin.Create(ctx, c)).To(Succeed())
	msgs := warnings.take()
	g.Expect(msgs).To(ContainElement(ContainSubstring("etcd cluster of 2 member(s) survives no member's loss")))
	g.Expect(msgs).To(ContainElement(And(ContainSubstring("has 1 replica-pool pod(s) per shard"), ContainSubstring("at least 2"))))
}

// Deleting a template a cluster uses is refused, naming the cluster and the fields; once no
// cluster refers to it, it can be deleted.
func TestTemplateInUseCannotBeDeleted(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := kubetest.Namespace(t, admin, "in-use")
	cluster := applySamples(t, ns, false)

	tmpl := &v1beta1.DeploymentTemplate{}
	g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: ns, Name: "orders-read-only"}, tmpl)).To(Succeed())
	refused := rejections(g, "DeploymentTemplate", "delete", "Forbidden", "")
	err := admin.Delete(ctx, tmpl)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err)
	g.Expect(rejections(g, "DeploymentTemplate", "delete", "Forbidden", "")).To(Equal(refused+1), "the refusal is counted")
	g.Expect(err.Error()).To(ContainSubstring(cluster.Name))
	g.Expect(err.Error()).To(ContainSubstring(ordersTG + ".shardTemplate.pools[1].deploymentTemplate"))

	g.Expect(admin.Get(ctx, client.ObjectKeyFromObject(cluster), cluster)).To(Succeed())
	pool := &cluster.Spec.Databases[0].Spec.TableGroups[1].ShardTemplate.Pools[1]
	pool.DeploymentTemplate = ""
	pool.Spec = &v1beta1.ShardPoolSpec{Replicas: ptr.To[int32](1), DataVolumeClaimTemplate: &corev1.PersistentVolumeClaimSpec{
		AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
		Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("500Gi")}},
	}}
	g.Expect(admin.Update(ctx, cluster)).To(Succeed())
	g.Expect(admin.Delete(ctx, tmpl)).To(Succeed())
}

// Children are the operator's: the API server itself (a ValidatingAdmissionPolicy, no
// webhook) refuses a user's create, update or delete with a pointer to the MultigresCluster,
// while the operator's own writes and the break-glass group's pass.
func TestChildrenAreReadOnly(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := kubetest.Namespace(t, admin, "children")
	shard := &v1beta1.Shard{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "c-db-tg-0", Labels: map[string]string{v1beta1.LabelCluster: "c"}},
		Spec: v1beta1.ShardSpec{DatabaseName: "db", TableGroupName: "tg", ShardName: "0",
			PostgresCredentialsSecret: "c-postgres-credentials"},
	}
	forbidden := func(err error) {
		t.Helper()
		g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err)
		g.Expect(err.Error()).To(ContainSubstring(`Shard objects are read-only: the multigres-operator resolves them from MultigresCluster "c"`))
		g.Expect(err.Error()).To(ContainSubstring("edit the MultigresCluster"))
	}
	// The policy is enforced once the API server has loaded it.
	g.Eventually(func() bool {
		return apierrors.IsForbidden(admin.Create(ctx, shard.DeepCopy(), client.DryRunAll))
	}, 30*time.Second, 100*time.Millisecond).Should(BeTrue())
	forbidden(admin.Create(ctx, shard.DeepCopy()))

	g.Expect(operatorClient.Create(ctx, shard)).To(Succeed())

	byUser := shard.DeepCopy()
	byUser.Spec.ShardName = "7"
	forbidden(admin.Update(ctx, byUser))

	shard.Spec.Images.Postgres = "postgres:17"
	g.Expect(operatorClient.Update(ctx, shard)).To(Succeed())
	forbidden(admin.Delete(ctx, shard))

	// An administrator who must (the operator gone for good, say) acts in the break-glass group.
	shard.Spec.Images.Postgres = "postgres:17.1"
	g.Expect(breakGlassClient.Update(ctx, shard)).To(Succeed())
	g.Expect(breakGlassClient.Delete(ctx, shard)).To(Succeed())
}

// The cluster and template webhooks see neither an update that leaves the spec alone (so a
// finalizer can be removed, or a cluster paused, while the operator is down) nor the
// break-glass group; every other write still goes through them.
func TestMetadataOnlyAndBreakGlassSkipTheWebhooks(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	ns := kubetest.Namespace(t, admin, "skip-webhooks")
	// Only the break-glass group can store a spec the rules refuse (a missing template).
	cluster := &v1beta1.MultigresCluster{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "c"},
		Spec: v1beta1.MultigresClusterSpec{MultiAdmin: &v1beta1.StatelessComponentConfig{DeploymentTemplate: "missing"}}}
	refused := rejections(g, "MultigresCluster", "create", "Invalid", "spec.multiadmin.deploymentTemplate")
	g.Expect(admin.Create(ctx, cluster.DeepCopy())).NotTo(Succeed())
	g.Expect(rejections(g, "MultigresCluster", "create", "Invalid", "spec.multiadmin.deploymentTemplate")).To(Equal(refused+1),
		"the refusal is counted with the field refused")
	g.Expect(breakGlassClient.Create(ctx, cluster)).To(Succeed())

	// A metadata-only update is not validated, so it passes despite the stored spec.
	cluster.Annotations = map[string]string{v1beta1.AnnotationPaused: "true"}
	cluster.Finalizers = []string{"example.com/hold"}
	g.Expect(admin.Update(ctx, cluster)).To(Succeed())
	cluster.Finalizers = nil
	g.Expect(admin.Update(ctx, cluster)).To(Succeed())

	// A spec change is validated as ever.
	cluster.Spec.MultiAdmin.DeploymentTemplate = "missing-too"
	err := admin.Update(ctx, cluster)
	g.Expect(err).To(HaveOccurred())
	g.Expect(err.Error()).To(ContainSubstring(`spec.multiadmin.deploymentTemplate: Not found: "missing-too"`))
}

// rejections is multigres_admission_rejections_total for kind, operation, reason and field.
func rejections(g Gomega, kind, operation, reason, field string) float64 {
	return kubetest.Metric(g, "multigres_admission_rejections_total", map[string]string{"kind": kind, "operation": operation, "reason": reason, "field": field})
}
