package toposerver

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components/pss"
)

func TestMaxUnavailableKeepsQuorum(t *testing.T) {
	for replicas, want := range map[int32]int32{1: 0, 2: 0, 3: 1, 4: 1, 5: 2, 7: 3} {
		if got := MaxUnavailable(replicas); got != want {
			t.Errorf("MaxUnavailable(%d) = %d, want %d", replicas, got, want)
		}
		if replicas-MaxUnavailable(replicas) < Quorum(replicas) {
			t.Errorf("%d members: evicting %d loses quorum", replicas, MaxUnavailable(replicas))
		}
	}
}

func TestBuild(t *testing.T) {
	ts := &v1beta1.TopoServer{
		ObjectMeta: metav1.ObjectMeta{Name: "c-global", Namespace: "ns", Labels: map[string]string{v1beta1.LabelCluster: "c"}},
		Spec:       v1beta1.TopoServerSpec{Image: "etcd", Replicas: 3},
	}
	obj := build(ts, 3)
	if v := pss.Violations(&obj.statefulSet.Spec.Template); len(v) > 0 {
		t.Errorf("etcd pod violates the restricted standard: %v", v)
	}
	if got := obj.statefulSet.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String(); got != "10Gi" {
		t.Errorf("a spec without a claim template gets %s, want the default 10Gi", got)
	}
	if got, ok := bootstrappedMembers(obj.statefulSet); !ok || got != 3 {
		t.Errorf("bootstrappedMembers = %d, %v; want 3", got, ok)
	}
	if obj.clientService.Name != "c-global-client" || obj.peerService.Name != "c-global-peer" {
		t.Errorf("services %s, %s", obj.clientService.Name, obj.peerService.Name)
	}
	for _, o := range []metav1.Object{obj.statefulSet, obj.clientService, obj.peerService, obj.pdb} {
		if o.GetLabels()[v1beta1.LabelCluster] != "c" || o.GetLabels()["app.kubernetes.io/managed-by"] != "multigres-operator" {
			t.Errorf("%s labels %v", o.GetName(), o.GetLabels())
		}
	}
}

// One or two members get no PodDisruptionBudget: one that allows no eviction would block
// every node drain for ever.
func TestNoBudgetThatBlocksDrains(t *testing.T) {
	for replicas, want := range map[int32]bool{1: false, 2: false, 3: true, 5: true} {
		if got := pdb("e", "ns", nil, nil, replicas) != nil; got != want {
			t.Errorf("%d members: a PodDisruptionBudget %v, want %v", replicas, got, want)
		}
	}
}
