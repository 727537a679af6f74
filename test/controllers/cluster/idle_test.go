package cluster

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/multigrescluster"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// Once converged, reconciling an unchanged cluster writes nothing at all: no child, no
// status, no template, no event.
// Not parallel: the reconcile count it reads is the controller's, over all namespaces.
func TestIdleClusterMakesNoWrites(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "idle")
	c := applySamples(t, ns)
	waitForTree(g, ns)
	converge(g, ns)
	markWorkloadsReady(g, ns)
	kubetest.HaveCondition(g, k8s, c, v1beta1.ConditionReady, metav1.ConditionTrue, multigrescluster.ReasonReady)
	// The samples' topo servers run nowhere here: registering fails, once reported.
	kubetest.HaveCondition(g, k8s, c, multigrescluster.ConditionTopologyRegistered, metav1.ConditionFalse, multigrescluster.ReasonRegistrationFailed)
	converge(g, ns)

	for i := range 3 {
		before, reconciles := len(writes.in(ns)), reconcileCount(g)
		// The test's own write (not counted) makes the controller reconcile.
		kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) { c.Annotations = map[string]string{"touch": string(rune('a' + i))} })
		g.Eventually(func() float64 { return reconcileCount(g) }, kubetest.Timeout, kubetest.Poll).Should(BeNumerically(">", reconciles))
		time.Sleep(time.Second)
		g.Expect(writes.in(ns)[before:]).To(BeEmpty(), "the operator wrote to an unchanged cluster")
	}
}

// reconcileCount is how many reconciles the MultigresCluster controller has finished, from
// controller-runtime's metrics.
func reconcileCount(g Gomega) float64 {
	families, err := ctrlmetrics.Registry.Gather()
	g.Expect(err).NotTo(HaveOccurred())
	var n float64
	for _, f := range families {
		if f.GetName() != "controller_runtime_reconcile_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "controller" && l.GetValue() == "multigrescluster" {
					n += m.GetCounter().GetValue()
				}
			}
		}
	}
	return n
}
