package webhooks

import (
	"context"
	"fmt"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// Paths into the sample cluster.
const (
	eastGateway   = "spec.cells[0].spec.multigateway"
	eastOrch      = "spec.cells[0].spec.multiorch"
	westTopo      = "spec.cells[1].spec.topoServer"
	defaultPool   = "spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0]"
	ordersTG      = "spec.databases[0].spec.tablegroups[1]"
	analyticsTG   = "spec.databases[0].spec.tablegroups[2]"
	customPool    = "spec.databases[0].spec.tablegroups[3].shardTemplate.pools[0]"
	analyticsPool = analyticsTG + ".shardTemplate.pools[0]"
)

type clusterCase struct {
	name   string
	update bool // create the sample first, then apply the change as an update
	change func(c *v1beta1.MultigresCluster)
	want   []string // each must appear in the refusal
}

func res(cpu, mem string) corev1.ResourceList {
	l := corev1.ResourceList{}
	if cpu != "" {
		l[corev1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		l[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	return l
}

func storage(size string) corev1.ResourceList {
	return corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)}
}

func tg(c *v1beta1.MultigresCluster, j int) *v1beta1.TableGroupConfig {
	return &c.Spec.Databases[0].Spec.TableGroups[j]
}

var clusterCases = []clusterCase{
	{name: "a backup schedule that is not a cron expression", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Databases[0].Spec.Backup = &v1beta1.BackupConfig{Schedule: &v1beta1.BackupSchedule{Incremental: "every hour"}}
	}, want: []string{"spec.databases[0].spec.backup.schedule.incremental", `"every hour"`, "not a cron expression", `"0 0 * * *"`}},
	{name: "an S3 endpoint with a scheme", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Backup = &v1beta1.BackupConfig{S3: &v1beta1.S3BackupRepository{Bucket: "bkp", Region: "r", Endpoint: "https://minio:9000"}}
	}, want: []string{"spec.backup.s3.endpoint", "host or host:port"}},
	{name: "missing template", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.MultiAdmin.DeploymentTemplate = "no-such-template"
	}, want: []string{"spec.multiadmin.deploymentTemplate", `"no-such-template"`}},
	{name: "template without the section", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Cells[1].Spec.MultiOrch.DeploymentTemplate = "default-ha"
	}, want: []string{"spec.cells[1].spec.multiorch.deploymentTemplate", "multiorch"}},
	{name: "missing pool template", change: func(c *v1beta1.MultigresCluster) {
		tg(c, 1).ShardTemplate.Pools[1].DeploymentTemplate = "orders-read-only-typo"
	}, want: []string{ordersTG + ".shardTemplate.pools[1].deploymentTemplate", `"orders-read-only-typo"`}},
	{name: "missing global topo template", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.GlobalTopoServer.Managed.DeploymentTemplate = "etcd-ha"
	}, want: []string{"spec.globalTopoServer.managed.deploymentTemplate", `"etcd-ha"`}},
	{name: "pool in an unknown cell", change: func(c *v1beta1.MultigresCluster) {
		tg(c, 0).ShardTemplate.Pools[0].Cell = "eu-west-9"
	}, want: []string{defaultPool + ".cell", `"eu-west-9"`, "us-east-1"}},
	{name: "database names equal once made object names", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Databases = append(c.Spec.Databases, v1beta1.DatabaseConfig{Name: "production-db"})
	}, want: []string{"spec.databases[1].name", "production-db"}},
	{name: "table group names equal once made object names", change: func(c *v1beta1.MultigresCluster) {
		tgs := &c.Spec.Databases[0].Spec.TableGroups
		*tgs = append(*tgs, v1beta1.TableGroupConfig{Name: "orders-tg"})
	}, want: []string{"spec.databases[0].spec.tablegroups[4].name", "orders-tg"}},
	{name: "cell name not a DNS label", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Cells[0].Name = "US_East"
		for j := range c.Spec.Databases[0].Spec.TableGroups {
			for k := range tg(c, j).ShardTemplate.Pools {
				if tg(c, j).ShardTemplate.Pools[k].Cell == "us-east-1" {
					tg(c, j).ShardTemplate.Pools[k].Cell = "US_East"
				}
			}
		}
	}, want: []string{"spec.cells[0].name", `"US_East"`, "lowercase letters"}},
	{name: "reserved cell name", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Cells = append(c.Spec.Cells, v1beta1.CellConfig{Name: "global"})
	}, want: []string{"spec.cells[2].name", `"global" is reserved`}},
	{name: "database name with a space", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Databases[0].Name = "production db"
	}, want: []string{"spec.databases[0].name", `"production db"`}},
	{name: "table group name with a dot", change: func(c *v1beta1.MultigresCluster) {
		tg(c, 0).Name = "default.v2"
	}, want: []string{"spec.databases[0].spec.tablegroups[0].name", `"default.v2"`}},
	{name: "gateway requests above limits after overrides", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Cells[0].Spec.MultiGateway.Overrides.Resources.Limits = res("250m", "")
	}, want: []string{eastGateway, "cpu", "250m"}},
	{name: "inline multiorch requests above limits", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Cells[0].Spec.MultiOrch.Spec.Resources.Requests = res("1", "")
	}, want: []string{eastOrch, "cpu"}},
	{name: "inline pool memory request above limit", change: func(c *v1beta1.MultigresCluster) {
		tg(c, 3).ShardTemplate.Pools[0].Spec.Postgres.Resources.Requests = res("", "4Gi")
	}, want: []string{customPool + ".postgres.resources", "memory"}},
	{name: "pool override request above template limit", change: func(c *v1beta1.MultigresCluster) {
		tg(c, 2).ShardTemplate.Pools[0].Overrides.Postgres.Resources.Requests = res("16", "")
	}, want: []string{analyticsPool, "postgres", "cpu"}},
	{name: "relative root path", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.GlobalTopoServer.Managed.RootPath = "multigres/global"
	}, want: []string{"spec.globalTopoServer.managed.rootPath", "absolute path"}},
	{name: "root path with a trailing slash", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Cells[1].Spec.TopoServer.Managed.RootPath = "/multigres/us-west-2/"
	}, want: []string{westTopo + ".managed.rootPath", "absolute path"}},
	{name: "root path shared by a cell and the global topology", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Cells[1].Spec.TopoServer.Managed.RootPath = "/multigres/global"
	}, want: []string{westTopo + ".managed.rootPath", "own root path"}},
	{name: "a table group without pools", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Databases[0].Spec.TableGroups[3].ShardTemplate.Pools = nil
	}, want: []string{"spec.databases[0].spec.tablegroups[3].shardTemplate.pools", "at least one pool", "type replica"}},
	{name: "a durability policy the pools cannot meet", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Databases[0].Spec.DurabilityPolicy = v1beta1.DurabilityMultiCellAtLeast2
	}, want: []string{"spec.databases[0].spec.durabilityPolicy", `"MULTI_CELL_AT_LEAST_2"`, "at least 2 cells"}},
	{name: "cluster name too long for a label", change: func(c *v1beta1.MultigresCluster) {
		c.Name = strings.Repeat("x", 64)
	}, want: []string{"metadata.name"}},
	{name: "every problem listed at once", change: func(c *v1beta1.MultigresCluster) {
		c.Spec.MultiAdmin.DeploymentTemplate = "gone"
		tg(c, 0).ShardTemplate.Pools[0].Cell = "nowhere"
		c.Spec.GlobalTopoServer.Managed.RootPath = "relative"
	}, want: []string{"spec.multiadmin.deploymentTemplate", defaultPool + ".cell", "spec.globalTopoServer.managed.rootPath"}},

	{name: "lowering shards", update: true, change: func(c *v1beta1.MultigresCluster) {
		tg(c, 1).Partitioning.Shards = ptr.To[int32](1)
	}, want: []string{ordersTG + ".partitioning.shards", "from 2 to 1", "can only grow"}},
	{name: "shrinking storage through an override", update: true, change: func(c *v1beta1.MultigresCluster) {
		tg(c, 2).ShardTemplate.Pools[0].Overrides.DataVolumeClaimTemplate.Resources.Requests = storage("500Gi")
	}, want: []string{analyticsPool + ".dataVolumeClaimTemplate.resources.requests[storage]", "from 1000Gi to 500Gi"}},
	{name: "shrinking inline storage", update: true, change: func(c *v1beta1.MultigresCluster) {
		tg(c, 3).ShardTemplate.Pools[0].Spec.DataVolumeClaimTemplate.Resources.Requests = storage("50Gi")
	}, want: []string{customPool + ".dataVolumeClaimTemplate.resources.requests[storage]", "from 75Gi to 50Gi"}},
	{name: "resizing the global etcd", update: true, change: func(c *v1beta1.MultigresCluster) {
		c.Spec.GlobalTopoServer.Managed.Overrides = &v1beta1.ManagedTopoServerSpec{Replicas: ptr.To[int32](5)}
	}, want: []string{"spec.globalTopoServer.managed.replicas", "from 3 to 5", "statically"}},
	{name: "resizing a cell's etcd", update: true, change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Cells[1].Spec.TopoServer.Managed.Overrides = &v1beta1.ManagedTopoServerSpec{Replicas: ptr.To[int32](1)}
	}, want: []string{westTopo + ".managed.replicas", "from 3 to 1"}},
	{name: "renaming a cell in use", update: true, change: func(c *v1beta1.MultigresCluster) {
		c.Spec.Cells[1].Name = "us-west-3"
		for j := range c.Spec.Databases[0].Spec.TableGroups {
			for k := range tg(c, j).ShardTemplate.Pools {
				if tg(c, j).ShardTemplate.Pools[k].Cell == "us-west-2" {
					tg(c, j).ShardTemplate.Pools[k].Cell = "us-west-3"
				}
			}
		}
	}, want: []string{"spec.cells", `"us-west-2"`, "cannot be renamed or removed"}},
}

// Each invalid cluster is refused at create (or update) with the field named.
func TestInvalidClustersRefused(t *testing.T) {
	ns := kubetest.Namespace(t, admin, "invalid-clusters")
	sample := applySamples(t, ns, true)
	ctx := context.Background()
	for i, tc := range clusterCases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			c := sample.DeepCopy()
			c.Name = fmt.Sprintf("case-%d", i)
			if tc.update {
				g.Expect(admin.Create(ctx, c)).To(Succeed())
			}
			tc.change(c)
			var err error
			if tc.update {
				err = admin.Update(ctx, c)
			} else {
				err = admin.Create(ctx, c)
			}
			g.Expect(err).To(HaveOccurred(), "accepted: %s", tc.name)
			t.Log(err)
			g.Expect(apierrors.IsInvalid(err)).To(BeTrue(), "want an Invalid error, got %v", err)
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
		})
	}
}

type templateCase struct {
	name     string
	template string // the sample template to start from
	change   func(t *v1beta1.DeploymentTemplate)
	want     []string
}

var templateCases = []templateCase{
	{name: "postgres requests above limits", template: "default-ha", change: func(t *v1beta1.DeploymentTemplate) {
		t.Spec.ShardPool.Postgres.Resources.Requests = res("8", "")
	}, want: []string{"spec.shardPool.postgres.resources", "cpu"}},
	{name: "zero storage", template: "default-ha", change: func(t *v1beta1.DeploymentTemplate) {
		t.Spec.ShardPool.DataVolumeClaimTemplate.Resources.Requests = storage("0")
	}, want: []string{"spec.shardPool.dataVolumeClaimTemplate.resources.requests[storage]", "positive"}},
	{name: "gateway requests above limits", template: "standard-ha", change: func(t *v1beta1.DeploymentTemplate) {
		t.Spec.MultiGateway.Resources.Limits = res("100m", "")
	}, want: []string{"spec.multigateway.resources", "cpu"}},
	{name: "etcd requests above limits", template: "standard-ha", change: func(t *v1beta1.DeploymentTemplate) {
		t.Spec.ManagedTopoServer.Resources = &corev1.ResourceRequirements{Requests: res("2", ""), Limits: res("1", "")}
	}, want: []string{"spec.managedTopoServer.resources", "cpu"}},
}

// Invalid templates are refused at create with the field named.
func TestInvalidTemplatesRefused(t *testing.T) {
	ns := kubetest.Namespace(t, admin, "invalid-templates")
	ctx := context.Background()
	for i, tc := range templateCases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			tmpl := sampleTemplate(t, tc.template)
			tmpl.Namespace, tmpl.Name = ns, fmt.Sprintf("case-%d", i)
			tc.change(tmpl)
			err := admin.Create(ctx, tmpl)
			g.Expect(err).To(HaveOccurred())
			t.Log(err)
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
		})
	}
}

// A template edit that would break a cluster using it is refused, naming the cluster.
func TestTemplateEditsCheckedAgainstConsumers(t *testing.T) {
	cases := []templateCase{
		{name: "shrinks a consumer's volumes", template: "default-ha", change: func(t *v1beta1.DeploymentTemplate) {
			t.Spec.ShardPool.DataVolumeClaimTemplate.Resources.Requests = storage("50Gi")
		}, want: []string{`MultigresCluster "example-multigres-cluster"`, "from 100Gi to 50Gi"}},
		{name: "resizes a consumer's etcd", template: "standard-ha", change: func(t *v1beta1.DeploymentTemplate) {
			t.Spec.ManagedTopoServer.Replicas = ptr.To[int32](5)
		}, want: []string{`MultigresCluster "example-multigres-cluster"`, "from 3 to 5"}},
		{name: "drops a section a consumer uses", template: "standard-ha", change: func(t *v1beta1.DeploymentTemplate) {
			t.Spec.MultiOrch = nil
		}, want: []string{`MultigresCluster "example-multigres-cluster"`, "spec.cells[1].spec.multiorch.deploymentTemplate"}},
		{name: "raises a consumer's requests above its override limit", template: "standard-ha", change: func(t *v1beta1.DeploymentTemplate) {
			t.Spec.MultiGateway.Resources.Requests = res("3", "")
			t.Spec.MultiGateway.Resources.Limits = res("4", "")
		}, want: []string{`MultigresCluster "example-multigres-cluster"`, eastGateway}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			ctx := context.Background()
			ns := kubetest.Namespace(t, admin, fmt.Sprintf("edit-%d", i))
			applySamples(t, ns, false)
			tmpl := &v1beta1.DeploymentTemplate{}
			g.Expect(admin.Get(ctx, client.ObjectKey{Namespace: ns, Name: tc.template}, tmpl)).To(Succeed())
			tc.change(tmpl)
			err := admin.Update(ctx, tmpl)
			g.Expect(err).To(HaveOccurred())
			t.Log(err)
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
		})
	}
}

func sampleTemplate(t *testing.T, name string) *v1beta1.DeploymentTemplate {
	t.Helper()
	ns := "sample-templates"
	tmpl := &v1beta1.DeploymentTemplate{}
	if err := admin.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, tmpl); err != nil {
		if !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
		_ = admin.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
		applySamples(t, ns, true)
		if err := admin.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, tmpl); err != nil {
			t.Fatal(err)
		}
	}
	out := &v1beta1.DeploymentTemplate{Spec: *tmpl.Spec.DeepCopy()}
	return out
}
