package validation

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
	"github.com/multigres/multigres-operator/internal/resolve/resolvetest"
)

// Inputs from YAML, shared with internal/resolve's tests. Clusters are named c in namespace
// ns and written in v1beta1.
var (
	cluster      = resolvetest.ClusterV1beta1
	templates    = resolvetest.Templates
	expectErrors = resolvetest.ExpectErrors
)

// ruleCase is one row of a rule's table: a cluster spec and the errors the rule gives, each
// "<type> <path>: <part of the message>" (resolvetest.ExpectErrors); none for a valid spec.
type ruleCase struct {
	name string
	spec string
	want []string
}

// checkSpecRule runs rule on each case's cluster.
func checkSpecRule(t *testing.T, rule func(*v1beta1.MultigresCluster) field.ErrorList, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectErrors(t, rule(cluster(t, tc.spec)), tc.want)
		})
	}
}

// checkResolvedRule resolves each case's cluster with the templates (YAML specs by name),
// then runs rule on the result.
func checkResolvedRule(t *testing.T, rule func(*v1beta1.MultigresCluster, *resolve.Result) field.ErrorList,
	tmpls map[string]string, cases []ruleCase) {
	t.Helper()
	tm := templates(t, tmpls)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := cluster(t, tc.spec)
			expectErrors(t, rule(c, resolved(t, c, tm)), tc.want)
		})
	}
}

// resolved resolves c, failing on a reference resolution could not follow.
func resolved(t testing.TB, c *v1beta1.MultigresCluster, tm resolve.Templates) *resolve.Result {
	t.Helper()
	res, errs := resolve.Cluster(c, tm)
	if len(errs) > 0 {
		t.Fatalf("resolving: %v", errs.ToAggregate())
	}
	return res
}

// onePool is a table group's smallest valid shard template.
const onePool = `{pools: [{type: replica, cell: z, spec: {replicas: 2}}]}`
