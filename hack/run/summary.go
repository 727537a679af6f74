package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// watchTree prints a summary of the example namespace's tree whenever it changes, until ctx
// ends.
func watchTree(ctx context.Context, c client.Client) {
	last := ""
	for {
		if s := summary(ctx, c); s != last && ctx.Err() == nil {
			fmt.Printf("--- %s\n%s", time.Now().Format("15:04:05"), s)
			last = s
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
	}
}

// summary is one line per kind: how many objects, how many Available, and how many the
// Multigres images cannot serve (Supported=False: they run no pods, on purpose).
func summary(ctx context.Context, c client.Client) string {
	var b strings.Builder
	lists := []struct {
		kind string
		list client.ObjectList
	}{
		{"MultigresCluster", &v1beta1.MultigresClusterList{}},
		{"TopoServer", &v1beta1.TopoServerList{}},
		{"Cell", &v1beta1.CellList{}},
		{"TableGroup", &v1beta1.TableGroupList{}},
		{"Shard", &v1beta1.ShardList{}},
	}
	for _, l := range lists {
		if err := c.List(ctx, l.list, client.InNamespace(namespace)); err != nil {
			fmt.Fprintf(&b, "  %-17s %v\n", l.kind, err)
			continue
		}
		items, _ := meta.ExtractList(l.list)
		available, unsupported := 0, 0
		for _, item := range items {
			conds, ok := item.(interface{ GetConditions() []metav1.Condition })
			if !ok {
				continue
			}
			if meta.IsStatusConditionTrue(conds.GetConditions(), v1beta1.ConditionAvailable) {
				available++
			}
			if meta.IsStatusConditionFalse(conds.GetConditions(), v1beta1.ConditionSupported) {
				unsupported++
			}
		}
		fmt.Fprintf(&b, "  %-17s %d, %d available", l.kind, len(items), available)
		if unsupported > 0 {
			fmt.Fprintf(&b, ", %d not served by Multigres (see their Supported condition)", unsupported)
		}
		b.WriteString("\n")
	}
	return b.String()
}
