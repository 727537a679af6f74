package validation

import "testing"

// Templates of the resolved rules' tests: "gw" has only a multigateway section, "neg" a pool
// of -1 replicas, "etcd0" an etcd of no members.
var resolvedTemplates = map[string]string{
	"gw":    `multigateway: {replicas: 2, resources: {limits: {cpu: "1"}}}`,
	"neg":   `shardPool: {replicas: -1, multipooler: {resources: {requests: {cpu: "2"}, limits: {cpu: "1"}}}}`,
	"etcd0": `managedTopoServer: {replicas: 0}`,
}

func TestReplicaCounts(t *testing.T) {
	checkResolvedRule(t, replicaCounts, resolvedTemplates, []ruleCase{
		{"defaults", `cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: ` + onePool + `}]}}]`, nil},
		{"inline", `
globalTopoServer: {managed: {spec: {replicas: 0}}}
cells: [{name: z, spec: {multiorch: {spec: {replicas: -1}}}}]`,
			[]string{
				`Invalid value spec.globalTopoServer.managed.replicas: must be at least 1; etcd wants an odd member count such as 1, 3 or 5`,
				`Invalid value spec.cells[0].spec.multiorch.replicas: must be 0 or more`,
			}},
		{"through templates and overrides", `
multiadmin: {spec: {replicas: 1}}
cells: [{name: z, spec: {topoServer: {managed: {deploymentTemplate: etcd0}}, multigateway: {deploymentTemplate: gw, overrides: {replicas: -2}}}}]
databases: [{name: d}, {name: e, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z, deploymentTemplate: neg}]}}]}}]`,
			[]string{
				`Invalid value spec.cells[0].spec.multigateway.replicas: must be 0 or more`,
				`Invalid value spec.cells[0].spec.topoServer.managed.replicas: must be at least 1`,
				`Invalid value spec.databases[1].spec.tablegroups[0].shardTemplate.pools[0].replicas: must be 0 or more`,
			}},
	})
}

func TestRequestsWithinLimits(t *testing.T) {
	checkResolvedRule(t, requestsWithinLimits, resolvedTemplates, []ruleCase{
		{"defaults", `cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: ` + onePool + `}]}}]`, nil},
		{"requests above limits after merging", `cells: [{name: z, spec: {multigateway: {deploymentTemplate: gw, overrides: {resources: {requests: {cpu: "2"}}}}}}]`,
			[]string{`Invalid value spec.cells[0].spec.multigateway.resources.requests[cpu]: must be less than or equal to the cpu limit 1; lower the request or raise the limit`}},
		{"requests above limits in a pool and a volume", `
cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z}, {type: replica, cell: z, spec: {
  postgres: {resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}},
  dataVolumeClaimTemplate: {resources: {requests: {storage: 2Gi}, limits: {storage: 1Gi}}}}}]}}]}}]`,
			[]string{
				`Invalid value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[1].dataVolumeClaimTemplate.resources.requests[storage]: must be less than or equal to the storage limit 1Gi`,
				`Invalid value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[1].postgres.resources.requests[memory]: must be less than or equal to the memory limit 1Gi`,
			}},
		{"the postgres exporter", `
cells: [{name: z}]
monitoring: {postgresExporter: {resources: {requests: {memory: 1Gi}, limits: {memory: 128Mi}}}}`,
			[]string{`Invalid value spec.monitoring.postgresExporter.resources.requests[memory]: must be less than or equal to the memory limit 128Mi`}},
		{"a template's container", `
cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z, deploymentTemplate: neg}]}}]}}]`,
			[]string{`Invalid value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].multipooler.resources.requests[cpu]: must be less than or equal to the cpu limit 1`}},
		{"an etcd, and a default request over the backup claim's limit", `
globalTopoServer: {managed: {spec: {resources: {requests: {cpu: "2"}, limits: {cpu: "1"}}}}}
backup: {filesystem: {volumeClaimTemplate: {resources: {limits: {storage: 1Mi}}}}}`,
			[]string{
				`Invalid value spec.globalTopoServer.managed.resources.requests[cpu]: must be less than or equal to the cpu limit 1`,
				`Invalid value spec.backup.filesystem.volumeClaimTemplate.resources.requests[storage]: must be less than or equal to the storage limit 1Mi`,
			}},
	})
}
