package validation

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// The CRD has the same rules as this file; these run where the CRD does not (the reconciler,
// tests).

// topoServerSources: the global and each cell's topo server are configured by exactly one
// member of their union; an external one has an address, a managed one one source.
func topoServerSources(c *v1beta1.MultigresCluster) field.ErrorList {
	var errs field.ErrorList
	if t := c.Spec.GlobalTopoServer; t != nil {
		p := field.NewPath("spec", "globalTopoServer")
		errs = append(errs, exactlyOne(p, member{"external", t.External != nil}, member{"managed", t.Managed != nil})...)
		errs = append(errs, topoMembers(p, t.External, t.Managed)...)
	}
	for i, cell := range c.Spec.Cells {
		if t := cell.Spec.TopoServer; t != nil {
			p := field.NewPath("spec", "cells").Index(i).Child("spec", "topoServer")
			errs = append(errs, exactlyOne(p, member{"global", t.Global != nil}, member{"external", t.External != nil},
				member{"managed", t.Managed != nil})...)
			errs = append(errs, topoMembers(p, t.External, t.Managed)...)
		}
	}
	return errs
}

// componentSources: multiadmin, each gateway and multiorch, and each pool are configured one
// way: a deploymentTemplate (plus overrides) or a spec.
func componentSources(c *v1beta1.MultigresCluster) field.ErrorList {
	spec := field.NewPath("spec")
	errs := component(spec.Child("multiadmin"), c.Spec.MultiAdmin)
	for i, cell := range c.Spec.Cells {
		p := spec.Child("cells").Index(i).Child("spec")
		errs = append(errs, component(p.Child("multigateway"), cell.Spec.MultiGateway)...)
		errs = append(errs, component(p.Child("multiorch"), cell.Spec.MultiOrch)...)
	}
	return append(errs, eachPool(c, func(p *field.Path, pool *v1beta1.PoolConfig) field.ErrorList {
		return source(p, pool.DeploymentTemplate, pool.Spec != nil, pool.Overrides != nil)
	})...)
}

func component(p *field.Path, cfg *v1beta1.StatelessComponentConfig) field.ErrorList {
	if cfg == nil {
		return nil
	}
	return source(p, cfg.DeploymentTemplate, cfg.Spec != nil, cfg.Overrides != nil)
}

func topoMembers(p *field.Path, external *v1beta1.ExternalTopoServerSpec, managed *v1beta1.ManagedTopoServerConfig) field.ErrorList {
	var errs field.ErrorList
	if external != nil && external.Address == "" {
		errs = append(errs, field.Required(p.Child("external", "address"),
			"the etcd client address, host:port (comma-separated for several)"))
	}
	if managed != nil {
		errs = append(errs, source(p.Child("managed"), managed.DeploymentTemplate, managed.Spec != nil, managed.Overrides != nil)...)
	}
	return errs
}

// source checks a component block: exactly one of deploymentTemplate and spec, and
// overrides only with a template.
func source(p *field.Path, template string, spec, overrides bool) field.ErrorList {
	errs := exactlyOne(p, member{"deploymentTemplate", template != ""}, member{"spec", spec})
	if template == "" && overrides {
		errs = append(errs, field.Forbidden(p.Child("overrides"),
			"overrides need a deploymentTemplate to apply to; without a template, put the settings in spec"))
	}
	return errs
}

// member is one member of a union, for exactlyOne.
type member struct {
	name string
	set  bool
}

// exactlyOne says so unless exactly one member is set.
func exactlyOne(p *field.Path, members ...member) field.ErrorList {
	var all, set []string
	for _, m := range members {
		all = append(all, m.name)
		if m.set {
			set = append(set, m.name)
		}
	}
	switch {
	case len(set) == 0:
		return field.ErrorList{field.Required(p, "set one of "+strings.Join(all, ", "))}
	case len(set) > 1:
		return field.ErrorList{field.Forbidden(p, fmt.Sprintf(
			"set exactly one of %s, not %s", strings.Join(all, ", "), strings.Join(set, " and ")))}
	}
	return nil
}
