package webhooks

import (
	"context"
	"testing"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// The design document's example asks for more than Multigres v0.1 serves: it is admitted,
// with a warning naming each field and the limit, and one for its plain postgres image.
func TestUnsupportedSpecIsAdmittedWithWarnings(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, admin, "unsupported")
	warnings.take()
	applySamples(t, ns, false)
	g.Expect(warnings.take()).To(ConsistOf(
		`spec.databases[0].name: "production_db": Multigres v0.1 serves only database "postgres"; its table groups get no pods`,
		`spec.databases[0].spec.tablegroups[1].name: "orders_tg": Multigres v0.1 serves only table group "default"; its shards get no pods`,
		`spec.databases[0].spec.tablegroups[1].partitioning.shards: 2: Multigres v0.1 serves one shard per table group ("0-inf"); with 2, none of them gets pods; use 1`,
		`spec.databases[0].spec.tablegroups[1].shardTemplate.pools[1].type: "readOnly": Multigres v0.1 has no read-only pooler (any pooler of a shard may be elected primary); this pool gets no pods; use type replica`,
		`spec.databases[0].spec.tablegroups[2].name: "analytics_tg": Multigres v0.1 serves only table group "default"; its shards get no pods`,
		`spec.databases[0].spec.tablegroups[3].name: "custom_tg": Multigres v0.1 serves only table group "default"; its shards get no pods`,
		`spec.images.postgres: "postgres:15.3": not a pgctld image (such as ghcr.io/multigres/pgctld:<tag>): pool pods run pgctld from it, so pods built on it cannot run`,
	))
}

// A cluster Multigres v0.1 serves whole gets no warning at all.
func TestServableSpecHasNoWarnings(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, admin, "servable")
	c := &v1beta1.MultigresCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "serving"},
		Spec: v1beta1.MultigresClusterSpec{
			Images: v1beta1.ClusterImages{Postgres: "ghcr.io/multigres/pgctld:main"},
			Cells:  []v1beta1.CellConfig{{Name: "zone-a"}},
			Databases: []v1beta1.DatabaseConfig{{Name: "postgres", Spec: v1beta1.DatabaseConfigSpec{
				TableGroups: []v1beta1.TableGroupConfig{{Name: "default", Partitioning: v1beta1.Partitioning{Shards: ptr.To[int32](1)},
					ShardTemplate: v1beta1.ShardTemplateConfig{Pools: []v1beta1.PoolConfig{{Name: "main", Type: v1beta1.PoolTypeReplica, Cell: "zone-a",
						Spec: &v1beta1.ShardPoolSpec{}}}}}},
			}}},
		},
	}
	warnings.take()
	g.Expect(admin.Create(context.Background(), c)).To(Succeed())
	g.Expect(warnings.take()).To(BeEmpty())
}
