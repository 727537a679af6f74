package controllers

import (
	"fmt"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/cell"
	"github.com/multigres/multigres-operator/internal/controllers/shard"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/topo"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// The shard reports the primary the Multigres topology shows (in a real etcd, written as
// multipoolers write it), labels its pods with their roles, and follows a failover.
func TestShardFollowsTopology(t *testing.T) {
	g := NewWithT(t)
	endpoint, etcd := topologyServer(t)
	const root = "/multigres/global"
	// The west cell is registered as upstream's CLI does: its poolers under <root>/<cell>.
	_, err := etcd.RegisterCell(ctx, root, topo.Cell{Name: "us-west-2", ServerAddresses: []string{endpoint}, Root: root + "/us-west-2"})
	g.Expect(err).NotTo(HaveOccurred())

	ns := kubetest.Namespace(t, k8s, "topology")
	s := ordersShard(ns)
	s.Spec.GlobalTopoServer = v1beta1.GlobalTopoServerRef{RootPath: root, Address: endpoint}
	s.Spec.Pools = s.Spec.Pools[:1] // the west replica pool: 2 pods
	g.Expect(k8s.Create(ctx, s)).To(Succeed())
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionServingWrites, metav1.ConditionFalse, shard.ReasonNoPrimary)

	// The pods the StatefulSet controller would make, and their poolers' records.
	key := topo.ShardKey{Database: s.Spec.DatabaseName, TableGroup: s.Spec.TableGroupName, Shard: s.Spec.ShardName}
	pooler := func(i int, role topo.Role, term int64) topo.Pooler {
		pod := fmt.Sprintf("%s-%d", westPool, i)
		return topo.Pooler{ID: topo.ID{Cell: "us-west-2", Name: pod}, Shard: key, Hostname: pod + "." + westPool + "." + ns + ".svc",
			Serving: true, Lifecycle: topo.LifecycleActive, Role: role, Rule: topo.Rule{Term: term}}
	}
	publish := func(p topo.Pooler) {
		_, err := etcd.Register(ctx, topo.PoolerKey(root+"/us-west-2", p.ID), p.Marshal())
		g.Expect(err).NotTo(HaveOccurred())
	}
	for i := range 2 {
		labels := names.Selector(names.ComponentShardPool, westPool)
		labels[names.LabelManagedBy] = names.ManagedBy
		g.Expect(k8s.Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("%s-%d", westPool, i), Labels: labels},
			Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "multipooler", Image: "multigres"}}},
		})).To(Succeed())
	}
	publish(pooler(0, topo.RolePrimary, 1))
	publish(pooler(1, topo.RoleReplica, 0))

	expectPrimary := func(primary, replica string, replicas int32) {
		kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionServingWrites, metav1.ConditionTrue, shard.ReasonPrimaryServing)
		kubetest.Eventually(g, k8s, s, func(g Gomega) {
			g.Expect(s.Status.Primary).To(Equal(primary))
			g.Expect(s.Status.PrimaryCell).To(Equal("us-west-2"))
			g.Expect(s.Status.Pools).To(Equal([]v1beta1.ShardPoolStatus{{Name: "replica-us-west-2", Primaries: 1, Replicas: replicas}}))
		})
		for pod, role := range map[string]string{primary: names.RolePrimary, replica: names.RoleReplica} {
			if pod == "" {
				continue
			}
			kubetest.Eventually(g, k8s, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: pod}}, func(g Gomega) {
				p := &corev1.Pod{}
				g.Expect(k8s.Get(ctx, kubetest.Key(ns, pod), p)).To(Succeed())
				g.Expect(p.Labels).To(HaveKeyWithValue(names.LabelRole, role), pod)
			})
		}
	}
	expectPrimary(westPool+"-0", westPool+"-1", 1)

	// Failover: pod 1 is elected under a newer rule; pod 0, dead, still says primary.
	quiet(g)
	publish(pooler(1, topo.RolePrimary, 2))
	expectPrimary(westPool+"-1", "", 0)
	kubetest.Eventually(g, k8s, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: westPool + "-0"}}, func(g Gomega) {
		g.Expect(kubetest.Get(g, k8s, ns, westPool+"-0", &corev1.Pod{}).Labels).NotTo(HaveKey(names.LabelRole),
			"a stale primary is neither primary nor replica")
	})
	g.Eventually(func(g Gomega) []string { return eventNotes(g, ns, shard.ReasonPrimaryChanged) }, kubetest.Timeout, kubetest.Poll).Should(
		ContainElement(ContainSubstring(westPool + "-1 in cell us-west-2 is primary")))

	// The old primary comes back as a replica.
	publish(pooler(0, topo.RoleReplica, 0))
	expectPrimary(westPool+"-1", westPool+"-0", 1)
	g.Expect(kubetest.Metric(g, "multigres_shard_primary_changes_total", map[string]string{"namespace": ns, "cluster": s.Labels[v1beta1.LabelCluster]})).
		To(Equal(2.0), "the first primary and the failover")

	// A change in the cell that does not concern the shard is read, and writes nothing.
	quiet(g)
	before, reconciles := writes.count(), reconcileCounts(g)["shard"]
	other := pooler(0, topo.RolePrimary, 1)
	other.ID.Name, other.Shard.Shard = "other-shard-0", "80-inf"
	publish(other)
	g.Eventually(func() float64 { return reconcileCounts(g)["shard"] }, kubetest.Timeout, kubetest.Poll).Should(BeNumerically(">", reconciles))
	quiet(g)
	g.Expect(writes.since(before)).To(BeEmpty(), "writes for a topology change that changes nothing")
}

// A Cell with pruneTablets removes the records of poolers whose pod is gone for good, and only
// those; one without leaves every record.
func TestCellPrunesPoolersGoneForGood(t *testing.T) {
	g := NewWithT(t)
	endpoint, etcd := topologyServer(t)
	const root = "/multigres/global"
	ns := kubetest.Namespace(t, k8s, "prune")
	publish := func(cell, pod, pool, namespace string) {
		p := topo.Pooler{ID: topo.ID{Cell: cell, Name: pod}, Hostname: pod + "." + pool + "." + namespace + ".svc", Lifecycle: topo.LifecycleShutdown}
		_, err := etcd.Register(ctx, topo.PoolerKey(root+"/"+cell, p.ID), p.Marshal())
		g.Expect(err).NotTo(HaveOccurred())
	}
	recorded := func(cell string) []string {
		poolers, err := etcd.Poolers(ctx, root+"/"+cell, cell)
		g.Expect(err).NotTo(HaveOccurred())
		var ids []string
		for _, p := range poolers {
			ids = append(ids, p.ID.Name)
		}
		return ids
	}
	// A pool of 2: pod 0 runs, pod 1 is being recreated; pod 2 was scaled away; another pool
	// is gone; a pooler of another namespace is not this cell's to judge.
	pool := "example-db-tg-0-us-west-2-replica"
	labels := names.Selector(names.ComponentShardPool, pool)
	labels[names.LabelManagedBy] = names.ManagedBy
	labels[v1beta1.LabelCluster], labels[v1beta1.LabelCell] = "example", "us-west-2"
	g.Expect(k8s.Create(ctx, &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: pool, Labels: labels},
		Spec: appsv1.StatefulSetSpec{Replicas: ptr.To[int32](2), Selector: &metav1.LabelSelector{MatchLabels: names.Selector(names.ComponentShardPool, pool)},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "multipooler", Image: "multigres"}}}}},
	})).To(Succeed())
	pod := func(i int) *corev1.Pod {
		return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("%s-%d", pool, i), Labels: labels},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "multipooler", Image: "multigres"}}}}
	}
	g.Expect(k8s.Create(ctx, pod(0))).To(Succeed())
	for _, cell := range []string{"us-west-2", "us-east-1"} {
		_, err := etcd.RegisterCell(ctx, root, topo.Cell{Name: cell, ServerAddresses: []string{endpoint}, Root: root + "/" + cell})
		g.Expect(err).NotTo(HaveOccurred())
		for i := range 3 {
			publish(cell, fmt.Sprintf("%s-%d", pool, i), pool, ns)
		}
		publish(cell, "gone-pool-0", "gone-pool", ns)
		publish(cell, pool+"-7", pool, "elsewhere")
	}

	for _, tc := range []struct {
		cell  string
		prune bool
	}{{"us-east-1", false}, {"us-west-2", true}} {
		c := exampleCell(ns, tc.cell, "us-west-2", "us-east-1")
		c.Spec.GlobalTopoServer = v1beta1.GlobalTopoServerRef{RootPath: root, Address: endpoint}
		c.Spec.TopologyReconciliation = v1beta1.TopologyReconciliation{RegisterCell: ptr.To(false), PruneTablets: ptr.To(tc.prune)}
		g.Expect(k8s.Create(ctx, c)).To(Succeed())
	}
	g.Eventually(func() []string { return recorded("us-west-2") }, kubetest.Timeout, kubetest.Poll).Should(
		ConsistOf(pool+"-0", pool+"-1", pool+"-7"), "pod 2 (scaled away) and the gone pool are pruned")
	g.Consistently(func() []string { return recorded("us-east-1") }, "2s", kubetest.Poll).Should(HaveLen(5), "pruneTablets: false")

	// Pod 1 comes back, then the pool is scaled to 1 and the pod deleted: its record goes.
	g.Expect(k8s.Create(ctx, pod(1))).To(Succeed())
	sts := kubetest.Get(g, k8s, ns, pool, &appsv1.StatefulSet{})
	kubetest.Update(g, k8s, sts, func(s *appsv1.StatefulSet) { s.Spec.Replicas = ptr.To[int32](1) })
	g.Consistently(func() []string { return recorded("us-west-2") }, "1s", kubetest.Poll).Should(ContainElement(pool+"-1"), "its pod still exists")
	g.Expect(k8s.Delete(ctx, pod(1))).To(Succeed())
	g.Eventually(func() []string { return recorded("us-west-2") }, kubetest.Timeout, kubetest.Poll).Should(ConsistOf(pool+"-0", pool+"-7"))
	g.Eventually(func(g Gomega) []string { return eventNotes(g, ns, cell.ReasonPrunedPooler) }, kubetest.Timeout, kubetest.Poll).Should(
		ContainElement(And(ContainSubstring("gone-pool-0"), ContainSubstring(pool+"-2"))))
}

// topologyServer runs a real etcd for a test's Multigres topology and connects to it.
func topologyServer(t *testing.T) (string, *topo.Client) {
	endpoint := kubetest.Etcd(t)
	etcd, err := topo.Dial([]string{endpoint})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = etcd.Close() })
	return endpoint, etcd
}

// eventNotes are the notes of the Events with reason in ns.
func eventNotes(g Gomega, ns, reason string) []string {
	events := &eventsv1.EventList{}
	g.Expect(k8s.List(ctx, events, client.InNamespace(ns))).To(Succeed())
	var notes []string
	for _, e := range events.Items {
		if e.Reason == reason {
			notes = append(notes, e.Note)
		}
	}
	return notes
}
