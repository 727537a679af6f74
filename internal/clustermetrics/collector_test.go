package clustermetrics

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// collected adapts fixed metrics to a prometheus.Collector for testutil.
type collected []prometheus.Metric

func (c collected) Describe(ch chan<- *prometheus.Desc) { prometheus.DescribeByCollect(c, ch) }
func (c collected) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c {
		ch <- m
	}
}

func shard(ns, cluster, name string, available metav1.ConditionStatus) v1beta1.Shard {
	s := v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{v1beta1.LabelCluster: cluster}}}
	if available != "" {
		s.Status.Conditions = []metav1.Condition{{Type: v1beta1.ConditionAvailable, Status: available}}
	}
	return s
}

func TestMetrics(t *testing.T) {
	converging := v1beta1.MultigresCluster{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "prod"}}
	converging.Spec.MultiAdmin = &v1beta1.StatelessComponentConfig{DeploymentTemplate: "ha"}
	converging.Status.Conditions = []metav1.Condition{
		{Type: v1beta1.ConditionAvailable, Status: metav1.ConditionFalse},
		{Type: v1beta1.ConditionReady, Status: metav1.ConditionUnknown},
	}
	converging.Status.Databases = map[string]v1beta1.DatabaseStatusSummary{
		"postgres": {DesiredInstances: 6, ReadyInstances: 4, ServingWrites: ptr.To(true)},
		"orders":   {DesiredInstances: 3}, // serving writes not known yet
	}
	fresh := v1beta1.MultigresCluster{ObjectMeta: metav1.ObjectMeta{Namespace: "b", Name: "prod"}} // no status yet
	templates := []v1beta1.DeploymentTemplate{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "ha"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: "unused"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "b", Name: "ha"}}, // same name, other namespace
	}
	shards := []v1beta1.Shard{
		shard("a", "prod", "s0", metav1.ConditionTrue),
		shard("a", "prod", "s1", metav1.ConditionFalse),
		shard("a", "prod", "s2", ""),
		shard("b", "prod", "s0", metav1.ConditionTrue), // the other namespace's cluster of that name
	}
	want := `
# HELP multigres_cluster_condition A MultigresCluster's condition: 1 True, 0 False, -1 Unknown.
# TYPE multigres_cluster_condition gauge
multigres_cluster_condition{cluster="prod",condition="Available",namespace="a"} 0
multigres_cluster_condition{cluster="prod",condition="Ready",namespace="a"} -1
# HELP multigres_cluster_shards_available Shards of a cluster whose pools have every pod ready (Available=True).
# TYPE multigres_cluster_shards_available gauge
multigres_cluster_shards_available{cluster="prod",namespace="a"} 1
multigres_cluster_shards_available{cluster="prod",namespace="b"} 1
# HELP multigres_cluster_shards_desired Shards of a cluster.
# TYPE multigres_cluster_shards_desired gauge
multigres_cluster_shards_desired{cluster="prod",namespace="a"} 3
multigres_cluster_shards_desired{cluster="prod",namespace="b"} 1
# HELP multigres_database_instances_desired Postgres instances a database should run: pool replicas summed over its shards.
# TYPE multigres_database_instances_desired gauge
multigres_database_instances_desired{cluster="prod",database="orders",namespace="a"} 3
multigres_database_instances_desired{cluster="prod",database="postgres",namespace="a"} 6
# HELP multigres_database_instances_ready Ready Postgres pods of a database.
# TYPE multigres_database_instances_ready gauge
multigres_database_instances_ready{cluster="prod",database="orders",namespace="a"} 0
multigres_database_instances_ready{cluster="prod",database="postgres",namespace="a"} 4
# HELP multigres_database_serving_writes 1 when every shard of the database has a primary serving writes, 0 when one has none (absent until known).
# TYPE multigres_database_serving_writes gauge
multigres_database_serving_writes{cluster="prod",database="postgres",namespace="a"} 1
# HELP multigres_deploymenttemplate_clusters MultigresClusters referencing a DeploymentTemplate (one in use cannot be deleted).
# TYPE multigres_deploymenttemplate_clusters gauge
multigres_deploymenttemplate_clusters{namespace="a",template="ha"} 1
multigres_deploymenttemplate_clusters{namespace="a",template="unused"} 0
multigres_deploymenttemplate_clusters{namespace="b",template="ha"} 0
`
	got := collected(Metrics([]v1beta1.MultigresCluster{converging, fresh}, shards, templates))
	if err := testutil.CollectAndCompare(got, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}
