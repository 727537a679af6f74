package cell

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/controllers/status"
)

// conditionTopologyRegistered was the registration Job's outcome on one cell of a cluster,
// before the MultigresCluster controller registered the cells itself; it is removed.
const conditionTopologyRegistered = "TopologyRegistered"

// Condition reasons.
const (
	ReasonComponentsReady    = "ComponentsReady"
	ReasonComponentsNotReady = "ComponentsNotReady"
	ReasonRollingOut         = "RollingOut"
	ReasonRolloutComplete    = "RolloutComplete"
)

// setStatus rebuilds the cell's status from its children.
func setStatus(c *v1beta1.Cell, obj objects, seen observed) {
	gateway, orch := children.DeploymentRollout(seen.gateway), children.DeploymentRollout(seen.orch)
	c.Status.ObservedGeneration = c.Generation
	c.Status.GatewayReplicas = seen.gateway.Status.Replicas
	c.Status.GatewayReadyReplicas = seen.gateway.Status.ReadyReplicas
	c.Status.GatewayServiceName = obj.gatewayService.Name
	orchAvailable := seen.orch.Generation > 0 && orch.Ready >= orch.Want
	c.Status.MultiOrchAvailable = &orchAvailable
	c.Status.TopoServer = topoStatus(c)

	var waiting []string
	if seen.gateway.Generation == 0 || gateway.Ready < gateway.Want {
		waiting = append(waiting, fmt.Sprintf("multigateway %d of %d ready", gateway.Ready, gateway.Want))
	}
	if !orchAvailable {
		waiting = append(waiting, fmt.Sprintf("multiorch %d of %d ready", orch.Ready, orch.Want))
	}
	if seen.topoServer != nil && !status.Available(seen.topoServer) {
		// Named as built: observe leaves seen.topoServer empty until the cache has it.
		waiting = append(waiting, "local topo server "+obj.topoServer.Name+" not available")
	}
	available := metav1.Condition{Type: v1beta1.ConditionAvailable, Status: metav1.ConditionTrue, Reason: ReasonComponentsReady,
		Message: fmt.Sprintf("multigateway %d of %d ready", gateway.Ready, gateway.Want)}
	if len(waiting) > 0 {
		available.Status, available.Reason, available.Message = metav1.ConditionFalse, ReasonComponentsNotReady, strings.Join(waiting, "; ")
	}
	conditions.Set(c, available)

	progressing := metav1.Condition{Type: v1beta1.ConditionProgressing, Status: metav1.ConditionTrue, Reason: ReasonRollingOut, Message: available.Message}
	if gateway.Done && orch.Done && seen.gateway.Generation > 0 && seen.orch.Generation > 0 {
		progressing.Status, progressing.Reason = metav1.ConditionFalse, ReasonRolloutComplete
	}
	conditions.Set(c, progressing)
	conditions.Delete(c, conditionTopologyRegistered)
}
