package resolve

import (
	"github.com/multigres/multigres-operator/api/v1beta1"
)

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
