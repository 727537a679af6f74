package validation

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// shardCounts: partitioning.shards, where set, is 1..resolve.MaxShards.
func shardCounts(c *v1beta1.MultigresCluster) field.ErrorList {
	return eachTableGroup(c, func(p *field.Path, tg *v1beta1.TableGroupConfig) field.ErrorList {
		if s := tg.Partitioning.Shards; s != nil && (*s < 1 || *s > resolve.MaxShards) {
			return field.ErrorList{field.Invalid(p.Child("partitioning", "shards"), *s,
				fmt.Sprintf("must be between 1 and %d", resolve.MaxShards))}
		}
		return nil
	})
}

// poolsPresent: a table group without pools would run shards with no Postgres.
func poolsPresent(c *v1beta1.MultigresCluster) field.ErrorList {
	return eachTableGroup(c, func(p *field.Path, tg *v1beta1.TableGroupConfig) field.ErrorList {
		if len(tg.ShardTemplate.Pools) == 0 {
			return field.ErrorList{field.Required(p.Child("shardTemplate", "pools"),
				"a table group needs at least one pool, or its shards run no Postgres: add a pool of type replica in a cell of spec.cells")}
		}
		return nil
	})
}

// poolTypes: replica or readOnly.
func poolTypes(c *v1beta1.MultigresCluster) field.ErrorList {
	types := []v1beta1.PoolType{v1beta1.PoolTypeReplica, v1beta1.PoolTypeReadOnly}
	return eachPool(c, func(p *field.Path, pool *v1beta1.PoolConfig) field.ErrorList {
		if !slices.Contains(types, pool.Type) {
			return field.ErrorList{field.NotSupported(p.Child("type"), pool.Type, types)}
		}
		return nil
	})
}

// poolCells: every pool runs in a cell of spec.cells.
func poolCells(c *v1beta1.MultigresCluster) field.ErrorList {
	cells := make([]string, 0, len(c.Spec.Cells))
	for _, cell := range c.Spec.Cells {
		cells = append(cells, cell.Name)
	}
	return eachPool(c, func(p *field.Path, pool *v1beta1.PoolConfig) field.ErrorList {
		switch {
		case slices.Contains(cells, pool.Cell):
			return nil
		case len(cells) == 0:
			return field.ErrorList{field.Invalid(p.Child("cell"), pool.Cell, "spec.cells is empty; add this cell to spec.cells")}
		}
		return field.ErrorList{field.NotSupported(p.Child("cell"), pool.Cell, cells)}
	})
}

// eachTableGroup runs check on every table group of c, at its path.
func eachTableGroup(c *v1beta1.MultigresCluster, check func(*field.Path, *v1beta1.TableGroupConfig) field.ErrorList) field.ErrorList {
	var errs field.ErrorList
	for i := range c.Spec.Databases {
		for j := range c.Spec.Databases[i].Spec.TableGroups {
			errs = append(errs, check(resolve.TableGroupPath(i, j), &c.Spec.Databases[i].Spec.TableGroups[j])...)
		}
	}
	return errs
}

// eachPool runs check on every pool of c, at its path.
func eachPool(c *v1beta1.MultigresCluster, check func(*field.Path, *v1beta1.PoolConfig) field.ErrorList) field.ErrorList {
	return eachTableGroup(c, func(p *field.Path, tg *v1beta1.TableGroupConfig) field.ErrorList {
		var errs field.ErrorList
		for k := range tg.ShardTemplate.Pools {
			errs = append(errs, check(p.Child("shardTemplate", "pools").Index(k), &tg.ShardTemplate.Pools[k])...)
		}
		return errs
	})
}
