package cell

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components/pss"
)

func cellNamed(name string, labels map[string]string, register bool, all ...string) *v1beta1.Cell {
	return &v1beta1.Cell{
		ObjectMeta: metav1.ObjectMeta{Name: "c-" + name, Namespace: "ns", Labels: labels},
		Spec: v1beta1.CellSpec{Name: name, AllCells: all,
			GlobalTopoServer:       v1beta1.GlobalTopoServerRef{Address: "g:2379", RootPath: "/multigres/global"},
			TopologyReconciliation: v1beta1.TopologyReconciliation{RegisterCell: ptr.To(register)}},
	}
}

func TestGatewayServiceName(t *testing.T) {
	if got := GatewayServiceName(cellNamed("us-east-1", map[string]string{v1beta1.LabelCluster: "example"}, false)); got != "example-us-east-1-gateway" {
		t.Errorf("with the cluster label: %s", got)
	}
	if got := GatewayServiceName(cellNamed("us-east-1", nil, false)); got != "c-us-east-1-gateway" {
		t.Errorf("without it: %s", got)
	}
}

func TestBuildIsRestricted(t *testing.T) {
	obj := build(cellNamed("a", nil, true, "a", "b"))
	for name, tmpl := range map[string]corev1.PodTemplateSpec{
		"multigateway": obj.gateway.Spec.Template,
		"multiorch":    obj.orch.Spec.Template,
	} {
		if v := pss.Violations(&tmpl); len(v) > 0 {
			t.Errorf("%s pod violates the restricted standard: %v", name, v)
		}
	}
	if obj.topoServer != nil {
		t.Error("a cell on the global topo server got a local one")
	}
}
