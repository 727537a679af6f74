package cluster

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// status.consumers lists exactly the clusters that reference a template, as references come
// and go and clusters are deleted; the in-use finalizer follows the list.
func TestTemplateConsumers(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "consumers")
	example := applySamples(t, ns)
	waitForTree(g, ns)

	// A second cluster ("another" sorts before the example) shares default-ha.
	other := smallCluster(ns, "another")
	other.Spec.Databases[0].Spec.TableGroups[0].ShardTemplate.Pools[0] = v1beta1.PoolConfig{
		Name: "replica-zone-a", Type: v1beta1.PoolTypeReplica, Cell: "zone-a", DeploymentTemplate: "default-ha"}
	g.Expect(k8s.Create(ctx, other)).To(Succeed())
	consumersOf(g, ns, "default-ha", "another", sample)
	consumersOf(g, ns, "standard-ha", sample)
	g.Eventually(func(g Gomega) {
		g.Expect(kubetest.Get(g, k8s, ns, "another", other).Finalizers).To(ContainElement(names.ClusterFinalizer))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())

	// Moved to inline: off the list, and no finalizer it no longer needs.
	kubetest.Update(g, k8s, other, func(c *v1beta1.MultigresCluster) {
		c.Spec.Databases[0].Spec.TableGroups[0].ShardTemplate.Pools[0] = inlinePool()
	})
	consumersOf(g, ns, "default-ha", sample)
	g.Eventually(func(g Gomega) {
		g.Expect(kubetest.Get(g, k8s, ns, "another", other).Finalizers).NotTo(ContainElement(names.ClusterFinalizer))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())

	// A new template, referenced, then the cluster deleted.
	spare := &v1beta1.DeploymentTemplate{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "spare"},
		Spec: v1beta1.DeploymentTemplateSpec{MultiAdmin: &v1beta1.StatelessSpec{Replicas: ptr.To[int32](2)}}}
	g.Expect(k8s.Create(ctx, spare)).To(Succeed())
	consumersOf(g, ns, "spare")
	kubetest.Update(g, k8s, other, func(c *v1beta1.MultigresCluster) {
		c.Spec.MultiAdmin = &v1beta1.StatelessComponentConfig{DeploymentTemplate: "spare"}
	})
	consumersOf(g, ns, "spare", "another")
	g.Eventually(func(g Gomega) {
		d := kubetest.Get(g, k8s, ns, "another-multiadmin", &appsv1.Deployment{})
		g.Expect(*d.Spec.Replicas).To(Equal(int32(2)))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	g.Expect(k8s.Delete(ctx, other)).To(Succeed())
	consumersOf(g, ns, "spare")
	g.Eventually(func() bool { return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(other), other)) },
		kubetest.Timeout, kubetest.Poll).Should(BeTrue(), "the cluster's finalizer was not removed")
	g.Expect(k8s.Delete(ctx, spare)).To(Succeed())
	g.Eventually(func() bool { return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(spare), spare)) },
		kubetest.Timeout, kubetest.Poll).Should(BeTrue(), "an unused template stayed")

	// Deleting the example releases every template. Its children would follow through
	// garbage collection (not run here): each is controlled by it and blocks its deletion.
	// (The credentials Secret is not: the data it opens is retained; credentials_test.go.)
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(example), example)).To(Succeed())
	kubetest.ControlledBy(g, kubetest.Get(g, k8s, ns, sample+"-global", &v1beta1.TopoServer{}), example)
	kubetest.ControlledBy(g, kubetest.Get(g, k8s, ns, sample+"-us-west-2", &v1beta1.Cell{}), example)
	kubetest.ControlledBy(g, kubetest.Get(g, k8s, ns, sample+"-production-db-default", &v1beta1.TableGroup{}), example)
	kubetest.ControlledBy(g, kubetest.Get(g, k8s, ns, sample+"-multiadmin", &appsv1.Deployment{}), example)
	kubetest.ControlledBy(g, kubetest.Get(g, k8s, ns, sample+"-multiadmin", &corev1.Service{}), example)
	g.Expect(k8s.Delete(ctx, example)).To(Succeed())
	for _, name := range []string{"standard-ha", "default-ha", "orders-ha-replica", "orders-read-only"} {
		consumersOf(g, ns, name)
	}
	g.Eventually(func() bool { return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(example), example)) },
		kubetest.Timeout, kubetest.Poll).Should(BeTrue())
}

// smallCluster is a one-cell, one-table-group cluster with an external global topology.
func smallCluster(ns, name string) *v1beta1.MultigresCluster {
	return &v1beta1.MultigresCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: v1beta1.MultigresClusterSpec{
			GlobalTopoServer: &v1beta1.GlobalTopoServerConfig{External: &v1beta1.ExternalTopoServerSpec{Address: "etcd.example:2379"}},
			Cells:            []v1beta1.CellConfig{{Name: "zone-a"}},
			Databases: []v1beta1.DatabaseConfig{{Name: "app", Spec: v1beta1.DatabaseConfigSpec{
				TableGroups: []v1beta1.TableGroupConfig{{Name: "main", ShardTemplate: v1beta1.ShardTemplateConfig{
					Pools: []v1beta1.PoolConfig{inlinePool()},
				}}},
			}}},
		},
	}
}

func inlinePool() v1beta1.PoolConfig {
	return v1beta1.PoolConfig{Name: "replica-zone-a", Type: v1beta1.PoolTypeReplica, Cell: "zone-a", Spec: &v1beta1.ShardPoolSpec{
		Replicas: ptr.To[int32](2),
		DataVolumeClaimTemplate: &corev1.PersistentVolumeClaimSpec{
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse("1Gi")}},
		},
	}}
}
