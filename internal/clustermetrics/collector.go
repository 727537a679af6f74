// Package clustermetrics reports the clusters the operator keeps as Prometheus metrics, read
// from its cache at each scrape: nothing to keep in step, and what is gone is gone from the
// metrics too. Labels stop at namespace, cluster, database and template: never a pod.
package clustermetrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
)

var (
	clusterCondition = prometheus.NewDesc("multigres_cluster_condition",
		"A MultigresCluster's condition: 1 True, 0 False, -1 Unknown.",
		[]string{"namespace", "cluster", "condition"}, nil)
	instancesDesired = prometheus.NewDesc("multigres_database_instances_desired",
		"Postgres instances a database should run: pool replicas summed over its shards.",
		[]string{"namespace", "cluster", "database"}, nil)
	instancesReady = prometheus.NewDesc("multigres_database_instances_ready",
		"Ready Postgres pods of a database.",
		[]string{"namespace", "cluster", "database"}, nil)
	servingWrites = prometheus.NewDesc("multigres_database_serving_writes",
		"1 when every shard of the database has a primary serving writes, 0 when one has none (absent until known).",
		[]string{"namespace", "cluster", "database"}, nil)
	shardsDesired = prometheus.NewDesc("multigres_cluster_shards_desired",
		"Shards of a cluster.",
		[]string{"namespace", "cluster"}, nil)
	shardsAvailable = prometheus.NewDesc("multigres_cluster_shards_available",
		"Shards of a cluster whose pools have every pod ready (Available=True).",
		[]string{"namespace", "cluster"}, nil)
	templateUsers = prometheus.NewDesc("multigres_deploymenttemplate_clusters",
		"MultigresClusters referencing a DeploymentTemplate (one in use cannot be deleted).",
		[]string{"namespace", "template"}, nil)
)

// readTimeout bounds a scrape's reads of the cache (which answers at once once synced).
const readTimeout = 10 * time.Second

// Collector is a prometheus.Collector over the operator's cached objects.
type Collector struct{ Reader client.Reader }

// Describe sends every metric's description.
func (c Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{clusterCondition, instancesDesired, instancesReady, servingWrites,
		shardsDesired, shardsAvailable, templateUsers} {
		ch <- d
	}
}

// Collect reads the clusters, shards and templates and sends their metrics; a failed read
// fails the scrape, saying why.
func (c Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	clusters, shards, templates := &v1beta1.MultigresClusterList{}, &v1beta1.ShardList{}, &v1beta1.DeploymentTemplateList{}
	for _, list := range []client.ObjectList{clusters, shards, templates} {
		if err := c.Reader.List(ctx, list); err != nil {
			ch <- prometheus.NewInvalidMetric(clusterCondition, err)
			return
		}
	}
	for _, m := range Metrics(clusters.Items, shards.Items, templates.Items) {
		ch <- m
	}
}

// Metrics are the metrics of clusters, their shards and the templates.
func Metrics(clusters []v1beta1.MultigresCluster, shards []v1beta1.Shard, templates []v1beta1.DeploymentTemplate) []prometheus.Metric {
	var out []prometheus.Metric
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		out = append(out, prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...))
	}
	type key struct{ namespace, name string }
	shardCount, available := map[key]int{}, map[key]int{}
	for _, s := range shards {
		k := key{s.Namespace, s.Labels[v1beta1.LabelCluster]}
		shardCount[k]++
		if meta.IsStatusConditionTrue(s.Status.Conditions, v1beta1.ConditionAvailable) {
			available[k]++
		}
	}
	users := map[key]int{}
	for _, c := range clusters {
		ns, name := c.Namespace, c.Name
		for _, cond := range c.Status.Conditions {
			gauge(clusterCondition, conditionValue(cond.Status), ns, name, cond.Type)
		}
		for db, st := range c.Status.Databases {
			gauge(instancesDesired, float64(st.DesiredInstances), ns, name, db)
			gauge(instancesReady, float64(st.ReadyInstances), ns, name, db)
			if st.ServingWrites != nil {
				gauge(servingWrites, boolValue(*st.ServingWrites), ns, name, db)
			}
		}
		k := key{ns, name}
		gauge(shardsDesired, float64(shardCount[k]), ns, name)
		gauge(shardsAvailable, float64(available[k]), ns, name)
		for _, t := range resolve.TemplateNames(&c) {
			users[key{ns, t}]++
		}
	}
	for _, t := range templates {
		gauge(templateUsers, float64(users[key{t.Namespace, t.Name}]), t.Namespace, t.Name)
	}
	return out
}

func conditionValue(s metav1.ConditionStatus) float64 {
	switch s {
	case metav1.ConditionTrue:
		return 1
	case metav1.ConditionFalse:
		return 0
	}
	return -1
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
