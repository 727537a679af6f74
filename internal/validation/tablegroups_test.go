package validation

import "testing"

func TestShardCounts(t *testing.T) {
	checkSpecRule(t, shardCounts, []ruleCase{
		{"unset and in range", `databases: [{name: d, spec: {tablegroups: [{name: a}, {name: b, partitioning: {shards: 1024}}]}}]`, nil},
		{"zero", `databases: [{name: d, spec: {tablegroups: [{name: g, partitioning: {shards: 0}}]}}]`,
			[]string{`Invalid value spec.databases[0].spec.tablegroups[0].partitioning.shards: must be between 1 and 1024`}},
		{"too many", `databases: [{name: d}, {name: e, spec: {tablegroups: [{name: g, partitioning: {shards: 2000}}]}}]`,
			[]string{`Invalid value spec.databases[1].spec.tablegroups[0].partitioning.shards: must be between 1 and 1024`}},
	})
}

func TestPoolsPresent(t *testing.T) {
	checkSpecRule(t, poolsPresent, []ruleCase{
		{"a pool", `databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: ` + onePool + `}]}}]`, nil},
		{"no pool", `databases: [{name: d, spec: {tablegroups: [{name: g}]}}]`,
			[]string{`Required value spec.databases[0].spec.tablegroups[0].shardTemplate.pools: a table group needs at least one pool, or its shards run no Postgres`}},
	})
}

func TestPoolTypes(t *testing.T) {
	checkSpecRule(t, poolTypes, []ruleCase{
		{"replica and readOnly", `databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica}, {type: readOnly}]}}]}}]`, nil},
		{"pool type", `databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica}, {type: primary}]}}]}}]`,
			[]string{`Unsupported value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[1].type: supported values: "replica", "readOnly"`}},
	})
}

func TestPoolCells(t *testing.T) {
	checkSpecRule(t, poolCells, []ruleCase{
		{"known cell", `
cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: ` + onePool + `}]}}]`, nil},
		{"pool in an unknown cell", `
cells: [{name: a}, {name: b}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: c}]}}]}}]`,
			[]string{`Unsupported value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].cell: supported values: "a", "b"`}},
		{"pool with no cells at all", `databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: c}]}}]}}]`,
			[]string{`Invalid value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].cell: spec.cells is empty; add this cell to spec.cells`}},
	})
}
