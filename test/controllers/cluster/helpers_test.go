package cluster

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/cluster-api/util/conditions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/testenv"
	"github.com/multigres/multigres-operator/test/kubetest"
)

const (
	// quiet is how long the operator must not write for a namespace to count as converged.
	quiet = 1500 * time.Millisecond
	// sample is the name of the design document's example cluster.
	sample = "example-multigres-cluster"
)

var ctx = context.Background()

// applySamples creates config/samples in ns as kubectl would and returns the cluster.
func applySamples(t *testing.T, ns string) *v1beta1.MultigresCluster {
	t.Helper()
	objs, err := testenv.Samples("v1beta1")
	if err != nil {
		t.Fatal(err)
	}
	var cluster *v1beta1.MultigresCluster
	for _, u := range objs {
		typed, err := k8s.Scheme().New(u.GroupVersionKind())
		if err != nil {
			t.Fatal(err)
		}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, typed); err != nil {
			t.Fatal(err)
		}
		obj := typed.(client.Object)
		obj.SetNamespace(ns)
		if err := k8s.Create(ctx, obj); err != nil {
			t.Fatalf("creating %s %s: %v", u.GetKind(), u.GetName(), err)
		}
		if c, ok := obj.(*v1beta1.MultigresCluster); ok {
			cluster = c
		}
	}
	return cluster
}

// converge waits until the operator has made no write in ns for a while.
func converge(g Gomega, ns string) {
	last, since := -1, time.Now()
	g.Eventually(func() bool {
		if n := len(writes.in(ns)); n != last {
			last, since = n, time.Now()
		}
		return time.Since(since) >= quiet
	}, kubetest.Timeout, kubetest.Poll).Should(BeTrue(), "the operator kept writing in %s", ns)
}

// waitForTree waits until the sample cluster's children and the cell-level objects exist.
func waitForTree(g Gomega, ns string) {
	g.Eventually(func(g Gomega) {
		cells, tgs := &v1beta1.CellList{}, &v1beta1.TableGroupList{}
		g.Expect(k8s.List(ctx, cells, client.InNamespace(ns))).To(Succeed())
		g.Expect(k8s.List(ctx, tgs, client.InNamespace(ns))).To(Succeed())
		g.Expect(cells.Items).To(HaveLen(2))
		g.Expect(tgs.Items).To(HaveLen(4))
		east, west := names.Cell(sample, "us-east-1"), names.Cell(sample, "us-west-2")
		for _, name := range []string{names.GlobalTopoServer(sample), names.CellTopoServer(sample, "us-west-2")} {
			g.Expect(k8s.Get(ctx, kubetest.Key(ns, name), &v1beta1.TopoServer{})).To(Succeed())
		}
		for _, name := range []string{names.MultiAdmin(sample), names.MultiGateway(east), names.MultiOrch(east),
			names.MultiGateway(west), names.MultiOrch(west)} {
			g.Expect(k8s.Get(ctx, kubetest.Key(ns, name), &appsv1.Deployment{})).To(Succeed())
		}
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
}

// objectRef names one object of a kind.
type objectRef struct {
	kind string
	name string
}

// version is an object's identity and revision.
type version struct {
	uid             types.UID
	resourceVersion string
}

// snapshot records the versions of the cluster's own children and the cells' objects in ns.
func snapshot(g Gomega, ns string) map[objectRef]version {
	out := map[objectRef]version{}
	lists := map[string]client.ObjectList{
		"TopoServer": &v1beta1.TopoServerList{}, "Cell": &v1beta1.CellList{}, "TableGroup": &v1beta1.TableGroupList{},
		"Deployment": &appsv1.DeploymentList{}, "Service": &corev1.ServiceList{}, "Secret": &corev1.SecretList{},
	}
	for kind, list := range lists {
		g.Expect(k8s.List(ctx, list, client.InNamespace(ns))).To(Succeed())
		items, err := meta.ExtractList(list)
		g.Expect(err).NotTo(HaveOccurred())
		for _, item := range items {
			obj := item.(client.Object)
			out[objectRef{kind, obj.GetName()}] = version{obj.GetUID(), obj.GetResourceVersion()}
		}
	}
	return out
}

// conditionOf reads the cluster and returns its condition t (nil if unset).
func conditionOf(g Gomega, c *v1beta1.MultigresCluster, t string) *metav1.Condition {
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(c), c)).To(Succeed())
	return conditions.Get(c, t)
}

// consumersOf waits until template name lists exactly want (cluster names in ns).
func consumersOf(g Gomega, ns, name string, want ...string) {
	refs := []v1beta1.ConsumerRef{}
	for _, w := range want {
		refs = append(refs, v1beta1.ConsumerRef{Name: w, Namespace: ns})
	}
	g.Eventually(func(g Gomega) {
		t := &v1beta1.DeploymentTemplate{}
		g.Expect(k8s.Get(ctx, kubetest.Key(ns, name), t)).To(Succeed())
		g.Expect(t.Status.Consumers).To(ConsistOf(refs), "consumers of %s", name)
		if len(want) == 0 {
			g.Expect(t.Finalizers).NotTo(ContainElement("multigres.com/template-in-use"))
		} else {
			g.Expect(t.Status.Consumers).To(Equal(refs), "sorted")
			g.Expect(t.Finalizers).To(ContainElement("multigres.com/template-in-use"))
		}
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
}

// markWorkloadsReady plays the StatefulSet and Deployment controllers for every workload in
// ns: all replicas run the current spec and are ready.
func markWorkloadsReady(g Gomega, ns string) {
	for _, list := range []client.ObjectList{&appsv1.StatefulSetList{}, &appsv1.DeploymentList{}} {
		g.Expect(k8s.List(ctx, list, client.InNamespace(ns))).To(Succeed())
		items, err := meta.ExtractList(list)
		g.Expect(err).NotTo(HaveOccurred())
		for _, item := range items {
			kubetest.SetReady(item.(client.Object))
			g.Expect(k8s.Status().Update(ctx, item.(client.Object))).To(Succeed())
		}
	}
}
