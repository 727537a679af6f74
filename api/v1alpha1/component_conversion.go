package v1alpha1

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// A v1alpha1 component block holds its inline fields beside deploymentTemplate; v1beta1 holds
// them under spec, and requires exactly one of deploymentTemplate and spec. Without a
// template the inline fields become spec, even when all are empty (`spec: {}`), so the two
// shapes map one to one. What the v1alpha1 CRD forbids (a template with inline fields,
// overrides without a template) is an error rather than a guess.

func statelessTo(in *StatelessComponentConfig, p *field.Path) (*v1beta1.StatelessComponentConfig, field.ErrorList) {
	if in == nil {
		return nil, nil
	}
	out := &v1beta1.StatelessComponentConfig{DeploymentTemplate: in.DeploymentTemplate,
		Overrides: (*v1beta1.StatelessSpec)(in.Overrides)}
	inline := v1beta1.StatelessSpec(in.StatelessSpec)
	errs := overridesNeedTemplate(p, in.DeploymentTemplate, in.Overrides != nil)
	switch {
	case in.DeploymentTemplate == "":
		out.Spec = &inline
	case inline.Replicas != nil || inline.Resources != nil || inline.Affinity != nil:
		errs = append(errs, field.Forbidden(p, "deploymentTemplate and the inline fields replicas, resources or "+
			"affinity are both set, which the v1alpha1 CRD forbids; v1beta1 cannot tell which one applies"))
	}
	return out, errs
}

func statelessFrom(in *v1beta1.StatelessComponentConfig) *StatelessComponentConfig {
	if in == nil {
		return nil
	}
	out := &StatelessComponentConfig{DeploymentTemplate: in.DeploymentTemplate,
		Overrides: (*StatelessSpec)(in.Overrides)}
	if in.Spec != nil {
		out.StatelessSpec = StatelessSpec(*in.Spec)
	}
	return out
}

// poolTo converts one pool; name is given by the caller, which sees the whole list.
func poolTo(in PoolConfig, name string, p *field.Path) (v1beta1.PoolConfig, field.ErrorList) {
	out := v1beta1.PoolConfig{Name: name, Type: v1beta1.PoolType(in.Type), Cell: in.Cell,
		DeploymentTemplate: in.DeploymentTemplate, Overrides: shardPoolPtrTo(in.Overrides)}
	errs := overridesNeedTemplate(p, in.DeploymentTemplate, in.Overrides != nil)
	s := in.ShardPoolSpec
	switch {
	case in.DeploymentTemplate == "":
		out.Spec = ptr.To(shardPoolTo(s))
	case s.Replicas != nil || s.Affinity != nil || s.TopologySpreadConstraints != nil || s.DataVolumeClaimTemplate != nil ||
		s.Postgres != nil || s.MultiPooler != nil:
		errs = append(errs, field.Forbidden(p, "deploymentTemplate and inline pool fields are both set, which the "+
			"v1alpha1 CRD forbids; v1beta1 cannot tell which one applies"))
	case s.DataVolumeRetentionPolicy != nil:
		// The v1alpha1 CRD lets this one inline field sit beside a template (the resolver
		// ignores it); carry it so nothing is lost.
		out.Spec = ptr.To(shardPoolTo(s))
	}
	return out, errs
}

func poolFrom(in v1beta1.PoolConfig) PoolConfig {
	out := PoolConfig{Type: PoolType(in.Type), Cell: in.Cell, DeploymentTemplate: in.DeploymentTemplate,
		Overrides: shardPoolPtrFrom(in.Overrides)}
	if in.Spec != nil {
		out.ShardPoolSpec = shardPoolFrom(*in.Spec)
	}
	return out
}

func overridesNeedTemplate(p *field.Path, template string, overrides bool) field.ErrorList {
	if overrides && template == "" {
		return field.ErrorList{field.Forbidden(p.Child("overrides"),
			"overrides without a deploymentTemplate, which the v1alpha1 CRD forbids")}
	}
	return nil
}
