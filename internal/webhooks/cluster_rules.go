package webhooks

import (
	"fmt"
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// Templates are a namespace's DeploymentTemplates by name, as resolution takes them.
type Templates = map[string]*v1beta1.DeploymentTemplate

// CheckCluster runs every rule on c: what resolution detects plus root paths. It returns the
// resolved cluster (nil when invalid), the errors and the warnings. The cluster controller
// calls it too, so a spec that slipped past the webhook is still refused.
func CheckCluster(c *v1beta1.MultigresCluster, templates Templates) (*resolve.Result, field.ErrorList, []string) {
	res, errs := resolve.Cluster(c, templates)
	errs = append(errs, ValidateRootPaths(c)...)
	if len(errs) > 0 {
		return nil, errs, nil
	}
	return res, nil, Warnings(res)
}

// ValidateRootPaths: every topology root is an absolute, clean path, and no two of the global
// topology and the cells with their own topo server share one (their records would mix).
func ValidateRootPaths(c *v1beta1.MultigresCluster) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]*field.Path{}
	check := func(p *field.Path, root string) {
		if root == "" {
			return
		}
		if !strings.HasPrefix(root, "/") || path.Clean(root) != root || root == "/" {
			errs = append(errs, field.Invalid(p, root, "must be an absolute path below / with no trailing slash, \"..\" or \"//\", such as /multigres/global"))
			return
		}
		if other, ok := seen[root]; ok {
			errs = append(errs, field.Duplicate(p, root+fmt.Sprintf(" (also the root of %s); give each topology its own root path", other)))
			return
		}
		seen[root] = p
	}
	spec := field.NewPath("spec")
	if g := c.Spec.GlobalTopoServer; g != nil {
		checkTopoRoots(check, spec.Child("globalTopoServer"), g.External, g.Managed)
	}
	for i, cell := range c.Spec.Cells {
		if t := cell.Spec.TopoServer; t != nil {
			checkTopoRoots(check, spec.Child("cells").Index(i).Child("spec", "topoServer"), t.External, t.Managed)
		}
	}
	return errs
}

// checkTopoRoots checks the root path a topo server config sets, where it sets it.
func checkTopoRoots(check func(*field.Path, string), p *field.Path,
	external *v1beta1.ExternalTopoServerSpec, managed *v1beta1.ManagedTopoServerConfig) {
	switch {
	case external != nil:
		check(p.Child("external", "rootPath"), external.RootPath)
	case managed == nil:
	case managed.RootPath != "":
		check(p.Child("managed", "rootPath"), managed.RootPath)
	case managed.Spec != nil:
		check(p.Child("managed", "spec", "rootPath"), managed.Spec.RootPath)
	}
}

// Warnings are sizes that work but defeat the point of the component.
func Warnings(res *resolve.Result) []string {
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
	return append(w, res.DurabilityWarnings...)
}

// UnsupportedWarnings name each field of c that asks for more than the Multigres images
// serve (the API accepts it; no pods run for it) and a postgres image that cannot run pgctld.
func UnsupportedWarnings(c *v1beta1.MultigresCluster, lim limits.Limits) []string {
	w := lim.Cluster(c)
	if msg := limits.PostgresImageWarning(field.NewPath("spec", "images", "postgres").String(), c.Spec.Images.Postgres); msg != "" {
		w = append(w, msg)
	}
	return w
}

// ValidateClusterUpdate refuses changes the operator cannot carry out without losing data or
// availability. old and new are resolved clusters (each may be nil when invalid).
func ValidateClusterUpdate(oldC, newC *v1beta1.MultigresCluster, oldRes, newRes *resolve.Result) field.ErrorList {
	var errs field.ErrorList
	spec := field.NewPath("spec")

	// Cells that host pools cannot disappear (a rename is a removal plus an addition).
	newCells := map[string]bool{}
	for _, cell := range newC.Spec.Cells {
		newCells[cell.Name] = true
	}
	for cell, users := range poolCells(oldC) {
		if !newCells[cell] {
			errs = append(errs, field.Forbidden(spec.Child("cells"), fmt.Sprintf(
				"cell %q hosts pools of %s: a cell in use cannot be renamed or removed; move or remove those pools first", cell, strings.Join(users, ", "))))
		}
	}

	for i, db := range newC.Spec.Databases {
		for j, tg := range db.Spec.TableGroups {
			p := spec.Child("databases").Index(i).Child("spec", "tablegroups").Index(j)
			oldTG := findTableGroup(oldC, db.Name, tg.Name)
			if oldTG == nil {
				continue
			}
			if o, n := oldTG.Partitioning.Shards, tg.Partitioning.Shards; o != nil && n != nil && *n < *o {
				errs = append(errs, field.Forbidden(p.Child("partitioning", "shards"), fmt.Sprintf(
					"cannot lower shards from %d to %d: resharding is not supported yet; shards can only grow", *o, *n)))
			}
		}
	}
	if oldRes == nil || newRes == nil {
		return errs
	}

	oldPools := resolvedPools(oldRes)
	for _, tg := range newRes.TableGroups {
		i, j := indexOf(newC, tg.Spec.DatabaseName, tg.Spec.TableGroupName)
		for k, pool := range tg.Spec.ShardTemplate.Pools {
			old, ok := oldPools[poolKey{tg.Spec.DatabaseName, tg.Spec.TableGroupName, k}]
			if !ok {
				continue
			}
			p := spec.Child("databases").Index(i).Child("spec", "tablegroups").Index(j).Child("shardTemplate", "pools").Index(k)
			errs = append(errs, noShrink(p.Child("dataVolumeClaimTemplate"), old.DataVolumeClaimTemplate, pool.DataVolumeClaimTemplate)...)
		}
	}

	if o, n := oldRes.GlobalTopoServer, newRes.GlobalTopoServer; o != nil && n != nil {
		errs = append(errs, sameEtcd(spec.Child("globalTopoServer", "managed"), &o.Spec, &n.Spec)...)
	}
	for i, cell := range newRes.Cells {
		n := resolve.ManagedCellTopo(&cell)
		o := oldCellTopo(oldRes, cell.Spec.Name)
		if o != nil && n != nil {
			errs = append(errs, sameEtcd(spec.Child("cells").Index(i).Child("spec", "topoServer", "managed"), o, n)...)
		}
	}
	return errs
}

// sameEtcd: a managed etcd is bootstrapped statically, so its member count is fixed, and its
// volumes can only grow.
func sameEtcd(p *field.Path, o, n *v1beta1.TopoServerSpec) field.ErrorList {
	var errs field.ErrorList
	if o.Replicas != n.Replicas {
		errs = append(errs, field.Forbidden(p.Child("replicas"), fmt.Sprintf(
			"cannot change a managed etcd from %d to %d members: members are bootstrapped statically; keep %d", o.Replicas, n.Replicas, o.Replicas)))
	}
	return append(errs, noShrink(p.Child("dataVolumeClaimTemplate"), o.DataVolumeClaimTemplate, n.DataVolumeClaimTemplate)...)
}

func noShrink(p *field.Path, o, n *corev1.PersistentVolumeClaimSpec) field.ErrorList {
	if o == nil || n == nil {
		return nil
	}
	os, oOK := o.Resources.Requests[corev1.ResourceStorage]
	ns, nOK := n.Resources.Requests[corev1.ResourceStorage]
	if oOK && nOK && ns.Cmp(os) < 0 {
		return field.ErrorList{field.Forbidden(p.Child("resources", "requests").Key(string(corev1.ResourceStorage)), fmt.Sprintf(
			"cannot shrink storage from %s to %s (directly or through its template): volumes can only grow; use %s or more", os.String(), ns.String(), os.String()))}
	}
	return nil
}

type poolKey struct {
	db, tg string
	index  int
}

func resolvedPools(res *resolve.Result) map[poolKey]v1beta1.PoolSpec {
	m := map[poolKey]v1beta1.PoolSpec{}
	for _, tg := range res.TableGroups {
		for k, pool := range tg.Spec.ShardTemplate.Pools {
			m[poolKey{tg.Spec.DatabaseName, tg.Spec.TableGroupName, k}] = pool
		}
	}
	return m
}

// poolCells maps each cell hosting pools to the "database/tablegroup" pairs that use it.
func poolCells(c *v1beta1.MultigresCluster) map[string][]string {
	m := map[string][]string{}
	for _, db := range c.Spec.Databases {
		for _, tg := range db.Spec.TableGroups {
			for _, pool := range tg.ShardTemplate.Pools {
				m[pool.Cell] = append(m[pool.Cell], db.Name+"/"+tg.Name)
			}
		}
	}
	return m
}

func findTableGroup(c *v1beta1.MultigresCluster, db, tg string) *v1beta1.TableGroupConfig {
	i, j := indexOf(c, db, tg)
	if i < 0 {
		return nil
	}
	return &c.Spec.Databases[i].Spec.TableGroups[j]
}

func indexOf(c *v1beta1.MultigresCluster, db, tg string) (int, int) {
	for i, d := range c.Spec.Databases {
		if d.Name != db {
			continue
		}
		for j, t := range d.Spec.TableGroups {
			if t.Name == tg {
				return i, j
			}
		}
	}
	return -1, -1
}

func oldCellTopo(res *resolve.Result, cell string) *v1beta1.TopoServerSpec {
	for _, c := range res.Cells {
		if c.Spec.Name == cell {
			return resolve.ManagedCellTopo(&c)
		}
	}
	return nil
}
