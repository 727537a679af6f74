// Package resolvetest builds the inputs of resolution (clusters and templates) from YAML for
// the tests of internal/resolve and internal/validation, and compares the errors they give.
package resolvetest

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/api/v1alpha1"
	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Samples decodes the sample cluster and templates of config/samples (v1beta1), in namespace
// "example": the single source of the design document's example.
func Samples(t testing.TB) (*v1beta1.MultigresCluster, map[string]*v1beta1.DeploymentTemplate) {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(self), "..", "..", "..", "config", "samples")
	files, err := filepath.Glob(filepath.Join(dir, "multigres_v1beta1_*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples in %s: %v", dir, err)
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
				Decode(t, doc, cluster)
				cluster.Namespace = "example"
			case "DeploymentTemplate":
				tmpl := &v1beta1.DeploymentTemplate{}
				Decode(t, doc, tmpl)
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

// Decode strictly unmarshals YAML, so a typo in an expectation fails the test.
func Decode(t testing.TB, doc string, into any) {
	t.Helper()
	if err := yaml.UnmarshalStrict([]byte(doc), into); err != nil {
		t.Fatalf("decoding %T: %v\n%s", into, err, doc)
	}
}

// Cluster builds a cluster, named c in namespace ns, from a v1alpha1 YAML spec (the shape of
// users' existing manifests, and the terser one for tests) converted to v1beta1 as the API
// server does.
func Cluster(t testing.TB, spec string) *v1beta1.MultigresCluster {
	t.Helper()
	old := &v1alpha1.MultigresCluster{}
	Decode(t, spec, &old.Spec)
	old.Name, old.Namespace = "c", "ns"
	c := &v1beta1.MultigresCluster{}
	if err := old.ConvertTo(c); err != nil {
		t.Fatalf("converting %s: %v", spec, err)
	}
	return c
}

// ClusterV1beta1 builds a cluster, named c in namespace ns, from a v1beta1 YAML spec.
func ClusterV1beta1(t testing.TB, spec string) *v1beta1.MultigresCluster {
	t.Helper()
	c := &v1beta1.MultigresCluster{}
	Decode(t, spec, &c.Spec)
	c.Name, c.Namespace = "c", "ns"
	return c
}

// Templates builds DeploymentTemplates in namespace ns from YAML specs, by name.
func Templates(t testing.TB, specs map[string]string) map[string]*v1beta1.DeploymentTemplate {
	t.Helper()
	out := map[string]*v1beta1.DeploymentTemplate{}
	for name, spec := range specs {
		out[name] = Template(t, name, spec)
	}
	return out
}

// Template builds one DeploymentTemplate in namespace ns from a YAML spec.
func Template(t testing.TB, name, spec string) *v1beta1.DeploymentTemplate {
	t.Helper()
	tmpl := &v1beta1.DeploymentTemplate{}
	Decode(t, spec, &tmpl.Spec)
	tmpl.Name, tmpl.Namespace = name, "ns"
	return tmpl
}

// ExpectErrors checks that errs are exactly the wanted ones, in any order: each want is
// "<type> <path>", then optionally ": " and a part of the error's detail (its value when it
// has no detail), e.g. "Invalid value spec.cells[0].name: is reserved".
func ExpectErrors(t testing.TB, errs field.ErrorList, want []string) {
	t.Helper()
	var got []string
	for _, e := range errs {
		got = append(got, fmt.Sprintf("%s %s: %s", e.Type, e.Field, cmp.Or(e.Detail, fmt.Sprint(e.BadValue))))
	}
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
		return
	}
	for _, w := range want {
		head, detail, _ := strings.Cut(w, ": ")
		found := false
		for _, g := range got {
			if strings.HasPrefix(g, head+": ") && strings.Contains(g, detail) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing error %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
}
