package validation

import "testing"

// Blocks configured none or two ways, which the CRD refuses too.
func TestTopoServerSources(t *testing.T) {
	checkSpecRule(t, topoServerSources, []ruleCase{
		{"valid", `
globalTopoServer: {managed: {spec: {}}}
cells: [{name: a, spec: {topoServer: {global: {}}}}, {name: b, spec: {topoServer: {external: {address: "e:2379"}}}},
  {name: c, spec: {topoServer: {managed: {deploymentTemplate: t}}}}]`, nil},
		{"topo server configured two ways", `globalTopoServer: {managed: {spec: {}}, external: {address: x}}`,
			[]string{`Forbidden spec.globalTopoServer: set exactly one of external, managed, not external and managed`}},
		{"cell topo server configured no way", `cells: [{name: z, spec: {topoServer: {}}}]`,
			[]string{`Required value spec.cells[0].spec.topoServer: set one of global, external, managed`}},
		{"managed topo server with neither template nor spec", `cells: [{name: z, spec: {topoServer: {managed: {rootPath: /x}}}}]`,
			[]string{`Required value spec.cells[0].spec.topoServer.managed: set one of deploymentTemplate, spec`}},
		{"managed topo server overrides without a template", `globalTopoServer: {managed: {spec: {}, overrides: {replicas: 3}}}`,
			[]string{`Forbidden spec.globalTopoServer.managed.overrides: overrides need a deploymentTemplate to apply to`}},
		{"external without address", `globalTopoServer: {external: {address: ""}}`,
			[]string{`Required value spec.globalTopoServer.external.address: the etcd client address`}},
	})
}

func TestComponentSources(t *testing.T) {
	checkSpecRule(t, componentSources, []ruleCase{
		{"valid", `
multiadmin: {deploymentTemplate: t, overrides: {replicas: 1}}
cells: [{name: z, spec: {multigateway: {spec: {}}}}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z, deploymentTemplate: t}]}}]}}]`, nil},
		{"template and spec", `cells: [{name: z, spec: {multigateway: {deploymentTemplate: gw, spec: {replicas: 1}}}}]`,
			[]string{`Forbidden spec.cells[0].spec.multigateway: set exactly one of deploymentTemplate, spec, not deploymentTemplate and spec`}},
		{"neither template nor spec", `multiadmin: {}`,
			[]string{`Required value spec.multiadmin: set one of deploymentTemplate, spec`}},
		{"overrides without a template", `
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{name: p, type: replica, cell: z, spec: {}, overrides: {replicas: 1}}]}}]}}]`,
			[]string{`Forbidden spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].overrides: overrides need a deploymentTemplate to apply to; without a template, put the settings in spec`}},
	})
}
