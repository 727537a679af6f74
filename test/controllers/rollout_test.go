package controllers

import (
	"fmt"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/shard"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/topo"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// A new pool template is rolled out by the Shard controller (the StatefulSet is OnDelete; a
// pod's names.TemplateAnnotation says which template it runs):
// one pod at a time, replicas first, highest ordinal first, each only once its successor is
// ready, its pooler serves and the primary counts it in its synchronous quorum; the primary
// only after the primary role left it. The test plays the StatefulSet controller, the
// kubelet, multiadmin (multiadmin_test.go) and multiorch; the poolers' records are in a real
// etcd.
func TestShardRollsThePrimaryLast(t *testing.T) {
	g := NewWithT(t)
	endpoint, etcd := topologyServer(t)
	const root = "/multigres/global"
	_, err := etcd.RegisterCell(ctx, root, topo.Cell{Name: "us-west-2", ServerAddresses: []string{endpoint}, Root: root + "/us-west-2"})
	g.Expect(err).NotTo(HaveOccurred())

	ns := kubetest.Namespace(t, k8s, "rollout")
	s := ordersShard(ns)
	s.Spec.GlobalTopoServer = v1beta1.GlobalTopoServerRef{RootPath: root, Address: endpoint}
	s.Spec.Pools = s.Spec.Pools[:1]
	s.Spec.Pools[0].Replicas = ptr.To[int32](3)
	admin := multiadminFor(names.ServiceAddress(names.MultiAdmin("example"), ns, names.MultiAdminHTTPPort))
	g.Expect(k8s.Create(ctx, s)).To(Succeed())
	sts := kubetest.Get(g, k8s, ns, westPool, &appsv1.StatefulSet{})
	g.Expect(sts.Spec.UpdateStrategy.Type).To(Equal(appsv1.OnDeleteStatefulSetStrategyType))

	key := topo.ShardKey{Database: s.Spec.DatabaseName, TableGroup: s.Spec.TableGroupName, Shard: s.Spec.ShardName}
	podName := func(i int) string { return fmt.Sprintf("%s-%d", westPool, i) }
	publish := func(i int, role topo.Role, term int64) {
		p := topo.Pooler{ID: topo.ID{Cell: "us-west-2", Name: podName(i)}, Shard: key, Hostname: podName(i) + "." + westPool + "." + ns + ".svc",
			Serving: true, Lifecycle: topo.LifecycleActive, Role: role, Rule: topo.Rule{Term: term}}
		_, err := etcd.Register(ctx, topo.PoolerKey(root+"/us-west-2", p.ID), p.Marshal())
		g.Expect(err).NotTo(HaveOccurred())
	}
	// run creates pod i from a template ("new": the StatefulSet's), ready, as the StatefulSet
	// controller and the kubelet would.
	run := func(i int, template string) {
		labels := names.Selector(names.ComponentShardPool, westPool)
		labels[names.LabelManagedBy] = names.ManagedBy
		if template == "new" {
			template = sts.Spec.Template.Annotations[names.TemplateAnnotation]
		}
		g.Expect(k8s.Create(ctx, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: podName(i), Labels: labels,
				Annotations: map[string]string{names.TemplateAnnotation: template}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "multipooler", Image: "multigres"}}},
		})).To(Succeed())
		kubetest.MarkReady(g, k8s, ns, podName(i), &corev1.Pod{})
	}
	replaced := func(i int) {
		t.Helper()
		g.Eventually(func() bool {
			return apierrors.IsNotFound(k8s.Get(ctx, kubetest.Key(ns, podName(i)), &corev1.Pod{}))
		}, kubetest.Timeout, kubetest.Poll).Should(BeTrue(), "%s was not replaced", podName(i))
	}
	exist := func(pods ...int) {
		t.Helper()
		for _, i := range pods {
			g.Expect(k8s.Get(ctx, kubetest.Key(ns, podName(i)), &corev1.Pod{})).To(Succeed(), "%s was replaced out of turn", podName(i))
		}
	}

	for i := range 3 {
		run(i, "old")
	}
	publish(0, topo.RolePrimary, 1)
	publish(1, topo.RoleReplica, 0)
	publish(2, topo.RoleReplica, 0)
	admin.setStandbys(podName(1), podName(2))
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionServingWrites, metav1.ConditionTrue, shard.ReasonPrimaryServing)
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionRollingUpdate, metav1.ConditionFalse, shard.ReasonUpToDate)

	// The pods run an older template than the StatefulSet's; once its controller saw it, the
	// rollout starts.
	kubetest.Eventually(g, k8s, sts, func(g Gomega) {
		sts.Status = appsv1.StatefulSetStatus{ObservedGeneration: sts.Generation, Replicas: 3, ReadyReplicas: 3}
		g.Expect(k8s.Status().Update(ctx, sts)).To(Succeed())
	})
	replaced(2)
	exist(0, 1)
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionRollingUpdate, metav1.ConditionTrue, shard.ReasonWaiting)
	g.Consistently(func() error { return k8s.Get(ctx, kubetest.Key(ns, podName(1)), &corev1.Pod{}) }, "1s", kubetest.Poll).Should(
		Succeed(), "the next pod went before its predecessor's successor ran")

	// Pod 2 runs again, but the primary does not count it yet: pod 1 waits.
	admin.setStandbys(podName(1))
	run(2, "new")
	g.Consistently(func() error { return k8s.Get(ctx, kubetest.Key(ns, podName(1)), &corev1.Pod{}) }, "1s", kubetest.Poll).Should(
		Succeed(), "a replica went while its predecessor's successor was not in the synchronous quorum")
	admin.setStandbys(podName(1), podName(2))
	replaced(1)
	exist(0, 2)
	admin.setStandbys(podName(2))
	run(1, "new")
	admin.setStandbys(podName(1), podName(2))

	// Only the primary runs the old template: a switchover is asked for, the primary stays.
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionRollingUpdate, metav1.ConditionTrue, shard.ReasonWaiting)
	g.Eventually(admin.switchRequests, kubetest.Timeout, kubetest.Poll).Should(Equal(
		[]string{"/api/v1/shards/production_db/orders_tg/0-80/switch-primary"}))
	g.Eventually(func(g Gomega) []string { return eventNotes(g, ns, shard.ReasonSwitchingPrimary) }, kubetest.Timeout, kubetest.Poll).Should(
		ContainElement(ContainSubstring("switching the primary role away from " + podName(0))))
	exist(0)

	// multiorch elects pod 1 (the old primary first resigns: no primary for a moment); pod 0,
	// now a replica in pod 1's quorum, is replaced; then all is up to date.
	publish(0, topo.RoleReplica, 0)
	g.Consistently(func() error { return k8s.Get(ctx, kubetest.Key(ns, podName(0)), &corev1.Pod{}) }, "1s", kubetest.Poll).Should(
		Succeed(), "the old primary went before another was elected")
	admin.setStandbys(podName(0), podName(2))
	publish(1, topo.RolePrimary, 2)
	replaced(0)
	run(0, "new")
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionRollingUpdate, metav1.ConditionFalse, shard.ReasonUpToDate)
	g.Eventually(func(g Gomega) []string { return eventNotes(g, ns, shard.ReasonReplacingPod) }, kubetest.Timeout, kubetest.Poll).Should(HaveLen(3))
}
