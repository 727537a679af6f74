package v1alpha1

import (
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/apitesting/fuzzer"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	runtimeserializer "k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/utils/ptr"
	utilconversion "sigs.k8s.io/cluster-api/util/conversion"
	"sigs.k8s.io/randfill"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Round trips in both directions, 10,000 objects each (Cluster API's FuzzTestFunc): every
// v1alpha1 object the CRD accepts survives v1alpha1 -> v1beta1 -> v1alpha1, and every v1beta1
// object survives v1beta1 -> v1alpha1 -> v1beta1, equal to the last field.
func TestFuzzyConversion(t *testing.T) {
	scheme := runtime.NewScheme()
	if err := AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := v1beta1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	cases := map[string]utilconversion.FuzzTestFuncInput{
		"MultigresCluster":   {Hub: &v1beta1.MultigresCluster{}, Spoke: &MultigresCluster{}},
		"DeploymentTemplate": {Hub: &v1beta1.DeploymentTemplate{}, Spoke: &DeploymentTemplate{}},
		"TopoServer":         {Hub: &v1beta1.TopoServer{}, Spoke: &TopoServer{}},
		"Cell":               {Hub: &v1beta1.Cell{}, Spoke: &Cell{}},
		"TableGroup":         {Hub: &v1beta1.TableGroup{}, Spoke: &TableGroup{}},
		"Shard":              {Hub: &v1beta1.Shard{}, Spoke: &Shard{}},
	}
	for name, in := range cases {
		in.Scheme = scheme
		in.FuzzerFuncs = []fuzzer.FuzzerFuncs{validObjects, opaqueLeaves}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			utilconversion.FuzzTestFunc(in)(t)
		})
	}
}

// validObjects keeps fuzzed objects within what the CRDs accept (and, for v1beta1, default):
// exactly one source per component and topo server, unique list-map keys, pools named
// uniquely. Lists of pools get several entries sharing types and cells, so that derived names
// need their -2 suffixes and saved custom names are exercised.
func validObjects(_ runtimeserializer.CodecFactory) []interface{} {
	return []interface{}{
		// v1alpha1
		func(in *MultigresClusterSpec, c randfill.Continue) {
			c.FillNoCustom(in)
			in.Cells = make([]CellConfig, c.Intn(4))
			for i := range in.Cells {
				c.Fill(&in.Cells[i])
				in.Cells[i].Name = uniqueName(c, i)
			}
			in.Databases = make([]DatabaseConfig, c.Intn(3))
			for i := range in.Databases {
				c.Fill(&in.Databases[i])
				in.Databases[i].Name = uniqueName(c, i)
				tgs := make([]TableGroupConfig, c.Intn(3))
				for j := range tgs {
					c.Fill(&tgs[j])
					tgs[j].Name = uniqueName(c, j)
				}
				in.Databases[i].Spec.TableGroups = tgs
			}
		},
		func(in *TopoServerConfig, c randfill.Continue) {
			c.FillNoCustom(in)
			template, managed, external := in.DeploymentTemplate, in.ManagedSpec, in.External
			in.DeploymentTemplate, in.ManagedSpec, in.External = "", nil, nil
			switch c.Intn(3) {
			case 0:
				in.DeploymentTemplate = "t" + template
			case 1:
				in.ManagedSpec, in.Overrides = nonNil(c, managed), nil
			default:
				in.External, in.Overrides = nonNil(c, external), nil
			}
		},
		func(in *StatelessComponentConfig, c randfill.Continue) {
			c.FillNoCustom(in)
			if c.Bool() {
				in.DeploymentTemplate = "t" + in.DeploymentTemplate
				in.StatelessSpec = StatelessSpec{}
			} else {
				in.DeploymentTemplate, in.Overrides = "", nil
			}
		},
		func(in *PoolConfig, c randfill.Continue) {
			c.FillNoCustom(in)
			if c.Bool() {
				in.DeploymentTemplate = "t" + in.DeploymentTemplate
				// The v1alpha1 CRD lets dataVolumeRetentionPolicy sit beside a template.
				in.ShardPoolSpec = ShardPoolSpec{DataVolumeRetentionPolicy: in.DataVolumeRetentionPolicy}
			} else {
				in.DeploymentTemplate, in.Overrides = "", nil
			}
		},
		func(in *[]PoolConfig, c randfill.Continue) {
			*in = fillList[PoolConfig](c)
			for i := range *in {
				(*in)[i].Type, (*in)[i].Cell = poolKey(c)
			}
		},
		func(in *[]PoolSpec, c randfill.Continue) {
			*in = fillList[PoolSpec](c)
			for i := range *in {
				(*in)[i].Type, (*in)[i].Cell = poolKey(c)
			}
		},
		func(in *CellTopoServerSpec, c randfill.Continue) {
			c.FillNoCustom(in)
			if in.External != nil && in.ManagedSpec != nil {
				if c.Bool() {
					in.External = nil
				} else {
					in.ManagedSpec = nil
				}
			}
		},
		maybeNil[TopoServerConfig], maybeNil[StatelessComponentConfig],
		func(in *metav1.ConditionStatus, c randfill.Continue) {
			statuses := []metav1.ConditionStatus{"", metav1.ConditionTrue, metav1.ConditionFalse, metav1.ConditionUnknown}
			if i := c.Intn(len(statuses) + 1); i < len(statuses) {
				*in = statuses[i]
			} else {
				*in = metav1.ConditionStatus(c.String(0))
			}
		},

		// v1beta1
		func(in *v1beta1.MultigresClusterSpec, c randfill.Continue) {
			c.FillNoCustom(in)
			in.GlobalTopoServer = nonNil(c, in.GlobalTopoServer) // the CRD defaults it
			in.Cells = make([]v1beta1.CellConfig, c.Intn(4))
			for i := range in.Cells {
				c.Fill(&in.Cells[i])
				in.Cells[i].Name = uniqueName(c, i)
			}
			in.Databases = make([]v1beta1.DatabaseConfig, c.Intn(3))
			for i := range in.Databases {
				c.Fill(&in.Databases[i])
				in.Databases[i].Name = uniqueName(c, i)
				tgs := make([]v1beta1.TableGroupConfig, c.Intn(3))
				for j := range tgs {
					c.Fill(&tgs[j])
					tgs[j].Name = uniqueName(c, j)
				}
				in.Databases[i].Spec.TableGroups = tgs
			}
		},
		maybeNil[v1beta1.StatelessComponentConfig],
		func(in *v1beta1.GlobalTopoServerConfig, c randfill.Continue) {
			c.FillNoCustom(in)
			if c.Bool() {
				in.External, in.Managed = nonNil(c, in.External), nil
			} else {
				in.External, in.Managed = nil, nonNil(c, in.Managed)
			}
		},
		func(in *v1beta1.CellConfigSpec, c randfill.Continue) {
			c.FillNoCustom(in)
			in.TopoServer = nonNil(c, in.TopoServer) // the CRD defaults it
		},
		func(in *v1beta1.CellTopoServerConfig, c randfill.Continue) {
			c.FillNoCustom(in)
			g, e, m := in.Global, in.External, in.Managed
			*in = v1beta1.CellTopoServerConfig{}
			switch c.Intn(3) {
			case 0:
				in.Global = nonNil(c, g)
			case 1:
				in.External = nonNil(c, e)
			default:
				in.Managed = nonNil(c, m)
			}
		},
		func(in *v1beta1.ManagedTopoServerConfig, c randfill.Continue) {
			c.FillNoCustom(in)
			if c.Bool() {
				in.DeploymentTemplate, in.Spec = "t"+in.DeploymentTemplate, nil
			} else {
				in.DeploymentTemplate, in.Overrides, in.Spec = "", nil, nonNil(c, in.Spec)
			}
		},
		func(in *v1beta1.StatelessComponentConfig, c randfill.Continue) {
			c.FillNoCustom(in)
			if c.Bool() {
				in.DeploymentTemplate, in.Spec = "t"+in.DeploymentTemplate, nil
			} else {
				in.DeploymentTemplate, in.Overrides, in.Spec = "", nil, nonNil(c, in.Spec)
			}
		},
		func(in *v1beta1.PoolConfig, c randfill.Continue) {
			c.FillNoCustom(in)
			if c.Bool() {
				in.DeploymentTemplate, in.Spec = "t"+in.DeploymentTemplate, nil
			} else {
				in.DeploymentTemplate, in.Overrides, in.Spec = "", nil, nonNil(c, in.Spec)
			}
		},
		func(in *[]v1beta1.PoolConfig, c randfill.Continue) {
			*in = fillList[v1beta1.PoolConfig](c)
			names := poolNames(c, len(*in))
			for i := range *in {
				t, cell := poolKey(c)
				(*in)[i].Type, (*in)[i].Cell, (*in)[i].Name = v1beta1.PoolType(t), cell, names[i]
			}
		},
		func(in *[]v1beta1.PoolSpec, c randfill.Continue) {
			*in = fillList[v1beta1.PoolSpec](c)
			names := poolNames(c, len(*in))
			for i := range *in {
				t, cell := poolKey(c)
				(*in)[i].Type, (*in)[i].Cell, (*in)[i].Name = v1beta1.PoolType(t), cell, names[i]
			}
		},
		func(in *v1beta1.CellSpec, c randfill.Continue) {
			c.FillNoCustom(in)
			in.TopoServer = nonNil(c, in.TopoServer) // the CRD defaults it
		},
		func(in *v1beta1.CellTopoServerSpec, c randfill.Continue) {
			c.FillNoCustom(in)
			g, e, m := in.Global, in.External, in.Managed
			*in = v1beta1.CellTopoServerSpec{}
			switch c.Intn(3) {
			case 0:
				in.Global = nonNil(c, g)
			case 1:
				in.External = nonNil(c, e)
			default:
				in.Managed = nonNil(c, m)
			}
		},
	}
}

// opaqueLeaves fills the Kubernetes types that conversion copies as whole values (metadata
// aside from annotations, affinity, resources, volume claims) with small random values
// instead of every field, which is where most of the test's time went. Each still varies
// between objects, so a value dropped or swapped by conversion is caught.
func opaqueLeaves(_ runtimeserializer.CodecFactory) []interface{} {
	return []interface{}{
		func(in *metav1.ObjectMeta, c randfill.Continue) {
			in.Name, in.Namespace, in.Generation = c.String(10), c.String(10), c.Int63()
			if c.Bool() {
				in.Labels = map[string]string{c.String(5): c.String(5)}
			}
			if c.Bool() {
				in.Annotations = map[string]string{c.String(5): c.String(5), c.String(5): c.String(5)}
			}
		},
		func(in *corev1.Affinity, c randfill.Continue) {
			in.PodAntiAffinity = &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
				{Weight: c.Int31n(100), PodAffinityTerm: corev1.PodAffinityTerm{TopologyKey: c.String(10)}}}}
		},
		func(in *corev1.ResourceRequirements, c randfill.Continue) {
			if c.Bool() {
				in.Requests = corev1.ResourceList{corev1.ResourceCPU: *resource.NewMilliQuantity(c.Int63n(4000), resource.DecimalSI)}
			}
			if c.Bool() {
				in.Limits = corev1.ResourceList{corev1.ResourceMemory: *resource.NewQuantity(c.Int63n(1<<34), resource.BinarySI)}
			}
		},
		func(in *corev1.PersistentVolumeClaimSpec, c randfill.Continue) {
			in.AccessModes = []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}
			in.Resources.Requests = corev1.ResourceList{corev1.ResourceStorage: *resource.NewQuantity(c.Int63n(1<<40), resource.BinarySI)}
			if c.Bool() {
				in.StorageClassName = ptr.To(c.String(10))
			}
		},
		maybeNil[corev1.Affinity], maybeNil[corev1.ResourceRequirements], maybeNil[corev1.PersistentVolumeClaimSpec],
	}
}

// maybeNil fills a *T field: nil half the time, else through T's fill function. randfill
// calls a type's custom function for pointer fields too, always allocating, so without this
// such fields would never be nil.
func maybeNil[T any](in **T, c randfill.Continue) {
	if c.Bool() {
		*in = nil
		return
	}
	*in = new(T)
	c.Fill(*in)
}

// nonNil returns p, or a freshly filled value if p is nil.
func nonNil[T any](c randfill.Continue, p *T) *T {
	if p == nil {
		p = new(T)
		c.Fill(p)
	}
	return p
}

// fillList makes a nil or 1-4 element list of filled values.
func fillList[T any](c randfill.Continue) []T {
	if c.Intn(5) == 0 {
		return nil
	}
	out := make([]T, 1+c.Intn(4))
	for i := range out {
		c.Fill(&out[i])
	}
	return out
}

// uniqueName is a random list-map key made unique by its index.
func uniqueName(c randfill.Continue, i int) string {
	return c.String(8) + "-" + strconv.Itoa(i)
}

// poolKey picks a pool type and cell from small sets, so lists repeat them, including a
// cell that looks like a derived suffix ("a-2") and one that differs only in case.
func poolKey(c randfill.Continue) (PoolType, string) {
	types := []PoolType{PoolTypeReplica, PoolTypeReadOnly}
	cells := []string{"a", "A", "b", "a-2", "2"}
	return types[c.Intn(len(types))], cells[c.Intn(len(cells))]
}

// poolNames are n unique names, often ones derivation would give (in another order).
func poolNames(c randfill.Continue, n int) []string {
	candidates := []string{"replica-a", "replica-a-2", "replica-a-3", "readonly-a", "replica-b", "readonly-b-2"}
	names := make([]string, n)
	taken := map[string]bool{}
	for i := range names {
		name := c.String(10) + "-" + strconv.Itoa(i)
		if k := c.Intn(len(candidates) + 2); k < len(candidates) && !taken[candidates[k]] {
			name = candidates[k]
		}
		taken[name], names[i] = true, name
	}
	return names
}
