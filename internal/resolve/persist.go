package resolve

import (
	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Which defaults are persisted. The admission webhook calls these, so what a user reads back
// from the API server is what resolution (below them) would use anyway.

// DefaultCluster writes into the stored spec the defaults a user should see and that must not
// move under them when the operator is upgraded: shard counts, replica counts of inline
// components, etcd member counts (static bootstrap), root paths, volume sizes and access
// modes, pull policy, topology flags. Images and resources stay implicit (resolved at
// reconcile time from defaults.go) so an operator upgrade can move them.
// Anything a DeploymentTemplate may supply is left alone: filling it would hide the template.
func DefaultCluster(c *v1beta1.MultigresCluster) {
	s := &c.Spec
	if s.Images.ImagePullPolicy == "" {
		s.Images.ImagePullPolicy = DefaultImagePullPolicy
	}
	if s.TopologyReconciliation == nil {
		s.TopologyReconciliation = &v1beta1.TopologyReconciliation{}
	}
	setDefault(&s.TopologyReconciliation.RegisterCell, DefaultRegisterCell)
	setDefault(&s.TopologyReconciliation.PruneTablets, DefaultPruneTablets)

	if s.GlobalTopoServer == nil {
		s.GlobalTopoServer = &v1beta1.GlobalTopoServerConfig{
			Managed: &v1beta1.ManagedTopoServerConfig{Spec: &v1beta1.ManagedTopoServerSpec{}}}
	}
	defaultTopo(s.GlobalTopoServer.External, s.GlobalTopoServer.Managed, DefaultGlobalRootPath)
	defaultStatelessConfig(s.MultiAdmin, DefaultMultiAdminReplicas)

	for i := range s.Cells {
		cell := &s.Cells[i]
		defaultStatelessConfig(cell.Spec.MultiGateway, DefaultMultiGatewayReplicas)
		defaultStatelessConfig(cell.Spec.MultiOrch, DefaultMultiOrchReplicas)
		if t := cell.Spec.TopoServer; t != nil {
			defaultTopo(t.External, t.Managed, DefaultCellRootPath(cell.Name))
		}
	}
	for i := range s.Databases {
		for j := range s.Databases[i].Spec.TableGroups {
			tg := &s.Databases[i].Spec.TableGroups[j]
			setDefault(&tg.Partitioning.Shards, DefaultShards)
			for k := range tg.ShardTemplate.Pools {
				if pool := &tg.ShardTemplate.Pools[k]; pool.DeploymentTemplate == "" && pool.Spec != nil {
					DefaultShardPool(pool.Spec)
				}
			}
		}
	}
}

// DefaultTemplate fills each section a template has, with the same values resolution would
// use beneath it, so what a template means is visible in it.
func DefaultTemplate(t *v1beta1.DeploymentTemplate) {
	s := &t.Spec
	if s.ShardPool != nil {
		DefaultShardPool(s.ShardPool)
	}
	defaultStateless(s.MultiAdmin, DefaultMultiAdminReplicas)
	defaultStateless(s.MultiGateway, DefaultMultiGatewayReplicas)
	defaultStateless(s.MultiOrch, DefaultMultiOrchReplicas)
	if s.ManagedTopoServer != nil {
		defaultManagedTopo(s.ManagedTopoServer)
	}
}

// DefaultShardPool fills a pool's replicas and data volume.
func DefaultShardPool(p *v1beta1.ShardPoolSpec) {
	setDefault(&p.Replicas, DefaultPoolReplicas)
	p.DataVolumeClaimTemplate = Volume(p.DataVolumeClaimTemplate, DefaultPoolStorage)
}

// defaultTopo fills the root path of an external or inline managed topo server (a cell's
// global member has nothing to fill).
func defaultTopo(external *v1beta1.ExternalTopoServerSpec, managed *v1beta1.ManagedTopoServerConfig, root string) {
	switch {
	case external != nil:
		if external.RootPath == "" {
			external.RootPath = root
		}
	case managed != nil && managed.Spec != nil:
		if managed.Spec.RootPath == "" && managed.RootPath == "" {
			managed.RootPath = root
		}
		defaultManagedTopo(managed.Spec)
	}
	// A template's section may carry the root path: filling one here would hide it.
}

func defaultManagedTopo(m *v1beta1.ManagedTopoServerSpec) {
	setDefault(&m.Replicas, DefaultTopoServerReplicas)
	m.DataVolumeClaimTemplate = Volume(m.DataVolumeClaimTemplate, DefaultTopoServerStorage)
}

func defaultStatelessConfig(c *v1beta1.StatelessComponentConfig, replicas int32) {
	if c != nil && c.DeploymentTemplate == "" {
		defaultStateless(c.Spec, replicas)
	}
}

func defaultStateless(s *v1beta1.StatelessSpec, replicas int32) {
	if s != nil {
		setDefault(&s.Replicas, replicas)
	}
}

func setDefault[T any](p **T, v T) {
	if *p == nil {
		*p = &v
	}
}
