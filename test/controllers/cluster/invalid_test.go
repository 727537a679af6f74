package cluster

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/multigrescluster"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// A spec that slipped past the webhook (none is installed here) is reported and tears
// nothing down, not even the table group it drops; fixing it resumes reconciliation.
func TestInvalidSpecLeavesChildrenAlone(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "invalid")
	c := applySamples(t, ns)
	waitForTree(g, ns)
	converge(g, ns)
	before := snapshot(g, ns)

	// Drop custom_tg and point a pool at a template that does not exist.
	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) {
		tgs := c.Spec.Databases[0].Spec.TableGroups
		c.Spec.Databases[0].Spec.TableGroups = tgs[:3]
		c.Spec.Databases[0].Spec.TableGroups[0].ShardTemplate.Pools[0].DeploymentTemplate = "missing"
	})
	field := "spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].deploymentTemplate"
	for _, cond := range []string{v1beta1.ConditionReady, v1beta1.ConditionAvailable, v1beta1.ConditionProgressing} {
		got := kubetest.HaveCondition(g, k8s, c, cond, metav1.ConditionFalse, multigrescluster.ReasonInvalidSpec)
		g.Expect(got.Message).To(ContainSubstring(field))
		g.Expect(got.Message).To(ContainSubstring(`"missing"`))
	}
	// observedGeneration is patched apart from the conditions: wait for it too.
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(c), c)).To(Succeed())
		g.Expect(c.Status.ObservedGeneration).To(Equal(c.Generation))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	g.Eventually(func(g Gomega) {
		events := &eventsv1.EventList{}
		g.Expect(k8s.List(ctx, events, client.InNamespace(ns))).To(Succeed())
		g.Expect(events.Items).To(ContainElement(And(
			HaveField("Type", corev1.EventTypeWarning),
			HaveField("Reason", multigrescluster.ReasonInvalidSpec),
			HaveField("Regarding.Name", sample),
			HaveField("Note", ContainSubstring(field)))))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())

	// Nothing was deleted or rewritten.
	time.Sleep(time.Second)
	converge(g, ns)
	g.Expect(snapshot(g, ns)).To(Equal(before))

	// Creating the template fixes the spec: the controller hears of it through the field
	// index, and only now removes the table group the spec dropped.
	missing := &v1beta1.DeploymentTemplate{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "missing"},
		Spec: v1beta1.DeploymentTemplateSpec{ShardPool: &v1beta1.ShardPoolSpec{Replicas: ptr.To[int32](3)}}}
	g.Expect(k8s.Create(ctx, missing)).To(Succeed())
	g.Eventually(func(g Gomega) {
		ready := conditionOf(g, c, v1beta1.ConditionReady)
		g.Expect(ready.Reason).NotTo(Equal(multigrescluster.ReasonInvalidSpec))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	g.Eventually(func() bool {
		return apierrors.IsNotFound(k8s.Get(ctx, kubetest.Key(ns, sample+"-production-db-custom-tg"), &v1beta1.TableGroup{}))
	}, kubetest.Timeout, kubetest.Poll).Should(BeTrue())
	consumersOf(g, ns, "missing", sample)
}
