package cluster

import (
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/multigrescluster"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// A paused cluster is left alone, its children included: a spec edit and a hand edit of a
// child stay as they are and the operator writes nothing in the namespace but the cluster's
// Paused condition. Resuming applies both at once.
func TestPausedClusterIsLeftAlone(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "paused")
	c := applySamples(t, ns)
	waitForTree(g, ns)
	converge(g, ns)

	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) { c.Annotations = map[string]string{v1beta1.AnnotationPaused: "true"} })
	kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionPaused, metav1.ConditionTrue, multigrescluster.ReasonPaused)
	converge(g, ns)
	before := len(writes.in(ns))

	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) {
		c.Spec.Cells[0].Spec.MultiGateway.Overrides = &v1beta1.StatelessSpec{Replicas: ptr.To[int32](5)}
	})
	cell := kubetest.Get(g, k8s, ns, sample+"-us-west-2", &v1beta1.Cell{})
	kubetest.Update(g, k8s, cell, func(c *v1beta1.Cell) { c.Spec.MultiOrch.Replicas = ptr.To[int32](7) })
	g.Consistently(func(g Gomega) {
		g.Expect(*kubetest.Get(g, k8s, ns, sample+"-us-east-1", &v1beta1.Cell{}).Spec.MultiGateway.Replicas).NotTo(Equal(int32(5)))
		g.Expect(*kubetest.Get(g, k8s, ns, sample+"-us-west-2", &v1beta1.Cell{}).Spec.MultiOrch.Replicas).To(Equal(int32(7)))
		// The Paused condition follows the generation it saw; nothing else is written.
		g.Expect(writes.in(ns)[before:]).To(HaveEach(HaveSuffix("/multigresclusters/"+sample+"/status")), "the operator wrote for a paused cluster")
	}, quiet, kubetest.Poll).Should(Succeed())

	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) { delete(c.Annotations, v1beta1.AnnotationPaused) })
	g.Eventually(func(g Gomega) {
		g.Expect(*kubetest.Get(g, k8s, ns, sample+"-us-east-1", &v1beta1.Cell{}).Spec.MultiGateway.Replicas).To(Equal(int32(5)))
		g.Expect(*kubetest.Get(g, k8s, ns, sample+"-us-west-2", &v1beta1.Cell{}).Spec.MultiOrch.Replicas).NotTo(Equal(int32(7)))
		g.Expect(conditionOf(g, kubetest.Get(g, k8s, ns, sample, &v1beta1.MultigresCluster{}), v1beta1.ConditionPaused)).To(BeNil())
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
}

// A cluster deleted while the operator leaves it alone (paused here; down, in practice) keeps
// its finalizer; removed by hand, the cluster goes, and the operator takes it off the
// templates' consumers it never released.
func TestClusterWhoseFinalizerWasRemovedIsForgotten(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "forgotten")
	applySamples(t, ns)
	consumersOf(g, ns, "standard-ha", sample)
	c := kubetest.Get(g, k8s, ns, sample, &v1beta1.MultigresCluster{})
	g.Expect(c.Finalizers).To(ContainElement(names.ClusterFinalizer))

	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) { c.Annotations = map[string]string{v1beta1.AnnotationPaused: "true"} })
	kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionPaused, metav1.ConditionTrue, multigrescluster.ReasonPaused)
	g.Expect(k8s.Delete(ctx, c)).To(Succeed())
	g.Consistently(func(g Gomega) {
		g.Expect(kubetest.Get(g, k8s, ns, sample, &v1beta1.MultigresCluster{}).Finalizers).To(ContainElement(names.ClusterFinalizer))
	}, quiet, kubetest.Poll).Should(Succeed())
	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) { c.Finalizers = nil })
	for _, name := range []string{"standard-ha", "default-ha", "orders-ha-replica", "orders-read-only"} {
		consumersOf(g, ns, name)
	}
}
