package resolve

import (
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// errorTemplates: "gw" has only a multigateway section; "pool" only a shardPool.
const (
	gwTemplate   = `multigateway: {replicas: 2, resources: {limits: {cpu: "1"}}}`
	poolTemplate = `shardPool: {replicas: 2}`
)

// Each error kind, with its field path and a message that says what would be accepted.
func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		spec string
		want []string // "<type> <path>: <part of the message>"
	}{
		{"template not found", `cells: [{name: z, spec: {multigateway: {deploymentTemplate: nope}}}]`,
			[]string{`Not found spec.cells[0].spec.multigateway.deploymentTemplate: DeploymentTemplate "nope" does not exist in namespace "ns"; create it or name an existing one (existing: "gw", "pool")`}},
		{"template lacks the section", `cells: [{name: z, spec: {multiorch: {deploymentTemplate: gw}}}]`,
			[]string{`Invalid value spec.cells[0].spec.multiorch.deploymentTemplate: DeploymentTemplate "gw" has no spec.multiorch section`}},
		{"every reference is checked", `
globalTopoServer: {deploymentTemplate: pool}
multiadmin: {deploymentTemplate: pool}
cells: [{name: z, spec: {topoServer: {deploymentTemplate: gw}}}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z, deploymentTemplate: gw}]}}]}}]`,
			[]string{
				`Invalid value spec.globalTopoServer.managed.deploymentTemplate: no spec.managedTopoServer section`,
				`Invalid value spec.multiadmin.deploymentTemplate: no spec.multiadmin section`,
				`Invalid value spec.cells[0].spec.topoServer.managed.deploymentTemplate: no spec.managedTopoServer section`,
				`Invalid value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].deploymentTemplate: no spec.shardPool section`,
			}},
		{"pool in an unknown cell", `
cells: [{name: a}, {name: b}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: c}]}}]}}]`,
			[]string{`Unsupported value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].cell: supported values: "a", "b"`}},
		{"pool with no cells at all", `databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: c}]}}]}}]`,
			[]string{`Invalid value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].cell: spec.cells is empty; add this cell to spec.cells`}},
		{"pool type", `
cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: primary, cell: z}]}}]}}]`,
			[]string{`Unsupported value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].type: supported values: "replica", "readOnly"`}},
		{"duplicate cell", `cells: [{name: z}, {name: z}]`,
			[]string{`Duplicate value spec.cells[1].name: cell names must be unique; spec.cells[0].name has it already`}},
		{"cell names take no underscore", `cells: [{name: us-east}, {name: us_east}]`,
			[]string{`Invalid value spec.cells[1].name: must be up to 63 lowercase letters, digits and '-'`}},
		{"database names take underscores but no capitals", `databases: [{name: Prod_DB}, {name: prod_db}]`,
			[]string{`Invalid value spec.databases[0].name: must be up to 63 lowercase letters, digits and '-', starting and ending with a letter or digit ('_' is allowed too and becomes '-' in object names)`}},
		{"reserved cell name", `cells: [{name: global, spec: {topoServer: {managedSpec: {}}}}]`,
			[]string{`Invalid value spec.cells[0].name: "global" is reserved: a cell's topo server would take the global TopoServer's name "c-global"; choose another cell name`}},
		{"duplicate database", `databases: [{name: d}, {name: d}]`,
			[]string{`Duplicate value spec.databases[1].name: database names must be unique`}},
		{"databases colliding after _ to -", `databases: [{name: a_b}, {name: a-b}]`,
			[]string{`Duplicate value spec.databases[1].name: gives the object name "a-b"`}},
		{"duplicate table group", `cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: ` + onePool + `}, {name: g, shardTemplate: ` + onePool + `}]}}]`,
			[]string{`Duplicate value spec.databases[0].spec.tablegroups[1].name: table group names must be unique`}},
		{"table groups colliding across databases", `cells: [{name: z}]
databases: [{name: a_b, spec: {tablegroups: [{name: c, shardTemplate: ` + onePool + `}]}}, {name: a, spec: {tablegroups: [{name: b_c, shardTemplate: ` + onePool + `}]}}]`,
			[]string{`Duplicate value spec.databases[1].spec.tablegroups[0].name: gives the object name "c-a-b-c", as spec.databases[0].spec.tablegroups[0].name does`}},
		{"names must be DNS labels", `cells: [{name: "a b"}, {name: ""}]`,
			[]string{
				`Invalid value spec.cells[0].name: must be up to 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
				`Required value spec.cells[1].name: a name is required`,
			}},
		{"requests above limits after merging", `cells: [{name: z, spec: {multigateway: {deploymentTemplate: gw, overrides: {resources: {requests: {cpu: "2"}}}}}}]`,
			[]string{`Invalid value spec.cells[0].spec.multigateway.resources.requests[cpu]: must be less than or equal to the cpu limit 1; lower the request or raise the limit`}},
		{"requests above limits in a pool and a volume", `
cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z,
  postgres: {resources: {requests: {memory: 2Gi}, limits: {memory: 1Gi}}},
  dataVolumeClaimTemplate: {resources: {requests: {storage: 2Gi}, limits: {storage: 1Gi}}}}]}}]}}]`,
			[]string{
				`Invalid value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].dataVolumeClaimTemplate.resources.requests[storage]: must be less than or equal to the storage limit 1Gi`,
				`Invalid value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].postgres.resources.requests[memory]: must be less than or equal to the memory limit 1Gi`,
			}},
		{"counts", `
globalTopoServer: {managedSpec: {replicas: 0}}
cells: [{name: z, spec: {multiorch: {replicas: -1}}}]
databases: [{name: d, spec: {tablegroups: [{name: g, partitioning: {shards: 0}}]}}]`,
			[]string{
				`Invalid value spec.globalTopoServer.managed.replicas: must be at least 1`,
				`Invalid value spec.cells[0].spec.multiorch.replicas: must be 0 or more`,
				`Invalid value spec.databases[0].spec.tablegroups[0].partitioning.shards: must be between 1 and 1024`,
				`Required value spec.databases[0].spec.tablegroups[0].shardTemplate.pools: a table group needs at least one pool`,
			}},
	}
	tm := templates(t, map[string]string{"gw": gwTemplate, "pool": poolTemplate})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, errs := Cluster(cluster(t, tt.spec), tm)
			if r != nil {
				t.Error("a result despite errors")
			}
			expectErrors(t, errs, tt.want)
		})
	}
}

// Blocks configured none or two ways, which the CRD refuses too (v1beta1 specs: v1alpha1 ones
// this wrong do not convert).
func TestSourceErrors(t *testing.T) {
	tests := []struct {
		name string
		spec string
		want []string
	}{
		{"template and spec", `cells: [{name: z, spec: {multigateway: {deploymentTemplate: gw, spec: {replicas: 1}}}}]`,
			[]string{`Forbidden spec.cells[0].spec.multigateway: set exactly one of deploymentTemplate, spec, not deploymentTemplate and spec`}},
		{"neither template nor spec", `multiadmin: {}`,
			[]string{`Required value spec.multiadmin: set one of deploymentTemplate, spec`}},
		{"overrides without a template", `
cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{name: p, type: replica, cell: z, spec: {}, overrides: {replicas: 1}}]}}]}}]`,
			[]string{`Forbidden spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].overrides: overrides need a deploymentTemplate to apply to`}},
		{"topo server configured two ways", `globalTopoServer: {managed: {spec: {}}, external: {address: x}}`,
			[]string{`Forbidden spec.globalTopoServer: set exactly one of external, managed, not external and managed`}},
		{"cell topo server configured no way", `cells: [{name: z, spec: {topoServer: {}}}]`,
			[]string{`Required value spec.cells[0].spec.topoServer: set one of global, external, managed`}},
		{"managed topo server with neither template nor spec", `cells: [{name: z, spec: {topoServer: {managed: {rootPath: /x}}}}]`,
			[]string{`Required value spec.cells[0].spec.topoServer.managed: set one of deploymentTemplate, spec`}},
		{"external without address", `globalTopoServer: {external: {address: ""}}`,
			[]string{`Required value spec.globalTopoServer.external.address: the etcd client address`}},
	}
	tm := templates(t, map[string]string{"gw": gwTemplate, "pool": poolTemplate})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, errs := Cluster(clusterV1beta1(t, tt.spec), tm)
			if r != nil {
				t.Error("a result despite errors")
			}
			expectErrors(t, errs, tt.want)
		})
	}
}

// onePool is a table group's smallest valid shard template, in v1alpha1.
const onePool = `{pools: [{type: replica, cell: z, replicas: 2}]}`

// Every problem is reported at once, not only the first.
func TestErrorsAreCollected(t *testing.T) {
	c := cluster(t, `
cells:
- {name: global}
- {name: z, spec: {multigateway: {deploymentTemplate: nope}, multiorch: {deploymentTemplate: gw}}}
- {name: z}
databases:
- name: d
  spec:
    tablegroups:
    - {name: g, partitioning: {shards: 2000}, shardTemplate: {pools: [{type: replica, cell: y}, {type: replica, cell: z, deploymentTemplate: gone}]}}
    - {name: g}
`)
	_, errs := Cluster(c, templates(t, map[string]string{"gw": gwTemplate}))
	expectErrors(t, errs, []string{
		`Invalid value spec.cells[0].name: "global" is reserved`,
		`Duplicate value spec.cells[2].name`,
		`Duplicate value spec.databases[0].spec.tablegroups[1].name`,
		`Invalid value spec.databases[0].spec.tablegroups[0].partitioning.shards`,
		`Unsupported value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].cell`,
		`Required value spec.databases[0].spec.tablegroups[1].shardTemplate.pools`,
		`Not found spec.cells[1].spec.multigateway.deploymentTemplate`,
		`Invalid value spec.cells[1].spec.multiorch.deploymentTemplate`,
		`Not found spec.databases[0].spec.tablegroups[0].shardTemplate.pools[1].deploymentTemplate`,
	})
}

// expectErrors checks that errs are exactly the wanted ones: each want is the error's type
// and path, then optionally ": " and a part of its detail.
func expectErrors(t *testing.T, errs field.ErrorList, want []string) {
	t.Helper()
	var got []string
	for _, e := range errs {
		got = append(got, fmt.Sprintf("%s %s: %s", e.Type, e.Field, e.Detail))
	}
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
		return
	}
	for _, w := range want {
		head, detail, _ := strings.Cut(w, ": ")
		found := false
		for _, g := range got {
			if strings.HasPrefix(g, head+": ") && strings.Contains(g, detail) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing error %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
}
