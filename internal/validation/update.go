package validation

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// cellsInUseKept: a cell that hosts pools cannot disappear (a rename is a removal plus an
// addition).
func cellsInUseKept(u update) field.ErrorList {
	var errs field.ErrorList
	newCells := map[string]bool{}
	for _, cell := range u.new.Spec.Cells {
		newCells[cell.Name] = true
	}
	for cell, users := range poolCellUsers(u.old) {
		if !newCells[cell] {
			errs = append(errs, field.Forbidden(field.NewPath("spec", "cells"), fmt.Sprintf(
				"cell %q hosts pools of %s: a cell in use cannot be renamed or removed; move or remove those pools first", cell, strings.Join(users, ", "))))
		}
	}
	return errs
}

// shardsNeverLowered: resharding is not supported, so a table group's shards only grow.
func shardsNeverLowered(u update) field.ErrorList {
	var errs field.ErrorList
	for i, db := range u.new.Spec.Databases {
		for j, tg := range db.Spec.TableGroups {
			oldTG := findTableGroup(u.old, db.Name, tg.Name)
			if oldTG == nil {
				continue
			}
			if o, n := oldTG.Partitioning.Shards, tg.Partitioning.Shards; o != nil && n != nil && *n < *o {
				errs = append(errs, field.Forbidden(resolve.TableGroupPath(i, j).Child("partitioning", "shards"), fmt.Sprintf(
					"cannot lower shards from %d to %d: resharding is not supported yet; shards can only grow", *o, *n)))
			}
		}
	}
	return errs
}

// poolVolumesNeverShrink: a pool's data volumes can only grow, whether the size is set
// directly or through a template.
func poolVolumesNeverShrink(u update) field.ErrorList {
	if u.oldRes == nil || u.newRes == nil {
		return nil
	}
	var errs field.ErrorList
	oldPools := resolvedPools(u.oldRes)
	for _, tg := range u.newRes.TableGroups {
		i, j := indexOf(u.new, tg.Spec.DatabaseName, tg.Spec.TableGroupName)
		for k, pool := range tg.Spec.ShardTemplate.Pools {
			old, ok := oldPools[poolKey{tg.Spec.DatabaseName, tg.Spec.TableGroupName, k}]
			if !ok {
				continue
			}
			p := resolve.TableGroupPath(i, j).Child("shardTemplate", "pools").Index(k)
			errs = append(errs, noShrink(p.Child("dataVolumeClaimTemplate"), old.DataVolumeClaimTemplate, pool.DataVolumeClaimTemplate)...)
		}
	}
	return errs
}

// managedEtcdsKept: a managed etcd is bootstrapped statically, so its member count is fixed,
// and its volumes can only grow.
func managedEtcdsKept(u update) field.ErrorList {
	if u.oldRes == nil || u.newRes == nil {
		return nil
	}
	var errs field.ErrorList
	spec := field.NewPath("spec")
	if o, n := u.oldRes.GlobalTopoServer, u.newRes.GlobalTopoServer; o != nil && n != nil {
		errs = append(errs, sameEtcd(spec.Child("globalTopoServer", "managed"), &o.Spec, &n.Spec)...)
	}
	for i, cell := range u.newRes.Cells {
		n := resolve.ManagedCellTopo(&cell)
		o := cellTopo(u.oldRes, cell.Spec.Name)
		if o != nil && n != nil {
			errs = append(errs, sameEtcd(spec.Child("cells").Index(i).Child("spec", "topoServer", "managed"), o, n)...)
		}
	}
	return errs
}

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

// poolCellUsers maps each cell hosting pools to the "database/tablegroup" pairs that use it.
func poolCellUsers(c *v1beta1.MultigresCluster) map[string][]string {
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

// cellTopo is the managed etcd of the cell named cell in res, if it has one.
func cellTopo(res *resolve.Result, cell string) *v1beta1.TopoServerSpec {
	for _, c := range res.Cells {
		if c.Spec.Name == cell {
			return resolve.ManagedCellTopo(&c)
		}
	}
	return nil
}
