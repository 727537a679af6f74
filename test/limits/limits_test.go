package limits

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/shard"
	"github.com/multigres/multigres-operator/internal/controllers/tablegroup"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/testenv"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// The design document's example asks for database production_db, four table groups, one of
// two shards, and a readOnly pool: Multigres v0.1 serves none of it. Every Shard and
// TableGroup says so and nobody waits for them; no shard pool StatefulSet is created.
func TestDesignExampleRunsNoShardPods(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "design-example")
	objs, err := testenv.Samples("v1beta1")
	g.Expect(err).NotTo(HaveOccurred())
	var cluster *v1beta1.MultigresCluster
	for _, u := range objs {
		typed, err := k8s.Scheme().New(u.GroupVersionKind())
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, typed)).To(Succeed())
		obj := typed.(client.Object)
		obj.SetNamespace(ns)
		g.Expect(k8s.Create(ctx, obj)).To(Succeed(), "%s %s", u.GetKind(), u.GetName())
		if c, ok := obj.(*v1beta1.MultigresCluster); ok {
			cluster = c
		}
	}

	supported := kubetest.HaveCondition(g, k8s, cluster, v1beta1.ConditionSupported, metav1.ConditionFalse, limits.ReasonUnsupported)
	for _, field := range []string{
		`spec.databases[0].name: "production_db": Multigres v0.1 serves only database "postgres"`,
		`spec.databases[0].spec.tablegroups[1].name: "orders_tg": Multigres v0.1 serves only table group "default"`,
		`spec.databases[0].spec.tablegroups[1].partitioning.shards: 2: Multigres v0.1 serves one shard per table group`,
		`spec.databases[0].spec.tablegroups[1].shardTemplate.pools[1].type: "readOnly": Multigres v0.1 has no read-only pooler`,
	} {
		g.Expect(supported.Message).To(ContainSubstring(field))
	}

	var shards v1beta1.ShardList
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.List(ctx, &shards, client.InNamespace(ns))).To(Succeed())
		g.Expect(shards.Items).To(HaveLen(5)) // default, orders_tg x2, analytics_tg, custom_tg
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	for i := range shards.Items {
		s := &shards.Items[i]
		c := kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionSupported, metav1.ConditionFalse, limits.ReasonUnsupported)
		g.Expect(c.Message).To(ContainSubstring(`database "production_db": Multigres v0.1 serves only database "postgres"`))
		kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionAvailable, metav1.ConditionFalse, limits.ReasonUnsupported)
		kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionProgressing, metav1.ConditionFalse, limits.ReasonUnsupported)
	}

	var tgs v1beta1.TableGroupList
	g.Expect(k8s.List(ctx, &tgs, client.InNamespace(ns))).To(Succeed())
	g.Expect(tgs.Items).To(HaveLen(4))
	for i := range tgs.Items {
		tg := &tgs.Items[i]
		c := kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionSupported, metav1.ConditionFalse, limits.ReasonUnsupported)
		g.Expect(c.Message).To(ContainSubstring(`database "production_db"`))
		kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionAvailable, metav1.ConditionFalse, limits.ReasonUnsupported)
		kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionProgressing, metav1.ConditionFalse, tablegroup.ReasonShardsReconciled)
	}

	// The cluster waits for its cells and etcds (no pods run here), not for its table groups.
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(cluster), cluster)).To(Succeed())
		for _, t := range []string{v1beta1.ConditionAvailable, v1beta1.ConditionProgressing} {
			c := conditions.Get(cluster, t)
			g.Expect(c).NotTo(BeNil())
			g.Expect(c.ObservedGeneration).To(Equal(cluster.Generation))
			g.Expect(c.Message).NotTo(ContainSubstring("TableGroup"), "%s: %s", t, c.Message)
		}
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())

	var sets appsv1.StatefulSetList
	g.Expect(k8s.List(ctx, &sets, client.InNamespace(ns), client.MatchingLabels{names.LabelComponent: names.ComponentShardPool})).To(Succeed())
	g.Expect(sets.Items).To(BeEmpty(), "no shard pool may run")
}

// servableTableGroup is what Multigres v0.1 serves (database postgres, table group default,
// one shard) plus a readOnly pool, which it does not.
func servableTableGroup(ns string) *v1beta1.TableGroup {
	pool := func(name string, t v1beta1.PoolType, cell string) v1beta1.PoolSpec {
		return v1beta1.PoolSpec{Name: name, Type: t, Cell: cell, ShardPoolSpec: v1beta1.ShardPoolSpec{Replicas: ptr.To[int32](3),
			DataVolumeClaimTemplate: &corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}}}}}
	}
	return &v1beta1.TableGroup{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "serving-postgres-default", Labels: map[string]string{
			v1beta1.LabelCluster: "serving", v1beta1.LabelDatabase: "postgres", v1beta1.LabelTableGroup: "default"}},
		Spec: v1beta1.TableGroupSpec{
			DatabaseName: "postgres", TableGroupName: "default", PostgresCredentialsSecret: "serving-postgres-credentials",
			GlobalTopoServer: v1beta1.GlobalTopoServerRef{RootPath: "/multigres/global", Address: "serving-global-client." + ns + ".svc:2379"},
			Partitioning:     v1beta1.Partitioning{Shards: ptr.To[int32](1)},
			ShardTemplate: v1beta1.ShardTemplate{Pools: []v1beta1.PoolSpec{
				pool("main", v1beta1.PoolTypeReplica, "zone-a"), pool("reads", v1beta1.PoolTypeReadOnly, "zone-b")}},
		},
	}
}

// A servable table group runs its one shard, "0-inf", without the readOnly pool; both say
// so, and both become available on the replica pool alone.
func TestReadOnlyPoolGetsNoPods(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "readonly")
	tg := servableTableGroup(ns)
	g.Expect(k8s.Create(ctx, tg)).To(Succeed())

	s := kubetest.Get(g, k8s, ns, names.Shard(tg.Name, 0), &v1beta1.Shard{})
	g.Expect(s.Spec.ShardName).To(Equal("0-inf"))
	main := shard.PoolName(s.Name, tg.Spec.ShardTemplate.Pools[0])
	reads := shard.PoolName(s.Name, tg.Spec.ShardTemplate.Pools[1])
	kubetest.Get(g, k8s, ns, main, &appsv1.StatefulSet{})

	c := kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionSupported, metav1.ConditionFalse, limits.ReasonUnsupported)
	g.Expect(c.Message).To(ContainSubstring(`pool "reads": Multigres v0.1 has no read-only pooler`))
	c = kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionSupported, metav1.ConditionFalse, limits.ReasonUnsupported)
	g.Expect(c.Message).To(ContainSubstring(`pool "reads": Multigres v0.1 has no read-only pooler`))
	g.Consistently(func() bool {
		return apierrors.IsNotFound(k8s.Get(ctx, kubetest.Key(ns, reads), &appsv1.StatefulSet{}))
	}, "1s", kubetest.Poll).Should(BeTrue(), "the readOnly pool must get no StatefulSet")

	kubetest.MarkReady(g, k8s, ns, main, &appsv1.StatefulSet{})
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionAvailable, metav1.ConditionTrue, shard.ReasonPoolsReady)
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionProgressing, metav1.ConditionFalse, shard.ReasonRolloutComplete)
	kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionAvailable, metav1.ConditionTrue, tablegroup.ReasonShardsReady)
	kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionProgressing, metav1.ConditionFalse, tablegroup.ReasonShardsReconciled)
}

// A served shard that stops being served (here: its spec edited by hand; in life an operator
// upgrade or --multigres-limits changed) keeps its StatefulSet, scaled to 0 with its claims
// retained, and its Service and PDB; it then reports itself unserved, not progressing.
func TestUnservedShardIsScaledToZero(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "scaled-down")
	tg := servableTableGroup(ns)
	tg.Spec.ShardTemplate.Pools = tg.Spec.ShardTemplate.Pools[:1]
	tg.Spec.ShardTemplate.Pools[0].DataVolumeRetentionPolicy = &v1beta1.VolumeRetentionPolicy{WhenScaled: v1beta1.DeleteVolume}
	s := &v1beta1.Shard{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "serving-postgres-default-0"},
		Spec: v1beta1.ShardSpec{DatabaseName: "postgres", TableGroupName: "default", ShardName: "0-inf",
			PostgresCredentialsSecret: tg.Spec.PostgresCredentialsSecret, GlobalTopoServer: tg.Spec.GlobalTopoServer,
			Pools: tg.Spec.ShardTemplate.Pools},
	}
	g.Expect(k8s.Create(ctx, s)).To(Succeed())
	name := shard.PoolName(s.Name, s.Spec.Pools[0])
	sts := kubetest.Get(g, k8s, ns, name, &appsv1.StatefulSet{})
	g.Expect(*sts.Spec.Replicas).To(Equal(int32(3)))
	kubetest.MarkReady(g, k8s, ns, name, &appsv1.StatefulSet{})
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionAvailable, metav1.ConditionTrue, shard.ReasonPoolsReady)
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionSupported, metav1.ConditionTrue, limits.ReasonSupported)

	g.Eventually(func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(s), s); err != nil {
			return err
		}
		s.Spec.ShardName = "80-inf"
		return k8s.Update(ctx, s)
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())

	c := kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionSupported, metav1.ConditionFalse, limits.ReasonUnsupported)
	g.Expect(c.Message).To(ContainSubstring(`shard "80-inf": Multigres v0.1 serves only shard "0-inf"`))
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, kubetest.Key(ns, name), sts)).To(Succeed())
		g.Expect(*sts.Spec.Replicas).To(BeZero())
		g.Expect(sts.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled).To(Equal(appsv1.RetainPersistentVolumeClaimRetentionPolicyType),
			"scaling an unserved pool down must keep its claims")
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	g.Expect(sts.DeletionTimestamp).To(BeNil())
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionAvailable, metav1.ConditionFalse, limits.ReasonUnsupported)
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionProgressing, metav1.ConditionTrue, shard.ReasonRollingOut) // pods still to go

	kubetest.MarkReady(g, k8s, ns, name, &appsv1.StatefulSet{}) // the StatefulSet controller removed them
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionProgressing, metav1.ConditionFalse, limits.ReasonUnsupported)
	kubetest.Get(g, k8s, ns, name, &corev1.Service{})
	kubetest.Get(g, k8s, ns, name, &policyv1.PodDisruptionBudget{})
}
