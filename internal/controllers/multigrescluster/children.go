package multigrescluster

import (
	"context"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

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
	desired := desiredChildren(res)
	n, err := r.Writer.EnsureAll(ctx, c, desired)
	changed += n
	if err != nil {
		return changed, err
	}
	deleted, err := r.deleteOrphans(ctx, c, desired)
	return changed + deleted, err
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

// deleteOrphans deletes, kind by kind, the children controlled by c that desired does not
// name: a cell or table group removed from the spec, a global topo server made external.
// Objects of c's children (a Cell's Deployments) are controlled by them, not by c, and are
// left to garbage collection.
func (r *Reconciler) deleteOrphans(ctx context.Context, c *v1beta1.MultigresCluster, desired []client.Object) (int, error) {
	keep := map[string]map[string]bool{} // kind -> names; a Cell and a TableGroup may share a name
	for _, obj := range desired {
		kind, err := r.kind(obj)
		if err != nil {
			return 0, err
		}
		if keep[kind] == nil {
			keep[kind] = map[string]bool{}
		}
		keep[kind][obj.GetName()] = true
	}
	labels := map[string]string{v1beta1.LabelCluster: c.Name}
	deleted := 0
	for _, list := range []client.ObjectList{
		&v1beta1.TopoServerList{}, &v1beta1.CellList{}, &v1beta1.TableGroupList{},
		&appsv1.DeploymentList{}, &corev1.ServiceList{},
	} {
		kind, err := r.kind(list)
		if err != nil {
			return deleted, err
		}
		names, err := r.Writer.DeleteOrphans(ctx, c, list, labels, keep[strings.TrimSuffix(kind, "List")])
		deleted += len(names)
		if err != nil {
			return deleted, err
		}
	}
	return deleted, nil
}

func (r *Reconciler) kind(obj runtime.Object) (string, error) {
	gvk, err := apiutil.GVKForObject(obj, r.Scheme())
	return gvk.Kind, err
}
