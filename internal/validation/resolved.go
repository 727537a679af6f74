package validation

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// replicaCounts: a Deployment or pool runs 0 or more replicas, a managed etcd at least one
// member, once templates, overrides and defaults are merged.
func replicaCounts(c *v1beta1.MultigresCluster, res *resolve.Result) field.ErrorList {
	var errs field.ErrorList
	for _, comp := range resolvedComponents(c, res) {
		switch {
		case comp.etcd && comp.replicas < 1:
			errs = append(errs, field.Invalid(comp.path.Child("replicas"), comp.replicas,
				"must be at least 1; etcd wants an odd member count such as 1, 3 or 5"))
		case comp.replicas < 0:
			errs = append(errs, field.Invalid(comp.path.Child("replicas"), comp.replicas, "must be 0 or more"))
		}
	}
	return errs
}

// requestsWithinLimits: no merged request (containers' or volumes') exceeds its limit.
func requestsWithinLimits(c *v1beta1.MultigresCluster, res *resolve.Result) field.ErrorList {
	var blocks []resourceBlock
	if b := resolve.Backup(c.Spec.Backup, nil); b.Filesystem != nil {
		blocks = append(blocks, volumeBlock(field.NewPath("spec", "backup", "filesystem", "volumeClaimTemplate"), b.Filesystem.VolumeClaimTemplate))
	}
	for i, db := range c.Spec.Databases {
		if o := db.Spec.Backup; o != nil && o.Filesystem != nil {
			blocks = append(blocks, volumeBlock(field.NewPath("spec", "databases").Index(i).Child("spec", "backup", "filesystem", "volumeClaimTemplate"),
				res.Backups[db.Name].Filesystem.VolumeClaimTemplate))
		}
	}
	if m := c.Spec.Monitoring; m != nil && m.PostgresExporter != nil && m.PostgresExporter.Resources != nil {
		blocks = append(blocks, containerBlock(field.NewPath("spec", "monitoring", "postgresExporter"), m.PostgresExporter.Resources))
	}
	for _, comp := range resolvedComponents(c, res) {
		blocks = append(blocks, comp.resources...)
	}
	return withinLimits(blocks)
}

// resolvedComponent is a Deployment, pool or managed etcd of a resolved cluster, at the path
// where the user configures it.
type resolvedComponent struct {
	path     *field.Path
	replicas int32
	etcd     bool
	// resources are its containers' and data volume's resources, at their paths.
	resources []resourceBlock
}

// resolvedComponents lists res's components in spec order: the global etcd, multiadmin, each
// cell's gateway, multiorch and etcd, then each table group's pools.
func resolvedComponents(c *v1beta1.MultigresCluster, res *resolve.Result) []resolvedComponent {
	spec := field.NewPath("spec")
	var comps []resolvedComponent
	if res.GlobalTopoServer != nil {
		comps = append(comps, managedEtcd(spec.Child("globalTopoServer", "managed"), &res.GlobalTopoServer.Spec))
	}
	comps = append(comps, stateless(spec.Child("multiadmin"), &res.MultiAdmin.Spec))
	for i := range res.Cells {
		cell := &res.Cells[i]
		p := spec.Child("cells").Index(i).Child("spec")
		comps = append(comps, stateless(p.Child("multigateway"), &cell.Spec.MultiGateway), stateless(p.Child("multiorch"), &cell.Spec.MultiOrch))
		if m := resolve.ManagedCellTopo(cell); m != nil {
			comps = append(comps, managedEtcd(p.Child("topoServer", "managed"), m))
		}
	}
	for n, p := range tableGroupPaths(c) {
		pools := res.TableGroups[n].Spec.ShardTemplate.Pools
		for k := range pools {
			comps = append(comps, pool(p.Child("shardTemplate", "pools").Index(k), &pools[k]))
		}
	}
	return comps
}

// tableGroupPaths are the paths of c's table groups in spec order, the order of
// resolve.Result.TableGroups.
func tableGroupPaths(c *v1beta1.MultigresCluster) []*field.Path {
	var paths []*field.Path
	for i, db := range c.Spec.Databases {
		for j := range db.Spec.TableGroups {
			paths = append(paths, resolve.TableGroupPath(i, j))
		}
	}
	return paths
}

func stateless(p *field.Path, s *v1beta1.StatelessSpec) resolvedComponent {
	return resolvedComponent{path: p, replicas: *s.Replicas, resources: []resourceBlock{containerBlock(p, s.Resources)}}
}

func pool(p *field.Path, s *v1beta1.PoolSpec) resolvedComponent {
	return resolvedComponent{path: p, replicas: *s.Replicas, resources: []resourceBlock{
		volumeBlock(p.Child("dataVolumeClaimTemplate"), s.DataVolumeClaimTemplate),
		containerBlock(p.Child("postgres"), s.Postgres.Resources),
		containerBlock(p.Child("multipooler"), s.MultiPooler.Resources),
	}}
}

func managedEtcd(p *field.Path, s *v1beta1.TopoServerSpec) resolvedComponent {
	return resolvedComponent{path: p, replicas: s.Replicas, etcd: true, resources: []resourceBlock{
		containerBlock(p, &s.Resources),
		volumeBlock(p.Child("dataVolumeClaimTemplate"), s.DataVolumeClaimTemplate),
	}}
}
