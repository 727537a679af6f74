package resolve

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve/resolvetest"
)

// Inputs from YAML and the samples, shared with internal/validation's tests.
var (
	loadSamples    = resolvetest.Samples
	decode         = resolvetest.Decode
	cluster        = resolvetest.Cluster
	clusterV1beta1 = resolvetest.ClusterV1beta1
	templates      = resolvetest.Templates
)

// expectEqual compares semantically (quantities by value) and shows both sides as YAML.
func expectEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if !equality.Semantic.DeepEqual(got, want) {
		g, _ := yaml.Marshal(got)
		w, _ := yaml.Marshal(want)
		t.Errorf("%s:\n--- got\n%s--- want\n%s", what, g, w)
	}
}

// res builds resource requirements from "cpu=1,memory=2Gi" lists; "" leaves a side nil.
func res(requests, limits string) *corev1.ResourceRequirements {
	return &corev1.ResourceRequirements{Requests: list(requests), Limits: list(limits)}
}

func list(s string) corev1.ResourceList {
	if s == "" {
		return nil
	}
	l := corev1.ResourceList{}
	for _, kv := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(kv, "=")
		l[corev1.ResourceName(k)] = resource.MustParse(v)
	}
	return l
}

func resolveOK(t *testing.T, c *v1beta1.MultigresCluster, templates map[string]*v1beta1.DeploymentTemplate) *Result {
	t.Helper()
	r, errs := Cluster(c, templates)
	if len(errs) > 0 {
		t.Fatalf("unexpected errors:\n%v", errs.ToAggregate())
	}
	return r
}

func ptrTo[T any](v T) *T { return &v }
