package controllers

import (
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/shard"
	"github.com/multigres/multigres-operator/internal/controllers/tablegroup"
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
		controlledBy(g, &s, tg)
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
	}, timeout, poll).Should(Succeed())
}

func TestTableGroupShards(t *testing.T) {
	g := NewWithT(t)
	ns := newNamespace(t, "tablegroup")
	tg := ordersTableGroup(ns, 2)
	g.Expect(k8s.Create(ctx, tg)).To(Succeed())

	g.Eventually(func(g Gomega) []string { return shardNames(g, tg) }, timeout, poll).
		Should(ConsistOf("production-db-orders-tg-0", "production-db-orders-tg-1"))
	s1 := get(g, ns, "production-db-orders-tg-1", &v1beta1.Shard{})
	g.Expect(s1.Spec.ShardName).To(Equal("80-inf"))
	g.Expect(s1.Spec.DatabaseName).To(Equal("production_db"))
	g.Expect(s1.Spec.PostgresCredentialsSecret).To(Equal("example-postgres-credentials"))
	g.Expect(s1.Labels).To(HaveKeyWithValue(v1beta1.LabelShard, "80-inf"))
	g.Expect(s1.Spec.Pools).To(HaveLen(1))

	// Status rolls up: shards become available when their pools are ready.
	haveCondition(g, tg, v1beta1.ConditionAvailable, metav1.ConditionFalse, tablegroup.ReasonShardsNotReady)
	for _, s := range []string{"production-db-orders-tg-0", "production-db-orders-tg-1"} {
		markStatefulSetReady(g, ns, s+"-us-east-1-replica")
		haveCondition(g, get(g, ns, s, &v1beta1.Shard{}), v1beta1.ConditionAvailable, metav1.ConditionTrue, shard.ReasonPoolsReady)
	}
	haveCondition(g, tg, v1beta1.ConditionAvailable, metav1.ConditionTrue, tablegroup.ReasonShardsReady)
	eventually(g, tg, func(g Gomega) {
		g.Expect(tg.Status.Shards).To(Equal(int32(2)))
		g.Expect(tg.Status.ReadyShards).To(Equal(int32(2)))
	})

	setShards(g, tg, 3)
	g.Eventually(func(g Gomega) []string { return shardNames(g, tg) }, timeout, poll).Should(HaveLen(3))
	// Live shards keep the key ranges they were created with; the new one takes its own.
	g.Expect(get(g, ns, "production-db-orders-tg-1", &v1beta1.Shard{}).Spec.ShardName).To(Equal("80-inf"))
	g.Expect(get(g, ns, "production-db-orders-tg-2", &v1beta1.Shard{}).Spec.ShardName).To(Equal("aa-inf"))
	haveCondition(g, tg, v1beta1.ConditionAvailable, metav1.ConditionFalse, tablegroup.ReasonShardsNotReady)

	// Lowering the count would lose data: every shard stays, and the status says why.
	setShards(g, tg, 1)
	c := haveCondition(g, tg, v1beta1.ConditionProgressing, metav1.ConditionFalse, tablegroup.ReasonShardRemovalRefused)
	g.Expect(c.Message).To(ContainSubstring("production-db-orders-tg-1, production-db-orders-tg-2"))
	g.Consistently(func(g Gomega) []string { return shardNames(g, tg) }, "500ms", poll).Should(HaveLen(3))
	eventually(g, tg, func(g Gomega) { g.Expect(tg.Status.Shards).To(Equal(int32(3))) })
}
