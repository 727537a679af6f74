package resolve

import (
	"testing"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Inline specs, with no template at all, resolve like template sections.
func TestInlineOnly(t *testing.T) {
	c := cluster(t, `
globalTopoServer:
  managedSpec: {image: etcd:x, replicas: 1, rootPath: /inline/global}
multiadmin: {replicas: 2}
cells:
- name: z
  spec:
    multigateway: {replicas: 4, resources: {requests: {cpu: "1"}, limits: {cpu: "2"}}}
    topoServer:
      managedSpec: {rootPath: /multigres/zz, replicas: 5, dataVolumeClaimTemplate: {resources: {requests: {storage: 5Gi}}}}
databases:
- name: d
  spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z, replicas: 1, postgres: {resources: {requests: {memory: 1Gi}}}}]}}]}
`)
	r := resolveOK(t, c, map[string]*v1beta1.DeploymentTemplate{})
	if s := r.GlobalTopoServer.Spec; s.Image != "etcd:x" || s.Replicas != 1 || s.RootPath != "/inline/global" {
		t.Errorf("global topo %+v", s)
	}
	if *r.MultiAdmin.Spec.Replicas != 2 {
		t.Errorf("multiadmin replicas %d", *r.MultiAdmin.Spec.Replicas)
	}
	gw := r.Cells[0].Spec.MultiGateway
	if *gw.Replicas != 4 || gw.Affinity != nil {
		t.Errorf("gateway %+v", gw)
	}
	expectEqual(t, "gateway resources", gw.Resources, res("cpu=1", "cpu=2"))
	local := r.Cells[0].Spec.TopoServer.Managed
	if local == nil || local.RootPath != "/multigres/zz" || local.Replicas != 5 || local.Image != DefaultEtcdImage ||
		local.DataVolumeClaimTemplate.Resources.Requests.Storage().String() != "5Gi" {
		t.Errorf("local topo %+v", local)
	}
	pool := r.TableGroups[0].Spec.ShardTemplate.Pools[0]
	expectEqual(t, "postgres", pool.Postgres.Resources, res("memory=1Gi", ""))
	expectEqual(t, "multipooler", pool.MultiPooler.Resources, &DefaultMultiPoolerResources)
}

// Root path of a managed topo server: the config's rootPath, then the spec's, then default.
func TestManagedRootPath(t *testing.T) {
	tm := templates(t, map[string]string{"t": `managedTopoServer: {rootPath: /from/template}`, "u": `managedTopoServer: {replicas: 1}`})
	for _, tt := range []struct{ cfg, want string }{
		{`{deploymentTemplate: t, rootPath: /from/config}`, "/from/config"},
		{`{deploymentTemplate: t}`, "/from/template"},
		{`{deploymentTemplate: t, overrides: {rootPath: /from/overrides}}`, "/from/overrides"},
		{`{deploymentTemplate: u}`, "/multigres/z"},
		{`{managedSpec: {rootPath: /from/inline}}`, "/from/inline"},
		{`{managedSpec: {rootPath: /from/inline}, rootPath: /from/config}`, "/from/config"},
		{`{managedSpec: {replicas: 1}}`, "/multigres/z"},
	} {
		c := cluster(t, `{cells: [{name: z, spec: {topoServer: `+tt.cfg+`}}], globalTopoServer: `+tt.cfg+`}`)
		r := resolveOK(t, c, tm)
		if got := r.Cells[0].Spec.TopoServer.Managed.RootPath; got != tt.want {
			t.Errorf("cell %s: root path %q, want %q", tt.cfg, got, tt.want)
		}
		want := tt.want
		if want == "/multigres/z" {
			want = "/multigres/global"
		}
		if got := r.GlobalTopoServer.Spec.RootPath; got != want || r.GlobalTopo.RootPath != want {
			t.Errorf("global %s: root path %q, want %q", tt.cfg, got, want)
		}
	}
}

func TestExternalGlobalTopo(t *testing.T) {
	for _, tt := range []struct{ cfg, want string }{
		{`{external: {address: "etcd:2379", rootPath: /ext}, rootPath: /cfg}`, "/ext"},
		{`{external: {address: "etcd:2379"}, rootPath: /cfg}`, "/cfg"},
		{`{external: {address: "etcd:2379"}}`, "/multigres/global"},
	} {
		c := cluster(t, `{cells: [{name: z}], databases: [{name: d, spec: {tablegroups: [{name: g, shardTemplate: {pools: [{type: replica, cell: z}]}}]}}], globalTopoServer: `+tt.cfg+`}`)
		r := resolveOK(t, c, nil)
		if r.GlobalTopoServer != nil {
			t.Errorf("%s: a TopoServer for an external etcd", tt.cfg)
		}
		want := v1beta1.GlobalTopoServerRef{RootPath: tt.want, Address: "etcd:2379"}
		expectEqual(t, tt.cfg, r.GlobalTopo, want)
		expectEqual(t, "cell ref", r.Cells[0].Spec.GlobalTopoServer, want)
		expectEqual(t, "table group ref", r.TableGroups[0].Spec.GlobalTopoServer, want)
	}
}

func TestExternalCellTopo(t *testing.T) {
	c := cluster(t, `
cells:
- {name: a, spec: {topoServer: {external: {address: "x:2379", rootPath: /x}}}}
- {name: b, spec: {topoServer: {external: {address: "y:2379"}}}}
- {name: c, spec: {topoServer: {external: {address: "y:2379"}, rootPath: /cfg}}}
- {name: d}
`)
	r := resolveOK(t, c, nil)
	for i, want := range []*v1beta1.CellTopoServerSpec{
		{External: &v1beta1.ExternalTopoServerSpec{Address: "x:2379", RootPath: "/x"}},
		{External: &v1beta1.ExternalTopoServerSpec{Address: "y:2379", RootPath: "/multigres/b"}},
		{External: &v1beta1.ExternalTopoServerSpec{Address: "y:2379", RootPath: "/cfg"}},
		{Global: &v1beta1.UseGlobalTopoServer{}},
	} {
		expectEqual(t, r.Cells[i].Spec.Name, r.Cells[i].Spec.TopoServer, want)
		if CellTopoServer(&r.Cells[i]) != nil {
			t.Errorf("%s: a TopoServer for an external or global topo", r.Cells[i].Spec.Name)
		}
	}
}
