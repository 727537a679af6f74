package validation

import (
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	kvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
	"github.com/multigres/multigres-operator/internal/resolve/resolvetest"
)

// FuzzCheckCluster starts from the samples and applies edits chosen by the fuzz input, then
// checks that validation (and the resolution in it) never panics, is deterministic, leaves
// its inputs alone, and that a valid cluster only gives valid names and labels.
func FuzzCheckCluster(f *testing.F) {
	sample, sampleTemplates := resolvetest.Samples(f)
	f.Add([]byte{})
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13})
	f.Add([]byte{5, 0, 0, 0, 1, 1, 6, 2, 2, 2, 2, 2, 7, 3, 3})
	f.Add([]byte{8, 3, 4, 1, 0, 9, 2, 1, 10, 0, 2, 3, 4, 5})
	f.Add([]byte("the quick brown fox jumps over the lazy dog"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &gen{data: data}
		c := sample.DeepCopy()
		tm := resolve.Templates{}
		for n, tmpl := range sampleTemplates {
			tm[n] = tmpl.DeepCopy()
		}
		for i := 0; i < 64 && len(g.data) > 0; i++ {
			g.edit(c, tm)
		}
		before := snapshot(t, c, tm)

		r1, errs1, w1 := CheckCluster(c.DeepCopy(), tm)
		r2, errs2, w2 := CheckCluster(c, tm)
		if a, b := snapshot(t, r1, errorStrings(errs1), w1), snapshot(t, r2, errorStrings(errs2), w2); a != b {
			t.Fatalf("not deterministic:\n%s\n%s", a, b)
		}
		if after := snapshot(t, c, tm); after != before {
			t.Fatalf("inputs changed:\n%s\n%s", before, after)
		}
		if (r1 == nil) == (len(errs1) == 0) {
			t.Fatalf("result %v with %d errors", r1 != nil, len(errs1))
		}
		if r1 != nil {
			checkNames(t, r1)
		}
	})
}

func snapshot(t *testing.T, v ...any) string {
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func errorStrings(errs field.ErrorList) []string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return s
}

func checkNames(t *testing.T, r *resolve.Result) {
	check := func(name string, labels map[string]string) {
		if msgs := kvalidation.IsDNS1123Label(name); len(msgs) > 0 {
			t.Fatalf("name %q: %v", name, msgs)
		}
		for k, v := range labels {
			if msgs := kvalidation.IsValidLabelValue(v); len(msgs) > 0 {
				t.Fatalf("%q: label %s=%q: %v", name, k, v, msgs)
			}
		}
	}
	if r.GlobalTopoServer != nil {
		check(r.GlobalTopoServer.Name, r.GlobalTopoServer.Labels)
	}
	check(r.MultiAdmin.Name, r.MultiAdmin.Labels)
	for i := range r.Cells {
		check(r.Cells[i].Name, r.Cells[i].Labels)
		if topo := resolve.CellTopoServer(&r.Cells[i]); topo != nil {
			check(topo.Name, topo.Labels)
		}
	}
	for i := range r.TableGroups {
		check(r.TableGroups[i].Name, r.TableGroups[i].Labels)
		for _, s := range resolve.Shards(&r.TableGroups[i]) {
			check(s.Name, s.Labels)
		}
	}
}

// gen turns fuzz bytes into choices; when the bytes run out every choice is the first.
type gen struct{ data []byte }

func (g *gen) pick(n int) int {
	if len(g.data) == 0 {
		return 0
	}
	b := g.data[0]
	g.data = g.data[1:]
	return int(b) % n
}

func (g *gen) bool() bool { return g.pick(2) == 1 }

func oneOf[T any](g *gen, xs ...T) T { return xs[g.pick(len(xs))] }

var (
	fuzzNames     = []string{"us-east-1", "us-west-2", "global", "GLOBAL", "a_b", "a-b", "", "x.y", "bad name", strings.Repeat("long", 16)}
	fuzzTemplates = []string{"standard-ha", "default-ha", "orders-ha-replica", "orders-read-only", "missing"}
	fuzzQuantity  = []string{"100m", "1", "4", "1Gi", "8Gi", "0"}
)

func (g *gen) edit(c *v1beta1.MultigresCluster, tm map[string]*v1beta1.DeploymentTemplate) {
	s := &c.Spec
	switch g.pick(14) {
	case 0:
		s.Cells = append(s.Cells, v1beta1.CellConfig{Name: oneOf(g, fuzzNames...)})
	case 1:
		if len(s.Cells) > 0 {
			i := g.pick(len(s.Cells))
			s.Cells = append(s.Cells[:i], s.Cells[i+1:]...)
		}
	case 2:
		if len(s.Cells) > 0 {
			s.Cells[g.pick(len(s.Cells))].Name = oneOf(g, fuzzNames...)
		}
	case 3:
		if len(s.Cells) > 0 {
			cell := &s.Cells[g.pick(len(s.Cells))].Spec
			cell.MultiGateway, cell.MultiOrch = g.stateless(), g.stateless()
		}
	case 4:
		if len(s.Cells) > 0 {
			s.Cells[g.pick(len(s.Cells))].Spec.TopoServer = g.cellTopo()
		}
	case 5:
		db := v1beta1.DatabaseConfig{Name: oneOf(g, fuzzNames...)}
		for range g.pick(3) {
			db.Spec.TableGroups = append(db.Spec.TableGroups, v1beta1.TableGroupConfig{
				Name:          oneOf(g, fuzzNames...),
				ShardTemplate: v1beta1.ShardTemplateConfig{Pools: []v1beta1.PoolConfig{g.pool(s)}},
			})
		}
		s.Databases = append(s.Databases, db)
	case 6:
		if tg := g.tableGroup(s); tg != nil {
			tg.ShardTemplate.Pools = append(tg.ShardTemplate.Pools, g.pool(s))
		}
	case 7:
		if tg := g.tableGroup(s); tg != nil {
			tg.Partitioning.Shards = oneOf(g, nil, ptr.To(int32(0)), ptr.To(int32(1)), ptr.To(int32(8)), ptr.To(int32(2000)))
		}
	case 8:
		s.GlobalTopoServer = g.globalTopo()
	case 9:
		s.MultiAdmin = g.stateless()
	case 10:
		name := oneOf(g, fuzzTemplates...)
		if g.bool() {
			delete(tm, name)
			return
		}
		t := &v1beta1.DeploymentTemplate{}
		t.Name, t.Namespace = name, c.Namespace
		if g.bool() {
			t.Spec.MultiGateway = g.statelessSpec()
		}
		if g.bool() {
			t.Spec.MultiOrch = g.statelessSpec()
		}
		if g.bool() {
			t.Spec.ShardPool = g.poolSpec()
		}
		if g.bool() {
			t.Spec.ManagedTopoServer = g.topoSpec()
		}
		tm[name] = t
	case 11:
		s.Images = v1beta1.ClusterImages{MultiGateway: oneOf(g, "", "g:1"), Postgres: oneOf(g, "", "pg:1"),
			ImagePullPolicy: oneOf[corev1.PullPolicy](g, "", "Always")}
		s.PostgresCredentialsSecret = oneOf(g, "", "creds")
	case 12:
		s.TopologyReconciliation = oneOf(g, nil, &v1beta1.TopologyReconciliation{PruneTablets: ptr.To(false)})
	case 13:
		c.Name = oneOf(g, "example-multigres-cluster", "c", strings.Repeat("n", 63), "")
	}
}

func (g *gen) tableGroup(s *v1beta1.MultigresClusterSpec) *v1beta1.TableGroupConfig {
	if len(s.Databases) == 0 {
		return nil
	}
	db := &s.Databases[g.pick(len(s.Databases))]
	if len(db.Spec.TableGroups) == 0 {
		return nil
	}
	return &db.Spec.TableGroups[g.pick(len(db.Spec.TableGroups))]
}

func (g *gen) pool(s *v1beta1.MultigresClusterSpec) v1beta1.PoolConfig {
	p := v1beta1.PoolConfig{Name: oneOf(g, "main", "other", ""), Type: oneOf[v1beta1.PoolType](g, "replica", "readOnly", "")}
	if len(s.Cells) > 0 && g.pick(4) > 0 {
		p.Cell = s.Cells[g.pick(len(s.Cells))].Name
	} else {
		p.Cell = oneOf(g, fuzzNames...)
	}
	switch g.pick(4) {
	case 0:
		p.DeploymentTemplate = oneOf(g, fuzzTemplates...)
	case 1:
		p.DeploymentTemplate, p.Overrides = oneOf(g, fuzzTemplates...), g.poolSpec()
	case 2:
		p.Spec = g.poolSpec()
	default:
		p.DeploymentTemplate, p.Overrides, p.Spec = oneOf(g, fuzzTemplates...), g.poolSpec(), g.poolSpec()
	}
	return p
}

func (g *gen) stateless() *v1beta1.StatelessComponentConfig {
	if g.pick(4) == 0 {
		return nil
	}
	cfg := &v1beta1.StatelessComponentConfig{}
	if g.bool() {
		cfg.DeploymentTemplate = oneOf(g, fuzzTemplates...)
	}
	if g.bool() {
		cfg.Overrides = g.statelessSpec()
	}
	if g.bool() {
		cfg.Spec = g.statelessSpec()
	}
	return cfg
}

func (g *gen) globalTopo() *v1beta1.GlobalTopoServerConfig {
	switch g.pick(4) {
	case 0:
		return nil
	case 1:
		return &v1beta1.GlobalTopoServerConfig{}
	case 2:
		return &v1beta1.GlobalTopoServerConfig{Managed: g.managedTopo(), External: oneOf(g, nil, g.externalTopo())}
	}
	return &v1beta1.GlobalTopoServerConfig{External: g.externalTopo()}
}

func (g *gen) cellTopo() *v1beta1.CellTopoServerConfig {
	switch g.pick(5) {
	case 0:
		return nil
	case 1:
		return &v1beta1.CellTopoServerConfig{Global: &v1beta1.UseGlobalTopoServer{}}
	case 2:
		return &v1beta1.CellTopoServerConfig{Managed: g.managedTopo(), Global: oneOf(g, nil, &v1beta1.UseGlobalTopoServer{})}
	case 3:
		return &v1beta1.CellTopoServerConfig{}
	}
	return &v1beta1.CellTopoServerConfig{External: g.externalTopo()}
}

func (g *gen) managedTopo() *v1beta1.ManagedTopoServerConfig {
	cfg := &v1beta1.ManagedTopoServerConfig{RootPath: oneOf(g, "", "/r")}
	switch g.pick(4) {
	case 0:
	case 1:
		cfg.DeploymentTemplate = oneOf(g, fuzzTemplates...)
		if g.bool() {
			cfg.Overrides = g.topoSpec()
		}
	case 2:
		cfg.Spec = g.topoSpec()
	default:
		cfg.Overrides = g.topoSpec()
	}
	return cfg
}

func (g *gen) externalTopo() *v1beta1.ExternalTopoServerSpec {
	return &v1beta1.ExternalTopoServerSpec{Address: oneOf(g, "", "etcd:2379"), RootPath: oneOf(g, "", "/e")}
}

func (g *gen) statelessSpec() *v1beta1.StatelessSpec {
	return &v1beta1.StatelessSpec{Replicas: g.replicas(), Resources: g.resources(), Affinity: g.affinity()}
}

func (g *gen) poolSpec() *v1beta1.ShardPoolSpec {
	s := &v1beta1.ShardPoolSpec{Replicas: g.replicas(), Affinity: g.affinity(), DataVolumeClaimTemplate: g.volume(),
		DataVolumeRetentionPolicy: g.retention()}
	if g.bool() {
		s.Postgres = &v1beta1.ContainerSpec{Resources: g.resources()}
	}
	if g.bool() {
		s.MultiPooler = &v1beta1.ContainerSpec{Resources: g.resources()}
	}
	return s
}

func (g *gen) topoSpec() *v1beta1.ManagedTopoServerSpec {
	return &v1beta1.ManagedTopoServerSpec{
		RootPath: oneOf(g, "", "/t"), Image: oneOf(g, "", "etcd:x"), Replicas: g.replicas(),
		Resources: g.resources(), Affinity: g.affinity(), DataVolumeClaimTemplate: g.volume(),
		ImagePullSecrets:          oneOf(g, nil, []corev1.LocalObjectReference{{Name: "s"}}),
		DataVolumeRetentionPolicy: g.retention(),
	}
}

func (g *gen) retention() *v1beta1.VolumeRetentionPolicy {
	return oneOf(g, nil, &v1beta1.VolumeRetentionPolicy{WhenScaled: v1beta1.DeleteVolume})
}

func (g *gen) replicas() *int32 {
	return oneOf(g, nil, ptr.To(int32(0)), ptr.To(int32(1)), ptr.To(int32(3)), ptr.To(int32(-1)))
}

func (g *gen) resources() *corev1.ResourceRequirements {
	switch g.pick(4) {
	case 0:
		return nil
	case 1:
		return &corev1.ResourceRequirements{}
	}
	return &corev1.ResourceRequirements{Requests: g.list(), Limits: g.list()}
}

func (g *gen) list() corev1.ResourceList {
	l := corev1.ResourceList{}
	for _, name := range []corev1.ResourceName{"cpu", "memory"} {
		if g.bool() {
			l[name] = resource.MustParse(oneOf(g, fuzzQuantity...))
		}
	}
	return oneOf(g, nil, l)
}

func (g *gen) affinity() *corev1.Affinity {
	return oneOf(g, nil, &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{Weight: 1, PodAffinityTerm: corev1.PodAffinityTerm{TopologyKey: "k"}}},
	}})
}

func (g *gen) volume() *corev1.PersistentVolumeClaimSpec {
	return oneOf(g, nil, &corev1.PersistentVolumeClaimSpec{}, &corev1.PersistentVolumeClaimSpec{
		AccessModes: []corev1.PersistentVolumeAccessMode{"ReadWriteMany"},
		Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{"storage": resource.MustParse(oneOf(g, fuzzQuantity...))}},
	})
}
