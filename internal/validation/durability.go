package validation

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// durabilityPolicies: a durability policy the user set must be one the replica pools can
// meet, or multiorch would never elect a primary.
func durabilityPolicies(c *v1beta1.MultigresCluster, res *resolve.Result) field.ErrorList {
	var errs field.ErrorList
	for _, p := range durabilityProblems(c, res) {
		if p.path != nil {
			errs = append(errs, field.Invalid(p.path, string(p.policy), p.msg))
		}
	}
	return errs
}

// unmetDefaultDurability: the default policy, which clusters made before the field had, is
// only warned about, so they stay editable.
func unmetDefaultDurability(c *v1beta1.MultigresCluster, res *resolve.Result) []string {
	var w []string
	for _, p := range durabilityProblems(c, res) {
		if p.path == nil {
			w = append(w, fmt.Sprintf("spec.databases[%d]: the default durability policy %s cannot be met: %s", p.database, p.policy, p.msg))
		}
	}
	return w
}

// durabilityProblem is a table group whose replica pools cannot satisfy its database's
// policy. path is where the user set the policy, nil for the default.
type durabilityProblem struct {
	database int
	path     *field.Path
	policy   v1beta1.DurabilityPolicy
	msg      string
}

// durabilityProblems are the table groups whose resolved replica pools cannot satisfy their
// database's durability policy. Only replica pools count: they take part in elections and
// acknowledge writes.
func durabilityProblems(c *v1beta1.MultigresCluster, res *resolve.Result) []durabilityProblem {
	var problems []durabilityProblem
	for i, db := range c.Spec.Databases {
		problem := durabilityProblem{database: i, policy: resolve.DurabilityPolicy(c, db.Name)}
		switch {
		case db.Spec.DurabilityPolicy != "":
			problem.path = field.NewPath("spec", "databases").Index(i).Child("spec", "durabilityPolicy")
		case c.Spec.DurabilityPolicy != "":
			problem.path = field.NewPath("spec", "durabilityPolicy")
		}
		for _, tg := range res.TableGroups {
			if tg.Spec.DatabaseName != db.Name || len(tg.Spec.ShardTemplate.Pools) == 0 {
				continue // no pools at all is refused on its own (poolsPresent)
			}
			var pods int32
			var cells []string
			for _, p := range tg.Spec.ShardTemplate.Pools {
				if p.Type == v1beta1.PoolTypeReplica && p.Replicas != nil && *p.Replicas > 0 {
					pods += *p.Replicas
					if !slices.Contains(cells, p.Cell) {
						cells = append(cells, p.Cell)
					}
				}
			}
			switch {
			case pods < 2:
				problem.msg = fmt.Sprintf("table group %q of database %q has %d replica-pool pod(s) per shard; %s needs at least 2 (a primary and a standby to acknowledge writes): add replicas to a replica pool",
					tg.Spec.TableGroupName, db.Name, pods, problem.policy)
			case problem.policy == v1beta1.DurabilityMultiCellAtLeast2 && len(cells) < 2:
				problem.msg = fmt.Sprintf("table group %q of database %q has replica pools in %d cell(s) %v; %s needs replica pools in at least 2 cells, or use AT_LEAST_2",
					tg.Spec.TableGroupName, db.Name, len(cells), cells, problem.policy)
			default:
				continue
			}
			problems = append(problems, problem)
		}
	}
	return problems
}
