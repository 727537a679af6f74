package main

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// editResult is what editing one template cost.
type editResult struct {
	Namespace, Template, Change string
	// Touched are the owned objects whose spec the edit changed (their generation moved), by
	// kind: the N a template edit should cost about N writes for.
	Touched map[string]int
	Writes  counts
	// Settled is when the operator's last write of the edit was made, after the edit.
	Settled time.Duration
}

// templateEdit raises a multipooler CPU request in the template only the orders table
// group's read-only pools use, in one namespace: of that cluster's tree it should touch the
// TableGroup, its two Shards and their read-only pool StatefulSets, and nothing of the other
// clusters.
const templateEdit = `{"spec":{"shardPool":{"multipooler":{"resources":{"requests":{"cpu":"600m"}}}}}}`

// edit applies templateEdit in ns and waits until the operator is done with it: the
// cluster Ready, every StatefulSet of ns rolled out, and no write by the operator for 5 s.
func (s *session) edit(ctx context.Context, ns string) (*editResult, error) {
	c, trail := s.c, s.trail
	res := &editResult{Namespace: ns, Template: sampleTemplateEdit, Change: "multipooler CPU request 500m -> 600m", Touched: map[string]int{}}
	before, err := takeInventory(ctx, c, ns, trail.watched())
	if err != nil {
		return nil, err
	}
	s.logf("edit: DeploymentTemplate %s/%s: %s", ns, res.Template, res.Change)
	t0 := time.Now()
	tmpl := &v1beta1.DeploymentTemplate{}
	tmpl.Namespace, tmpl.Name = ns, res.Template
	if err := c.Patch(ctx, tmpl, client.RawPatch(types.MergePatchType, []byte(templateEdit))); err != nil {
		return nil, err
	}
	err = poll(ctx, s.timeout, func() error {
		if time.Since(t0) < 10*time.Second {
			return fmt.Errorf("giving the edit time to start")
		}
		if err := rolledOut(ctx, c, ns); err != nil {
			return err
		}
		list := &v1beta1.MultigresClusterList{}
		if err := c.List(ctx, list, client.InNamespace(ns)); err != nil {
			return err
		}
		for i := range list.Items {
			if err := clusterReady(&list.Items[i]); err != nil {
				return err
			}
		}
		if last := trail.lastWrite(); time.Since(last) < 5*time.Second {
			return fmt.Errorf("the operator wrote %s ago", time.Since(last).Round(time.Second))
		}
		return nil
	})
	if err != nil {
		return nil, s.explain(ctx, err)
	}
	end := time.Now()
	if err := trail.refresh(); err != nil {
		return nil, err
	}
	res.Writes = count(trail.between(t0, end))
	if last := trail.lastWrite(); last.After(t0) {
		res.Settled = last.Sub(t0)
	}
	after, err := takeInventory(ctx, c, ns, trail.watched())
	if err != nil {
		return nil, err
	}
	for key, gen := range after.generation {
		if before.generation[key] != gen {
			kind, _, _ := cut(key)
			res.Touched[kind]++
		}
	}
	return res, nil
}

// rolledOut says which StatefulSet of ns still rolls out, or nil.
func rolledOut(ctx context.Context, c client.Client, ns string) error {
	list := &appsv1.StatefulSetList{}
	if err := c.List(ctx, list, client.InNamespace(ns)); err != nil {
		return err
	}
	for _, s := range list.Items {
		st := s.Status
		if st.ObservedGeneration < s.Generation || st.UpdateRevision != st.CurrentRevision ||
			st.ReadyReplicas != st.Replicas || st.UpdatedReplicas != st.Replicas {
			return fmt.Errorf("StatefulSet %s is rolling out", s.Name)
		}
	}
	return nil
}
