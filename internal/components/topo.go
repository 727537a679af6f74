package components

import (
	"path"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
)

// GlobalTopo is where a Multigres service finds the global topology.
type GlobalTopo struct {
	// Address is host:port of the etcd client endpoint, or a comma-separated list.
	Address string
	// Root is the cluster's root path, e.g. /multigres/global.
	Root string
}

// flags are the topology flags every Multigres service takes.
func (t GlobalTopo) flags() []string {
	return []string{
		flag("topo-global-server-addresses", t.Address),
		flag("topo-global-root", t.Root),
	}
}

// TopoFrom is the global topology of a child spec's reference. The cluster controller always
// fills in the address; a reference that names only the managed client Service still works.
func TopoFrom(ref v1beta1.GlobalTopoServerRef, namespace string) GlobalTopo {
	addr := ref.Address
	if addr == "" && ref.ClientServiceName != "" {
		addr = names.TopoClientAddress(ref.ClientServiceName, namespace)
	}
	return GlobalTopo{Address: addr, Root: ref.RootPath}
}

// CellTopology is where cell c's programs register, which its record in the global topology
// says: its own topo server (managed or external), else the global one under
// <global root>/<cell>, where upstream's registration CLI put it (so a cluster it registered
// keeps its poolers' records). own is false for the global one.
func CellTopology(c *v1beta1.Cell) (address, root string, own bool) {
	switch t := c.Spec.TopoServer; {
	case t != nil && t.Managed != nil:
		return names.TopoClientAddress(names.TopoClientService(c.Name), c.Namespace), t.Managed.RootPath, true
	case t != nil && t.External != nil:
		return t.External.Address, t.External.RootPath, true
	}
	global := TopoFrom(c.Spec.GlobalTopoServer, c.Namespace)
	return global.Address, path.Join(global.Root, c.Spec.Name), false
}
