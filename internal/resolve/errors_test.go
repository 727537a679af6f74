package resolve

import (
	"testing"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve/resolvetest"
)

// errorTemplates: "gw" has only a multigateway section; "pool" only a shardPool.
const (
	gwTemplate   = `multigateway: {replicas: 2, resources: {limits: {cpu: "1"}}}`
	poolTemplate = `shardPool: {replicas: 2}`
)

// The references resolution cannot follow, each at its deploymentTemplate field with a
// message that says what would be accepted. Every other rule is internal/validation's.
func TestReferenceErrors(t *testing.T) {
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
	}
	tm := templates(t, map[string]string{"gw": gwTemplate, "pool": poolTemplate})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := Cluster(cluster(t, tt.spec), tm)
			resolvetest.ExpectErrors(t, errs, tt.want)
		})
	}
}

// A result comes back whatever the errors, defaults standing in for a missing template, so
// validation can check all of it at once.
func TestResultDespiteErrors(t *testing.T) {
	c := cluster(t, `cells: [{name: z, spec: {multigateway: {deploymentTemplate: nope}, multiorch: {deploymentTemplate: pool}}}]`)
	r, errs := Cluster(c, templates(t, map[string]string{"pool": poolTemplate}))
	if len(errs) != 2 || r == nil {
		t.Fatalf("want a result and 2 errors, got %v and %v", r != nil, errs)
	}
	gw := r.Cells[0].Spec.MultiGateway
	expectEqual(t, "gateway", gw, v1beta1.StatelessSpec{Replicas: ptrTo(DefaultMultiGatewayReplicas), Resources: &DefaultMultiGatewayResources})
}
