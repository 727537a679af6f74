package multigrescluster

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Reasons of the cluster's BackupHealthy condition.
const (
	ReasonBackupsHealthy   = "AllShardsBackedUp"
	ReasonBackupsUnhealthy = "ShardsNotBackedUp"
)

// setBackupHealthy rolls the shards' BackupHealthy conditions up to the cluster: False naming
// each shard whose is False, with its message; absent while no shard reports one (before the
// first primary, and in simulated clusters).
func setBackupHealthy(c *v1beta1.MultigresCluster, shards []v1beta1.Shard) {
	var reporting int
	var unhealthy []string
	for i := range shards {
		cond := conditions.Get(&shards[i], v1beta1.ConditionBackupHealthy)
		if cond == nil {
			continue
		}
		reporting++
		if cond.Status != metav1.ConditionTrue {
			unhealthy = append(unhealthy, fmt.Sprintf("Shard %s: %s: %s", shards[i].Name, cond.Reason, cond.Message))
		}
	}
	switch {
	case reporting == 0:
		conditions.Delete(c, v1beta1.ConditionBackupHealthy)
	case len(unhealthy) > 0:
		slices.Sort(unhealthy)
		conditions.Set(c, metav1.Condition{Type: v1beta1.ConditionBackupHealthy, Status: metav1.ConditionFalse,
			Reason: ReasonBackupsUnhealthy, Message: strings.Join(unhealthy, "; ")})
	default:
		conditions.Set(c, metav1.Condition{Type: v1beta1.ConditionBackupHealthy, Status: metav1.ConditionTrue,
			Reason: ReasonBackupsHealthy, Message: fmt.Sprintf("The newest backup of each of the %d shards is as recent as its schedule asks.", reporting)})
	}
}
