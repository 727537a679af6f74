package resolve

import (
	"cmp"
	"math"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// resolver carries the inputs of one resolution and collects the references it could not
// follow.
type resolver struct {
	c         *v1beta1.MultigresCluster
	templates Templates
	errs      field.ErrorList
}

// statelessDefaults are the defaults of one Deployment-backed component.
type statelessDefaults struct {
	section   string
	get       func(*v1beta1.DeploymentTemplateSpec) *v1beta1.StatelessSpec
	replicas  int32
	resources corev1.ResourceRequirements
}

var (
	multiAdminDefaults = statelessDefaults{SectionMultiAdmin,
		func(s *v1beta1.DeploymentTemplateSpec) *v1beta1.StatelessSpec { return s.MultiAdmin },
		DefaultMultiAdminReplicas, DefaultMultiAdminResources}
	multiGatewayDefaults = statelessDefaults{SectionMultiGateway,
		func(s *v1beta1.DeploymentTemplateSpec) *v1beta1.StatelessSpec { return s.MultiGateway },
		DefaultMultiGatewayReplicas, DefaultMultiGatewayResources}
	multiOrchDefaults = statelessDefaults{SectionMultiOrch,
		func(s *v1beta1.DeploymentTemplateSpec) *v1beta1.StatelessSpec { return s.MultiOrch },
		DefaultMultiOrchReplicas, DefaultMultiOrchResources}
)

// stateless resolves multiadmin, multigateway or multiorch configured at path.
func (r *resolver) stateless(path *field.Path, cfg *v1beta1.StatelessComponentConfig, d statelessDefaults) v1beta1.StatelessSpec {
	var spec v1beta1.StatelessSpec
	if cfg != nil {
		if cfg.DeploymentTemplate != "" {
			if s := section(r, path, cfg.DeploymentTemplate, d.section, d.get); s != nil {
				spec = *s.DeepCopy()
			}
		} else if cfg.Spec != nil {
			spec = *cfg.Spec.DeepCopy()
		}
		spec = applyOverrides(r, path, spec, cfg.Overrides)
	}
	if spec.Replicas == nil {
		spec.Replicas = ptr(d.replicas)
	}
	spec.Resources = resources(spec.Resources, d.resources)
	return spec
}

// pool resolves one shard pool configured at path.
func (r *resolver) pool(path *field.Path, cfg *v1beta1.PoolConfig) v1beta1.PoolSpec {
	var spec v1beta1.ShardPoolSpec
	if cfg.DeploymentTemplate != "" {
		get := func(s *v1beta1.DeploymentTemplateSpec) *v1beta1.ShardPoolSpec { return s.ShardPool }
		if s := section(r, path, cfg.DeploymentTemplate, SectionShardPool, get); s != nil {
			spec = *s.DeepCopy()
		}
	} else if cfg.Spec != nil {
		spec = *cfg.Spec.DeepCopy()
	}
	spec = applyOverrides(r, path, spec, cfg.Overrides)

	if spec.Replicas == nil {
		spec.Replicas = ptr(DefaultPoolReplicas)
	}
	spec.DataVolumeClaimTemplate = Volume(spec.DataVolumeClaimTemplate, DefaultPoolStorage)
	spec.DataVolumeRetentionPolicy = retention(spec.DataVolumeRetentionPolicy)
	spec.Postgres = container(spec.Postgres, DefaultPostgresResources)
	spec.MultiPooler = container(spec.MultiPooler, DefaultMultiPoolerResources)
	return v1beta1.PoolSpec{Name: cfg.Name, Type: cfg.Type, Cell: cfg.Cell, ShardPoolSpec: spec}
}

func container(c *v1beta1.ContainerSpec, def corev1.ResourceRequirements) *v1beta1.ContainerSpec {
	if c == nil {
		c = &v1beta1.ContainerSpec{}
	}
	c.Resources = resources(c.Resources, def)
	return c
}

// applyOverrides merges overrides into spec, recording a (never expected) encoding failure.
func applyOverrides[T any](r *resolver, path *field.Path, spec T, overrides *T) T {
	merged, err := mergePatch(spec, overrides)
	if err != nil {
		r.errs = append(r.errs, field.InternalError(path.Child("overrides"), err))
		return spec
	}
	return merged
}

// resources fills an entirely empty block (no requests, no limits) with the defaults. res is
// owned by the caller's resolved spec.
func resources(res *corev1.ResourceRequirements, def corev1.ResourceRequirements) *corev1.ResourceRequirements {
	if res == nil {
		res = &corev1.ResourceRequirements{}
	}
	if len(res.Requests) == 0 && len(res.Limits) == 0 {
		res.Requests, res.Limits = def.Requests.DeepCopy(), def.Limits.DeepCopy()
	}
	return res
}

// Volume completes a data volume claim, in place: access modes and storage size if unset. v
// may be nil. Child builders use it too, for a child stored before the claim was resolved.
func Volume(v *corev1.PersistentVolumeClaimSpec, size resource.Quantity) *corev1.PersistentVolumeClaimSpec {
	if v == nil {
		v = &corev1.PersistentVolumeClaimSpec{}
	}
	if len(v.AccessModes) == 0 {
		v.AccessModes = append([]corev1.PersistentVolumeAccessMode(nil), DefaultAccessModes...)
	}
	if _, ok := v.Resources.Requests[corev1.ResourceStorage]; !ok {
		if v.Resources.Requests == nil {
			v.Resources.Requests = corev1.ResourceList{}
		}
		v.Resources.Requests[corev1.ResourceStorage] = size.DeepCopy()
	}
	return v
}

// retention fills the unset cases of a retention policy with Retain.
func retention(p *v1beta1.VolumeRetentionPolicy) *v1beta1.VolumeRetentionPolicy {
	if p == nil {
		p = &v1beta1.VolumeRetentionPolicy{}
	}
	p.WhenDeleted = cmp.Or(p.WhenDeleted, DefaultRetentionPolicy)
	p.WhenScaled = cmp.Or(p.WhenScaled, DefaultRetentionPolicy)
	return p
}

// DataDeletedWithOwner reports whether deleting pools' owner deletes all their data: there is
// some, and every pool's whenDeleted is Delete. What outlives the data's owner only when the
// data does (a shard's backup claim, the cluster's generated credentials) follows this rule.
func DataDeletedWithOwner(pools []v1beta1.PoolSpec) bool {
	for _, p := range pools {
		if p.DataVolumeRetentionPolicy == nil || p.DataVolumeRetentionPolicy.WhenDeleted != v1beta1.DeleteVolume {
			return false
		}
	}
	return len(pools) > 0
}

func ptr[T any](v T) *T { return &v }

// clampInt32 keeps an int64 sum within int32.
func clampInt32(v int64) int32 { return int32(min(v, math.MaxInt32)) }
