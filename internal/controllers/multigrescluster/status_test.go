package multigrescluster

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/resolve"
)

func cluster() *v1beta1.MultigresCluster {
	return &v1beta1.MultigresCluster{ObjectMeta: metav1.ObjectMeta{Name: "c", Namespace: "ns", Generation: 3}}
}

func available(status metav1.ConditionStatus, generation int64) []metav1.Condition {
	return []metav1.Condition{{Type: v1beta1.ConditionAvailable, Status: status, ObservedGeneration: generation}}
}

func readyDeployment(name string) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Generation: 1},
		Spec:       appsv1.DeploymentSpec{Replicas: ptr.To[int32](1)},
		Status:     appsv1.DeploymentStatus{ObservedGeneration: 1, Replicas: 1, ReadyReplicas: 1, UpdatedReplicas: 1},
	}
}

// A cluster whose every child reports available and settled is Ready.
func TestSetStatusAllAvailable(t *testing.T) {
	g := NewWithT(t)
	c := cluster()
	cell := v1beta1.Cell{ObjectMeta: metav1.ObjectMeta{Name: "c-a", Generation: 2},
		Spec: v1beta1.CellSpec{Name: "a", MultiGateway: v1beta1.StatelessSpec{Replicas: ptr.To[int32](2)}}}
	observedCell := cell.DeepCopy()
	observedCell.Status = v1beta1.CellStatus{ObservedGeneration: 2, GatewayReadyReplicas: 2, MultiOrchAvailable: ptr.To(true),
		Conditions: available(metav1.ConditionTrue, 2)}
	tg := v1beta1.TableGroup{ObjectMeta: metav1.ObjectMeta{Name: "c-db-tg", Generation: 1},
		Spec: v1beta1.TableGroupSpec{DatabaseName: "db", Partitioning: v1beta1.Partitioning{Shards: ptr.To[int32](2)}}}
	observedTG := tg.DeepCopy()
	observedTG.Status.Conditions = available(metav1.ConditionTrue, 1)
	shard := func(ready int32) v1beta1.Shard {
		return v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Generation: 1, Labels: map[string]string{v1beta1.LabelDatabase: "db"}},
			Status: v1beta1.ShardStatus{ReadyPods: ready, Conditions: append(available(metav1.ConditionTrue, 1),
				metav1.Condition{Type: v1beta1.ConditionServingWrites, Status: metav1.ConditionTrue})}}
	}
	obs := &observed{
		topoServers: map[string]*v1beta1.TopoServer{"c-global": {ObjectMeta: metav1.ObjectMeta{Generation: 1},
			Status: v1beta1.TopoServerStatus{Conditions: available(metav1.ConditionTrue, 1)}}},
		cells:       map[string]*v1beta1.Cell{"c-a": observedCell},
		tableGroups: map[string]*v1beta1.TableGroup{"c-db-tg": observedTG},
		shards:      []v1beta1.Shard{shard(3), shard(2)},
		multiAdmin:  readyDeployment("c-multiadmin"),
	}
	want := desired{globalTopo: "c-global", cells: []v1beta1.Cell{cell}, tableGroups: []v1beta1.TableGroup{tg},
		instances: map[string]int32{"db": 5}}

	setStatus(c, want, obs, nil, 0)

	g.Expect(c.Status.ObservedGeneration).To(Equal(int64(3)))
	g.Expect(c.Status.GlobalTopoServer.Etcd.Available).To(Equal(ptr.To(true)))
	g.Expect(c.Status.Cells).To(Equal(map[string]v1beta1.CellStatusSummary{"a": {
		GatewayAvailable: ptr.To(true), MultiOrchAvailable: ptr.To(true), TopoServerAvailable: ptr.To(true)}}))
	g.Expect(c.Status.Databases).To(Equal(map[string]v1beta1.DatabaseStatusSummary{"db": {
		DesiredInstances: 5, ReadyInstances: 5, ServingWrites: ptr.To(true)}}))
	g.Expect(c.Status.MultiAdmin).To(Equal(&v1beta1.MultiAdminStatus{Available: ptr.To(true), ServiceName: "c-multiadmin"}))
	for _, tc := range []struct{ t, reason string }{
		{v1beta1.ConditionAvailable, ReasonAvailable},
		{v1beta1.ConditionReady, ReasonReady},
	} {
		g.Expect(conditions.Get(c, tc.t)).To(HaveField("Status", metav1.ConditionTrue))
		g.Expect(conditions.Get(c, tc.t)).To(HaveField("Reason", tc.reason))
	}
	g.Expect(conditions.Get(c, v1beta1.ConditionProgressing)).To(HaveField("Reason", ReasonReconciliationComplete))

	// A child that has not reported on its latest spec keeps the cluster progressing, and a
	// write this reconcile says so too.
	observedTG.Generation = 2
	setStatus(c, want, obs, nil, 0)
	g.Expect(conditions.Get(c, v1beta1.ConditionProgressing).Message).To(ContainSubstring("TableGroup db/"))
	g.Expect(conditions.Get(c, v1beta1.ConditionReady)).To(HaveField("Reason", ReasonProgressing))
	setStatus(c, want, obs, nil, 1)
	g.Expect(conditions.Get(c, v1beta1.ConditionProgressing)).To(HaveField("Reason", ReasonApplyingChanges))
}

// A table group the Multigres images cannot serve (it runs no pods, on purpose) is not waited
// for: with everything else available the cluster says why it is not available, not that it
// is progressing; Supported names the fields.
func TestSetStatusUnservedTableGroup(t *testing.T) {
	g := NewWithT(t)
	c := cluster()
	tg := v1beta1.TableGroup{ObjectMeta: metav1.ObjectMeta{Name: "c-db-tg", Generation: 1}, Spec: v1beta1.TableGroupSpec{DatabaseName: "db"}}
	observedTG := tg.DeepCopy()
	observedTG.Status.Conditions = []metav1.Condition{
		{Type: v1beta1.ConditionAvailable, Status: metav1.ConditionFalse, Reason: limits.ReasonUnsupported, ObservedGeneration: 1},
		{Type: v1beta1.ConditionProgressing, Status: metav1.ConditionFalse, ObservedGeneration: 1},
	}
	obs := &observed{topoServers: map[string]*v1beta1.TopoServer{}, cells: map[string]*v1beta1.Cell{},
		tableGroups: map[string]*v1beta1.TableGroup{"c-db-tg": observedTG}, multiAdmin: readyDeployment("c-multiadmin")}

	setStatus(c, desired{tableGroups: []v1beta1.TableGroup{tg}, instances: map[string]int32{"db": 3}}, obs, nil, 0)
	setSupported(c, []string{`spec.databases[0].name: "db": Multigres v0.1 serves only database "postgres"`})

	g.Expect(conditions.Get(c, v1beta1.ConditionAvailable)).To(And(HaveField("Status", metav1.ConditionFalse),
		HaveField("Reason", limits.ReasonUnsupported), HaveField("Message", ContainSubstring("TableGroup db/"))))
	g.Expect(conditions.Get(c, v1beta1.ConditionProgressing)).To(HaveField("Reason", ReasonReconciliationComplete))
	g.Expect(conditions.Get(c, v1beta1.ConditionReady)).To(HaveField("Reason", limits.ReasonUnsupported))
	g.Expect(conditions.Get(c, v1beta1.ConditionSupported)).To(And(HaveField("Status", metav1.ConditionFalse),
		HaveField("Reason", limits.ReasonUnsupported), HaveField("Message", ContainSubstring(`spec.databases[0].name: "db"`))))
	g.Expect(c.Status.Databases["db"].ServingWrites).To(Equal(ptr.To(false)))

	// Something else unavailable comes first: it may still become available.
	obs.multiAdmin = nil
	setStatus(c, desired{tableGroups: []v1beta1.TableGroup{tg}, instances: map[string]int32{"db": 3}}, obs, nil, 0)
	g.Expect(conditions.Get(c, v1beta1.ConditionAvailable)).To(And(HaveField("Reason", ReasonNotAvailable),
		HaveField("Message", Not(ContainSubstring("TableGroup")))))

	setSupported(c, nil)
	g.Expect(conditions.Get(c, v1beta1.ConditionSupported)).To(HaveField("Reason", limits.ReasonSupported))
}

// Missing children are named; an external global topology is not judged.
func TestSetStatusMissingChildren(t *testing.T) {
	g := NewWithT(t)
	c := cluster()
	cell := v1beta1.Cell{ObjectMeta: metav1.ObjectMeta{Name: "c-a"}, Spec: v1beta1.CellSpec{Name: "a"}}
	obs := &observed{topoServers: map[string]*v1beta1.TopoServer{}, cells: map[string]*v1beta1.Cell{}, tableGroups: map[string]*v1beta1.TableGroup{}}

	setStatus(c, desired{cells: []v1beta1.Cell{cell}, instances: map[string]int32{"db": 3}}, obs, nil, 0)

	g.Expect(c.Status.GlobalTopoServer).To(BeNil())
	g.Expect(c.Status.Cells["a"]).To(Equal(v1beta1.CellStatusSummary{}))
	g.Expect(c.Status.Databases["db"]).To(Equal(v1beta1.DatabaseStatusSummary{DesiredInstances: 3, ServingWrites: ptr.To(false)}))
	g.Expect(conditions.Get(c, v1beta1.ConditionAvailable).Message).To(Equal(
		"Not available: Cell a multigateway, Cell a multiorch, multiadmin."))
	g.Expect(conditions.Get(c, v1beta1.ConditionProgressing).Message).To(Equal(
		"Waiting for: Cell a (not created yet), multiadmin (not created yet)."))
}

// An invalid spec sets all three conditions False with every field named.
func TestSetStatusInvalid(t *testing.T) {
	g := NewWithT(t)
	c := cluster()
	errs := field.ErrorList{
		field.NotFound(field.NewPath("spec", "multiadmin", "deploymentTemplate"), "gone"),
		field.Invalid(field.NewPath("spec", "cells").Index(0).Child("name"), "Global", "reserved"),
	}
	setStatus(c, desiredFrom(c, nil, &observed{}), &observed{}, errs, 0)
	for _, t := range ownedConditions {
		cond := conditions.Get(c, t)
		g.Expect(cond.Status).To(Equal(metav1.ConditionFalse))
		g.Expect(cond.Reason).To(Equal(ReasonInvalidSpec))
		g.Expect(cond.Message).To(ContainSubstring("spec.multiadmin.deploymentTemplate"))
		g.Expect(cond.Message).To(ContainSubstring("spec.cells[0].name"))
	}
	g.Expect(alreadyReported(c, invalidMessage(errs))).To(BeTrue())
	g.Expect(alreadyReported(c, invalidMessage(errs[:1]))).To(BeFalse())
}

// With an invalid spec, the status still reports the children that run.
func TestDesiredFromObserved(t *testing.T) {
	g := NewWithT(t)
	c := cluster()
	c.UID = "uid"
	owner := metav1.OwnerReference{APIVersion: "multigres.com/v1alpha1", Kind: "MultigresCluster", Name: "c", UID: "uid", Controller: ptr.To(true)}
	tg := func(name string, replicas int32) *v1beta1.TableGroup {
		return &v1beta1.TableGroup{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1beta1.TableGroupSpec{DatabaseName: "db",
			Partitioning:  v1beta1.Partitioning{Shards: ptr.To[int32](2)},
			ShardTemplate: v1beta1.ShardTemplate{Pools: []v1beta1.PoolSpec{{ShardPoolSpec: v1beta1.ShardPoolSpec{Replicas: ptr.To(replicas)}}}}}}
	}
	obs := &observed{
		topoServers: map[string]*v1beta1.TopoServer{"c-global": {ObjectMeta: metav1.ObjectMeta{Name: "c-global", OwnerReferences: []metav1.OwnerReference{owner}}}},
		cells:       map[string]*v1beta1.Cell{"c-b": {ObjectMeta: metav1.ObjectMeta{Name: "c-b"}}, "c-a": {ObjectMeta: metav1.ObjectMeta{Name: "c-a"}}},
		tableGroups: map[string]*v1beta1.TableGroup{"c-db-x": tg("c-db-x", 3), "c-db-y": tg("c-db-y", 1)},
	}
	d := desiredFrom(c, nil, obs)
	g.Expect(d.globalTopo).To(Equal("c-global"))
	g.Expect(d.cells).To(HaveLen(2))
	g.Expect(d.cells[0].Name).To(Equal("c-a"))
	g.Expect(d.tableGroups[1].Name).To(Equal("c-db-y"))
	g.Expect(d.instances).To(Equal(map[string]int32{"db": 8}))

	res := &resolve.Result{DesiredInstances: map[string]int32{"db": 1}}
	g.Expect(desiredFrom(c, res, obs).instances).To(Equal(res.DesiredInstances))
	g.Expect(desiredFrom(c, res, obs).globalTopo).To(BeEmpty(), "external")
}

func TestDatabaseSummaryServingWrites(t *testing.T) {
	shard := func(db string, serving metav1.ConditionStatus) v1beta1.Shard {
		return v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Generation: 1, Labels: map[string]string{v1beta1.LabelDatabase: db}},
			Status: v1beta1.ShardStatus{ReadyPods: 1, Conditions: append(available("True", 1),
				metav1.Condition{Type: v1beta1.ConditionServingWrites, Status: serving})}}
	}
	for _, tc := range []struct {
		name   string
		wanted int32
		shards []v1beta1.Shard
		want   bool
	}{
		{"every shard serving", 2, []v1beta1.Shard{shard("db", "True"), shard("db", "True")}, true},
		{"a shard without a serving primary", 2, []v1beta1.Shard{shard("db", "True"), shard("db", "False")}, false},
		{"a shard missing", 2, []v1beta1.Shard{shard("db", "True"), shard("other", "True")}, false},
		{"no shards", 0, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := databaseSummary("db", 9, tc.wanted, tc.shards)
			NewWithT(t).Expect(s.ServingWrites).To(Equal(&tc.want))
		})
	}
}
