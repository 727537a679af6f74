package v1alpha1

import (
	"cmp"
	"strings"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// v1alpha1 TopoServerConfig sets exactly one of deploymentTemplate, managedSpec and external,
// plus a rootPath beside them. v1beta1 has the union external | managed (| global for a
// cell), with rootPath inside the member.

// topoSourceTo converts the source of a topo server config. saved is set when a rootPath
// beside external cannot be told apart in v1beta1 (it folds into external.rootPath).
func topoSourceTo(in *TopoServerConfig, p *field.Path) (ext *v1beta1.ExternalTopoServerSpec,
	managed *v1beta1.ManagedTopoServerConfig, saved *savedRootPaths, errs field.ErrorList) {
	var set []string
	for _, f := range []struct {
		name  string
		isSet bool
	}{{"deploymentTemplate", in.DeploymentTemplate != ""}, {"managedSpec", in.ManagedSpec != nil}, {"external", in.External != nil}} {
		if f.isSet {
			set = append(set, f.name)
		}
	}
	switch {
	case len(set) == 0:
		return nil, nil, nil, field.ErrorList{field.Required(p, "one of deploymentTemplate, managedSpec or external "+
			"must be set (the v1alpha1 CRD requires it); cannot convert to a v1beta1 topo server union")}
	case len(set) > 1:
		return nil, nil, nil, field.ErrorList{field.Invalid(p, strings.Join(set, " and "), "only one of deploymentTemplate, "+
			"managedSpec or external may be set (the v1alpha1 CRD requires it); cannot convert to a v1beta1 topo server union")}
	}
	errs = overridesNeedTemplate(p, in.DeploymentTemplate, in.Overrides != nil)
	if in.External != nil {
		ext = (*v1beta1.ExternalTopoServerSpec)(in.External)
		if in.RootPath != "" {
			saved = &savedRootPaths{RootPath: in.RootPath, ExternalRootPath: ext.RootPath}
			ext.RootPath = cmp.Or(ext.RootPath, in.RootPath) // external.rootPath wins, as in resolve
		}
		return ext, nil, saved, errs
	}
	managed = &v1beta1.ManagedTopoServerConfig{RootPath: in.RootPath, DeploymentTemplate: in.DeploymentTemplate,
		Overrides: managedTopoTo(in.Overrides), Spec: managedTopoTo(in.ManagedSpec)}
	return nil, managed, nil, errs
}

// topoSourceFrom is the inverse of topoSourceTo. saved rootPaths apply only while the
// external topo server's effective root path is still the one they were saved with.
func topoSourceFrom(ext *v1beta1.ExternalTopoServerSpec, managed *v1beta1.ManagedTopoServerConfig,
	saved *savedRootPaths) *TopoServerConfig {
	out := &TopoServerConfig{}
	if managed != nil {
		out.RootPath = managed.RootPath
		out.DeploymentTemplate = managed.DeploymentTemplate
		out.Overrides = managedTopoFrom(managed.Overrides)
		out.ManagedSpec = managedTopoFrom(managed.Spec)
	}
	if ext != nil {
		out.External = (*ExternalTopoServerSpec)(ext)
		if saved != nil && managed == nil && ext.RootPath == cmp.Or(saved.ExternalRootPath, saved.RootPath) {
			out.RootPath, out.External.RootPath = saved.RootPath, saved.ExternalRootPath
		}
	}
	return out
}

func globalTopoTo(in *TopoServerConfig, p *field.Path, lost *conversionData) (*v1beta1.GlobalTopoServerConfig, field.ErrorList) {
	if in == nil {
		lost.GlobalTopoServerOmitted = true
		return defaultGlobalTopo(), nil
	}
	ext, managed, saved, errs := topoSourceTo(in, p)
	lost.GlobalRootPaths = saved
	return &v1beta1.GlobalTopoServerConfig{External: ext, Managed: managed}, errs
}

func globalTopoFrom(in *v1beta1.GlobalTopoServerConfig, saved *conversionData) *TopoServerConfig {
	if in == nil || saved.GlobalTopoServerOmitted && equality.Semantic.DeepEqual(in, defaultGlobalTopo()) {
		return nil
	}
	return topoSourceFrom(in.External, in.Managed, saved.GlobalRootPaths)
}

// defaultGlobalTopo is v1beta1's explicit form of an omitted v1alpha1 globalTopoServer.
func defaultGlobalTopo() *v1beta1.GlobalTopoServerConfig {
	return &v1beta1.GlobalTopoServerConfig{Managed: &v1beta1.ManagedTopoServerConfig{Spec: &v1beta1.ManagedTopoServerSpec{}}}
}

func cellTopoTo(cell string, in *TopoServerConfig, p *field.Path, lost *conversionData) (*v1beta1.CellTopoServerConfig, field.ErrorList) {
	if in == nil {
		return &v1beta1.CellTopoServerConfig{Global: &v1beta1.UseGlobalTopoServer{}}, nil
	}
	ext, managed, saved, errs := topoSourceTo(in, p)
	if saved != nil {
		if lost.CellRootPaths == nil {
			lost.CellRootPaths = map[string]savedRootPaths{}
		}
		lost.CellRootPaths[cell] = *saved
	}
	return &v1beta1.CellTopoServerConfig{External: ext, Managed: managed}, errs
}

// cellTopoFrom: `global: {}` (or nothing, which the CRD default makes global) is v1alpha1's
// omitted topoServer.
func cellTopoFrom(cell string, in *v1beta1.CellTopoServerConfig, saved *conversionData) *TopoServerConfig {
	if in == nil || in.External == nil && in.Managed == nil {
		return nil
	}
	var rp *savedRootPaths
	if s, ok := saved.CellRootPaths[cell]; ok {
		rp = &s
	}
	return topoSourceFrom(in.External, in.Managed, rp)
}
