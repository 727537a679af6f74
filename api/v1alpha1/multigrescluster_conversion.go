package v1alpha1

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/conversion"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// ConvertTo converts this MultigresCluster to the hub version, v1beta1.
func (src *MultigresCluster) ConvertTo(dstRaw conversion.Hub) error {
	dst := dstRaw.(*v1beta1.MultigresCluster)
	in := src.DeepCopy()
	saved, err := takeConversionData(&in.ObjectMeta)
	if err != nil {
		return err
	}
	lost := &conversionData{}
	spec, errs := clusterSpecTo(&in.Spec, saved, lost)
	if len(errs) > 0 {
		return errs.ToAggregate()
	}
	dst.ObjectMeta = in.ObjectMeta
	dst.Spec = spec
	dst.Status = clusterStatusTo(&in.Status, lost)
	return putConversionData(&dst.ObjectMeta, lost)
}

// ConvertFrom converts the hub version, v1beta1, to this MultigresCluster.
func (dst *MultigresCluster) ConvertFrom(srcRaw conversion.Hub) error {
	in := srcRaw.(*v1beta1.MultigresCluster).DeepCopy()
	saved, err := takeConversionData(&in.ObjectMeta)
	if err != nil {
		return err
	}
	lost := &conversionData{}
	dst.ObjectMeta = in.ObjectMeta
	dst.Spec = clusterSpecFrom(&in.Spec, saved, lost)
	dst.Status = clusterStatusFrom(&in.Status, saved)
	return putConversionData(&dst.ObjectMeta, lost)
}

func clusterSpecTo(in *MultigresClusterSpec, saved, lost *conversionData) (v1beta1.MultigresClusterSpec, field.ErrorList) {
	p := field.NewPath("spec")
	out := v1beta1.MultigresClusterSpec{
		Images:                    clusterImagesTo(in.Images),
		PostgresCredentialsSecret: in.PostgresCredentialsSecret,
		TopologyReconciliation:    (*v1beta1.TopologyReconciliation)(in.TopologyReconciliation),
		DurabilityPolicy:          saved.DurabilityPolicies[""],
		Backup:                    saved.Backup,
		Bootstrap:                 saved.Bootstrap,
		Monitoring:                saved.Monitoring,
	}
	var errs, e field.ErrorList
	out.GlobalTopoServer, e = globalTopoTo(in.GlobalTopoServer, p.Child("globalTopoServer"), lost)
	errs = append(errs, e...)
	out.MultiAdmin, e = statelessTo(in.MultiAdmin, p.Child("multiadmin"))
	errs = append(errs, e...)
	for i, c := range in.Cells {
		cp := p.Child("cells").Index(i).Child("spec")
		cell := v1beta1.CellConfig{Name: c.Name}
		cell.Spec.MultiGateway, e = statelessTo(c.Spec.MultiGateway, cp.Child("multigateway"))
		errs = append(errs, e...)
		cell.Spec.MultiOrch, e = statelessTo(c.Spec.MultiOrch, cp.Child("multiorch"))
		errs = append(errs, e...)
		cell.Spec.TopoServer, e = cellTopoTo(c.Name, c.Spec.TopoServer, cp.Child("topoServer"), lost)
		errs = append(errs, e...)
		out.Cells = append(out.Cells, cell)
	}
	for i, d := range in.Databases {
		db := v1beta1.DatabaseConfig{Name: d.Name}
		db.Spec.DurabilityPolicy = saved.DurabilityPolicies[d.Name]
		db.Spec.Backup = saved.DatabaseBackups[d.Name]
		for j, tg := range d.Spec.TableGroups {
			tp := p.Child("databases").Index(i).Child("spec", "tablegroups").Index(j)
			pools, e := poolsTo(tg.ShardTemplate.Pools, savedNamesFor(saved, d.Name, tg.Name), tp.Child("shardTemplate", "pools"))
			errs = append(errs, e...)
			db.Spec.TableGroups = append(db.Spec.TableGroups, v1beta1.TableGroupConfig{Name: tg.Name,
				Partitioning:  v1beta1.Partitioning(tg.Partitioning),
				ShardTemplate: v1beta1.ShardTemplateConfig{Pools: pools}})
		}
		out.Databases = append(out.Databases, db)
	}
	return out, errs
}

// poolsTo names and converts one pool list, restoring saved custom names.
func poolsTo(in []PoolConfig, custom map[string]string, p *field.Path) ([]v1beta1.PoolConfig, field.ErrorList) {
	if in == nil {
		return nil, nil
	}
	names := restorePoolNames(derivePoolNames(len(in), func(i int) (PoolType, string) { return in[i].Type, in[i].Cell }), custom)
	out := make([]v1beta1.PoolConfig, len(in))
	var errs field.ErrorList
	for i := range in {
		var e field.ErrorList
		out[i], e = poolTo(in[i], names[i], p.Index(i))
		errs = append(errs, e...)
	}
	return out, errs
}

func clusterSpecFrom(in *v1beta1.MultigresClusterSpec, saved, lost *conversionData) MultigresClusterSpec {
	out := MultigresClusterSpec{
		Images:                    clusterImagesFrom(in.Images),
		GlobalTopoServer:          globalTopoFrom(in.GlobalTopoServer, saved),
		MultiAdmin:                statelessFrom(in.MultiAdmin),
		PostgresCredentialsSecret: in.PostgresCredentialsSecret,
		TopologyReconciliation:    (*TopologyReconciliation)(in.TopologyReconciliation),
	}
	lost.saveDurability("", in.DurabilityPolicy)
	lost.Backup, lost.Bootstrap, lost.Monitoring = in.Backup, in.Bootstrap, in.Monitoring
	for _, c := range in.Cells {
		out.Cells = append(out.Cells, CellConfig{Name: c.Name, Spec: CellConfigSpec{
			MultiGateway: statelessFrom(c.Spec.MultiGateway),
			MultiOrch:    statelessFrom(c.Spec.MultiOrch),
			TopoServer:   cellTopoFrom(c.Name, c.Spec.TopoServer, saved),
		}})
	}
	for _, d := range in.Databases {
		db := DatabaseConfig{Name: d.Name}
		lost.saveDurability(d.Name, d.Spec.DurabilityPolicy)
		if d.Spec.Backup != nil {
			if lost.DatabaseBackups == nil {
				lost.DatabaseBackups = map[string]*v1beta1.BackupConfig{}
			}
			lost.DatabaseBackups[d.Name] = d.Spec.Backup
		}
		for _, tg := range d.Spec.TableGroups {
			var pools []PoolConfig
			if tg.ShardTemplate.Pools != nil {
				pools = make([]PoolConfig, len(tg.ShardTemplate.Pools))
			}
			actual := make([]string, len(pools))
			for k, pool := range tg.ShardTemplate.Pools {
				pools[k], actual[k] = poolFrom(pool), pool.Name
			}
			derived := derivePoolNames(len(pools), func(i int) (PoolType, string) { return pools[i].Type, pools[i].Cell })
			if custom := customPoolNames(actual, derived); custom != nil {
				lost.PoolNames = append(lost.PoolNames, savedPoolNames{Database: d.Name, TableGroup: tg.Name, Names: custom})
			}
			db.Spec.TableGroups = append(db.Spec.TableGroups, TableGroupConfig{Name: tg.Name,
				Partitioning: Partitioning(tg.Partitioning), ShardTemplate: ShardTemplateConfig{Pools: pools}})
		}
		out.Databases = append(out.Databases, db)
	}
	return out
}
