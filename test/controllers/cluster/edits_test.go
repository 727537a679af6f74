package cluster

import (
	"context"
	"slices"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// Editing a template rewrites exactly the children resolved from it.
func TestTemplateEditReachesOnlyItsUsers(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "template-edit")
	applySamples(t, ns)
	waitForTree(g, ns)
	converge(g, ns)
	before := snapshot(g, ns)

	tmpl := kubetest.Get(g, k8s, ns, "orders-read-only", &v1beta1.DeploymentTemplate{})
	kubetest.Update(g, k8s, tmpl, func(t *v1beta1.DeploymentTemplate) {
		t.Spec.ShardPool.DataVolumeClaimTemplate.Resources.Requests[corev1.ResourceStorage] = resource.MustParse("600Gi")
		t.Spec.ShardPool.Postgres.Resources.Requests[corev1.ResourceCPU] = resource.MustParse("3")
	})
	orders := sample + "-production-db-orders-tg"
	g.Eventually(func(g Gomega) {
		tg := kubetest.Get(g, k8s, ns, orders, &v1beta1.TableGroup{})
		readOnly := tg.Spec.ShardTemplate.Pools[1]
		g.Expect(readOnly.DataVolumeClaimTemplate.Resources.Requests.Storage().String()).To(Equal("600Gi"))
		g.Expect(readOnly.Postgres.Resources.Requests.Cpu().String()).To(Equal("3"))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	converge(g, ns)

	after := snapshot(g, ns)
	for ref, v := range before {
		if ref == (objectRef{"TableGroup", orders}) {
			g.Expect(after[ref].resourceVersion).NotTo(Equal(v.resourceVersion), "%v was not updated", ref)
			continue
		}
		g.Expect(after[ref]).To(Equal(v), "%v changed", ref)
	}
}

// A child edited by hand is put back.
func TestHandEditOfChildReverted(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "hand-edit")
	applySamples(t, ns)
	waitForTree(g, ns)
	converge(g, ns)

	cell := kubetest.Get(g, k8s, ns, sample+"-us-east-1", &v1beta1.Cell{})
	kubetest.Update(g, k8s, cell, func(c *v1beta1.Cell) { c.Spec.MultiGateway.Replicas = ptr.To[int32](7) })
	edited := cell.ResourceVersion
	g.Eventually(func(g Gomega) {
		kubetest.Get(g, k8s, ns, sample+"-us-east-1", cell)
		g.Expect(cell.ResourceVersion).NotTo(Equal(edited))
		g.Expect(*cell.Spec.MultiGateway.Replicas).To(Equal(int32(2)))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
}

// A cell removed from the spec is deleted; its own objects carry the owner reference that
// lets garbage collection delete them after it.
func TestRemovedCellDeleted(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "cell-removal")
	c := applySamples(t, ns)
	waitForTree(g, ns)

	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) {
		c.Spec.Cells = append(c.Spec.Cells, v1beta1.CellConfig{Name: "eu-central-1"})
	})
	name := sample + "-eu-central-1"
	cell := kubetest.Get(g, k8s, ns, name, &v1beta1.Cell{})
	kubetest.ControlledBy(g, cell, c)
	kubetest.ControlledBy(g, kubetest.Get(g, k8s, ns, name+"-multigateway", &appsv1.Deployment{}), cell)
	kubetest.ControlledBy(g, kubetest.Get(g, k8s, ns, name+"-multiorch", &appsv1.Deployment{}), cell)
	g.Eventually(func(g Gomega) {
		east := kubetest.Get(g, k8s, ns, sample+"-us-east-1", &v1beta1.Cell{})
		g.Expect(east.Spec.AllCells).To(Equal([]string{"eu-central-1", "us-east-1", "us-west-2"}))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())

	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) { c.Spec.Cells = c.Spec.Cells[:2] })
	g.Eventually(func() bool {
		return apierrors.IsNotFound(k8s.Get(ctx, kubetest.Key(ns, name), &v1beta1.Cell{}))
	}, kubetest.Timeout, kubetest.Poll).Should(BeTrue(), "the removed cell was not deleted")
	kubetest.Get(g, k8s, ns, sample+"-us-east-1", &v1beta1.Cell{})
	kubetest.Get(g, k8s, ns, sample+"-us-west-2", &v1beta1.Cell{})
	g.Eventually(func(g Gomega) {
		east := kubetest.Get(g, k8s, ns, sample+"-us-east-1", &v1beta1.Cell{})
		g.Expect(east.Spec.AllCells).To(Equal([]string{"us-east-1", "us-west-2"}))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
}

// What the user removes from a spec is removed from what the operator built, at every level:
// the Cell's spec and the multiorch Deployment both lose the limits taken out of the cluster.
func TestRemovalReachesTheChildren(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "removal")
	c := applySamples(t, ns)
	waitForTree(g, ns)
	converge(g, ns)
	orch := func(g Gomega) corev1.Container {
		return kubetest.Get(g, k8s, ns, sample+"-us-east-1-multiorch", &appsv1.Deployment{}).Spec.Template.Spec.Containers[0]
	}
	g.Expect(orch(g).Resources.Limits).NotTo(BeEmpty(), "the sample's us-east-1 multiorch has limits")

	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) { c.Spec.Cells[0].Spec.MultiOrch.Spec.Resources.Limits = nil })
	g.Eventually(func(g Gomega) {
		g.Expect(kubetest.Get(g, k8s, ns, sample+"-us-east-1", &v1beta1.Cell{}).Spec.MultiOrch.Resources.Limits).To(BeEmpty())
		g.Expect(orch(g).Resources.Limits).To(BeEmpty())
		requests := orch(g).Resources.Requests
		g.Expect(requests.Cpu().String()).To(Equal("100m"), "requests stay")
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
}

// spec.monitoring's exporter reaches every pool StatefulSet's pods, and taking it out of the
// cluster takes the container out of them again.
func TestMonitoringReachesThePools(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "monitoring")
	c := applySamples(t, ns)
	waitForTree(g, ns)
	converge(g, ns)
	// exporters counts the pool StatefulSets running an exporter, of how many there are.
	exporters := func(g Gomega) (int, int) {
		sets := &appsv1.StatefulSetList{}
		g.Expect(k8s.List(context.Background(), sets, client.InNamespace(ns),
			client.MatchingLabels{names.LabelComponent: names.ComponentShardPool})).To(Succeed())
		n := 0
		for _, s := range sets.Items {
			if slices.ContainsFunc(s.Spec.Template.Spec.Containers, func(c corev1.Container) bool {
				return c.Name == components.ContainerPostgresExporter
			}) {
				n++
			}
		}
		return n, len(sets.Items)
	}
	n, pools := exporters(g)
	g.Expect(pools).To(BeNumerically(">", 0))
	g.Expect(n).To(BeZero(), "no exporter before it is asked for")

	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) {
		c.Spec.Monitoring = &v1beta1.MonitoringSpec{PostgresExporter: &v1beta1.PostgresExporterSpec{}}
	})
	g.Eventually(func(g Gomega) {
		n, _ := exporters(g)
		g.Expect(n).To(Equal(pools), "every pool runs the exporter")
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())

	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) { c.Spec.Monitoring = nil })
	g.Eventually(func(g Gomega) {
		n, _ := exporters(g)
		g.Expect(n).To(BeZero(), "no pool runs it once it is removed")
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
}
