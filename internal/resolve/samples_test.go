package resolve

import (
	"testing"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

const example = "example-multigres-cluster"

// The design document's example, from config/samples, resolves to what the document shows.
func TestSamplesResolve(t *testing.T) {
	c, tmpls := loadSamples(t)
	r := resolveOK(t, c, tmpls)

	global := v1beta1.GlobalTopoServerRef{
		RootPath:          "/multigres/global",
		ClientServiceName: example + "-global-client",
		Address:           example + "-global-client.example.svc:2379",
	}
	expectEqual(t, "global topo ref", r.GlobalTopo, global)

	if r.GlobalTopoServer == nil {
		t.Fatal("no global TopoServer")
	}
	topo := r.GlobalTopoServer
	if topo.Name != example+"-global" || topo.Namespace != "example" || topo.Kind != "TopoServer" {
		t.Errorf("global TopoServer is %s/%s %s", topo.Namespace, topo.Name, topo.Kind)
	}
	expectEqual(t, "global TopoServer labels", topo.Labels, map[string]string{
		"multigres.com/cluster": example, "multigres.com/topo-scope": "global",
		"app.kubernetes.io/name": "multigres", "app.kubernetes.io/instance": example,
		"app.kubernetes.io/component": "topo-server", "app.kubernetes.io/managed-by": "multigres-operator",
		"app.kubernetes.io/part-of": "multigres",
	})
	wantTopo := v1beta1.TopoServerSpec{}
	decode(t, `
rootPath: /multigres/global
image: quay.io/coreos/etcd:v3.5.17
imagePullPolicy: IfNotPresent
imagePullSecrets: [{name: my-registry-secret}]
replicas: 3
resources: {requests: {cpu: 200m, memory: 256Mi}, limits: {cpu: "1", memory: 1Gi}}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        labelSelector: {matchLabels: {app.kubernetes.io/component: topo-server}}
        topologyKey: kubernetes.io/hostname
    - weight: 50
      podAffinityTerm:
        labelSelector: {matchLabels: {app.kubernetes.io/component: topo-server}}
        topologyKey: topology.kubernetes.io/zone
dataVolumeClaimTemplate:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 10Gi}}
dataVolumeRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}
`, &wantTopo)
	expectEqual(t, "global TopoServer spec", topo.Spec, wantTopo)

	ma := r.MultiAdmin
	if ma.Name != example+"-multiadmin" || ma.Namespace != "example" || ma.Image != "multigres/multigres:latest" ||
		ma.ImagePullPolicy != "IfNotPresent" || len(ma.ImagePullSecrets) != 1 || ma.Labels["app.kubernetes.io/component"] != "multiadmin" {
		t.Errorf("multiadmin: %+v", ma)
	}
	if *ma.Spec.Replicas != 1 || ma.Spec.Affinity == nil {
		t.Errorf("multiadmin spec: %+v", ma.Spec)
	}
	expectEqual(t, "multiadmin resources", ma.Spec.Resources, res("cpu=100m,memory=128Mi", "cpu=200m,memory=256Mi"))

	if len(r.Cells) != 2 {
		t.Fatalf("%d cells, want 2", len(r.Cells))
	}
	east, west := r.Cells[0], r.Cells[1]
	if east.Name != example+"-us-east-1" || west.Name != example+"-us-west-2" || east.Namespace != "example" {
		t.Errorf("cell names %s, %s", east.Name, west.Name)
	}
	expectEqual(t, "us-east-1 labels", east.Labels, map[string]string{
		"multigres.com/cluster": example, "multigres.com/cell": "us-east-1",
		"app.kubernetes.io/name": "multigres", "app.kubernetes.io/instance": example,
		"app.kubernetes.io/component": "cell", "app.kubernetes.io/managed-by": "multigres-operator",
		"app.kubernetes.io/part-of": "multigres",
	})
	wantEast := v1beta1.CellSpec{}
	decode(t, `
name: us-east-1
images:
  imagePullPolicy: IfNotPresent
  imagePullSecrets: [{name: my-registry-secret}]
  multigateway: multigres/multigres:latest
  multiorch: multigres/multigres:latest
multigateway:
  replicas: 2
  resources: {requests: {cpu: 500m, memory: 512Mi}, limits: {cpu: "2", memory: 1Gi}}
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          labelSelector: {matchLabels: {app.kubernetes.io/component: multigateway}}
          topologyKey: kubernetes.io/hostname
      - weight: 50
        podAffinityTerm:
          labelSelector: {matchLabels: {app.kubernetes.io/component: multigateway}}
          topologyKey: topology.kubernetes.io/zone
multiorch:
  replicas: 1
  resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 200m, memory: 256Mi}}
globalTopoServer:
  rootPath: /multigres/global
  clientServiceName: example-multigres-cluster-global-client
  address: example-multigres-cluster-global-client.example.svc:2379
topoServer: {global: {}}
allCells: [us-east-1, us-west-2]
watchTargets: [production_db/analytics_tg, production_db/default, production_db/orders_tg]
topologyReconciliation: {registerCell: true, pruneTablets: true}
`, &wantEast)
	expectEqual(t, "us-east-1 spec", east.Spec, wantEast)

	// us-west-2: everything from standard-ha, and a managed local topo server.
	if *west.Spec.MultiGateway.Replicas != 2 || *west.Spec.MultiOrch.Replicas != 1 || west.Spec.MultiOrch.Affinity == nil {
		t.Errorf("us-west-2 components: %+v %+v", west.Spec.MultiGateway, west.Spec.MultiOrch)
	}
	expectEqual(t, "us-west-2 gateway resources", west.Spec.MultiGateway.Resources, res("cpu=500m,memory=512Mi", "cpu=1,memory=1Gi"))
	local := west.Spec.TopoServer.Managed
	if local == nil || west.Spec.TopoServer.External != nil {
		t.Fatalf("us-west-2 topo server: %+v", west.Spec.TopoServer)
	}
	wantLocal := *wantTopo.DeepCopy()
	wantLocal.RootPath = "/multigres/us-west-2"
	expectEqual(t, "us-west-2 local topo server", *local, wantLocal)
	expectEqual(t, "us-west-2 global ref", west.Spec.GlobalTopoServer, global)
	if lt := CellTopoServer(&west); lt == nil || lt.Name != example+"-us-west-2" ||
		lt.Labels["multigres.com/topo-scope"] != "cell" || lt.Labels["multigres.com/cell"] != "us-west-2" ||
		lt.Labels["app.kubernetes.io/component"] != "topo-server" || lt.Spec.RootPath != "/multigres/us-west-2" {
		t.Errorf("us-west-2 TopoServer: %+v", lt)
	}
	if CellTopoServer(&east) != nil {
		t.Error("us-east-1 has a local TopoServer; it uses the global one")
	}

	// Table groups.
	wantNames := []string{"default", "orders-tg", "analytics-tg", "custom-tg"}
	if len(r.TableGroups) != len(wantNames) {
		t.Fatalf("%d table groups, want %d", len(r.TableGroups), len(wantNames))
	}
	for i, tg := range r.TableGroups {
		if want := example + "-production-db-" + wantNames[i]; tg.Name != want || tg.Namespace != "example" {
			t.Errorf("table group %d is %s/%s, want example/%s", i, tg.Namespace, tg.Name, want)
		}
		if tg.Labels["multigres.com/database"] != "production_db" || tg.Labels["app.kubernetes.io/component"] != "tablegroup" ||
			tg.Labels["multigres.com/cluster"] != example {
			t.Errorf("table group %s labels %v", tg.Name, tg.Labels)
		}
		expectEqual(t, tg.Name+" global ref", tg.Spec.GlobalTopoServer, global)
	}
	images := `
postgresCredentialsSecret: example-multigres-cluster-postgres-credentials
images:
  imagePullPolicy: IfNotPresent
  imagePullSecrets: [{name: my-registry-secret}]
  multipooler: multigres/multigres:latest
  postgres: postgres:15.3
globalTopoServer:
  rootPath: /multigres/global
  clientServiceName: example-multigres-cluster-global-client
  address: example-multigres-cluster-global-client.example.svc:2379
backup:
  filesystem: {volumeClaimTemplate: {accessModes: [ReadWriteMany], resources: {requests: {storage: 10Gi}}}}
  schedule: {full: "0 0 * * *", verify: "0 3 * * 0"}
  retention: {fullBackups: 7}
`
	defaultHA := `
    replicas: 3
    affinity:
      podAntiAffinity:
        preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm:
            labelSelector: {matchLabels: {app.kubernetes.io/component: shard-pool}}
            topologyKey: kubernetes.io/hostname
    multipooler: {resources: {requests: {cpu: 500m, memory: 256Mi}, limits: {cpu: "1", memory: 512Mi}}}
`
	want := map[string]string{
		"default": `
databaseName: production_db
tableGroupName: default
partitioning: {shards: 1}
shardTemplate:
  pools:
  - name: replica-us-east-1
    type: replica
    cell: us-east-1
    dataVolumeClaimTemplate: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 100Gi}}}
    dataVolumeRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}
    postgres: {resources: {requests: {cpu: "2", memory: 4Gi}, limits: {cpu: "4", memory: 8Gi}}}` + defaultHA,
		// The document's TableGroup example: requests without limits stay without limits.
		"orders_tg": `
databaseName: production_db
tableGroupName: orders_tg
partitioning: {shards: 2}
shardTemplate:
  pools:
  - name: replica-us-west-2
    type: replica
    cell: us-west-2
    replicas: 2
    dataVolumeClaimTemplate: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 500Gi}}}
    dataVolumeRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}
    postgres: {resources: {requests: {cpu: "4", memory: 8Gi}}}
    multipooler: {resources: {requests: {cpu: "1", memory: 512Mi}}}
  - name: readonly-us-east-1
    type: readOnly
    cell: us-east-1
    replicas: 1
    dataVolumeClaimTemplate: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 500Gi}}}
    dataVolumeRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}
    postgres: {resources: {requests: {cpu: "2", memory: 4Gi}}}
    multipooler: {resources: {requests: {cpu: 500m, memory: 256Mi}, limits: {cpu: "1", memory: 512Mi}}}
`,
		// default-ha with only storage and the postgres cpu request overridden.
		"analytics_tg": `
databaseName: production_db
tableGroupName: analytics_tg
partitioning: {shards: 1}
shardTemplate:
  pools:
  - name: replica-us-east-1
    type: replica
    cell: us-east-1
    dataVolumeClaimTemplate: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1000Gi}}}
    dataVolumeRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}
    postgres: {resources: {requests: {cpu: "4", memory: 4Gi}, limits: {cpu: "4", memory: 8Gi}}}` + defaultHA,
		"custom_tg": `
databaseName: production_db
tableGroupName: custom_tg
partitioning: {shards: 1}
shardTemplate:
  pools:
  - name: replica-us-west-2
    type: replica
    cell: us-west-2
    replicas: 2
    dataVolumeClaimTemplate: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 75Gi}}}
    dataVolumeRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}
    postgres: {resources: {requests: {cpu: "1", memory: 1Gi}, limits: {cpu: "1", memory: 2Gi}}}
    multipooler: {resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 200m, memory: 256Mi}}}
`,
	}
	var shards []v1beta1.Shard
	for _, tg := range r.TableGroups {
		var spec v1beta1.TableGroupSpec
		decode(t, want[tg.Spec.TableGroupName]+images, &spec)
		expectEqual(t, tg.Name+" spec", tg.Spec, spec)
		shards = append(shards, Shards(&tg)...)
	}

	wantShards := []string{"default-0", "orders-tg-0", "orders-tg-1", "analytics-tg-0", "custom-tg-0"}
	if len(shards) != len(wantShards) {
		t.Fatalf("%d shards, want %d", len(shards), len(wantShards))
	}
	for i, s := range shards {
		if want := example + "-production-db-" + wantShards[i]; s.Name != want {
			t.Errorf("shard %d is %s, want %s", i, s.Name, want)
		}
	}
	orders1 := shards[2]
	if orders1.Spec.ShardName != "80-inf" || orders1.Spec.DatabaseName != "production_db" || orders1.Spec.TableGroupName != "orders_tg" ||
		orders1.Labels["multigres.com/shard"] != "80-inf" || orders1.Labels["multigres.com/tablegroup"] != "orders_tg" ||
		orders1.Labels["app.kubernetes.io/component"] != "shard" || orders1.Namespace != "example" || orders1.Kind != "Shard" {
		t.Errorf("shard orders_tg/1: %+v", orders1.ObjectMeta)
	}
	expectEqual(t, "shard orders_tg/1 pools", orders1.Spec.Pools, r.TableGroups[1].Spec.ShardTemplate.Pools)
	expectEqual(t, "shard orders_tg/1 images", orders1.Spec.Images, r.TableGroups[1].Spec.Images)
	expectEqual(t, "shard orders_tg/1 global ref", orders1.Spec.GlobalTopoServer, global)
	if orders1.Spec.PostgresCredentialsSecret != example+"-postgres-credentials" {
		t.Errorf("shard credentials %q", orders1.Spec.PostgresCredentialsSecret)
	}

	expectEqual(t, "desired instances", r.DesiredInstances, map[string]int32{"production_db": 14})
}

func TestSamplesTemplateReferences(t *testing.T) {
	c, _ := loadSamples(t)
	var got []string
	for _, ref := range TemplateReferences(c) {
		got = append(got, ref.Path.String()+"="+ref.Name+":"+ref.Section)
	}
	pools := "spec.databases[0].spec.tablegroups"
	want := []string{
		"spec.globalTopoServer.managed.deploymentTemplate=standard-ha:managedTopoServer",
		"spec.multiadmin.deploymentTemplate=standard-ha:multiadmin",
		"spec.cells[0].spec.multigateway.deploymentTemplate=standard-ha:multigateway",
		"spec.cells[1].spec.multigateway.deploymentTemplate=standard-ha:multigateway",
		"spec.cells[1].spec.multiorch.deploymentTemplate=standard-ha:multiorch",
		"spec.cells[1].spec.topoServer.managed.deploymentTemplate=standard-ha:managedTopoServer",
		pools + "[0].shardTemplate.pools[0].deploymentTemplate=default-ha:shardPool",
		pools + "[1].shardTemplate.pools[0].deploymentTemplate=orders-ha-replica:shardPool",
		pools + "[1].shardTemplate.pools[1].deploymentTemplate=orders-read-only:shardPool",
		pools + "[2].shardTemplate.pools[0].deploymentTemplate=default-ha:shardPool",
	}
	expectEqual(t, "references", got, want)
	expectEqual(t, "names", TemplateNames(c), []string{"default-ha", "orders-ha-replica", "orders-read-only", "standard-ha"})
}

// Resolution copies: changing a result never changes the inputs or another child.
func TestResultSharesNoMemory(t *testing.T) {
	c, tmpls := loadSamples(t)
	before, after := c.DeepCopy(), map[string]*v1beta1.DeploymentTemplate{}
	for n, tm := range tmpls {
		after[n] = tm.DeepCopy()
	}
	r := resolveOK(t, c, tmpls)
	r.Cells[0].Spec.Images.ImagePullSecrets[0].Name = "x"
	r.Cells[0].Spec.AllCells[0] = "x"
	*r.Cells[0].Spec.TopologyReconciliation.RegisterCell = false
	r.Cells[1].Spec.MultiGateway.Affinity.PodAntiAffinity = nil
	r.Cells[1].Spec.TopoServer.Managed.ImagePullSecrets[0].Name = "x"
	r.GlobalTopoServer.Spec.Affinity.PodAntiAffinity = nil
	r.TableGroups[0].Spec.ShardTemplate.Pools[0].Postgres.Resources.Requests["cpu"] = list("cpu=9")["cpu"]
	r.TableGroups[2].Spec.ShardTemplate.Pools[0].Affinity.PodAntiAffinity = nil
	r.TableGroups[3].Spec.ShardTemplate.Pools[0].DataVolumeClaimTemplate.AccessModes[0] = "x"
	r.MultiAdmin.Spec.Resources.Limits["cpu"] = list("cpu=9")["cpu"]
	expectEqual(t, "cluster", c, before)
	expectEqual(t, "templates", tmpls, after)
	if r.Cells[1].Spec.Images.ImagePullSecrets[0].Name != "my-registry-secret" || r.Cells[1].Spec.AllCells[0] != "us-east-1" ||
		!*r.Cells[1].Spec.TopologyReconciliation.RegisterCell {
		t.Error("cells share memory")
	}
	shards := Shards(&r.TableGroups[1])
	shards[0].Spec.Pools[0].Postgres.Resources.Requests["cpu"] = list("cpu=9")["cpu"]
	shards[0].Labels["x"] = "y"
	if shards[1].Spec.Pools[0].Postgres.Resources.Requests.Cpu().String() != "4" || r.TableGroups[1].Labels["x"] != "" {
		t.Error("shards share memory")
	}
}
