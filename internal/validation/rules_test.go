package validation

import (
	"testing"

	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve/resolvetest"
)

// Every problem is reported at once, from the spec rules, resolution and the resolved rules,
// and an invalid cluster gives no result and no warnings.
func TestCheckClusterCollectsEveryError(t *testing.T) {
	c := resolvetest.Cluster(t, `
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
	c.Spec.GlobalTopoServer = &v1beta1.GlobalTopoServerConfig{External: &v1beta1.ExternalTopoServerSpec{Address: "x", RootPath: "relative"}}
	c.Spec.MultiAdmin = &v1beta1.StatelessComponentConfig{Spec: &v1beta1.StatelessSpec{Replicas: ptr.To[int32](-1)}}
	res, errs, warnings := CheckCluster(c, templates(t, map[string]string{"gw": `multigateway: {replicas: 2}`}))
	if res != nil || warnings != nil {
		t.Errorf("a result (%v) or warnings (%q) despite errors", res != nil, warnings)
	}
	expectErrors(t, errs, []string{
		`Invalid value spec.cells[0].name: "global" is reserved`,
		`Duplicate value spec.cells[2].name`,
		`Duplicate value spec.databases[0].spec.tablegroups[1].name`,
		`Invalid value spec.databases[0].spec.tablegroups[0].partitioning.shards`,
		`Unsupported value spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].cell`,
		`Required value spec.databases[0].spec.tablegroups[1].shardTemplate.pools`,
		`Invalid value spec.globalTopoServer.external.rootPath`,
		`Not found spec.cells[1].spec.multigateway.deploymentTemplate`,
		`Invalid value spec.cells[1].spec.multiorch.deploymentTemplate`,
		`Not found spec.databases[0].spec.tablegroups[0].shardTemplate.pools[1].deploymentTemplate`,
		`Invalid value spec.multiadmin.replicas: must be 0 or more`,
	})
}

func TestCheckClusterValid(t *testing.T) {
	c, tm := resolvetest.Samples(t)
	res, errs, warnings := CheckCluster(c, tm)
	if res == nil || len(errs) > 0 || len(warnings) > 0 {
		t.Fatalf("the sample: result %v, errors %v, warnings %q", res != nil, errs, warnings)
	}

	c = cluster(t, `globalTopoServer: {managed: {spec: {replicas: 1}}}
cells: [{name: z}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z, spec: {replicas: 1}}]}}]}}]`)
	res, errs, warnings = CheckCluster(c, nil)
	if res == nil || len(errs) > 0 {
		t.Fatalf("result %v, errors %v", res != nil, errs)
	}
	expectWarnings(t, warnings, []string{"etcd cluster of 1 member(s)", "the default durability policy AT_LEAST_2 cannot be met"})
}
