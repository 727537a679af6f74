package resolve

import (
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// A cluster that names nothing but a cell and a pool gets every default.
func TestDefaults(t *testing.T) {
	c := cluster(t, `
cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z}]}}]}}]
`)
	r := resolveOK(t, c, nil)

	topo := r.GlobalTopoServer
	if topo == nil || topo.Name != "c-global" {
		t.Fatalf("global TopoServer %+v: want a managed etcd by default", topo)
	}
	expectEqual(t, "etcd", topo.Spec, v1beta1.TopoServerSpec{
		RootPath:        DefaultGlobalRootPath,
		Image:           DefaultEtcdImage,
		ImagePullPolicy: DefaultImagePullPolicy,
		Replicas:        DefaultTopoServerReplicas,
		Resources:       DefaultTopoServerResources,
		DataVolumeClaimTemplate: &corev1.PersistentVolumeClaimSpec{
			AccessModes: DefaultAccessModes,
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{"storage": DefaultTopoServerStorage}},
		},
		DataVolumeRetentionPolicy: &v1beta1.VolumeRetentionPolicy{WhenDeleted: "Retain", WhenScaled: "Retain"},
	})
	expectEqual(t, "global ref", r.GlobalTopo, v1beta1.GlobalTopoServerRef{
		RootPath: "/multigres/global", ClientServiceName: "c-global-client", Address: "c-global-client.ns.svc:2379",
	})

	ma := r.MultiAdmin
	expectEqual(t, "multiadmin", ma.Spec, v1beta1.StatelessSpec{Replicas: ptrTo(int32(1)), Resources: &DefaultMultiAdminResources})
	if ma.Image != "ghcr.io/multigres/multigres:sha-6bd80b9" || ma.ImagePullPolicy != corev1.PullIfNotPresent || ma.ImagePullSecrets != nil {
		t.Errorf("multiadmin image %q %q %v", ma.Image, ma.ImagePullPolicy, ma.ImagePullSecrets)
	}

	cell := r.Cells[0].Spec
	expectEqual(t, "cell", cell, v1beta1.CellSpec{
		Name: "z",
		Images: v1beta1.CellImages{ImagePullPolicy: "IfNotPresent",
			MultiGateway: "ghcr.io/multigres/multigres:sha-6bd80b9", MultiOrch: "ghcr.io/multigres/multigres:sha-6bd80b9"},
		MultiGateway:     v1beta1.StatelessSpec{Replicas: ptrTo(int32(2)), Resources: &DefaultMultiGatewayResources},
		MultiOrch:        v1beta1.StatelessSpec{Replicas: ptrTo(int32(1)), Resources: &DefaultMultiOrchResources},
		GlobalTopoServer: r.GlobalTopo,
		TopoServer:       &v1beta1.CellTopoServerSpec{Global: &v1beta1.UseGlobalTopoServer{}},
		AllCells:         []string{"z"},
		WatchTargets:     []string{"d/g"},
		TopologyReconciliation: v1beta1.TopologyReconciliation{
			RegisterCell: ptrTo(true), PruneTablets: ptrTo(true),
		},
	})

	tg := r.TableGroups[0].Spec
	expectEqual(t, "table group", tg, v1beta1.TableGroupSpec{
		DatabaseName: "d", TableGroupName: "g", PostgresCredentialsSecret: "c-postgres-credentials",
		Images: v1beta1.ShardImages{ImagePullPolicy: "IfNotPresent",
			MultiPooler: "ghcr.io/multigres/multigres:sha-6bd80b9", Postgres: "ghcr.io/multigres/pgctld:sha-6bd80b9"},
		GlobalTopoServer: r.GlobalTopo,
		Partitioning:     v1beta1.Partitioning{Shards: ptrTo(int32(1))},
		Backup: &v1beta1.BackupConfig{Filesystem: &v1beta1.FilesystemBackupRepository{VolumeClaimTemplate: &corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{"ReadWriteMany"},
			Resources:   corev1.VolumeResourceRequirements{Requests: list("storage=10Gi")},
		}},
			Schedule:  &v1beta1.BackupSchedule{Full: "0 0 * * *", Verify: "0 3 * * 0"},
			Retention: &v1beta1.BackupRetention{FullBackups: ptrTo(int32(7))}},
		ShardTemplate: v1beta1.ShardTemplate{Pools: []v1beta1.PoolSpec{{
			Name: "replica-z", Type: "replica", Cell: "z",
			ShardPoolSpec: v1beta1.ShardPoolSpec{
				Replicas: ptrTo(int32(3)),
				DataVolumeClaimTemplate: &corev1.PersistentVolumeClaimSpec{
					AccessModes: []corev1.PersistentVolumeAccessMode{"ReadWriteOnce"},
					Resources:   corev1.VolumeResourceRequirements{Requests: list("storage=10Gi")},
				},
				DataVolumeRetentionPolicy: &v1beta1.VolumeRetentionPolicy{WhenDeleted: "Retain", WhenScaled: "Retain"},
				Postgres:                  &v1beta1.ContainerSpec{Resources: &DefaultPostgresResources},
				MultiPooler:               &v1beta1.ContainerSpec{Resources: &DefaultMultiPoolerResources},
			},
		}}},
	})
	expectEqual(t, "desired instances", r.DesiredInstances, map[string]int32{"d": 3})
}

// Default resources apply only to an entirely empty block: requests alone keep no limits,
// limits alone get no requests.
func TestDefaultResourcesOnlyWhenEmpty(t *testing.T) {
	c := cluster(t, `
cells:
- name: z
  spec:
    multigateway: {resources: {requests: {cpu: 100m}}}
    multiorch: {resources: {limits: {memory: 1Gi}}}
`)
	cell := resolveOK(t, c, nil).Cells[0].Spec
	expectEqual(t, "gateway", cell.MultiGateway.Resources, res("cpu=100m", ""))
	expectEqual(t, "orch", cell.MultiOrch.Resources, res("", "memory=1Gi"))
}

// A volume missing only its size or only its access modes gets the missing one.
func TestDefaultVolumeParts(t *testing.T) {
	c := cluster(t, `
cells: [{name: z}]
databases:
- name: d
  spec:
    tablegroups:
    - name: g
      shardTemplate:
        pools:
        - {type: replica, cell: z, dataVolumeClaimTemplate: {accessModes: [ReadWriteMany]}}
        - {type: readOnly, cell: z, dataVolumeClaimTemplate: {resources: {requests: {storage: 1Gi}}}}
`)
	pools := resolveOK(t, c, nil).TableGroups[0].Spec.ShardTemplate.Pools
	expectEqual(t, "size", pools[0].DataVolumeClaimTemplate, &corev1.PersistentVolumeClaimSpec{
		AccessModes: []corev1.PersistentVolumeAccessMode{"ReadWriteMany"},
		Resources:   corev1.VolumeResourceRequirements{Requests: list("storage=10Gi")},
	})
	expectEqual(t, "access modes", pools[1].DataVolumeClaimTemplate, &corev1.PersistentVolumeClaimSpec{
		AccessModes: []corev1.PersistentVolumeAccessMode{"ReadWriteOnce"},
		Resources:   corev1.VolumeResourceRequirements{Requests: list("storage=1Gi")},
	})
}

func TestTopologyReconciliationAndImagesFromCluster(t *testing.T) {
	c := cluster(t, `
images: {imagePullPolicy: Always, imagePullSecrets: [{name: s}], multigateway: g, multiorch: o, multipooler: p, postgres: pg, multiadmin: a}
topologyReconciliation: {pruneTablets: false}
cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z}]}}]}}]
`)
	r := resolveOK(t, c, nil)
	cell := r.Cells[0].Spec
	expectEqual(t, "topology reconciliation", cell.TopologyReconciliation,
		v1beta1.TopologyReconciliation{RegisterCell: ptrTo(true), PruneTablets: ptrTo(false)})
	secrets := []corev1.LocalObjectReference{{Name: "s"}}
	expectEqual(t, "cell images", cell.Images, v1beta1.CellImages{ImagePullPolicy: "Always", ImagePullSecrets: secrets, MultiGateway: "g", MultiOrch: "o"})
	expectEqual(t, "shard images", r.TableGroups[0].Spec.Images, v1beta1.ShardImages{ImagePullPolicy: "Always", ImagePullSecrets: secrets, MultiPooler: "p", Postgres: "pg"})
	if r.MultiAdmin.Image != "a" || r.MultiAdmin.ImagePullPolicy != "Always" {
		t.Errorf("multiadmin %+v", r.MultiAdmin)
	}
	// The topo server has its own image and pull settings: none of the cluster's.
	if s := r.GlobalTopoServer.Spec; s.ImagePullSecrets != nil || s.ImagePullPolicy != "IfNotPresent" || s.Image != DefaultEtcdImage {
		t.Errorf("topo server took cluster image settings: %+v", s)
	}
}

// AllCells is the sorted set of cells, the same on every Cell.
func TestAllCellsSorted(t *testing.T) {
	r := resolveOK(t, cluster(t, `cells: [{name: b}, {name: c}, {name: a}]`), nil)
	for _, cell := range r.Cells {
		expectEqual(t, cell.Name, cell.Spec.AllCells, []string{"a", "b", "c"})
	}
	if r.Cells[0].Spec.Name != "b" {
		t.Error("cells are not in spec order")
	}
}

func TestDesiredInstances(t *testing.T) {
	c := cluster(t, `
cells: [{name: z}]
databases:
- name: a
  spec:
    tablegroups:
    - {name: g, partitioning: {shards: 4}, shardTemplate: {pools: [{type: replica, cell: z, replicas: 2}, {type: readOnly, cell: z, replicas: 1}]}}
    - {name: h, shardTemplate: {pools: [{type: replica, cell: z}]}}
- name: b
- name: e
  spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z, replicas: 0}]}}]}
`)
	expectEqual(t, "desired", resolveOK(t, c, nil).DesiredInstances, map[string]int32{"a": 4*3 + 3, "b": 0, "e": 0})
}

func TestShardsCount(t *testing.T) {
	for _, tt := range []struct {
		shards *int32
		want   int
	}{{nil, 1}, {ptrTo(int32(3)), 3}, {ptrTo(int32(0)), 1}, {ptrTo(int32(5000)), MaxShards}} {
		tg := &v1beta1.TableGroup{}
		tg.Name = "tg"
		tg.Spec.Partitioning.Shards = tt.shards
		if got := Shards(tg); len(got) != tt.want || got[len(got)-1].Name != "tg-"+strconv.Itoa(tt.want-1) {
			t.Errorf("shards %v: got %d, want %d", tt.shards, len(got), tt.want)
		}
	}
}

// The cluster's own credentials Secret and a partial retention policy are kept.
func TestCredentialsAndRetention(t *testing.T) {
	c := cluster(t, `
postgresCredentialsSecret: mine
cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z, dataVolumeRetentionPolicy: {whenScaled: Delete}}]}}]}}]
`)
	tg := resolveOK(t, c, nil).TableGroups[0]
	if tg.Spec.PostgresCredentialsSecret != "mine" || Shards(&tg)[0].Spec.PostgresCredentialsSecret != "mine" {
		t.Errorf("credentials %q", tg.Spec.PostgresCredentialsSecret)
	}
	expectEqual(t, "retention", tg.Spec.ShardTemplate.Pools[0].DataVolumeRetentionPolicy,
		&v1beta1.VolumeRetentionPolicy{WhenDeleted: "Retain", WhenScaled: "Delete"})
}

// The backup claim takes the user's storage class and access modes, and a size by default.
func TestBackupClaim(t *testing.T) {
	c := clusterV1beta1(t, `
cells: [{name: z}]
backup: {filesystem: {volumeClaimTemplate: {storageClassName: nfs, accessModes: [ReadWriteOnce]}}}
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{name: p, type: replica, cell: z, spec: {}}]}}]}}]
`)
	r := resolveOK(t, c, nil)
	expectEqual(t, "backup", r.TableGroups[0].Spec.Backup, &v1beta1.BackupConfig{Filesystem: &v1beta1.FilesystemBackupRepository{
		VolumeClaimTemplate: &corev1.PersistentVolumeClaimSpec{
			StorageClassName: ptrTo("nfs"),
			AccessModes:      []corev1.PersistentVolumeAccessMode{"ReadWriteOnce"},
			Resources:        corev1.VolumeResourceRequirements{Requests: list("storage=10Gi")},
		}}, Schedule: DefaultBackupSchedule, Retention: DefaultBackupRetention})
	if c.Spec.Backup.Filesystem.VolumeClaimTemplate.Resources.Requests != nil {
		t.Error("resolution wrote into the cluster's spec")
	}
}

// A database's backup block replaces the cluster's field by field; what neither sets is the
// default.
func TestBackupOverride(t *testing.T) {
	c := clusterV1beta1(t, `
cells: [{name: z}]
backup:
  s3: {bucket: shared, region: eu-west-1}
  schedule: {full: "0 1 * * *"}
  encryption: {cipherKeys: {name: s, key: k}}
databases:
- {name: a, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{name: p, type: replica, cell: z, spec: {}}]}}]}}
- name: b
  spec:
    backup: {filesystem: {}, retention: {fullBackupDays: 30}, schedule: {}}
    tablegroups: [{name: g, shardTemplate: {pools: [{name: p, type: replica, cell: z, spec: {}}]}}]
`)
	r := resolveOK(t, c, nil)
	secret := &v1beta1.BackupEncryption{CipherKeys: v1beta1.SecretKeyRef{Name: "s", Key: "k"}}
	expectEqual(t, "a", r.Backups["a"], &v1beta1.BackupConfig{
		S3:         &v1beta1.S3BackupRepository{Bucket: "shared", Region: "eu-west-1"},
		Encryption: secret,
		Schedule:   &v1beta1.BackupSchedule{Full: "0 1 * * *"},
		Retention:  DefaultBackupRetention,
	})
	expectEqual(t, "b", r.Backups["b"], &v1beta1.BackupConfig{
		Filesystem: &v1beta1.FilesystemBackupRepository{VolumeClaimTemplate: &corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{"ReadWriteMany"},
			Resources:   corev1.VolumeResourceRequirements{Requests: list("storage=10Gi")},
		}},
		Encryption: secret,
		Schedule:   &v1beta1.BackupSchedule{},
		Retention:  &v1beta1.BackupRetention{FullBackupDays: ptrTo(int32(30))},
	})
	expectEqual(t, "b's table group", r.TableGroups[1].Spec.Backup, r.Backups["b"])
}

// spec.monitoring reaches every shard with the exporter's image and resources filled; a
// cluster without it runs no exporter.
func TestMonitoring(t *testing.T) {
	pools := `databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{name: p, type: replica, cell: z, spec: {}}]}}]}}]`
	c := clusterV1beta1(t, "cells: [{name: z}]\nmonitoring: {postgresExporter: {}}\n"+pools)
	tg := resolveOK(t, c, nil).TableGroups[0]
	want := &v1beta1.MonitoringSpec{PostgresExporter: &v1beta1.PostgresExporterSpec{
		Image: DefaultPostgresExporterImage, Resources: &DefaultPostgresExporterResources}}
	expectEqual(t, "table group", tg.Spec.Monitoring, want)
	expectEqual(t, "shard", Shards(&tg)[0].Spec.Monitoring, want)
	if c.Spec.Monitoring.PostgresExporter.Resources != nil {
		t.Error("resolution wrote into the cluster's spec")
	}

	c = clusterV1beta1(t, "cells: [{name: z}]\nmonitoring: {postgresExporter: {image: mine, resources: {requests: {cpu: 1m}}}}\n"+pools)
	expectEqual(t, "the user's", resolveOK(t, c, nil).TableGroups[0].Spec.Monitoring, &v1beta1.MonitoringSpec{PostgresExporter: &v1beta1.PostgresExporterSpec{
		Image: "mine", Resources: &corev1.ResourceRequirements{Requests: list("cpu=1m")}}})

	c = clusterV1beta1(t, "cells: [{name: z}]\n"+pools)
	if m := resolveOK(t, c, nil).TableGroups[0].Spec.Monitoring; m != nil {
		t.Errorf("no spec.monitoring resolves to %+v", m)
	}
}
