package resolve

import (
	"strconv"

	"github.com/multigres/multigres-operator/api/v1alpha1"
	"github.com/multigres/multigres-operator/internal/names"
)

// Shards are the shards of tg, one per index 0..shards-1, for the TableGroup controller.
// The count is clamped to 1..MaxShards (the CRD allows no more).
func Shards(tg *v1alpha1.TableGroup) []v1alpha1.Shard {
	n := DefaultShards
	if s := tg.Spec.Partitioning.Shards; s != nil {
		n = min(max(*s, 1), MaxShards)
	}
	shards := make([]v1alpha1.Shard, 0, n)
	for i := range int(n) {
		index := strconv.Itoa(i)
		pools := make([]v1alpha1.PoolSpec, 0, len(tg.Spec.ShardTemplate.Pools))
		for _, p := range tg.Spec.ShardTemplate.Pools {
			pools = append(pools, *p.DeepCopy())
		}
		shards = append(shards, v1alpha1.Shard{
			TypeMeta: typeMeta("Shard"),
			ObjectMeta: objectMeta(tg.Namespace, names.Shard(tg.Name, i),
				withLabels(tg.Labels, ComponentShard, v1alpha1.LabelShard, index)),
			Spec: v1alpha1.ShardSpec{
				DatabaseName:              tg.Spec.DatabaseName,
				TableGroupName:            tg.Spec.TableGroupName,
				ShardName:                 index,
				Images:                    *tg.Spec.Images.DeepCopy(),
				PostgresCredentialsSecret: tg.Spec.PostgresCredentialsSecret,
				GlobalTopoServer:          tg.Spec.GlobalTopoServer,
				Pools:                     pools,
			},
		})
	}
	return shards
}

// CellTopoServer is the managed local TopoServer of cell, for the Cell controller; nil when
// the cell uses the global or an external topo server. It shares the Cell's name.
func CellTopoServer(cell *v1alpha1.Cell) *v1alpha1.TopoServer {
	spec := cell.Spec.TopoServer.ManagedSpec
	if spec == nil {
		return nil
	}
	return &v1alpha1.TopoServer{
		TypeMeta: typeMeta("TopoServer"),
		ObjectMeta: objectMeta(cell.Namespace, cell.Name, withLabels(cell.Labels, ComponentTopoServer,
			v1alpha1.LabelTopoScope, TopoScopeCell, v1alpha1.LabelCell, cell.Spec.Name)),
		Spec: *spec.DeepCopy(),
	}
}
