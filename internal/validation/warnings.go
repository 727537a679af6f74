package validation

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// etcdSizes: an etcd of fewer than 3 members survives no loss, an even count no more than
// the odd count below it.
func etcdSizes(_ *v1beta1.MultigresCluster, res *resolve.Result) []string {
	var w []string
	etcd := func(what string, replicas int32) {
		switch {
		case replicas < 3:
			w = append(w, fmt.Sprintf("%s: an etcd cluster of %d member(s) survives no member's loss, and gets no PodDisruptionBudget "+
				"(one allowing no eviction would block every node drain): a drain stops it; use 3", what, replicas))
		case replicas%2 == 0:
			w = append(w, fmt.Sprintf("%s: an etcd cluster of %d members tolerates no more failures than one of %d; use an odd number", what, replicas, replicas-1))
		}
	}
	if res.GlobalTopoServer != nil {
		etcd("spec.globalTopoServer", res.GlobalTopoServer.Spec.Replicas)
	}
	for _, cell := range res.Cells {
		if m := resolve.ManagedCellTopo(&cell); m != nil {
			etcd(fmt.Sprintf("cell %s topoServer", cell.Spec.Name), m.Replicas)
		}
	}
	return w
}

// UnsupportedWarnings name each field of c that asks for more than the Multigres images
// serve (the API accepts it; no pods run for it) and a postgres image that cannot run pgctld.
// The rules themselves are internal/limits'.
func UnsupportedWarnings(c *v1beta1.MultigresCluster, lim limits.Limits) []string {
	w := lim.Cluster(c)
	if msg := limits.PostgresImageWarning(field.NewPath("spec", "images", "postgres").String(), c.Spec.Images.Postgres); msg != "" {
		w = append(w, msg)
	}
	return w
}
