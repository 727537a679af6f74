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

// poolFixture is a shard with one pool of three pods in us-west-2, its poolers' records in a
// real etcd; the test plays the StatefulSet controller, the kubelet, multiadmin
// (multiadmin_test.go) and multiorch.
type poolFixture struct {
	t     *testing.T
	g     Gomega
	ns    string
	s     *v1beta1.Shard
	sts   *appsv1.StatefulSet
	etcd  *topo.Client
	admin *fakeMultiadmin
}

const fixtureRoot = "/multigres/global"

func newPoolFixture(t *testing.T, name string, edits ...func(*v1beta1.Shard)) *poolFixture {
	f := createPoolFixture(t, name, edits...)
	f.sts = kubetest.Get(f.g, k8s, f.ns, westPool, &appsv1.StatefulSet{})
	f.g.Expect(f.sts.Spec.UpdateStrategy.Type).To(Equal(appsv1.OnDeleteStatefulSetStrategyType))
	return f
}

// createPoolFixture creates the fixture's shard (its west pool of 3, the topology, multiadmin)
// without waiting for its StatefulSet.
func createPoolFixture(t *testing.T, name string, edits ...func(*v1beta1.Shard)) *poolFixture {
	g := NewWithT(t)
	endpoint, etcd := topologyServer(t)
	_, err := etcd.RegisterCell(ctx, fixtureRoot, topo.Cell{Name: "us-west-2", ServerAddresses: []string{endpoint}, Root: fixtureRoot + "/us-west-2"})
	g.Expect(err).NotTo(HaveOccurred())
	f := &poolFixture{t: t, g: g, ns: kubetest.Namespace(t, k8s, name), etcd: etcd}
	f.s = ordersShard(f.ns)
	f.s.Spec.GlobalTopoServer = v1beta1.GlobalTopoServerRef{RootPath: fixtureRoot, Address: endpoint}
	f.s.Spec.Pools = f.s.Spec.Pools[:1]
	f.s.Spec.Pools[0].Replicas = ptr.To[int32](3)
	f.admin = multiadminFor(names.ServiceAddress(names.MultiAdmin("example"), f.ns, names.MultiAdminHTTPPort))
	for _, edit := range edits {
		edit(f.s)
	}
	g.Expect(k8s.Create(ctx, f.s)).To(Succeed())
	return f
}

func (f *poolFixture) pod(i int) string { return fmt.Sprintf("%s-%d", westPool, i) }

// publish writes pod i's pooler record as its multipooler would.
func (f *poolFixture) publish(i int, role topo.Role, term int64) {
	key := topo.ShardKey{Database: f.s.Spec.DatabaseName, TableGroup: f.s.Spec.TableGroupName, Shard: f.s.Spec.ShardName}
	p := topo.Pooler{ID: topo.ID{Cell: "us-west-2", Name: f.pod(i)}, Shard: key, Hostname: f.pod(i) + "." + westPool + "." + f.ns + ".svc",
		Serving: true, Lifecycle: topo.LifecycleActive, Role: role, Rule: topo.Rule{Term: term}}
	_, err := f.etcd.Register(ctx, topo.PoolerKey(fixtureRoot+"/us-west-2", p.ID), p.Marshal())
	f.g.Expect(err).NotTo(HaveOccurred())
}

// run creates pod i from a template ("new": the StatefulSet's), ready, as the StatefulSet
// controller and the kubelet would.
func (f *poolFixture) run(i int, template string) {
	labels := names.Selector(names.ComponentShardPool, westPool)
	labels[names.LabelManagedBy] = names.ManagedBy
	if template == "new" {
		template = f.sts.Spec.Template.Annotations[names.TemplateAnnotation]
	}
	f.g.Expect(k8s.Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: f.pod(i), Labels: labels,
			Annotations: map[string]string{names.TemplateAnnotation: template}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "multipooler", Image: "multigres"}}},
	})).To(Succeed())
	kubetest.MarkReady(f.g, k8s, f.ns, f.pod(i), &corev1.Pod{})
}

// observed stands for the StatefulSet controller having seen the StatefulSet's spec.
func (f *poolFixture) observed() {
	kubetest.Eventually(f.g, k8s, f.sts, func(g Gomega) {
		f.sts.Status = appsv1.StatefulSetStatus{ObservedGeneration: f.sts.Generation, Replicas: 3, ReadyReplicas: 3}
		g.Expect(k8s.Status().Update(ctx, f.sts)).To(Succeed())
	})
}

func (f *poolFixture) replaced(i int) {
	f.t.Helper()
	f.g.Eventually(func() bool {
		return apierrors.IsNotFound(k8s.Get(ctx, kubetest.Key(f.ns, f.pod(i)), &corev1.Pod{}))
	}, kubetest.Timeout, kubetest.Poll).Should(BeTrue(), "%s was not replaced", f.pod(i))
}

func (f *poolFixture) exist(pods ...int) {
	f.t.Helper()
	for _, i := range pods {
		f.g.Expect(k8s.Get(ctx, kubetest.Key(f.ns, f.pod(i)), &corev1.Pod{})).To(Succeed(), "%s was replaced out of turn", f.pod(i))
	}
}

// A new pool template is rolled out by the Shard controller (the StatefulSet is OnDelete; a
// pod's names.TemplateAnnotation says which template it runs): one pod at a time, replicas
// first, highest ordinal first, each only once its successor is ready, its pooler serves and
// the primary counts it in its synchronous quorum; the primary only after the primary role
// left it.
func TestShardRollsThePrimaryLast(t *testing.T) {
	f := newPoolFixture(t, "rollout")
	g, ns, s, admin := f.g, f.ns, f.s, f.admin
	publish, run, replaced, exist, podName := f.publish, f.run, f.replaced, f.exist, f.pod

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
	f.observed()
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

// A scale-down that would remove the primary's pod waits: the StatefulSet keeps its replicas
// while the primary role moves (a switchover asked of multiadmin), then shrinks.
func TestShardScaleDownKeepsThePrimary(t *testing.T) {
	f := newPoolFixture(t, "scaledown")
	for i := range 3 {
		f.run(i, "new")
	}
	f.observed()
	f.publish(0, topo.RoleReplica, 0)
	f.publish(1, topo.RoleReplica, 0)
	f.publish(2, topo.RolePrimary, 1)
	f.admin.setStandbys(f.pod(0), f.pod(1))
	kubetest.HaveCondition(f.g, k8s, f.s, v1beta1.ConditionServingWrites, metav1.ConditionTrue, shard.ReasonPrimaryServing)

	kubetest.Update(f.g, k8s, f.s, func(s *v1beta1.Shard) { s.Spec.Pools[0].Replicas = ptr.To[int32](2) })
	f.g.Eventually(f.admin.switchRequests, kubetest.Timeout, kubetest.Poll).Should(HaveLen(1))
	f.g.Consistently(func() int32 { return *kubetest.Get(f.g, k8s, f.ns, westPool, &appsv1.StatefulSet{}).Spec.Replicas }, "1s", kubetest.Poll).Should(
		Equal(int32(3)), "the scale-down went ahead with the primary in the pod it removes")

	// multiorch elects pod 0: the scale-down goes ahead.
	f.publish(2, topo.RoleReplica, 0)
	f.publish(0, topo.RolePrimary, 2)
	f.g.Eventually(func() int32 { return *kubetest.Get(f.g, k8s, f.ns, westPool, &appsv1.StatefulSet{}).Spec.Replicas }, kubetest.Timeout, kubetest.Poll).Should(
		Equal(int32(2)))
}
