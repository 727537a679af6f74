package multigrescluster

import (
	"context"
	"math"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// observed is what the cluster's children and grandchildren report, read from the cache.
type observed struct {
	// topoServers are the global one and the cells' own, by object name.
	topoServers map[string]*v1beta1.TopoServer
	// cells and tableGroups are the ones the cluster controls, by object name.
	cells       map[string]*v1beta1.Cell
	tableGroups map[string]*v1beta1.TableGroup
	// shards are every shard labelled with the cluster.
	shards     []v1beta1.Shard
	multiAdmin *appsv1.Deployment
	// credentialsMissing are the keys the generated credentials Secret lacks.
	credentialsMissing []string
}

// observe reads the cluster's objects by its multigres.com/cluster label.
func (r *Reconciler) observe(ctx context.Context, c *v1beta1.MultigresCluster) (*observed, error) {
	in := []client.ListOption{client.InNamespace(c.Namespace), client.MatchingLabels{v1beta1.LabelCluster: c.Name}}
	topos, cells, tgs, shards := &v1beta1.TopoServerList{}, &v1beta1.CellList{}, &v1beta1.TableGroupList{}, &v1beta1.ShardList{}
	for _, list := range []client.ObjectList{topos, cells, tgs, shards} {
		if err := r.List(ctx, list, in...); err != nil {
			return nil, err
		}
	}
	obs := &observed{
		topoServers: map[string]*v1beta1.TopoServer{},
		cells:       map[string]*v1beta1.Cell{},
		tableGroups: map[string]*v1beta1.TableGroup{},
		shards:      shards.Items,
	}
	for i := range topos.Items {
		obs.topoServers[topos.Items[i].Name] = &topos.Items[i]
	}
	for i := range cells.Items {
		if metav1.IsControlledBy(&cells.Items[i], c) {
			obs.cells[cells.Items[i].Name] = &cells.Items[i]
		}
	}
	for i := range tgs.Items {
		if metav1.IsControlledBy(&tgs.Items[i], c) {
			obs.tableGroups[tgs.Items[i].Name] = &tgs.Items[i]
		}
	}
	if c.Spec.PostgresCredentialsSecret == "" {
		s := &corev1.Secret{}
		switch err := r.Get(ctx, credentialsKey(c), s); {
		case err == nil:
			obs.credentialsMissing = missingKeys(s)
		case !apierrors.IsNotFound(err):
			return nil, err
		}
	}
	d := &appsv1.Deployment{}
	err := r.Get(ctx, client.ObjectKey{Namespace: c.Namespace, Name: names.MultiAdmin(c.Name)}, d)
	switch {
	case err == nil && metav1.IsControlledBy(d, c):
		obs.multiAdmin = d
	case client.IgnoreNotFound(err) != nil:
		return nil, err
	}
	return obs, nil
}

// desired is what the cluster should consist of, for its status.
type desired struct {
	// globalTopo names the managed global TopoServer; empty when it is external.
	globalTopo  string
	cells       []v1beta1.Cell
	tableGroups []v1beta1.TableGroup
	// instances are the Postgres instances each database should have.
	instances map[string]int32
}

// desiredFrom is the resolved cluster or, when the spec is invalid (res is nil), the
// children that exist: they keep running untouched, so their health is still reported.
func desiredFrom(c *v1beta1.MultigresCluster, res *resolve.Result, obs *observed) desired {
	if res != nil {
		d := desired{cells: res.Cells, tableGroups: res.TableGroups, instances: res.DesiredInstances}
		if res.GlobalTopoServer != nil {
			d.globalTopo = res.GlobalTopoServer.Name
		}
		return d
	}
	d := desired{instances: map[string]int32{}}
	if ts := obs.topoServers[names.GlobalTopoServer(c.Name)]; ts != nil && metav1.IsControlledBy(ts, c) {
		d.globalTopo = ts.Name
	}
	for _, cell := range obs.cells {
		d.cells = append(d.cells, *cell)
	}
	slices.SortFunc(d.cells, func(a, b v1beta1.Cell) int { return strings.Compare(a.Name, b.Name) })
	sums := map[string]int64{}
	for _, tg := range obs.tableGroups {
		d.tableGroups = append(d.tableGroups, *tg)
		sums[tg.Spec.DatabaseName] += resolve.Instances(&tg.Spec)
	}
	for db, n := range sums {
		d.instances[db] = int32(min(n, math.MaxInt32))
	}
	slices.SortFunc(d.tableGroups, func(a, b v1beta1.TableGroup) int { return strings.Compare(a.Name, b.Name) })
	return d
}
