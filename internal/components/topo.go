package components

import (
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
