package resolve

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// RegisteredDatabase is the one database the registration Job writes into the topology
// (upstream's CLI knows no other); the Cell carries its durability policy.
const RegisteredDatabase = "postgres"

// DurabilityPolicy is database's: its own, else the cluster's, else the default.
func DurabilityPolicy(c *v1beta1.MultigresCluster, database string) v1beta1.DurabilityPolicy {
	for _, db := range c.Spec.Databases {
		if db.Name == database && db.Spec.DurabilityPolicy != "" {
			return db.Spec.DurabilityPolicy
		}
	}
	if c.Spec.DurabilityPolicy != "" {
		return c.Spec.DurabilityPolicy
	}
	return DefaultDurabilityPolicy
}

// DurabilityProblems are the table groups whose replica pools cannot satisfy their
// database's durability policy: multiorch would never elect a primary for them. Only
// replica pools count: they take part in elections and acknowledge writes. A policy the
// user set is refused (errs); the default one, which clusters made before the field had, is
// only warned about, so they stay editable.
func DurabilityProblems(c *v1beta1.MultigresCluster, tableGroups []v1beta1.TableGroup) (errs field.ErrorList, warnings []string) {
	for i, db := range c.Spec.Databases {
		policy := DurabilityPolicy(c, db.Name)
		var path *field.Path
		switch {
		case db.Spec.DurabilityPolicy != "":
			path = field.NewPath("spec", "databases").Index(i).Child("spec", "durabilityPolicy")
		case c.Spec.DurabilityPolicy != "":
			path = field.NewPath("spec", "durabilityPolicy")
		}
		problem := func(msg string) {
			if path != nil {
				errs = append(errs, field.Invalid(path, string(policy), msg))
			} else {
				warnings = append(warnings, fmt.Sprintf("spec.databases[%d]: the default durability policy %s cannot be met: %s", i, policy, msg))
			}
		}
		for _, tg := range tableGroups {
			if tg.Spec.DatabaseName != db.Name || len(tg.Spec.ShardTemplate.Pools) == 0 {
				continue // no pools at all is refused on its own (ValidateTableGroups)
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
				problem(fmt.Sprintf("table group %q of database %q has %d replica-pool pod(s) per shard; %s needs at least 2 (a primary and a standby to acknowledge writes): add replicas to a replica pool",
					tg.Spec.TableGroupName, db.Name, pods, policy))
			case policy == v1beta1.DurabilityMultiCellAtLeast2 && len(cells) < 2:
				problem(fmt.Sprintf("table group %q of database %q has replica pools in %d cell(s) %v; %s needs replica pools in at least 2 cells, or use AT_LEAST_2",
					tg.Spec.TableGroupName, db.Name, len(cells), cells, policy))
			}
		}
	}
	return errs, warnings
}
