package resolve

import (
	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
)

// MaxShards is the largest partitioning.shards (the CRD enforces the same, and validation).
const MaxShards = 1024

// Shards are the shards of tg, one per index 0..shards-1, for the TableGroup controller,
// each named in the topology by its key range (KeyRanges). The count is clamped to
// 1..MaxShards (the CRD allows no more). Objects are named by index, so a shard's object
// keeps its name whatever its range.
func Shards(tg *v1beta1.TableGroup) []v1beta1.Shard {
	n := DefaultShards
	if s := tg.Spec.Partitioning.Shards; s != nil {
		n = min(max(*s, 1), MaxShards)
	}
	ranges := KeyRanges(int(n))
	shards := make([]v1beta1.Shard, 0, len(ranges))
	for i, keyRange := range ranges {
		pools := make([]v1beta1.PoolSpec, 0, len(tg.Spec.ShardTemplate.Pools))
		for _, p := range tg.Spec.ShardTemplate.Pools {
			pools = append(pools, *p.DeepCopy())
		}
		shards = append(shards, v1beta1.Shard{
			TypeMeta: typeMeta("Shard"),
			ObjectMeta: objectMeta(tg.Namespace, names.Shard(tg.Name, i),
				withLabels(tg.Labels, names.ComponentShard, v1beta1.LabelShard, keyRange)),
			Spec: v1beta1.ShardSpec{
				DatabaseName:              tg.Spec.DatabaseName,
				TableGroupName:            tg.Spec.TableGroupName,
				ShardName:                 keyRange,
				Images:                    *tg.Spec.Images.DeepCopy(),
				PostgresCredentialsSecret: tg.Spec.PostgresCredentialsSecret,
				GlobalTopoServer:          tg.Spec.GlobalTopoServer,
				Pools:                     pools,
				Backup:                    tg.Spec.Backup.DeepCopy(),
				Restore:                   shardRestore(tg, i),
				Monitoring:                tg.Spec.Monitoring.DeepCopy(),
			},
		})
	}
	return shards
}

// shardRestore is where shard i of tg starts from: a copy of the repository of the source
// cluster's shard with the same database, table group and index.
func shardRestore(tg *v1beta1.TableGroup, i int) *v1beta1.RestoreSource {
	r := tg.Spec.Restore.DeepCopy()
	if r == nil {
		return nil
	}
	r.Claim = names.BackupClaim(names.Shard(names.TableGroup(r.Cluster, tg.Spec.DatabaseName, tg.Spec.TableGroupName), i))
	return r
}

// ManagedCellTopo is the spec of cell's own managed topo server; nil when the cell uses the
// global or an external topo server.
func ManagedCellTopo(cell *v1beta1.Cell) *v1beta1.TopoServerSpec {
	if cell.Spec.TopoServer == nil {
		return nil
	}
	return cell.Spec.TopoServer.Managed
}

// CellTopoServer is the managed local TopoServer of cell, for the Cell controller; nil when
// the cell uses the global or an external topo server. It shares the Cell's name.
func CellTopoServer(cell *v1beta1.Cell) *v1beta1.TopoServer {
	spec := ManagedCellTopo(cell)
	if spec == nil {
		return nil
	}
	return &v1beta1.TopoServer{
		TypeMeta: typeMeta("TopoServer"),
		ObjectMeta: objectMeta(cell.Namespace, cell.Name, withLabels(cell.Labels, names.ComponentTopoServer,
			v1beta1.LabelTopoScope, names.TopoScopeCell, v1beta1.LabelCell, cell.Spec.Name)),
		Spec: *spec.DeepCopy(),
	}
}
