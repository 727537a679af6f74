package resolve

import (
	"cmp"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
)

// globalTopo resolves spec.globalTopoServer: the managed TopoServer (nil when external) and
// the reference every child gets.
func (r *resolver) globalTopo() (*v1beta1.TopoServer, v1beta1.GlobalTopoServerRef) {
	cfg := r.c.Spec.GlobalTopoServer
	var managed *v1beta1.ManagedTopoServerConfig
	if cfg != nil {
		if cfg.External != nil {
			return nil, v1beta1.GlobalTopoServerRef{
				RootPath: cmp.Or(cfg.External.RootPath, DefaultGlobalRootPath),
				Address:  cfg.External.Address,
			}
		}
		managed = cfg.Managed
	}
	spec := r.managedTopo(field.NewPath("spec", "globalTopoServer", "managed"), managed, DefaultGlobalRootPath)
	name := names.GlobalTopoServer(r.c.Name)
	client := names.TopoClientService(name)
	topo := &v1beta1.TopoServer{
		TypeMeta:   typeMeta("TopoServer"),
		ObjectMeta: objectMeta(r.c.Namespace, name, r.labels(names.ComponentTopoServer, v1beta1.LabelTopoScope, names.TopoScopeGlobal)),
		Spec:       spec,
	}
	return topo, v1beta1.GlobalTopoServerRef{
		RootPath:          spec.RootPath,
		ClientServiceName: client,
		Address:           names.TopoClientAddress(client, r.c.Namespace),
	}
}

// cellTopo resolves a cell's topoServer: global (also when unset), external, or a complete
// managed spec the Cell controller turns into a TopoServer.
func (r *resolver) cellTopo(path *field.Path, cell string, cfg *v1beta1.CellTopoServerConfig) *v1beta1.CellTopoServerSpec {
	switch {
	case cfg == nil || (cfg.External == nil && cfg.Managed == nil):
		return &v1beta1.CellTopoServerSpec{Global: &v1beta1.UseGlobalTopoServer{}}
	case cfg.External != nil:
		return &v1beta1.CellTopoServerSpec{External: &v1beta1.ExternalTopoServerSpec{
			Address:  cfg.External.Address,
			RootPath: cmp.Or(cfg.External.RootPath, DefaultCellRootPath(cell)),
		}}
	}
	spec := r.managedTopo(path.Child("managed"), cfg.Managed, DefaultCellRootPath(cell))
	return &v1beta1.CellTopoServerSpec{Managed: &spec}
}

// managedTopo resolves a managed etcd from its template or spec, overrides and defaults
// (cfg nil: all defaults). Root path: the config's rootPath, then the merged spec's, then
// defaultRoot.
func (r *resolver) managedTopo(path *field.Path, cfg *v1beta1.ManagedTopoServerConfig, defaultRoot string) v1beta1.TopoServerSpec {
	var m v1beta1.ManagedTopoServerSpec
	var rootPath string
	if cfg != nil {
		rootPath = cfg.RootPath
		switch {
		case cfg.DeploymentTemplate != "":
			get := func(s *v1beta1.DeploymentTemplateSpec) *v1beta1.ManagedTopoServerSpec {
				return s.ManagedTopoServer
			}
			if s := section(r, path, cfg.DeploymentTemplate, SectionManagedTopoServer, get); s != nil {
				m = *s.DeepCopy()
			}
		case cfg.Spec != nil:
			m = *cfg.Spec.DeepCopy()
		}
		m = applyOverrides(r, path, m, cfg.Overrides)
	}
	// Converting through JSON copies every field the two types share, so a field added to
	// both is never dropped here.
	var spec v1beta1.TopoServerSpec
	if err := roundTrip(m, &spec); err != nil {
		r.errs = append(r.errs, field.InternalError(path, err))
	}
	spec.RootPath = cmp.Or(rootPath, m.RootPath, defaultRoot)
	spec.Image = cmp.Or(m.Image, DefaultEtcdImage)
	spec.ImagePullPolicy = cmp.Or(m.ImagePullPolicy, DefaultImagePullPolicy)
	spec.Replicas = DefaultTopoServerReplicas
	if m.Replicas != nil {
		spec.Replicas = *m.Replicas
	}
	spec.Resources = *resources(m.Resources, DefaultTopoServerResources)
	spec.DataVolumeClaimTemplate = Volume(spec.DataVolumeClaimTemplate, DefaultTopoServerStorage)
	spec.DataVolumeRetentionPolicy = retention(spec.DataVolumeRetentionPolicy)
	return spec
}
