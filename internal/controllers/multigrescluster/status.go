package multigrescluster

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/controllers/status"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// Condition reasons.
const (
	ReasonInvalidSpec            = "InvalidSpec"
	ReasonPaused                 = "Paused"
	ReasonAvailable              = "AllComponentsAvailable"
	ReasonNotAvailable           = "ComponentsNotAvailable"
	ReasonApplyingChanges        = "ApplyingChanges"
	ReasonChildrenProgressing    = "ChildrenProgressing"
	ReasonReconciliationComplete = "ReconciliationComplete"
	ReasonReady                  = "Ready"
	ReasonProgressing            = "Progressing"
)

var ownedConditions = []string{v1beta1.ConditionAvailable, v1beta1.ConditionProgressing, v1beta1.ConditionReady}

// maxListed bounds the components a condition message names.
const maxListed = 10

// setStatus rebuilds c's status from want and what the children report. invalid holds the
// spec's problems; changed is how many children this reconcile wrote or deleted.
func setStatus(c *v1beta1.MultigresCluster, want desired, obs *observed, invalid field.ErrorList, changed int) {
	var rep report
	c.Status.ObservedGeneration = c.Generation
	if len(obs.credentialsMissing) > 0 {
		// Pool pods cannot start without them, and the operator never overwrites credentials:
		// a new password would not match the data.
		rep.notAvailable = append(rep.notAvailable, fmt.Sprintf("Secret %s (lacks key %s; add it, the operator never overwrites credentials)",
			names.PostgresCredentials(c.Name), strings.Join(obs.credentialsMissing, ", ")))
	}

	// The global topology: managed, it is our TopoServer; external, nobody here can see it.
	var global *bool
	c.Status.GlobalTopoServer = nil
	if want.globalTopo != "" {
		global = rep.child("TopoServer "+want.globalTopo, lookup(obs.topoServers, want.globalTopo))
		c.Status.GlobalTopoServer = &v1beta1.GlobalTopoServerStatus{Etcd: &v1beta1.EtcdStatus{Available: global}}
	}

	c.Status.Cells = nil
	for i := range want.cells {
		cell := &want.cells[i]
		observedCell := lookup(obs.cells, cell.Name)
		rep.progress("Cell "+cell.Spec.Name, observedCell)
		// A cell's topology is the global one unless it has its own; each topo server
		// counts once towards the cluster's availability, an external one not at all.
		topo := global
		switch {
		case cell.Spec.TopoServer == nil:
		case cell.Spec.TopoServer.Managed != nil:
			name := names.CellTopoServer(c.Name, cell.Spec.Name)
			topo = rep.child("TopoServer "+name, lookup(obs.topoServers, name))
		case cell.Spec.TopoServer.External != nil:
			topo = nil
		}
		s := v1beta1.CellStatusSummary{
			GatewayAvailable:    gatewayAvailable(observedCell),
			MultiOrchAvailable:  multiOrchAvailable(observedCell),
			TopoServerAvailable: topo,
		}
		rep.available("Cell "+cell.Spec.Name+" multigateway", s.GatewayAvailable)
		rep.available("Cell "+cell.Spec.Name+" multiorch", s.MultiOrchAvailable)
		if c.Status.Cells == nil {
			c.Status.Cells = map[string]v1beta1.CellStatusSummary{}
		}
		c.Status.Cells[cell.Spec.Name] = s
	}

	shardsWanted := map[string]int32{}
	for i := range want.tableGroups {
		tg := &want.tableGroups[i]
		rep.child("TableGroup "+tg.Spec.DatabaseName+"/"+tg.Spec.TableGroupName, lookup(obs.tableGroups, tg.Name))
		shardsWanted[tg.Spec.DatabaseName] += ptr.Deref(tg.Spec.Partitioning.Shards, resolve.DefaultShards)
	}
	c.Status.Databases = nil
	for db, instances := range want.instances {
		if c.Status.Databases == nil {
			c.Status.Databases = map[string]v1beta1.DatabaseStatusSummary{}
		}
		c.Status.Databases[db] = databaseSummary(db, instances, shardsWanted[db], obs.shards)
	}

	c.Status.MultiAdmin = &v1beta1.MultiAdminStatus{ServiceName: names.MultiAdmin(c.Name)}
	if d := obs.multiAdmin; d == nil {
		rep.progressing = append(rep.progressing, "multiadmin (not created yet)")
	} else {
		c.Status.MultiAdmin.Available = deploymentAvailable(d)
		if !children.DeploymentRollout(d).Done {
			rep.progressing = append(rep.progressing, "multiadmin")
		}
	}
	rep.available("multiadmin", c.Status.MultiAdmin.Available)

	setBackupHealthy(c, obs.shards)
	setConditions(c, &rep, invalid, changed)
}

// setConditions sets Available, Progressing and Ready; Ready is both of the others.
func setConditions(c *v1beta1.MultigresCluster, rep *report, invalid field.ErrorList, changed int) {
	if len(invalid) > 0 {
		msg := invalidMessage(invalid)
		for _, t := range ownedConditions {
			conditions.Set(c, metav1.Condition{Type: t, Status: metav1.ConditionFalse, Reason: ReasonInvalidSpec, Message: msg})
		}
		return
	}
	available := metav1.Condition{Type: v1beta1.ConditionAvailable, Status: metav1.ConditionTrue,
		Reason: ReasonAvailable, Message: "All components are available."}
	switch {
	case len(rep.notAvailable) > 0:
		available.Status, available.Reason = metav1.ConditionFalse, ReasonNotAvailable
		available.Message = "Not available: " + list(rep.notAvailable) + "."
	case len(rep.unserved) > 0:
		// Everything else is available; these never will be with the images run.
		available.Status, available.Reason = metav1.ConditionFalse, limits.ReasonUnsupported
		available.Message = "No pods run for: " + list(rep.unserved) + " (see the Supported condition)."
	}
	progressing := metav1.Condition{Type: v1beta1.ConditionProgressing, Status: metav1.ConditionFalse,
		Reason: ReasonReconciliationComplete, Message: "Cluster reconciliation complete."}
	switch {
	case changed > 0:
		progressing.Status, progressing.Reason = metav1.ConditionTrue, ReasonApplyingChanges
		progressing.Message = "Applying the spec to the cluster's children."
	case len(rep.progressing) > 0:
		progressing.Status, progressing.Reason = metav1.ConditionTrue, ReasonChildrenProgressing
		progressing.Message = "Waiting for: " + list(rep.progressing) + "."
	}
	ready := metav1.Condition{Type: v1beta1.ConditionReady, Status: metav1.ConditionTrue, Reason: ReasonReady, Message: "The cluster is available and up to date."}
	switch {
	case available.Reason == limits.ReasonUnsupported:
		ready.Status, ready.Reason, ready.Message = metav1.ConditionFalse, limits.ReasonUnsupported, available.Message
	case available.Status != metav1.ConditionTrue:
		ready.Status, ready.Reason, ready.Message = metav1.ConditionFalse, ReasonNotAvailable, available.Message
	case progressing.Status != metav1.ConditionFalse:
		ready.Status, ready.Reason, ready.Message = metav1.ConditionFalse, ReasonProgressing, progressing.Message
	}
	conditions.Set(c, available)
	conditions.Set(c, progressing)
	conditions.Set(c, ready)
}

// setSupported says whether the images serve everything the spec asks for; unsupported
// names each field they do not (limits.Limits.Cluster), as the admission warnings did.
func setSupported(c *v1beta1.MultigresCluster, unsupported []string) {
	conditions.Set(c, limits.Condition("Everything the spec asks for runs.", "Accepted but not run", unsupported))
}

// invalidMessage names every field in error, as the webhook would.
func invalidMessage(errs field.ErrorList) string { return errs.ToAggregate().Error() }

// alreadyReported: c's status already says the spec is invalid for exactly msg.
func alreadyReported(c *v1beta1.MultigresCluster, msg string) bool {
	ready := conditions.Get(c, v1beta1.ConditionReady)
	return ready != nil && ready.Reason == ReasonInvalidSpec && ready.Message == msg
}

// report collects what is not available, what is not available on purpose (it runs no
// pods: the images cannot serve it) and what is still moving, in a stable order.
type report struct {
	notAvailable, unserved, progressing []string
}

// child is a child kind with the Available/Progressing conditions its controller keeps.
type child = status.Child

// child notes obj's progress and availability and returns whether it is available, nil
// when unknown; obj is nil when it does not exist (yet).
func (r *report) child(what string, obj child) *bool {
	r.progress(what, obj)
	var available *bool
	if obj != nil {
		a := conditions.Get(obj, v1beta1.ConditionAvailable)
		if a != nil && a.Status != metav1.ConditionUnknown {
			available = ptr.To(a.Status == metav1.ConditionTrue)
		}
		if a != nil && a.Reason == limits.ReasonUnsupported && status.Reported(obj) {
			r.unserved = append(r.unserved, what)
			return available
		}
	}
	r.available(what, available)
	return available
}

// progress notes obj as progressing when it is missing, when its controller has not
// reported on its latest spec, or when it says it is progressing.
func (r *report) progress(what string, obj child) {
	switch {
	case obj == nil:
		r.progressing = append(r.progressing, what+" (not created yet)")
	case !status.Reported(obj) || conditions.IsTrue(obj, v1beta1.ConditionProgressing):
		r.progressing = append(r.progressing, what)
	}
}

func (r *report) available(what string, available *bool) {
	if !ptr.Deref(available, false) {
		r.notAvailable = append(r.notAvailable, what)
	}
}

// lookup returns m[name] as a child, nil (not a typed nil) when absent.
func lookup[T child](m map[string]T, name string) child {
	if obj, ok := m[name]; ok {
		return obj
	}
	return nil
}

// gatewayAvailable: the cell's gateways are all ready, as the Cell controller counts them.
func gatewayAvailable(obj child) *bool {
	cell, _ := obj.(*v1beta1.Cell)
	if cell == nil || cell.Status.ObservedGeneration == 0 {
		return nil
	}
	return ptr.To(cell.Status.GatewayReadyReplicas >= ptr.Deref(cell.Spec.MultiGateway.Replicas, 0))
}

// multiOrchAvailable is what the Cell reports, nil until it does.
func multiOrchAvailable(obj child) *bool {
	if cell, _ := obj.(*v1beta1.Cell); cell != nil && cell.Status.MultiOrchAvailable != nil {
		return ptr.To(*cell.Status.MultiOrchAvailable)
	}
	return nil
}

// deploymentAvailable: every replica is ready (as the Cell controller judges multiorch).
func deploymentAvailable(d *appsv1.Deployment) *bool {
	r := children.DeploymentRollout(d)
	return ptr.To(d.Status.ObservedGeneration > 0 && r.Ready >= r.Want)
}

// databaseSummary counts db's ready Postgres instances over its shards. It serves writes
// when every shard it should have exists and serves writes: its controller saw a serving
// primary in the Multigres topology (ServingWrites).
func databaseSummary(db string, instances, shardsWanted int32, shards []v1beta1.Shard) v1beta1.DatabaseStatusSummary {
	s := v1beta1.DatabaseStatusSummary{DesiredInstances: instances, ServingWrites: ptr.To(false)}
	var count, serving int32
	for i := range shards {
		shard := &shards[i]
		if shard.Labels[v1beta1.LabelDatabase] != db {
			continue
		}
		count++
		s.ReadyInstances += shard.Status.ReadyPods
		if conditions.IsTrue(shard, v1beta1.ConditionServingWrites) {
			serving++
		}
	}
	if shardsWanted > 0 && count >= shardsWanted && serving == count {
		s.ServingWrites = ptr.To(true)
	}
	return s
}

// list joins items for a condition message, naming at most maxListed of them.
func list(items []string) string {
	if len(items) <= maxListed {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:maxListed], ", "), len(items)-maxListed)
}
