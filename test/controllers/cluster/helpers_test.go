package cluster

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/testenv"
)

const (
	timeout = 30 * time.Second
	poll    = 50 * time.Millisecond
	// quiet is how long the operator must not write for a namespace to count as converged.
	quiet = 1500 * time.Millisecond
	// sample is the name of the design document's example cluster.
	sample = "example-multigres-cluster"
)

var ctx = context.Background()

func key(ns, name string) client.ObjectKey { return client.ObjectKey{Namespace: ns, Name: name} }

func newNamespace(t *testing.T, name string) string {
	t.Helper()
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		t.Fatal(err)
	}
	return name
}

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

// get waits for an object to exist and returns it.
func get[T client.Object](g Gomega, ns, name string, obj T) T {
	g.Eventually(func() error { return k8s.Get(ctx, key(ns, name), obj) }, timeout, poll).Should(Succeed(), "%s/%s", ns, name)
	return obj
}

// update reads obj's latest version, applies change and writes it, retrying on conflicts.
func update[T client.Object](g Gomega, obj T, change func(T)) {
	g.Eventually(func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		change(obj)
		return k8s.Update(ctx, obj)
	}, timeout, poll).Should(Succeed())
}

// converge waits until the operator has made no write in ns for a while.
func converge(g Gomega, ns string) {
	last, since := -1, time.Now()
	g.Eventually(func() bool {
		if n := len(writes.in(ns)); n != last {
			last, since = n, time.Now()
		}
		return time.Since(since) >= quiet
	}, timeout, poll).Should(BeTrue(), "the operator kept writing in %s", ns)
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
			g.Expect(k8s.Get(ctx, key(ns, name), &v1beta1.TopoServer{})).To(Succeed())
		}
		for _, name := range []string{names.MultiAdmin(sample), names.MultiGateway(east), names.MultiOrch(east),
			names.MultiGateway(west), names.MultiOrch(west)} {
			g.Expect(k8s.Get(ctx, key(ns, name), &appsv1.Deployment{})).To(Succeed())
		}
	}, timeout, poll).Should(Succeed())
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

// haveCondition waits until the cluster's condition t has status and reason for its
// current generation.
func haveCondition(g Gomega, c *v1beta1.MultigresCluster, t string, status metav1.ConditionStatus, reason string) *metav1.Condition {
	var cond *metav1.Condition
	g.Eventually(func(g Gomega) {
		cond = conditionOf(g, c, t)
		g.Expect(cond).NotTo(BeNil(), "no %s condition", t)
		g.Expect(cond.Status).To(Equal(status), "%s: %s", t, cond.Message)
		g.Expect(cond.Reason).To(Equal(reason), "%s: %s", t, cond.Message)
		g.Expect(cond.ObservedGeneration).To(Equal(c.Generation))
	}, timeout, poll).Should(Succeed())
	return cond
}

// consumersOf waits until template name lists exactly want (cluster names in ns).
func consumersOf(g Gomega, ns, name string, want ...string) {
	refs := []v1beta1.ConsumerRef{}
	for _, w := range want {
		refs = append(refs, v1beta1.ConsumerRef{Name: w, Namespace: ns})
	}
	g.Eventually(func(g Gomega) {
		t := &v1beta1.DeploymentTemplate{}
		g.Expect(k8s.Get(ctx, key(ns, name), t)).To(Succeed())
		g.Expect(t.Status.Consumers).To(ConsistOf(refs), "consumers of %s", name)
		if len(want) == 0 {
			g.Expect(t.Finalizers).NotTo(ContainElement("multigres.com/template-in-use"))
		} else {
			g.Expect(t.Status.Consumers).To(Equal(refs), "sorted")
			g.Expect(t.Finalizers).To(ContainElement("multigres.com/template-in-use"))
		}
	}, timeout, poll).Should(Succeed())
}

// controlledBy asserts obj's controller reference points at owner and blocks its deletion,
// so garbage collection deletes obj with owner, after it.
func controlledBy(g Gomega, obj, owner client.Object) {
	ref := metav1.GetControllerOf(obj)
	g.Expect(ref).NotTo(BeNil(), "%s has no controller", obj.GetName())
	g.Expect(ref.UID).To(Equal(owner.GetUID()), "%s is controlled by %s", obj.GetName(), ref.Name)
	g.Expect(ptr.Deref(ref.BlockOwnerDeletion, false)).To(BeTrue(), "%s does not block its owner's deletion", obj.GetName())
}

// markWorkloadsReady plays the StatefulSet, Deployment and Job controllers for every workload
// in ns: all replicas run the current spec and are ready, and Jobs have succeeded.
func markWorkloadsReady(g Gomega, ns string) {
	sts := &appsv1.StatefulSetList{}
	g.Expect(k8s.List(ctx, sts, client.InNamespace(ns))).To(Succeed())
	for i := range sts.Items {
		testenv.SetStatefulSetReady(&sts.Items[i])
		g.Expect(k8s.Status().Update(ctx, &sts.Items[i])).To(Succeed())
	}
	deps := &appsv1.DeploymentList{}
	g.Expect(k8s.List(ctx, deps, client.InNamespace(ns))).To(Succeed())
	for i := range deps.Items {
		d := &deps.Items[i]
		n := ptr.Deref(d.Spec.Replicas, 1)
		d.Status = appsv1.DeploymentStatus{ObservedGeneration: d.Generation, Replicas: n, ReadyReplicas: n,
			UpdatedReplicas: n, AvailableReplicas: n}
		g.Expect(k8s.Status().Update(ctx, d)).To(Succeed())
	}
	jobs := &batchv1.JobList{}
	g.Expect(k8s.List(ctx, jobs, client.InNamespace(ns))).To(Succeed())
	for i := range jobs.Items {
		testenv.SetJobSucceeded(&jobs.Items[i])
		g.Expect(k8s.Status().Update(ctx, &jobs.Items[i])).To(Succeed())
	}
}
