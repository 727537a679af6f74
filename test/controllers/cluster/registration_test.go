package cluster

import (
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/multigrescluster"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/topo"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// The operator writes the cluster's cells (each with the topo server its programs really use)
// and databases (each with its own durability policy) into a real etcd, follows the spec when
// a cell goes, and stops when registration is turned off.
func TestClusterRegistersItsTopology(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	endpoint := kubetest.Etcd(t)
	etcd, err := topo.Dial([]string{endpoint})
	g.Expect(err).NotTo(HaveOccurred())
	t.Cleanup(func() { _ = etcd.Close() })

	ns := kubetest.Namespace(t, k8s, "register")
	c := smallCluster(ns, "reg")
	c.Spec.GlobalTopoServer.External = &v1beta1.ExternalTopoServerSpec{Address: endpoint, RootPath: "/reg/global"}
	c.Spec.Cells = append(c.Spec.Cells,
		v1beta1.CellConfig{Name: "zone-b", Spec: v1beta1.CellConfigSpec{TopoServer: &v1beta1.CellTopoServerConfig{
			External: &v1beta1.ExternalTopoServerSpec{Address: "etcd-b-0:2379,etcd-b-1:2379", RootPath: "/zone-b"}}}},
		v1beta1.CellConfig{Name: "zone-c", Spec: v1beta1.CellConfigSpec{TopoServer: &v1beta1.CellTopoServerConfig{
			Managed: &v1beta1.ManagedTopoServerConfig{Spec: &v1beta1.ManagedTopoServerSpec{}}}}})
	// orders has replicas in two cells, as its policy needs.
	orders := *c.Spec.Databases[0].DeepCopy()
	orders.Name, orders.Spec.DurabilityPolicy = "orders", v1beta1.DurabilityMultiCellAtLeast2
	zoneB := inlinePool()
	zoneB.Name, zoneB.Cell = "replica-zone-b", "zone-b"
	pools := &orders.Spec.TableGroups[0].ShardTemplate.Pools
	*pools = append(*pools, zoneB)
	c.Spec.Databases = append(c.Spec.Databases, orders)
	g.Expect(k8s.Create(ctx, c)).To(Succeed())
	kubetest.HaveCondition(g, k8s, c, multigrescluster.ConditionTopologyRegistered, metav1.ConditionTrue, multigrescluster.ReasonRegistered)

	cell := func(name string) topo.Cell {
		rec, ok, err := etcd.Cell(ctx, "/reg/global", name)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(ok).To(BeTrue(), "cell %s is not registered", name)
		return rec
	}
	g.Expect(cell("zone-a")).To(Equal(topo.Cell{Name: "zone-a", ServerAddresses: []string{endpoint}, Root: "/reg/global/zone-a"}))
	g.Expect(cell("zone-b")).To(Equal(topo.Cell{Name: "zone-b", ServerAddresses: []string{"etcd-b-0:2379", "etcd-b-1:2379"}, Root: "/zone-b"}))
	g.Expect(cell("zone-c")).To(Equal(topo.Cell{Name: "zone-c",
		ServerAddresses: []string{names.TopoClientAddress(names.TopoClientService(names.Cell("reg", "zone-c")), ns)}, Root: "/multigres/zone-c"}))
	for db, policy := range map[string]string{"app": "AT_LEAST_2", "orders": "MULTI_CELL_AT_LEAST_2"} {
		durability, err := topo.Durability(policy)
		g.Expect(err).NotTo(HaveOccurred())
		rec, ok, err := etcd.Database(ctx, "/reg/global", db)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(ok).To(BeTrue(), "database %s is not registered", db)
		g.Expect(rec).To(Equal(topo.Database{Name: db, Backup: topo.BackupLocation{Path: "/backups"}, Cells: []string{"zone-a", "zone-b", "zone-c"}, Durability: durability}))
	}

	// A cell leaves the spec: its record goes, and the databases no longer list it. A
	// database that leaves keeps its record: its data may outlive the spec.
	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) {
		c.Spec.Cells = c.Spec.Cells[:2]
		c.Spec.Databases = c.Spec.Databases[:1]
	})
	g.Eventually(func(g Gomega) {
		cells, err := etcd.CellNames(ctx, "/reg/global")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(cells).To(Equal([]string{"zone-a", "zone-b"}))
		rec, _, err := etcd.Database(ctx, "/reg/global", "app")
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(rec.Cells).To(Equal([]string{"zone-a", "zone-b"}))
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	_, ok, err := etcd.Database(ctx, "/reg/global", "orders")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(ok).To(BeTrue(), "a database removed from the spec lost its record")
	kubetest.HaveCondition(g, k8s, c, multigrescluster.ConditionTopologyRegistered, metav1.ConditionTrue, multigrescluster.ReasonRegistered)

	// Registration off: the condition goes, and the topology is left as it is.
	kubetest.Update(g, k8s, c, func(c *v1beta1.MultigresCluster) {
		c.Spec.TopologyReconciliation = &v1beta1.TopologyReconciliation{RegisterCell: ptr.To(false)}
		c.Spec.Cells = c.Spec.Cells[:1]
	})
	kubetest.Eventually(g, k8s, c, func(g Gomega) {
		g.Expect(conditionOf(g, c, multigrescluster.ConditionTopologyRegistered)).To(BeNil())
	})
	cell("zone-b")
}

// A global topology nobody can reach is reported, named, on the cluster.
func TestClusterReportsAnUnreachableTopology(t *testing.T) {
	t.Parallel()
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "unreachable")
	c := smallCluster(ns, "lost")
	c.Spec.GlobalTopoServer.External = &v1beta1.ExternalTopoServerSpec{Address: "127.0.0.1:1", RootPath: "/lost"}
	g.Expect(k8s.Create(ctx, c)).To(Succeed())
	kubetest.HaveCondition(g, k8s, c, multigrescluster.ConditionTopologyRegistered, metav1.ConditionFalse, multigrescluster.ReasonRegistrationFailed)
	g.Expect(conditionOf(g, c, multigrescluster.ConditionTopologyRegistered).Message).To(ContainSubstring("the global topology at 127.0.0.1:1"))
}
