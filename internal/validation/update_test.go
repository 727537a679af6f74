package validation

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// updateCase is one row of an update rule's table: the old and new cluster specs, checked
// (and resolved, nil when invalid) with updateTemplates, and the errors the rule gives.
type updateCase struct {
	name, old, new string
	want           []string
}

// updateTemplates: "pool" sizes a pool's volume at 20Gi.
var updateTemplates = map[string]string{
	"pool": `shardPool: {replicas: 2, dataVolumeClaimTemplate: {resources: {requests: {storage: 20Gi}}}}`,
}

func checkUpdateRule(t *testing.T, rule func(update) field.ErrorList, cases []updateCase) {
	t.Helper()
	tm := templates(t, updateTemplates)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			u := update{old: cluster(t, tc.old), new: cluster(t, tc.new)}
			u.oldRes, _, _ = CheckCluster(u.old, tm)
			u.newRes, _, _ = CheckCluster(u.new, tm)
			expectErrors(t, rule(u), tc.want)
		})
	}
}

// tableGroup is a valid spec: cells a and b, database d with table group g of a 2-replica pool
// in cell a configured by pool (a YAML PoolConfig's source, e.g. "deploymentTemplate: pool"),
// and partitioning.
func tableGroup(pool, partitioning string) string {
	return `cells: [{name: a}, {name: b}]
databases: [{name: d, spec: {tablegroups: [{name: g, partitioning: {` + partitioning + `}, shardTemplate: {pools: [{type: replica, cell: a, ` + pool + `}]}}]}}]`
}

const inlinePool = "spec: {replicas: 2}"

func TestCellsInUseKept(t *testing.T) {
	checkUpdateRule(t, cellsInUseKept, []updateCase{
		{"an unused cell removed", tableGroup(inlinePool, ""), `cells: [{name: a}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: a, spec: {replicas: 2}}]}}]}}]`, nil},
		{"a cell hosting pools renamed", tableGroup(inlinePool, ""), `cells: [{name: x}, {name: b}]`,
			[]string{`Forbidden spec.cells: cell "a" hosts pools of d/g: a cell in use cannot be renamed or removed; move or remove those pools first`}},
	})
}

func TestShardsNeverLowered(t *testing.T) {
	checkUpdateRule(t, shardsNeverLowered, []updateCase{
		{"grown", tableGroup(inlinePool, "shards: 2"), tableGroup(inlinePool, "shards: 4"), nil},
		{"a new table group", `cells: [{name: a}]`, tableGroup(inlinePool, "shards: 1"), nil},
		{"lowered", tableGroup(inlinePool, "shards: 4"), tableGroup(inlinePool, "shards: 2"),
			[]string{`Forbidden spec.databases[0].spec.tablegroups[0].partitioning.shards: cannot lower shards from 4 to 2: resharding is not supported yet; shards can only grow`}},
	})
}

func TestPoolVolumesNeverShrink(t *testing.T) {
	checkUpdateRule(t, poolVolumesNeverShrink, []updateCase{
		{"grown through an override", tableGroup("deploymentTemplate: pool", ""),
			tableGroup("deploymentTemplate: pool, overrides: {dataVolumeClaimTemplate: {resources: {requests: {storage: 30Gi}}}}", ""), nil},
		{"shrunk through an override", tableGroup("deploymentTemplate: pool", ""),
			tableGroup("deploymentTemplate: pool, overrides: {dataVolumeClaimTemplate: {resources: {requests: {storage: 10Gi}}}}", ""),
			[]string{`Forbidden spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].dataVolumeClaimTemplate.resources.requests[storage]: cannot shrink storage from 20Gi to 10Gi (directly or through its template): volumes can only grow; use 20Gi or more`}},
		{"an invalid side is not compared", tableGroup("deploymentTemplate: pool", ""),
			tableGroup("deploymentTemplate: pool, overrides: {replicas: -1, dataVolumeClaimTemplate: {resources: {requests: {storage: 10Gi}}}}", ""), nil},
	})
}

func TestManagedEtcdsKept(t *testing.T) {
	checkUpdateRule(t, managedEtcdsKept, []updateCase{
		{"grown volume", `cells: [{name: z, spec: {topoServer: {managed: {spec: {dataVolumeClaimTemplate: {resources: {requests: {storage: 1Gi}}}}}}}}]`,
			`cells: [{name: z, spec: {topoServer: {managed: {spec: {dataVolumeClaimTemplate: {resources: {requests: {storage: 2Gi}}}}}}}}]`, nil},
		{"members changed", `globalTopoServer: {managed: {spec: {replicas: 3}}}`, `globalTopoServer: {managed: {spec: {replicas: 5}}}`,
			[]string{`Forbidden spec.globalTopoServer.managed.replicas: cannot change a managed etcd from 3 to 5 members: members are bootstrapped statically; keep 3`}},
		{"a cell's volume shrunk", `cells: [{name: z, spec: {topoServer: {managed: {spec: {dataVolumeClaimTemplate: {resources: {requests: {storage: 2Gi}}}}}}}}]`,
			`cells: [{name: z, spec: {topoServer: {managed: {spec: {dataVolumeClaimTemplate: {resources: {requests: {storage: 1Gi}}}}}}}}]`,
			[]string{`Forbidden spec.cells[0].spec.topoServer.managed.dataVolumeClaimTemplate.resources.requests[storage]: cannot shrink storage from 2Gi to 1Gi`}},
	})
}
