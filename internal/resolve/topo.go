package resolve

import (
	"cmp"
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1alpha1"
	"github.com/multigres/multigres-operator/internal/names"
)

// EtcdClientPort is the port of a managed etcd's client Service.
const EtcdClientPort = 2379

// globalTopo resolves spec.globalTopoServer: the managed TopoServer (nil when external) and
// the reference every child gets.
func (r *resolver) globalTopo() (*v1alpha1.TopoServer, v1alpha1.GlobalTopoServerRef) {
	cfg := r.c.Spec.GlobalTopoServer
	if cfg != nil && cfg.External != nil {
		return nil, v1alpha1.GlobalTopoServerRef{
			RootPath: cmp.Or(cfg.External.RootPath, cfg.RootPath, DefaultGlobalRootPath),
			Address:  cfg.External.Address,
		}
	}
	spec := r.managedTopo(field.NewPath("spec", "globalTopoServer"), cfg, DefaultGlobalRootPath)
	name := names.GlobalTopoServer(r.c.Name)
	client := names.TopoClientService(name)
	topo := &v1alpha1.TopoServer{
		TypeMeta:   typeMeta("TopoServer"),
		ObjectMeta: objectMeta(r.c.Namespace, name, r.labels(ComponentTopoServer, v1alpha1.LabelTopoScope, TopoScopeGlobal)),
		Spec:       spec,
	}
	return topo, v1alpha1.GlobalTopoServerRef{
		RootPath:          spec.RootPath,
		ClientServiceName: client,
		Address:           fmt.Sprintf("%s.%s.svc:%d", client, r.c.Namespace, EtcdClientPort),
	}
}

// cellTopo resolves a cell's topoServer: empty (use the global one), external, or a
// complete managed spec the Cell controller turns into a TopoServer.
func (r *resolver) cellTopo(path *field.Path, cell string, cfg *v1alpha1.TopoServerConfig) v1alpha1.CellTopoServerSpec {
	switch {
	case cfg == nil:
		return v1alpha1.CellTopoServerSpec{}
	case cfg.External != nil:
		return v1alpha1.CellTopoServerSpec{External: &v1alpha1.ExternalTopoServerSpec{
			Address:  cfg.External.Address,
			RootPath: cmp.Or(cfg.External.RootPath, cfg.RootPath, DefaultCellRootPath(cell)),
		}}
	}
	spec := r.managedTopo(path, cfg, DefaultCellRootPath(cell))
	return v1alpha1.CellTopoServerSpec{ManagedSpec: &spec}
}

// managedTopo resolves a managed etcd from its template or managedSpec, overrides and
// defaults. Root path: the config's rootPath, then the merged spec's, then defaultRoot.
func (r *resolver) managedTopo(path *field.Path, cfg *v1alpha1.TopoServerConfig, defaultRoot string) v1alpha1.TopoServerSpec {
	var m v1alpha1.ManagedTopoServerSpec
	var rootPath string
	if cfg != nil {
		rootPath = cfg.RootPath
		switch {
		case cfg.DeploymentTemplate != "":
			get := func(s *v1alpha1.DeploymentTemplateSpec) *v1alpha1.ManagedTopoServerSpec {
				return s.ManagedTopoServer
			}
			if s := section(r, path, cfg.DeploymentTemplate, SectionManagedTopoServer, get); s != nil {
				m = *s.DeepCopy()
			}
		case cfg.ManagedSpec != nil:
			m = *cfg.ManagedSpec.DeepCopy()
		}
		m = applyOverrides(r, path, m, cfg.Overrides)
	}
	// Converting through JSON copies every field the two types share, so a field added to
	// both is never dropped here.
	var spec v1alpha1.TopoServerSpec
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
	r.atLeast(path.Child("replicas"), spec.Replicas, 1, "must be at least 1; etcd wants an odd member count such as 1, 3 or 5")
	spec.Resources = *r.resources(path.Child("resources"), m.Resources, DefaultTopoServerResources)
	spec.DataVolumeClaimTemplate = r.volume(path.Child("dataVolumeClaimTemplate"), spec.DataVolumeClaimTemplate, DefaultTopoServerStorage)
	spec.DataVolumeRetentionPolicy = retention(spec.DataVolumeRetentionPolicy)
	return spec
}
