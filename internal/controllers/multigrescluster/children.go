package multigrescluster

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// reconcileChildren writes every child of the resolved cluster that differs from what the
// cache holds, then deletes the children the spec no longer names. It returns how many it
// wrote or deleted.
func (r *Reconciler) reconcileChildren(ctx context.Context, c *v1beta1.MultigresCluster, res *resolve.Result) (int, error) {
	changed := 0
	if c.Spec.PostgresCredentialsSecret == "" {
		wrote, err := r.ensureCredentials(ctx, c, res)
		if err != nil {
			return 0, err
		}
		if wrote {
			changed++
		}
	}
	// Children of the cluster's children (a Cell's Deployments) are controlled by them, not by
	// c: garbage collection removes them after their owner.
	n, err := r.Writer.Sync(ctx, c, desiredChildren(res),
		&v1beta1.TopoServerList{}, &v1beta1.CellList{}, &v1beta1.TableGroupList{}, &appsv1.DeploymentList{}, &corev1.ServiceList{})
	return changed + n, err
}

// desiredChildren are the objects the cluster itself owns.
func desiredChildren(res *resolve.Result) []client.Object {
	var objs []client.Object
	if res.GlobalTopoServer != nil {
		objs = append(objs, res.GlobalTopoServer)
	}
	for i := range res.Cells {
		objs = append(objs, &res.Cells[i])
	}
	for i := range res.TableGroups {
		objs = append(objs, &res.TableGroups[i])
	}
	deployment, service := multiAdmin(res)
	return append(objs, deployment, service)
}
