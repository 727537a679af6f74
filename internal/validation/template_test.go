package validation

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve/resolvetest"
)

// checkTemplateRule runs rule on each case's template (spec is the template's spec).
func checkTemplateRule(t *testing.T, rule func(*v1beta1.DeploymentTemplate) field.ErrorList, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectErrors(t, rule(resolvetest.Template(t, "t", tc.spec)), tc.want)
		})
	}
}

func TestTemplateHasSection(t *testing.T) {
	checkTemplateRule(t, templateHasSection, []ruleCase{
		{"one section", `multiorch: {}`, nil},
		{"none", `{}`,
			[]string{`Required value spec: a DeploymentTemplate needs at least one of shardPool, multiorch, multigateway, multiadmin or managedTopoServer`}},
	})
}

func TestTemplateRequestsWithinLimits(t *testing.T) {
	over := `{resources: {requests: {cpu: "2"}, limits: {cpu: "1"}}}`
	checkTemplateRule(t, templateRequestsWithinLimits, []ruleCase{
		{"within", `multigateway: {resources: {requests: {cpu: "1"}, limits: {cpu: "1"}}}`, nil},
		{"every section", `
shardPool: {postgres: ` + over + `, multipooler: ` + over + `}
multiadmin: ` + over + `
multigateway: ` + over + `
multiorch: ` + over + `
managedTopoServer: ` + over,
			[]string{
				`Invalid value spec.shardPool.postgres.resources.requests[cpu]: must be less than or equal to the cpu limit 1`,
				`Invalid value spec.shardPool.multipooler.resources.requests[cpu]: must be less than or equal to the cpu limit 1`,
				`Invalid value spec.multiadmin.resources.requests[cpu]: must be less than or equal to the cpu limit 1`,
				`Invalid value spec.multigateway.resources.requests[cpu]: must be less than or equal to the cpu limit 1`,
				`Invalid value spec.multiorch.resources.requests[cpu]: must be less than or equal to the cpu limit 1`,
				`Invalid value spec.managedTopoServer.resources.requests[cpu]: must be less than or equal to the cpu limit 1; lower the request or raise the limit`,
			}},
	})
}

func TestTemplateVolumeSizes(t *testing.T) {
	checkTemplateRule(t, templateVolumeSizes, []ruleCase{
		{"positive or unset", `{shardPool: {dataVolumeClaimTemplate: {resources: {requests: {storage: 1Gi}}}}, managedTopoServer: {}}`, nil},
		{"zero storage", `shardPool: {dataVolumeClaimTemplate: {resources: {requests: {storage: "0"}}}}`,
			[]string{`Invalid value spec.shardPool.dataVolumeClaimTemplate.resources.requests[storage]: must be a positive size, such as 10Gi`}},
		{"negative etcd storage", `managedTopoServer: {dataVolumeClaimTemplate: {resources: {requests: {storage: -1Gi}}}}`,
			[]string{`Invalid value spec.managedTopoServer.dataVolumeClaimTemplate.resources.requests[storage]: must be a positive size`}},
	})
}

// A template edit is refused for what it breaks in the clusters using it, and only that.
func TestCheckTemplateUpdate(t *testing.T) {
	old := resolvetest.Template(t, "pool", updateTemplates["pool"])
	valid := *cluster(t, tableGroup("deploymentTemplate: pool", ""))
	// Invalid whatever the template: a pool in a cell the spec lacks (which the update rule on
	// cells also sees). Its resolution is nil, so a shrink is not compared; a broken
	// reference is still reported.
	invalid := *cluster(t, `cells: [{name: a}]
databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: a, deploymentTemplate: pool}, {type: replica, cell: gone, spec: {}}]}}]}}]`)
	invalid.Name = "broken"
	for _, tc := range []struct {
		name, spec string
		clusters   []v1beta1.MultigresCluster
		want       []string
	}{
		{"grows the volume", `shardPool: {replicas: 2, dataVolumeClaimTemplate: {resources: {requests: {storage: 30Gi}}}}`,
			[]v1beta1.MultigresCluster{valid, invalid}, nil},
		{"shrinks a consumer's volume", `shardPool: {replicas: 2, dataVolumeClaimTemplate: {resources: {requests: {storage: 10Gi}}}}`,
			[]v1beta1.MultigresCluster{valid, invalid},
			[]string{
				`Forbidden spec: MultigresCluster "c" would become invalid: spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].dataVolumeClaimTemplate.resources.requests[storage]: Forbidden: cannot shrink storage from 20Gi to 10Gi`,
			}},
		{"drops the section its consumers use", `multiorch: {}`, []v1beta1.MultigresCluster{valid, invalid},
			[]string{
				`Forbidden spec: MultigresCluster "c" would become invalid: spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].deploymentTemplate: Invalid value: "pool": DeploymentTemplate "pool" has no spec.shardPool section`,
				`Forbidden spec: MultigresCluster "broken" would become invalid: spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].deploymentTemplate: Invalid value: "pool"`,
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs, _ := CheckTemplateUpdate(old, resolvetest.Template(t, "pool", tc.spec), tc.clusters, templates(t, updateTemplates))
			expectErrors(t, errs, tc.want)
		})
	}
}

func TestCheckTemplateDeletion(t *testing.T) {
	user := *cluster(t, `multiadmin: {deploymentTemplate: t}
cells: [{name: z, spec: {multigateway: {deploymentTemplate: t}, multiorch: {deploymentTemplate: other}}}]`)
	other := *cluster(t, `multiadmin: {deploymentTemplate: other}`)
	other.Name = "other"
	for _, tc := range []struct {
		name     string
		clusters []v1beta1.MultigresCluster
		want     string // part of the error; none when the deletion is allowed
	}{
		{"unused", []v1beta1.MultigresCluster{other}, ""},
		{"in use", []v1beta1.MultigresCluster{user, other},
			`it is in use by MultigresCluster c (spec.multiadmin.deploymentTemplate, spec.cells[0].spec.multigateway.deploymentTemplate); remove those references`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckTemplateDeletion("t", tc.clusters)
			if (err == nil) != (tc.want == "") || err != nil && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
