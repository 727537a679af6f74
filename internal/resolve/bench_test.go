package resolve

import (
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// BenchmarkCluster resolves 10 cells x 10 databases x 10 table groups x 8 shards with the
// sample templates; every table group has a template pool and a template+overrides pool.
func BenchmarkCluster(b *testing.B) {
	c, tmpls := benchCluster(b)
	b.ReportAllocs()
	for b.Loop() {
		r, errs := Cluster(c, tmpls)
		if len(errs) > 0 || len(r.TableGroups) != 100 {
			b.Fatalf("%d table groups, errors %v", len(r.TableGroups), errs)
		}
	}
}

// BenchmarkShards builds the 800 shards of BenchmarkCluster's table groups, as the
// TableGroup controllers do between them.
func BenchmarkShards(b *testing.B) {
	c, tmpls := benchCluster(b)
	r, errs := Cluster(c, tmpls)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for i := range r.TableGroups {
			n += len(Shards(&r.TableGroups[i]))
		}
		if n != 800 {
			b.Fatalf("%d shards", n)
		}
	}
}

func benchCluster(b *testing.B) (*v1beta1.MultigresCluster, map[string]*v1beta1.DeploymentTemplate) {
	sample, tmpls := loadSamples(b)
	c := &v1beta1.MultigresCluster{}
	c.Name, c.Namespace = "bench", "ns"
	c.Spec.Images = sample.Spec.Images
	c.Spec.GlobalTopoServer = sample.Spec.GlobalTopoServer
	c.Spec.MultiAdmin = sample.Spec.MultiAdmin
	for i := range 10 {
		c.Spec.Cells = append(c.Spec.Cells, v1beta1.CellConfig{
			Name: fmt.Sprintf("cell-%d", i),
			Spec: sample.Spec.Cells[i%2].Spec, // alternately: gateway overrides, local topo server
		})
	}
	overrides := &v1beta1.ShardPoolSpec{Replicas: ptrTo(int32(2))}
	if err := roundTrip(map[string]any{"dataVolumeClaimTemplate": map[string]any{
		"resources": map[string]any{"requests": map[string]any{"storage": resource.MustParse("1Ti")}}}}, overrides); err != nil {
		b.Fatal(err)
	}
	for d := range 10 {
		db := v1beta1.DatabaseConfig{Name: fmt.Sprintf("db_%d", d)}
		for g := range 10 {
			cell := func(k int) string { return fmt.Sprintf("cell-%d", (d+g+k)%10) }
			db.Spec.TableGroups = append(db.Spec.TableGroups, v1beta1.TableGroupConfig{
				Name:         fmt.Sprintf("tg_%d", g),
				Partitioning: v1beta1.Partitioning{Shards: ptrTo(int32(8))},
				ShardTemplate: v1beta1.ShardTemplateConfig{Pools: []v1beta1.PoolConfig{
					{Type: "replica", Cell: cell(0), DeploymentTemplate: "default-ha"},
					{Type: "readOnly", Cell: cell(1), DeploymentTemplate: "orders-read-only", Overrides: overrides},
				}},
			})
		}
		c.Spec.Databases = append(c.Spec.Databases, db)
	}
	return c, tmpls
}
