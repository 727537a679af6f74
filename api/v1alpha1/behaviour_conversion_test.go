package v1alpha1

import (
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

func TestDerivePoolNames(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pools [][2]string // type, cell
		want  []string
	}{
		{"none", nil, []string{}},
		{"lowercased", [][2]string{{"readOnly", "US-East-1"}}, []string{"readonly-us-east-1"}},
		{"repeats get -2, -3", [][2]string{{"replica", "a"}, {"replica", "a"}, {"replica", "a"}},
			[]string{"replica-a", "replica-a-2", "replica-a-3"}},
		{"a cell that looks like a suffix does not collide", [][2]string{{"replica", "a"}, {"replica", "a"}, {"replica", "a-2"}},
			[]string{"replica-a", "replica-a-2", "replica-a-2-2"}},
		{"cells differing only in case repeat", [][2]string{{"replica", "A"}, {"replica", "a"}},
			[]string{"replica-a", "replica-a-2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := derivePoolNames(len(tc.pools), func(i int) (PoolType, string) {
				return PoolType(tc.pools[i][0]), tc.pools[i][1]
			})
			NewWithT(t).Expect(got).To(Equal(tc.want))
		})
	}
}

// What the v1alpha1 CRD forbids cannot be converted: a clear error naming the field.
func TestConvertToRejectsWhatTheCRDForbids(t *testing.T) {
	managed := &ManagedTopoServerSpec{}
	for _, tc := range []struct {
		name string
		spec MultigresClusterSpec
		want []string
	}{
		{"global topo server set two ways",
			MultigresClusterSpec{GlobalTopoServer: &TopoServerConfig{DeploymentTemplate: "t", ManagedSpec: managed}},
			[]string{"spec.globalTopoServer", `"deploymentTemplate and managedSpec"`, "only one of deploymentTemplate, managedSpec or external"}},
		{"global topo server set no way",
			MultigresClusterSpec{GlobalTopoServer: &TopoServerConfig{RootPath: "/r"}},
			[]string{"spec.globalTopoServer: Required value", "one of deploymentTemplate, managedSpec or external must be set"}},
		{"cell topo server external and managed",
			MultigresClusterSpec{Cells: []CellConfig{{Name: "a"}, {Name: "b", Spec: CellConfigSpec{TopoServer: &TopoServerConfig{
				External: &ExternalTopoServerSpec{Address: "x:2379"}, ManagedSpec: managed}}}}},
			[]string{"spec.cells[1].spec.topoServer", `"managedSpec and external"`}},
		{"overrides without template",
			MultigresClusterSpec{MultiAdmin: &StatelessComponentConfig{Overrides: &StatelessSpec{Replicas: ptr.To[int32](2)}}},
			[]string{"spec.multiadmin.overrides", "overrides without a deploymentTemplate"}},
		{"template and inline fields",
			MultigresClusterSpec{Cells: []CellConfig{{Name: "a", Spec: CellConfigSpec{MultiOrch: &StatelessComponentConfig{
				DeploymentTemplate: "t", StatelessSpec: StatelessSpec{Replicas: ptr.To[int32](1)}}}}}},
			[]string{"spec.cells[0].spec.multiorch", "deploymentTemplate and the inline fields"}},
		{"pool with template and inline fields",
			MultigresClusterSpec{Databases: []DatabaseConfig{{Name: "d", Spec: DatabaseConfigSpec{TableGroups: []TableGroupConfig{{Name: "tg",
				ShardTemplate: ShardTemplateConfig{Pools: []PoolConfig{{Type: PoolTypeReplica, Cell: "a", DeploymentTemplate: "t",
					ShardPoolSpec: ShardPoolSpec{Replicas: ptr.To[int32](1)}}}}}}}}}},
			[]string{"spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0]", "deploymentTemplate and inline pool fields"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			err := (&MultigresCluster{Spec: tc.spec}).ConvertTo(&v1beta1.MultigresCluster{})
			g.Expect(err).To(HaveOccurred())
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
		})
	}

	t.Run("every problem at once", func(t *testing.T) {
		err := (&MultigresCluster{Spec: MultigresClusterSpec{
			GlobalTopoServer: &TopoServerConfig{},
			MultiAdmin:       &StatelessComponentConfig{Overrides: &StatelessSpec{}},
		}}).ConvertTo(&v1beta1.MultigresCluster{})
		NewWithT(t).Expect(err).To(MatchError(And(ContainSubstring("spec.globalTopoServer"), ContainSubstring("spec.multiadmin.overrides"))))
	})

	t.Run("cell child with external and managedSpec", func(t *testing.T) {
		err := (&Cell{Spec: CellSpec{TopoServer: CellTopoServerSpec{External: &ExternalTopoServerSpec{}, ManagedSpec: &TopoServerSpec{}}}}).
			ConvertTo(&v1beta1.Cell{})
		NewWithT(t).Expect(err).To(MatchError(ContainSubstring("spec.topoServer")))
	})
}

// A damaged annotation is an error that names it, not a silent loss.
func TestMalformedConversionDataIsAnError(t *testing.T) {
	meta := metav1.ObjectMeta{Annotations: map[string]string{v1beta1.ConversionDataAnnotation: "{not json"}}
	err := (&MultigresCluster{ObjectMeta: meta}).ConvertTo(&v1beta1.MultigresCluster{})
	NewWithT(t).Expect(err).To(MatchError(ContainSubstring(v1beta1.ConversionDataAnnotation)))
	err = (&Shard{}).ConvertFrom(&v1beta1.Shard{ObjectMeta: meta})
	NewWithT(t).Expect(err).To(MatchError(ContainSubstring(v1beta1.ConversionDataAnnotation)))
}

func hubWithPools(names ...string) *v1beta1.TableGroup {
	tg := &v1beta1.TableGroup{ObjectMeta: metav1.ObjectMeta{Name: "tg", Annotations: map[string]string{"keep": "me"}}}
	for _, n := range names {
		tg.Spec.ShardTemplate.Pools = append(tg.Spec.ShardTemplate.Pools, v1beta1.PoolSpec{Name: n, Type: v1beta1.PoolTypeReplica,
			Cell: "a", ShardPoolSpec: v1beta1.ShardPoolSpec{Replicas: ptr.To[int32](3)}})
	}
	return tg
}

// Custom pool names ride on the v1alpha1 object and come back; the annotation goes once used,
// and other annotations stay.
func TestCustomPoolNamesSurviveAndTheAnnotationIsConsumed(t *testing.T) {
	g := NewWithT(t)
	spoke := &TableGroup{}
	g.Expect(spoke.ConvertFrom(hubWithPools("primary-zone", "spare"))).To(Succeed())
	g.Expect(spoke.Annotations).To(HaveKey(v1beta1.ConversionDataAnnotation))
	g.Expect(spoke.Annotations).To(HaveKeyWithValue("keep", "me"))

	// A v1alpha1 client edits the second pool; names still come back.
	spoke.Spec.ShardTemplate.Pools[1].Replicas = ptr.To[int32](5)
	hub := &v1beta1.TableGroup{}
	g.Expect(spoke.ConvertTo(hub)).To(Succeed())
	g.Expect(hub.Spec.ShardTemplate.Pools[0].Name).To(Equal("primary-zone"))
	g.Expect(hub.Spec.ShardTemplate.Pools[1].Name).To(Equal("spare"))
	g.Expect(*hub.Spec.ShardTemplate.Pools[1].Replicas).To(Equal(int32(5)))
	g.Expect(hub.Annotations).To(Equal(map[string]string{"keep": "me"}))
}

// If a v1alpha1 client adds a pool that would take a saved name, names stay unique.
func TestRestoredPoolNamesStayUnique(t *testing.T) {
	g := NewWithT(t)
	spoke := &TableGroup{}
	// Derived names are replica-a, replica-a-2; saved: replica-a -> replica-a-3.
	g.Expect(spoke.ConvertFrom(hubWithPools("replica-a-3", "replica-a-2"))).To(Succeed())
	spoke.Spec.ShardTemplate.Pools = append(spoke.Spec.ShardTemplate.Pools, PoolSpec{Type: PoolTypeReplica, Cell: "a"})
	hub := &v1beta1.TableGroup{}
	g.Expect(spoke.ConvertTo(hub)).To(Succeed())
	seen := map[string]bool{}
	for _, p := range hub.Spec.ShardTemplate.Pools {
		g.Expect(seen).NotTo(HaveKey(p.Name))
		seen[p.Name] = true
	}
}

// What v1alpha1 can say but v1beta1 says one way comes back exactly, and an edit made in
// v1beta1 meanwhile wins over the saved form.
func TestV1alpha1OnlyFormsComeBack(t *testing.T) {
	g := NewWithT(t)
	spoke := &MultigresCluster{
		Spec: MultigresClusterSpec{Cells: []CellConfig{{Name: "a", Spec: CellConfigSpec{TopoServer: &TopoServerConfig{
			RootPath: "/beside", External: &ExternalTopoServerSpec{Address: "etcd:2379"}}}}}},
		Status: MultigresClusterStatus{MultiAdmin: &MultiAdminStatus{Available: metav1.ConditionUnknown}},
	}
	hub := &v1beta1.MultigresCluster{}
	g.Expect(spoke.DeepCopy().ConvertTo(hub)).To(Succeed())
	g.Expect(hub.Spec.GlobalTopoServer).To(Equal(defaultGlobalTopo()))
	g.Expect(hub.Spec.Cells[0].Spec.TopoServer.External).To(Equal(&v1beta1.ExternalTopoServerSpec{Address: "etcd:2379", RootPath: "/beside"}))
	g.Expect(hub.Status.MultiAdmin.Available).To(BeNil())

	back := &MultigresCluster{}
	g.Expect(back.ConvertFrom(hub.DeepCopy())).To(Succeed())
	g.Expect(back).To(Equal(spoke))

	// Edited in v1beta1: the new root path and an explicit external topo server win.
	hub.Spec.Cells[0].Spec.TopoServer.External.RootPath = "/new"
	hub.Spec.GlobalTopoServer = &v1beta1.GlobalTopoServerConfig{External: &v1beta1.ExternalTopoServerSpec{Address: "g:2379"}}
	hub.Status.MultiAdmin.Available = ptr.To(true)
	g.Expect(back.ConvertFrom(hub)).To(Succeed())
	g.Expect(back.Spec.Cells[0].Spec.TopoServer).To(Equal(&TopoServerConfig{External: &ExternalTopoServerSpec{Address: "etcd:2379", RootPath: "/new"}}))
	g.Expect(back.Spec.GlobalTopoServer).To(Equal(&TopoServerConfig{External: &ExternalTopoServerSpec{Address: "g:2379"}}))
	g.Expect(back.Status.MultiAdmin.Available).To(Equal(metav1.ConditionTrue))
}

// ConvertTo and ConvertFrom never modify their source.
func TestConversionLeavesTheSourceAlone(t *testing.T) {
	g := NewWithT(t)
	hub := hubWithPools("x", "y")
	hub.Spec.ShardTemplate.Pools[0].DataVolumeClaimTemplate = &corev1.PersistentVolumeClaimSpec{}
	before := hub.DeepCopy()
	spoke := &TableGroup{}
	g.Expect(spoke.ConvertFrom(hub)).To(Succeed())
	g.Expect(hub).To(Equal(before))

	spokeBefore := spoke.DeepCopy()
	g.Expect(spoke.ConvertTo(&v1beta1.TableGroup{})).To(Succeed())
	g.Expect(spoke).To(Equal(spokeBefore))
}
