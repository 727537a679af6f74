package main

import (
	"fmt"
	"math"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/internal/testenv"
)

// workload is what one run applies to a fresh local cluster.
type workload struct {
	// clusters copies of config/samples, each in its own namespace with its own templates;
	// or, when shards > 0, one cluster whose only table group has that many shards.
	clusters, shards int
	// stalled holds every shard pool pod Pending (see unschedulable).
	stalled bool
	// editTemplate edits a template of the first namespace after the idle window.
	editTemplate bool
}

func (w workload) name() string {
	switch {
	case w.shards == 1:
		return "1 shard"
	case w.shards > 0:
		return fmt.Sprintf("%d shards", w.shards)
	case w.stalled:
		return fmt.Sprintf("%d stalled", w.clusters)
	case w.clusters == 1:
		return "1 cluster"
	}
	return fmt.Sprintf("%d clusters", w.clusters)
}

// slug names the workload's directory.
func (w workload) slug() string {
	switch {
	case w.shards > 0:
		return fmt.Sprintf("shards-%d", w.shards)
	case w.stalled:
		return fmt.Sprintf("stalled-%d", w.clusters)
	}
	return fmt.Sprintf("clusters-%d", w.clusters)
}

// Node sizing. localcluster's kwok nodes each offer 64 CPUs, 512Gi and 110 pods. One copy of
// the samples runs 27 pods requesting 51.7 CPUs
// (results.json reports it as podCPU) and about 80Gi, so CPU decides; a sharded cluster's pods are small (sharded below), so the pod
// count does. A quarter of headroom keeps the scheduler's spreading from stranding a pod.
const (
	nodeCPU, nodePods  = 64.0, 110.0
	sampleCPU          = 51.7
	samplePods         = 27.0
	shardPods          = 3.0
	shardFixedPods     = 7.0 // global etcd (3), multiadmin, gateways (2), multiorch
	headroom           = 1.25
	zones, minPerZone  = 3, 2
	sampleTemplateEdit = "orders-read-only"
)

func (w workload) nodesPerZone() int {
	var nodes float64
	if w.shards > 0 {
		nodes = (shardFixedPods + shardPods*float64(w.shards)) / nodePods
	} else {
		nodes = math.Max(sampleCPU*float64(w.clusters)/nodeCPU, samplePods*float64(w.clusters)/nodePods)
	}
	return max(minPerZone, int(math.Ceil(nodes*headroom/zones)))
}

func namespaceOf(w workload, i int) string {
	if w.shards > 0 {
		return "bench-shards"
	}
	return fmt.Sprintf("bench-%03d", i)
}

// objects are what the workload applies, in order: namespaces, then templates, then clusters.
func (w workload) objects() (namespaces []string, templates, clusters []*unstructured.Unstructured, err error) {
	if w.shards > 0 {
		c, err := shardedCluster(w.shards)
		if err != nil {
			return nil, nil, nil, err
		}
		c.SetNamespace(namespaceOf(w, 0))
		return []string{namespaceOf(w, 0)}, nil, []*unstructured.Unstructured{c}, nil
	}
	samples, err := testenv.Samples("v1beta1")
	if err != nil {
		return nil, nil, nil, err
	}
	for i := range w.clusters {
		ns := namespaceOf(w, i)
		namespaces = append(namespaces, ns)
		for _, s := range samples {
			obj := s.DeepCopy()
			obj.SetNamespace(ns)
			if w.stalled {
				if err := unschedulable(obj); err != nil {
					return nil, nil, nil, err
				}
			}
			if obj.GetKind() == "DeploymentTemplate" {
				templates = append(templates, obj)
			} else {
				clusters = append(clusters, obj)
			}
		}
	}
	return namespaces, templates, clusters, nil
}

// shardedCluster is the smallest whole cluster (one cell; managed global etcd, multiadmin,
// gateways and multiorch at their defaults) with one table group of the given shards, each
// one replica pool of 3 small pods, inline.
func shardedCluster(shards int) (*unstructured.Unstructured, error) {
	doc := fmt.Sprintf(`
apiVersion: multigres.com/v1beta1
kind: MultigresCluster
metadata:
  name: sharded
spec:
  cells:
  - name: zone-a
  databases:
  - name: db
    spec:
      tablegroups:
      - name: tg
        partitioning:
          shards: %d
        shardTemplate:
          pools:
          - name: replica-zone-a
            type: replica
            cell: zone-a
            spec:
              replicas: 3
              dataVolumeClaimTemplate:
                accessModes: ["ReadWriteOnce"]
                resources:
                  requests:
                    storage: 1Gi
              postgres:
                resources:
                  requests: {cpu: 100m, memory: 256Mi}
              multipooler:
                resources:
                  requests: {cpu: 50m, memory: 64Mi}
`, shards)
	u := &unstructured.Unstructured{}
	return u, yaml.Unmarshal([]byte(doc), &u.Object)
}

// unschedulableKey is a node label no node has: a pool that requires it never schedules.
const unschedulableKey = "bench.multigres.com/no-such-node"

// unschedulable makes every shard pool of a sample unschedulable, as a pool whose nodes are
// missing (a zone without capacity, a node pool not yet created) would be: a required node
// affinity no node satisfies, added to each template's shardPool and to each inline pool,
// beside the affinity already there. Everything else (etcd, gateways, multiorch,
// multiadmin) schedules and becomes Ready; the pool pods stay Pending, Unschedulable.
func unschedulable(obj *unstructured.Unstructured) error {
	nodeAffinity, err := toMap(&corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
		NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{
			{Key: unschedulableKey, Operator: corev1.NodeSelectorOpExists},
		}}},
	}})
	if err != nil {
		return err
	}
	setAffinity := func(pool map[string]any) {
		affinity, _ := pool["affinity"].(map[string]any)
		if affinity == nil {
			affinity = map[string]any{}
		}
		affinity["nodeAffinity"] = nodeAffinity
		pool["affinity"] = affinity
	}
	switch obj.GetKind() {
	case "DeploymentTemplate":
		if pool, ok, _ := unstructured.NestedMap(obj.Object, "spec", "shardPool"); ok {
			setAffinity(pool)
			return unstructured.SetNestedMap(obj.Object, pool, "spec", "shardPool")
		}
	case "MultigresCluster":
		dbs, _, _ := unstructured.NestedSlice(obj.Object, "spec", "databases")
		for _, db := range dbs {
			tgs, _, _ := unstructured.NestedSlice(db.(map[string]any), "spec", "tablegroups")
			for _, tg := range tgs {
				pools, _, _ := unstructured.NestedSlice(tg.(map[string]any), "shardTemplate", "pools")
				for _, p := range pools {
					if spec, ok := p.(map[string]any)["spec"].(map[string]any); ok {
						setAffinity(spec)
					}
				}
				if err := unstructured.SetNestedSlice(tg.(map[string]any), pools, "shardTemplate", "pools"); err != nil {
					return err
				}
			}
			if err := unstructured.SetNestedSlice(db.(map[string]any), tgs, "spec", "tablegroups"); err != nil {
				return err
			}
		}
		return unstructured.SetNestedSlice(obj.Object, dbs, "spec", "databases")
	}
	return nil
}

func toMap(v any) (map[string]any, error) {
	data, err := yaml.Marshal(v)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	return m, yaml.Unmarshal(data, &m)
}
