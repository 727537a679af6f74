package v1alpha1

import (
	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Resolved pools (TableGroup and Shard) gain a name in v1beta1, derived like the cluster's.

func resolvedPoolsTo(in []PoolSpec, saved *conversionData) []v1beta1.PoolSpec {
	if in == nil {
		return nil
	}
	derived := derivePoolNames(len(in), func(i int) (PoolType, string) { return in[i].Type, in[i].Cell })
	names := restorePoolNames(derived, savedNamesFor(saved, "", ""))
	out := make([]v1beta1.PoolSpec, len(in))
	for i, p := range in {
		out[i] = v1beta1.PoolSpec{Name: names[i], Type: v1beta1.PoolType(p.Type), Cell: p.Cell,
			ShardPoolSpec: shardPoolTo(p.ShardPoolSpec)}
	}
	return out
}

func resolvedPoolsFrom(in []v1beta1.PoolSpec, lost *conversionData) []PoolSpec {
	if in == nil {
		return nil
	}
	out := make([]PoolSpec, len(in))
	actual := make([]string, len(in))
	for i, p := range in {
		out[i] = PoolSpec{Type: PoolType(p.Type), Cell: p.Cell, ShardPoolSpec: shardPoolFrom(p.ShardPoolSpec)}
		actual[i] = p.Name
	}
	derived := derivePoolNames(len(out), func(i int) (PoolType, string) { return out[i].Type, out[i].Cell })
	if custom := customPoolNames(actual, derived); custom != nil {
		lost.PoolNames = append(lost.PoolNames, savedPoolNames{Names: custom})
	}
	return out
}
