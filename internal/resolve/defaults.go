package resolve

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Defaults for everything neither a template, an inline spec nor an override sets. This file
// is the one source: the webhooks import it. The variables are treated as constants; the
// resolver copies them and nobody may modify them.

// Replica counts.
const (
	DefaultMultiAdminReplicas   int32 = 1
	DefaultMultiGatewayReplicas int32 = 2
	DefaultMultiOrchReplicas    int32 = 1
	// DefaultPoolReplicas: each pool wants at least 2, better 3, for the default durability
	// policy.
	DefaultPoolReplicas int32 = 3
	// DefaultTopoServerReplicas: an odd etcd member count that survives one failure.
	DefaultTopoServerReplicas int32 = 3
	DefaultShards             int32 = 1
)

// Images. Multigres images come from the cluster's spec.images only (templates have none);
// a managed topo server carries its own image.
// Upstream publishes no "latest": its CI tags each commit of main "sha-<7 hex>". These are
// the commit make test-multigres was last run against (docs/testing-multigres.md).
const (
	DefaultMultigresImage = "ghcr.io/multigres/multigres:sha-6bd80b9"
	// DefaultPostgresImage: postgres runs under pgctld, which this image adds to PostgreSQL 17
	// with pgBackRest.
	DefaultPostgresImage = "ghcr.io/multigres/pgctld:sha-6bd80b9"
	DefaultEtcdImage     = "quay.io/coreos/etcd:v3.5.17"
	// DefaultPostgresExporterImage is the postgres_exporter release make test-multigres runs.
	DefaultPostgresExporterImage = "quay.io/prometheuscommunity/postgres-exporter:v0.17.1"
	DefaultImagePullPolicy       = corev1.PullIfNotPresent
)

// DefaultDurabilityPolicy: a write waits for the primary and one standby.
const DefaultDurabilityPolicy = v1beta1.DurabilityAtLeast2

// Topology.
const (
	DefaultGlobalRootPath = "/multigres/global"
	DefaultRegisterCell   = true
	DefaultPruneTablets   = true
)

// DefaultCellRootPath is the root path of a cell's own topo server.
func DefaultCellRootPath(cell string) string { return "/multigres/" + cell }

// DefaultRetentionPolicy applies to both cases of a data volume retention policy: data is
// never deleted unless the user says so.
const DefaultRetentionPolicy = v1beta1.RetainVolume

// Volumes. 10Gi is small enough to provision anywhere, including a laptop cluster, and
// volumes can grow later but never shrink: start small.
var (
	DefaultPoolStorage       = resource.MustParse("10Gi")
	DefaultTopoServerStorage = resource.MustParse("10Gi")
	// DefaultBackupStorage is each shard's backup repository (its full backups and WAL).
	DefaultBackupStorage = resource.MustParse("10Gi")
	// DefaultBackupAccessModes: the pods of a shard, which all mount its backup repository,
	// may run on several nodes.
	DefaultBackupAccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}
	DefaultAccessModes       = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}
)

// Backups, when neither the cluster nor the database says: a full backup a day and a weekly
// verification, in the small hours UTC; 7 full backups kept, which is also what upstream
// Multigres itself keeps after every backup (so it never expires less).
var (
	DefaultBackupSchedule  = &v1beta1.BackupSchedule{Full: "0 0 * * *", Verify: "0 3 * * 0"}
	DefaultBackupRetention = &v1beta1.BackupRetention{FullBackups: ptr(int32(7))}
)

// Resources, applied only when a component's resources block is entirely empty (no
// requests and no limits): a block that sets only requests keeps having no limits.
var (
	DefaultMultiAdminResources   = requirements("100m", "128Mi", "200m", "256Mi")
	DefaultMultiGatewayResources = requirements("500m", "512Mi", "1", "1Gi")
	DefaultMultiOrchResources    = requirements("100m", "128Mi", "200m", "256Mi")
	DefaultPostgresResources     = requirements("500m", "1Gi", "2", "2Gi")
	DefaultMultiPoolerResources  = requirements("100m", "128Mi", "500m", "512Mi")
	DefaultTopoServerResources   = requirements("200m", "256Mi", "1", "1Gi")
	// DefaultPostgresExporterResources: a few catalog queries per scrape.
	DefaultPostgresExporterResources = requirements("50m", "64Mi", "200m", "128Mi")
)

func requirements(cpu, memory, cpuLimit, memoryLimit string) corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse(cpu),
			corev1.ResourceMemory: resource.MustParse(memory),
		},
		Limits: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse(cpuLimit),
			corev1.ResourceMemory: resource.MustParse(memoryLimit),
		},
	}
}
