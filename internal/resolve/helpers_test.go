package resolve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/api/v1alpha1"
	"github.com/multigres/multigres-operator/api/v1beta1"
)

const samplesDir = "../../config/samples"

// loadSamples decodes the sample cluster and templates, the single source of the example.
func loadSamples(t testing.TB) (*v1beta1.MultigresCluster, map[string]*v1beta1.DeploymentTemplate) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(samplesDir, "multigres_v1beta1_*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples in %s: %v", samplesDir, err)
	}
	var cluster *v1beta1.MultigresCluster
	templates := map[string]*v1beta1.DeploymentTemplate{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(data), "\n---") {
			var meta metav1.TypeMeta
			if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			switch meta.Kind {
			case "MultigresCluster":
				cluster = &v1beta1.MultigresCluster{}
				decode(t, doc, cluster)
				cluster.Namespace = "example"
			case "DeploymentTemplate":
				tmpl := &v1beta1.DeploymentTemplate{}
				decode(t, doc, tmpl)
				tmpl.Namespace = "example"
				templates[tmpl.Name] = tmpl
			}
		}
	}
	if cluster == nil {
		t.Fatal("no MultigresCluster sample")
	}
	return cluster, templates
}

// decode strictly unmarshals YAML, so a typo in an expectation fails the test.
func decode(t testing.TB, doc string, into any) {
	t.Helper()
	if err := yaml.UnmarshalStrict([]byte(doc), into); err != nil {
		t.Fatalf("decoding %T: %v\n%s", into, err, doc)
	}
}

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

// cluster builds a cluster, named c in namespace ns, from a v1alpha1 YAML spec (the shape of
// users' existing manifests, and the terser one for tests) converted to v1beta1 as the API
// server does.
func cluster(t testing.TB, spec string) *v1beta1.MultigresCluster {
	t.Helper()
	old := &v1alpha1.MultigresCluster{}
	decode(t, spec, &old.Spec)
	old.Name, old.Namespace = "c", "ns"
	c := &v1beta1.MultigresCluster{}
	if err := old.ConvertTo(c); err != nil {
		t.Fatalf("converting %s: %v", spec, err)
	}
	return c
}

// clusterV1beta1 builds a cluster, named c in namespace ns, from a v1beta1 YAML spec.
func clusterV1beta1(t testing.TB, spec string) *v1beta1.MultigresCluster {
	t.Helper()
	c := &v1beta1.MultigresCluster{}
	decode(t, spec, &c.Spec)
	c.Name, c.Namespace = "c", "ns"
	return c
}

// templates builds DeploymentTemplates from YAML specs, by name.
func templates(t testing.TB, specs map[string]string) map[string]*v1beta1.DeploymentTemplate {
	t.Helper()
	out := map[string]*v1beta1.DeploymentTemplate{}
	for name, spec := range specs {
		tmpl := &v1beta1.DeploymentTemplate{}
		decode(t, spec, &tmpl.Spec)
		tmpl.Name, tmpl.Namespace = name, "ns"
		out[name] = tmpl
	}
	return out
}

func ptrTo[T any](v T) *T { return &v }
