package resolve

import (
	"cmp"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
)

// Result is a cluster resolved into complete child specs. Children carry namespace, name
// and labels but no owner references: the controllers add those. Nothing in it shares
// memory with the inputs.
type Result struct {
	// GlobalTopoServer is nil when the global topo server is external.
	GlobalTopoServer *v1beta1.TopoServer
	// GlobalTopo is where every child finds the global topology.
	GlobalTopo v1beta1.GlobalTopoServerRef
	MultiAdmin MultiAdmin
	// Cells and TableGroups are in spec order.
	Cells       []v1beta1.Cell
	TableGroups []v1beta1.TableGroup
	// Backups are each database's backup block resolved (spec.backup, the database's own
	// overrides, defaults), by database name; every TableGroup carries a copy of its
	// database's.
	Backups map[string]*v1beta1.BackupConfig
	// TopologyReconciliation is spec.topologyReconciliation with its defaults; every Cell
	// carries a copy of it.
	TopologyReconciliation v1beta1.TopologyReconciliation
	// DesiredInstances is, per database, the sum of pool replicas over all its shards.
	DesiredInstances map[string]int32
}

// MultiAdmin is the cluster's own multiadmin Deployment and Service.
type MultiAdmin struct {
	// Name is the Deployment's and the Service's.
	Name             string
	Namespace        string
	Labels           map[string]string
	Spec             v1beta1.StatelessSpec
	Image            string
	ImagePullPolicy  corev1.PullPolicy
	ImagePullSecrets []corev1.LocalObjectReference
}

// Cluster resolves c. templates are the DeploymentTemplates of c's namespace, by name. errs
// are the template references it could not follow (and never-expected encoding failures);
// it judges nothing else: internal/validation does. The result is complete even with errors
// (defaults stand in for a missing template), so validation can check all of it at once;
// it must not be applied unless errs is empty and validation passed.
func Cluster(c *v1beta1.MultigresCluster, templates Templates) (res *Result, errs field.ErrorList) {
	r := &resolver{c: c, templates: templates}
	res = &Result{DesiredInstances: map[string]int32{}}
	res.GlobalTopoServer, res.GlobalTopo = r.globalTopo()
	res.TopologyReconciliation = r.topologyReconciliation()
	res.MultiAdmin = MultiAdmin{
		Name:             names.MultiAdmin(c.Name),
		Namespace:        c.Namespace,
		Labels:           Labels(c.Name, names.ComponentMultiAdmin),
		Spec:             r.stateless(field.NewPath("spec", "multiadmin"), c.Spec.MultiAdmin, multiAdminDefaults),
		Image:            cmp.Or(c.Spec.Images.MultiAdmin, DefaultMultigresImage),
		ImagePullPolicy:  r.pullPolicy(),
		ImagePullSecrets: r.pullSecrets(),
	}
	for i := range c.Spec.Cells {
		res.Cells = append(res.Cells, r.cell(i, res.GlobalTopo, res.TopologyReconciliation))
	}
	res.Backups = map[string]*v1beta1.BackupConfig{}
	for i, db := range c.Spec.Databases {
		res.Backups[db.Name] = Backup(c.Spec.Backup, db.Spec.Backup)
		var instances int64
		for j := range db.Spec.TableGroups {
			tg := r.tableGroup(i, j, res.GlobalTopo, res.Backups[db.Name])
			instances += Instances(&tg.Spec)
			res.TableGroups = append(res.TableGroups, tg)
		}
		res.DesiredInstances[db.Name] = clampInt32(int64(res.DesiredInstances[db.Name]) + instances)
	}
	for i := range res.Cells {
		res.Cells[i].Spec.WatchTargets = WatchTargets(res.Cells[i].Spec.Name, res.TableGroups)
	}
	return res, r.errs
}

// WatchTargets are what cell's multiorch watches, "<database>/<tablegroup>", sorted: the
// table groups with a pool in the cell, so every shard of theirs whatever its key range (a
// shard keeps its range when the count grows); every table group when the cell has no pool
// (multiorch needs at least one target, and an orch of its own keeps the cell's view).
func WatchTargets(cell string, tableGroups []v1beta1.TableGroup) []string {
	var mine, all []string
	for i := range tableGroups {
		tg := &tableGroups[i].Spec
		target := tg.DatabaseName + "/" + tg.TableGroupName
		all = append(all, target)
		if slices.ContainsFunc(tg.ShardTemplate.Pools, func(p v1beta1.PoolSpec) bool { return p.Cell == cell }) {
			mine = append(mine, target)
		}
	}
	if len(mine) == 0 {
		mine = all
	}
	slices.Sort(mine)
	return mine
}

// cell resolves spec.cells[i].
func (r *resolver) cell(i int, global v1beta1.GlobalTopoServerRef, tr v1beta1.TopologyReconciliation) v1beta1.Cell {
	cfg := r.c.Spec.Cells[i]
	path := field.NewPath("spec", "cells").Index(i).Child("spec")
	all := make([]string, 0, len(r.c.Spec.Cells))
	for _, c := range r.c.Spec.Cells {
		all = append(all, c.Name)
	}
	slices.Sort(all) // a set: reordering spec.cells must not rewrite every Cell
	return v1beta1.Cell{
		TypeMeta: typeMeta("Cell"),
		ObjectMeta: objectMeta(r.c.Namespace, names.Cell(r.c.Name, cfg.Name),
			r.labels(names.ComponentCell, v1beta1.LabelCell, cfg.Name)),
		Spec: v1beta1.CellSpec{
			Name: cfg.Name,
			Images: v1beta1.CellImages{
				ImagePullPolicy:  r.pullPolicy(),
				ImagePullSecrets: r.pullSecrets(),
				MultiGateway:     cmp.Or(r.c.Spec.Images.MultiGateway, DefaultMultigresImage),
				MultiOrch:        cmp.Or(r.c.Spec.Images.MultiOrch, DefaultMultigresImage),
			},
			MultiGateway:           r.stateless(path.Child("multigateway"), cfg.Spec.MultiGateway, multiGatewayDefaults),
			MultiOrch:              r.stateless(path.Child("multiorch"), cfg.Spec.MultiOrch, multiOrchDefaults),
			GlobalTopoServer:       global,
			TopoServer:             r.cellTopo(path.Child("topoServer"), cfg.Name, cfg.Spec.TopoServer),
			AllCells:               all,
			TopologyReconciliation: *tr.DeepCopy(),
		},
	}
}

// topologyReconciliation resolves spec.topologyReconciliation: unset flags are true.
func (r *resolver) topologyReconciliation() v1beta1.TopologyReconciliation {
	tr := r.c.Spec.TopologyReconciliation
	if tr == nil {
		tr = &v1beta1.TopologyReconciliation{}
	}
	return v1beta1.TopologyReconciliation{
		RegisterCell: ptr(boolOr(tr.RegisterCell, DefaultRegisterCell)),
		PruneTablets: ptr(boolOr(tr.PruneTablets, DefaultPruneTablets)),
	}
}

// Backup resolves a database's backup block: the cluster's, with each field the database
// sets (repository, encryption, schedule, retention) replacing the cluster's; then a
// filesystem repository unless another is set, its claim completed (DefaultBackupAccessModes
// and DefaultBackupStorage where unset), DefaultBackupSchedule and DefaultBackupRetention
// where unset.
func Backup(cluster, database *v1beta1.BackupConfig) *v1beta1.BackupConfig {
	b := &v1beta1.BackupConfig{}
	if cluster != nil {
		b = cluster.DeepCopy()
	}
	if o := database.DeepCopy(); o != nil {
		if o.Filesystem != nil || o.S3 != nil {
			b.Filesystem, b.S3 = o.Filesystem, o.S3
		}
		b.Encryption = cmp.Or(o.Encryption, b.Encryption)
		b.Schedule = cmp.Or(o.Schedule, b.Schedule)
		b.Retention = cmp.Or(o.Retention, b.Retention)
	}
	if b.Schedule == nil {
		b.Schedule = DefaultBackupSchedule.DeepCopy()
	}
	if b.Retention == nil {
		b.Retention = DefaultBackupRetention.DeepCopy()
	}
	if b.S3 != nil {
		return b
	}
	if b.Filesystem == nil {
		b.Filesystem = &v1beta1.FilesystemBackupRepository{}
	}
	claim := b.Filesystem.VolumeClaimTemplate
	if claim == nil {
		claim = &corev1.PersistentVolumeClaimSpec{}
	}
	if len(claim.AccessModes) == 0 {
		claim.AccessModes = slices.Clone(DefaultBackupAccessModes)
	}
	b.Filesystem.VolumeClaimTemplate = Volume(claim, DefaultBackupStorage)
	return b
}

// tableGroup resolves spec.databases[i].spec.tablegroups[j].
func (r *resolver) tableGroup(i, j int, global v1beta1.GlobalTopoServerRef, backup *v1beta1.BackupConfig) v1beta1.TableGroup {
	db := r.c.Spec.Databases[i].Name
	cfg := &r.c.Spec.Databases[i].Spec.TableGroups[j]
	path := TableGroupPath(i, j)
	shards := DefaultShards
	if cfg.Partitioning.Shards != nil {
		shards = *cfg.Partitioning.Shards
	}
	pools := make([]v1beta1.PoolSpec, 0, len(cfg.ShardTemplate.Pools))
	for k := range cfg.ShardTemplate.Pools {
		pools = append(pools, r.pool(path.Child("shardTemplate", "pools").Index(k), &cfg.ShardTemplate.Pools[k]))
	}
	return v1beta1.TableGroup{
		TypeMeta: typeMeta("TableGroup"),
		ObjectMeta: objectMeta(r.c.Namespace, names.TableGroup(r.c.Name, db, cfg.Name),
			r.labels(names.ComponentTableGroup, v1beta1.LabelDatabase, db, v1beta1.LabelTableGroup, cfg.Name)),
		Spec: v1beta1.TableGroupSpec{
			DatabaseName:   db,
			TableGroupName: cfg.Name,
			Images: v1beta1.ShardImages{
				ImagePullPolicy:  r.pullPolicy(),
				ImagePullSecrets: r.pullSecrets(),
				MultiPooler:      cmp.Or(r.c.Spec.Images.MultiPooler, DefaultMultigresImage),
				Postgres:         cmp.Or(r.c.Spec.Images.Postgres, DefaultPostgresImage),
			},
			PostgresCredentialsSecret: cmp.Or(r.c.Spec.PostgresCredentialsSecret, names.PostgresCredentials(r.c.Name)),
			GlobalTopoServer:          global,
			Partitioning:              v1beta1.Partitioning{Shards: ptr(shards)},
			ShardTemplate:             v1beta1.ShardTemplate{Pools: pools},
			Backup:                    backup.DeepCopy(),
			Restore:                   r.restore(db),
			Monitoring:                r.monitoring(),
		},
	}
}

// monitoring is spec.monitoring with its defaults filled; nil when unset.
func (r *resolver) monitoring() *v1beta1.MonitoringSpec {
	m := r.c.Spec.Monitoring.DeepCopy()
	if m == nil {
		return nil
	}
	if e := m.PostgresExporter; e != nil {
		e.Image = cmp.Or(e.Image, DefaultPostgresExporterImage)
		e.Resources = resources(e.Resources, DefaultPostgresExporterResources)
	}
	return m
}

// restore is where database db's shards start from: the source cluster of
// spec.bootstrap.fromBackup, nil without one.
func (r *resolver) restore(db string) *v1beta1.RestoreSource {
	b := r.c.Spec.Bootstrap
	if b == nil || b.FromBackup == nil {
		return nil
	}
	return &v1beta1.RestoreSource{Cluster: b.FromBackup.ClusterName, DurabilityPolicy: DurabilityPolicy(r.c, db)}
}

// Instances is the number of Postgres instances of a table group: shards x pool replicas.
func Instances(tg *v1beta1.TableGroupSpec) int64 {
	var perShard int64
	for _, p := range tg.ShardTemplate.Pools {
		if p.Replicas != nil {
			perShard += int64(*p.Replicas)
		}
	}
	shards := int64(DefaultShards)
	if tg.Partitioning.Shards != nil {
		shards = int64(*tg.Partitioning.Shards)
	}
	return shards * perShard
}

func (r *resolver) pullPolicy() corev1.PullPolicy {
	return cmp.Or(r.c.Spec.Images.ImagePullPolicy, DefaultImagePullPolicy)
}

// pullSecrets returns a fresh copy for each child.
func (r *resolver) pullSecrets() []corev1.LocalObjectReference {
	return slices.Clone(r.c.Spec.Images.ImagePullSecrets)
}

func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

func typeMeta(kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: v1beta1.GroupVersion.String(), Kind: kind}
}

func objectMeta(namespace, name string, labels map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels}
}
