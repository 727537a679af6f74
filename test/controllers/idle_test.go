package controllers

import (
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/cell"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// A hand edit of a field the operator sets is put back; a field it does not set is left.
func TestHandEditsAreReverted(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "handedit")
	ts := globalTopoServer(ns)
	c := exampleCell(ns, "us-east-1")
	g.Expect(k8s.Create(ctx, ts)).To(Succeed())
	g.Expect(k8s.Create(ctx, c)).To(Succeed())

	sts := kubetest.Get(g, k8s, ns, ts.Name, &appsv1.StatefulSet{})
	sts.Spec.Template.Spec.Containers[0].Image = "etcd:hacked"
	sts.Labels["team"] = "storage"
	g.Expect(k8s.Update(ctx, sts)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(sts), sts)).To(Succeed())
		g.Expect(sts.Spec.Template.Spec.Containers[0].Image).To(Equal("quay.io/coreos/etcd:v3.5.17"))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	g.Expect(sts.Labels).To(HaveKeyWithValue("team", "storage"), "a label the operator does not set is kept")

	gw := kubetest.Get(g, k8s, ns, "example-us-east-1-multigateway", &appsv1.Deployment{})
	gw.Spec.Replicas = new(int32)
	g.Expect(k8s.Update(ctx, gw)).To(Succeed())
	g.Eventually(func() int32 {
		_ = k8s.Get(ctx, client.ObjectKeyFromObject(gw), gw)
		return *gw.Spec.Replicas
	}, kubetest.Timeout, kubetest.Poll).Should(Equal(int32(2)))

	svc := kubetest.Get(g, k8s, ns, "example-us-east-1-gateway", &corev1.Service{})
	selector := svc.Spec.Selector
	svc.Spec.Selector = map[string]string{"app": "hacked"}
	g.Expect(k8s.Update(ctx, svc)).To(Succeed())
	g.Eventually(func() map[string]string {
		_ = k8s.Get(ctx, client.ObjectKeyFromObject(svc), svc)
		return svc.Spec.Selector
	}, kubetest.Timeout, kubetest.Poll).Should(Equal(selector))
}

// Once everything has converged, reconciling again writes nothing: no apply, no status patch,
// no event.
func TestIdleClusterMakesNoWrites(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "idle")
	ts := globalTopoServer(ns)
	c := exampleCell(ns, "us-east-1", "us-east-1", "us-west-2")
	c.Spec.TopoServer = &v1beta1.CellTopoServerSpec{Managed: &v1beta1.TopoServerSpec{RootPath: "/multigres/us-east-1", Image: "quay.io/coreos/etcd:v3.5.17",
		Replicas: 1, DataVolumeClaimTemplate: claim("5Gi")}}
	tg := ordersTableGroup(ns, 2)
	for _, o := range []client.Object{ts, c, tg} {
		g.Expect(k8s.Create(ctx, o)).To(Succeed())
	}

	// Converge: every workload ready, every status settled.
	for _, name := range []string{ts.Name, c.Name, "production-db-orders-tg-0-us-east-1-replica", "production-db-orders-tg-1-us-east-1-replica"} {
		kubetest.MarkReady(g, k8s, ns, name, &appsv1.StatefulSet{})
	}
	for _, name := range []string{"example-us-east-1-multigateway", "example-us-east-1-multiorch"} {
		kubetest.MarkReady(g, k8s, ns, name, &appsv1.Deployment{})
	}
	kubetest.HaveCondition(g, k8s, ts, v1beta1.ConditionAvailable, metav1.ConditionTrue, "QuorumReady")
	kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionAvailable, metav1.ConditionTrue, cell.ReasonComponentsReady)
	kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionAvailable, metav1.ConditionTrue, "ShardsReady")
	quiet(g)

	// Touch every object so each controller reconciles everything again.
	before := writes.count()
	reconciles := reconcileCounts(g)
	touched := []client.Object{ts, c, tg, kubetest.Get(g, k8s, ns, "production-db-orders-tg-0", &v1beta1.Shard{}), kubetest.Get(g, k8s, ns, "production-db-orders-tg-1", &v1beta1.Shard{})}
	for _, name := range []string{ts.Name, c.Name, "production-db-orders-tg-0-us-east-1-replica"} {
		touched = append(touched, kubetest.Get(g, k8s, ns, name, &appsv1.StatefulSet{}))
	}
	// Not a Deployment: its generation counts annotation changes, so its status would
	// rightly say Progressing until the (absent) Deployment controller caught up.
	touched = append(touched, kubetest.Get(g, k8s, ns, "example-us-east-1-gateway", &corev1.Service{}))
	for _, o := range touched {
		patch := client.RawPatch("application/merge-patch+json", []byte(`{"metadata":{"annotations":{"test/touched":"`+time.Now().String()+`"}}}`))
		g.Expect(k8s.Patch(ctx, o, patch)).To(Succeed())
	}
	g.Eventually(func(g Gomega) {
		now := reconcileCounts(g)
		for _, ctrl := range []string{"toposerver", "cell", "tablegroup", "shard"} {
			g.Expect(now[ctrl]).To(BeNumerically(">", reconciles[ctrl]), "%s did not reconcile", ctrl)
		}
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	quiet(g)
	g.Expect(writes.since(before)).To(BeEmpty(), "writes of an idle operator")
}

// quiet waits until the operator has written nothing for a second.
func quiet(g Gomega) {
	last, since := writes.count(), time.Now()
	g.Eventually(func() bool {
		if n := writes.count(); n != last {
			last, since = n, time.Now()
		}
		return time.Since(since) > time.Second
	}, kubetest.Timeout, kubetest.Poll).Should(BeTrue())
}

// reconcileCounts is how many reconciles each controller has finished.
func reconcileCounts(g Gomega) map[string]float64 {
	families, err := ctrlmetrics.Registry.Gather()
	g.Expect(err).NotTo(HaveOccurred())
	counts := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "controller_runtime_reconcile_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "controller" {
					counts[l.GetValue()] += m.GetCounter().GetValue()
				}
			}
		}
	}
	return counts
}

// A change of a child's status costs its parent one status write, conditions and counts in
// the same request, and the table group above it one more.
func TestStatusChangeIsOneWritePerObject(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "statuswrite")
	tg := ordersTableGroup(ns, 1)
	g.Expect(k8s.Create(ctx, tg)).To(Succeed())
	pool := "production-db-orders-tg-0-us-east-1-replica"
	kubetest.MarkReady(g, k8s, ns, pool, &appsv1.StatefulSet{})
	kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionAvailable, metav1.ConditionTrue, "ShardsReady")
	quiet(g)

	before := writes.count()
	sts := kubetest.Get(g, k8s, ns, pool, &appsv1.StatefulSet{})
	sts.Status.ReadyReplicas, sts.Status.AvailableReplicas = 1, 1
	g.Expect(k8s.Status().Update(ctx, sts)).To(Succeed())
	kubetest.HaveCondition(g, k8s, tg, v1beta1.ConditionAvailable, metav1.ConditionFalse, "ShardsNotReady")
	quiet(g)

	var shardWrites, tableGroupWrites []string
	for _, w := range writes.since(before) {
		switch {
		case strings.HasPrefix(w, "PATCH /apis/multigres.com/v1beta1/namespaces/"+ns+"/shards/production-db-orders-tg-0/status "):
			shardWrites = append(shardWrites, w)
		case strings.HasPrefix(w, "PATCH /apis/multigres.com/v1beta1/namespaces/"+ns+"/tablegroups/"+tg.Name+"/status "):
			tableGroupWrites = append(tableGroupWrites, w)
		}
	}
	g.Expect(shardWrites).To(HaveLen(1))
	g.Expect(shardWrites[0]).To(And(ContainSubstring(`"readyPods":1`), ContainSubstring(`"conditions"`)))
	g.Expect(tableGroupWrites).To(HaveLen(1))
}
