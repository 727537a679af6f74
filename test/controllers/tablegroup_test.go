package controllers

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/shard"
	"github.com/multigres/multigres-operator/internal/controllers/tablegroup"
	"github.com/multigres/multigres-operator/test/kubetest"
)

func ordersTableGroup(ns string, shards int32) *v1beta1.TableGroup {
	return &v1beta1.TableGroup{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "production-db-orders-tg", Labels: map[string]string{
			v1beta1.LabelCluster: "example", v1beta1.LabelDatabase: "production_db", v1beta1.LabelTableGroup: "orders_tg"}},
		Spec: v1beta1.TableGroupSpec{
			DatabaseName: "production_db", TableGroupName: "orders_tg", PostgresCredentialsSecret: "example-postgres-credentials",
			Images:           v1beta1.ShardImages{MultiPooler: "multigres/multigres:latest", Postgres: "ghcr.io/multigres/pgctld:latest"},
			GlobalTopoServer: v1beta1.GlobalTopoServerRef{RootPath: "/multigres/global", Address: "example-global-client." + ns + ".svc:2379"},
			Partitioning:     v1beta1.Partitioning{Shards: ptr.To(shards)},
			ShardTemplate: v1beta1.ShardTemplate{Pools: []v1beta1.PoolSpec{{Name: "replica-us-east-1", Type: v1beta1.PoolTypeReplica, Cell: "us-east-1",
				ShardPoolSpec: v1beta1.ShardPoolSpec{Replicas: ptr.To[int32](2), DataVolumeClaimTemplate: claim("1Gi")}}}},
		},
	}
}

func shardNames(g Gomega, tg *v1beta1.TableGroup) []string {
	list := &v1beta1.ShardList{}
	g.Expect(k8s.List(ctx, list, client.InNamespace(tg.Namespace))).To(Succeed())
	var names []string
	for _, s := range list.Items {
		kubetest.ControlledBy(g, &s, tg)
		names = append(names, s.Name)
	}
	return names
}

func setShards(g Gomega, tg *v1beta1.TableGroup, n int32) {
	g.Eventually(func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(tg), tg); err != nil {
			return err
		}
		tg.Spec.Partitioning.Shards = ptr.To(n)
		return k8s.Update(ctx, tg)
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
}

func TestTableGroupShards(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "tablegroup")
	tg := ordersTableGroup(ns, 2)
	g.Expect(k8s.Create(ctx, tg)).To(Succeed())

	g.Eventually(func(g Gomega) []string { return shardNames(g, tg) }, kubetest.Timeout, kubetest.Poll).
		Should(ConsistOf("production-db-orders-tg-0", "production-db-orders-tg-1"))
	s1 := kubetest.Get(g, k8s, ns, "production-db-orders-tg-1", &v1beta1.Shard{})
	g.Expect(s1.Spec.ShardName).To(Equal("80-inf"))
	g.Expect(s1.Spec.DatabaseName).To(Equal("production_db"))
	g.Expect(s1.Spec.PostgresCredentialsSecret).To(Equal("example-postgres-credentials"))
	g.Expect(s1.Labels).To(HaveKeyWithValue(v1beta1.LabelShard, "80-inf"))
	g.Expect(s1.Spec.Pools).To(HaveLen(1))

	// Status rolls up: shards become available when their pools are ready.
	kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionAvailable, metav1.ConditionFalse, tablegroup.ReasonShardsNotReady)
	for _, s := range []string{"production-db-orders-tg-0", "production-db-orders-tg-1"} {
		kubetest.MarkReady(g, k8s, ns, s+"-us-east-1-replica", &appsv1.StatefulSet{})
		kubetest.HaveCondition(g, k8s, kubetest.Get(g, k8s, ns, s, &v1beta1.Shard{}), v1beta1.ConditionAvailable, metav1.ConditionTrue, shard.ReasonPoolsReady)
	}
	kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionAvailable, metav1.ConditionTrue, tablegroup.ReasonShardsReady)
	kubetest.Eventually(g, k8s, tg, func(g Gomega) {
		g.Expect(tg.Status.Shards).To(Equal(int32(2)))
		g.Expect(tg.Status.ReadyShards).To(Equal(int32(2)))
	})

	setShards(g, tg, 3)
	g.Eventually(func(g Gomega) []string { return shardNames(g, tg) }, kubetest.Timeout, kubetest.Poll).Should(HaveLen(3))
	// Live shards keep the key ranges they were created with; the new one takes its own.
	g.Expect(kubetest.Get(g, k8s, ns, "production-db-orders-tg-1", &v1beta1.Shard{}).Spec.ShardName).To(Equal("80-inf"))
	g.Expect(kubetest.Get(g, k8s, ns, "production-db-orders-tg-2", &v1beta1.Shard{}).Spec.ShardName).To(Equal("aa-inf"))
	kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionAvailable, metav1.ConditionFalse, tablegroup.ReasonShardsNotReady)

	// Lowering the count would lose data: every shard stays, and the status says why.
	setShards(g, tg, 1)
	c := kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionProgressing, metav1.ConditionFalse, tablegroup.ReasonShardRemovalRefused)
	g.Expect(c.Message).To(ContainSubstring("production-db-orders-tg-1, production-db-orders-tg-2"))
	g.Consistently(func(g Gomega) []string { return shardNames(g, tg) }, "500ms", kubetest.Poll).Should(HaveLen(3))
	kubetest.Eventually(g, k8s, tg, func(g Gomega) { g.Expect(tg.Status.Shards).To(Equal(int32(3))) })
}
