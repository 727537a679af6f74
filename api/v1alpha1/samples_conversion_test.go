package v1alpha1

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/conversion"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

const samplesDir = "../../config/samples"

// loadSample reads one sample file strictly (an unknown field is an error) into a new
// object of its kind, from newObject.
func loadSample[T any](t *testing.T, path string, newObject func(kind string) T) T {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(data, &tm); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	obj := newObject(tm.Kind)
	if err := yaml.UnmarshalStrict(data, obj); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return obj
}

func newSpoke(kind string) conversion.Convertible {
	switch kind {
	case "MultigresCluster":
		return &MultigresCluster{}
	case "DeploymentTemplate":
		return &DeploymentTemplate{}
	}
	panic("no sample kind " + kind)
}

func newHub(kind string) conversion.Hub {
	switch kind {
	case "MultigresCluster":
		return &v1beta1.MultigresCluster{}
	case "DeploymentTemplate":
		return &v1beta1.DeploymentTemplate{}
	}
	panic("no sample kind " + kind)
}

// specOf is an object's spec, whatever its kind, for comparison.
func specOf(obj any) any {
	switch o := obj.(type) {
	case *MultigresCluster:
		return o.Spec
	case *DeploymentTemplate:
		return o.Spec
	case *v1beta1.MultigresCluster:
		return o.Spec
	case *v1beta1.DeploymentTemplate:
		return o.Spec
	}
	panic("no spec")
}

// Every v1alpha1 sample converts to exactly the spec of its hand-written v1beta1 twin in
// config/samples (multigres_v1beta1_*.yaml), needing no conversion data, and the twin converts back to it.
func TestSamplesConvertToTheirV1beta1Twins(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(samplesDir, "multigres_v1alpha1_*.yaml"))
	serving, _ := filepath.Glob(filepath.Join(samplesDir, "serving", "multigres_v1alpha1_*.yaml"))
	files = append(files, serving...)
	if err != nil || len(files) < 6 {
		t.Fatalf("want the 6 v1alpha1 samples, got %v (%v)", files, err)
	}
	twins, _ := filepath.Glob(filepath.Join(samplesDir, "multigres_v1beta1_*.yaml"))
	servingTwins, _ := filepath.Glob(filepath.Join(samplesDir, "serving", "multigres_v1beta1_*.yaml"))
	twins = append(twins, servingTwins...)
	if len(twins) != len(files) {
		t.Errorf("%d v1beta1 samples for %d v1alpha1 samples", len(twins), len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			g := NewWithT(t)
			spoke := loadSample(t, file, newSpoke)
			twinFile := filepath.Join(filepath.Dir(file), strings.Replace(filepath.Base(file), "v1alpha1", "v1beta1", 1))
			twin := loadSample(t, twinFile, newHub)

			hub := newHub(spoke.GetObjectKind().GroupVersionKind().Kind)
			g.Expect(spoke.ConvertTo(hub)).To(Succeed())
			g.Expect(equality.Semantic.DeepEqual(specOf(hub), specOf(twin))).To(BeTrue(),
				"%s converts to\n%s\nnot to its twin %s", file, toYAML(specOf(hub)), twinFile)
			g.Expect(hub.(metav1.Object).GetAnnotations()).NotTo(HaveKey(v1beta1.ConversionDataAnnotation))
			g.Expect(hub.(metav1.Object).GetName()).To(Equal(twin.(metav1.Object).GetName()))

			back := newSpoke(spoke.GetObjectKind().GroupVersionKind().Kind)
			g.Expect(back.ConvertFrom(twin)).To(Succeed())
			g.Expect(equality.Semantic.DeepEqual(specOf(back), specOf(spoke))).To(BeTrue(),
				"%s converts back to\n%s", twinFile, toYAML(specOf(back)))
			g.Expect(back.(metav1.Object).GetAnnotations()).NotTo(HaveKey(v1beta1.ConversionDataAnnotation))
		})
	}
}

func toYAML(v any) string {
	out, _ := yaml.Marshal(v)
	return string(out)
}

// The design document's example, converted: pool names derived, topo servers as explicit
// unions, inline component fields under spec.
func TestDesignExampleConversion(t *testing.T) {
	g := NewWithT(t)
	spoke := loadSample(t, filepath.Join(samplesDir, "multigres_v1alpha1_multigrescluster.yaml"), newSpoke).(*MultigresCluster)
	hub := &v1beta1.MultigresCluster{}
	g.Expect(spoke.ConvertTo(hub)).To(Succeed())
	s := hub.Spec

	cells := map[string]v1beta1.CellConfigSpec{}
	for _, c := range s.Cells {
		cells[c.Name] = c.Spec
	}
	pools := map[string][]v1beta1.PoolConfig{}
	for _, tg := range s.Databases[0].Spec.TableGroups {
		pools[tg.Name] = tg.ShardTemplate.Pools
	}
	names := func(ps []v1beta1.PoolConfig) (out []string) {
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	storage := func(p *v1beta1.ShardPoolSpec) string {
		q := p.DataVolumeClaimTemplate.Resources.Requests[corev1.ResourceStorage]
		return q.String()
	}

	for _, tc := range []struct {
		what      string
		got, want any
	}{
		{"global topo server: managed, from the template, rootPath inside", s.GlobalTopoServer,
			&v1beta1.GlobalTopoServerConfig{Managed: &v1beta1.ManagedTopoServerConfig{RootPath: "/multigres/global", DeploymentTemplate: "standard-ha"}}},
		{"multiadmin: template only", s.MultiAdmin, &v1beta1.StatelessComponentConfig{DeploymentTemplate: "standard-ha"}},
		{"us-east-1 has no topoServer: explicitly global", cells["us-east-1"].TopoServer,
			&v1beta1.CellTopoServerConfig{Global: &v1beta1.UseGlobalTopoServer{}}},
		{"us-west-2 topoServer: managed with its rootPath", cells["us-west-2"].TopoServer,
			&v1beta1.CellTopoServerConfig{Managed: &v1beta1.ManagedTopoServerConfig{RootPath: "/multigres/us-west-2", DeploymentTemplate: "standard-ha"}}},
		{"us-east-1 multiorch: inline fields moved under spec", cells["us-east-1"].MultiOrch.DeploymentTemplate, ""},
		{"us-east-1 multiorch spec.replicas", cells["us-east-1"].MultiOrch.Spec.Replicas, ptr.To[int32](1)},
		{"us-east-1 multiorch spec.resources.limits.cpu", cells["us-east-1"].MultiOrch.Spec.Resources.Limits.Cpu().String(), "200m"},
		{"us-east-1 multigateway: template, overrides, no spec", cells["us-east-1"].MultiGateway.Spec, (*v1beta1.StatelessSpec)(nil)},
		{"us-east-1 multigateway overrides kept", cells["us-east-1"].MultiGateway.Overrides.Resources.Limits.Cpu().String(), "2"},
		{"default pool name", names(pools["default"]), []string{"replica-us-east-1"}},
		{"orders_tg pool names", names(pools["orders_tg"]), []string{"replica-us-west-2", "readonly-us-east-1"}},
		{"analytics_tg overrides stay on the named pool", storage(pools["analytics_tg"][0].Overrides), "1000Gi"},
		{"custom_tg inline pool under spec", pools["custom_tg"][0].Spec.Replicas, ptr.To[int32](2)},
		{"custom_tg inline volume under spec", storage(pools["custom_tg"][0].Spec), "75Gi"},
		{"custom_tg has no template", pools["custom_tg"][0].DeploymentTemplate, ""},
	} {
		g.Expect(tc.got).To(Equal(tc.want), tc.what)
	}
}
