package main

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/operator"
)

// inventory is what the operator manages at one moment, listed with the admin's client.
type inventory struct {
	// Owned are the objects whose controller is a multigres.com object: what the operator
	// creates and keeps (not the pods and claims its StatefulSets make).
	Owned       int            `json:"owned"`
	OwnedByKind map[string]int `json:"ownedByKind"`
	// Cached are the objects the operator's informers hold: of the kinds it watches (the audit
	// log shows its watches), every multigres.com object and the labelled built-in ones.
	// Pods are not among them: no controller reads them.
	Cached      int      `json:"cached"`
	CachedKinds []string `json:"cachedKinds"`
	Pods        int      `json:"pods"`
	// PodCPU is the CPU the pods that have not finished request, against the nodes'.
	PodCPU float64 `json:"podCPU"`
	// generation of each owned object, by "Kind namespace/name".
	generation map[string]int64
}

// multigresKinds are the operator's own kinds, all of them cached. The benchmark reads
// them in the stored version, v1beta1, so that its own reads never go through the
// operator's conversion webhook.
var multigresKinds = []string{"MultigresCluster", "DeploymentTemplate", "TopoServer", "Cell", "TableGroup", "Shard"}

// takeInventory lists namespace (all namespaces if empty); watched are the resources the
// operator watches.
func takeInventory(ctx context.Context, c client.Client, namespace string, watched map[string]bool) (inventory, error) {
	inv := inventory{OwnedByKind: map[string]int{}, generation: map[string]int64{}}
	type kind struct {
		gvk   schema.GroupVersionKind
		label bool // only labelled objects are cached
	}
	var kinds []kind
	for _, k := range multigresKinds {
		kinds = append(kinds, kind{gvk: v1beta1.GroupVersion.WithKind(k)})
	}
	for _, obj := range operator.ManagedKinds() {
		gvk, err := apiutil.GVKForObject(obj, c.Scheme())
		if err != nil {
			return inv, err
		}
		kinds = append(kinds, kind{gvk: gvk, label: true})
	}
	for _, k := range kinds {
		list := &metav1.PartialObjectMetadataList{}
		list.SetGroupVersionKind(k.gvk.GroupVersion().WithKind(k.gvk.Kind + "List"))
		opts := []client.ListOption{client.InNamespace(namespace)}
		if k.label {
			opts = append(opts, client.MatchingLabels(names.ManagedLabels()))
		}
		if err := c.List(ctx, list, opts...); err != nil {
			return inv, fmt.Errorf("listing %s: %w", k.gvk.Kind, err)
		}
		mapping, err := c.RESTMapper().RESTMapping(k.gvk.GroupKind(), k.gvk.Version)
		if err != nil {
			return inv, err
		}
		if watched[mapping.Resource.Resource] {
			inv.Cached += len(list.Items)
			inv.CachedKinds = append(inv.CachedKinds, k.gvk.Kind)
		}
		for _, obj := range list.Items {
			owner := metav1.GetControllerOf(&obj)
			if owner == nil || schemaGroup(owner.APIVersion) != v1beta1.GroupVersion.Group {
				continue
			}
			inv.Owned++
			inv.OwnedByKind[k.gvk.Kind]++
			inv.generation[k.gvk.Kind+" "+obj.Namespace+"/"+obj.Name] = obj.Generation
		}
	}
	pods := &corev1.PodList{}
	if err := c.List(ctx, pods, client.InNamespace(namespace), client.MatchingLabels(names.ManagedLabels())); err != nil {
		return inv, err
	}
	for _, p := range pods.Items {
		inv.Pods++
		if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		for _, ctr := range p.Spec.Containers {
			inv.PodCPU += ctr.Resources.Requests.Cpu().AsApproximateFloat64()
		}
	}
	return inv, nil
}

func schemaGroup(apiVersion string) string {
	gv, _ := schema.ParseGroupVersion(apiVersion)
	return gv.Group
}

// podCensus says how far the pods are: how many are Ready, Pending for lack of a node, or
// anything else, split into shard pool pods and the rest.
type podCensus struct {
	poolPending, poolOther, otherReady, otherNotReady int
	example                                           string // one unschedulable pod's reason
}

func takePodCensus(ctx context.Context, c client.Client) (podCensus, error) {
	var pc podCensus
	pods := &corev1.PodList{}
	if err := c.List(ctx, pods, client.MatchingLabels(names.ManagedLabels())); err != nil {
		return pc, err
	}
	for _, p := range pods.Items {
		pool := p.Labels[names.LabelComponent] == names.ComponentShardPool
		unschedulable := false
		for _, cond := range p.Status.Conditions {
			if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse && cond.Reason == corev1.PodReasonUnschedulable {
				unschedulable = true
				pc.example = p.Name + ": " + cond.Message
			}
		}
		switch {
		case pool && unschedulable:
			pc.poolPending++
		case pool:
			pc.poolOther++
		case podReady(&p):
			pc.otherReady++
		default:
			pc.otherNotReady++
		}
	}
	return pc, nil
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
