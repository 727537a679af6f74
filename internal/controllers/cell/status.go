package cell

import (
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/controllers/status"
)

// ConditionTopologyRegistered says whether the registration Job wrote the cluster's cells
// into the global topology. Only the registering cell (Registers) carries it.
const ConditionTopologyRegistered = "TopologyRegistered"

// Condition reasons.
const (
	ReasonComponentsReady    = "ComponentsReady"
	ReasonComponentsNotReady = "ComponentsNotReady"
	ReasonRollingOut         = "RollingOut"
	ReasonRolloutComplete    = "RolloutComplete"
	ReasonRegistered         = "Registered"
	ReasonRegistering        = "Registering"
	ReasonRegistrationFailed = "RegistrationFailed"
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

	// The cell is still coming up while its registration Job runs: until then clients cannot
	// find it in the topology, so the cluster is not Ready yet.
	var registration *metav1.Condition
	if seen.registration != nil {
		registration = ptr.To(registered(seen.registration, obj.registration.Name))
	}
	progressing := metav1.Condition{Type: v1beta1.ConditionProgressing, Status: metav1.ConditionTrue, Reason: ReasonRollingOut, Message: available.Message}
	switch {
	case !gateway.Done || !orch.Done || seen.gateway.Generation == 0 || seen.orch.Generation == 0:
		// still rolling out
	case registration != nil && registration.Reason == ReasonRegistering:
		progressing.Reason, progressing.Message = ReasonRegistering, registration.Message
	default:
		progressing.Status, progressing.Reason = metav1.ConditionFalse, ReasonRolloutComplete
	}
	conditions.Set(c, progressing)

	switch {
	case registration != nil:
		conditions.Set(c, *registration)
	case conditions.Has(c, ConditionTopologyRegistered):
		conditions.Delete(c, ConditionTopologyRegistered)
	}
}

// registered reads the registration Job's outcome.
func registered(job *batchv1.Job, name string) metav1.Condition {
	cond := metav1.Condition{Type: ConditionTopologyRegistered, Status: metav1.ConditionFalse, Reason: ReasonRegistering,
		Message: "waiting for Job " + name}
	for _, jc := range job.Status.Conditions {
		if jc.Status != corev1.ConditionTrue {
			continue
		}
		switch jc.Type {
		case batchv1.JobComplete:
			cond.Status, cond.Reason, cond.Message = metav1.ConditionTrue, ReasonRegistered, "Job "+name+" registered the cells"
		case batchv1.JobFailed:
			cond.Reason, cond.Message = ReasonRegistrationFailed, fmt.Sprintf("Job %s failed: %s; delete it to retry", name, jc.Message)
		}
	}
	return cond
}
