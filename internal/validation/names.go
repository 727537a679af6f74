package validation

import (
	"fmt"
	"strings"

	kvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// ReservedCellName would give a cell's local TopoServer the global TopoServer's name.
const ReservedCellName = "global"

// clusterName: the cluster's name is part of every child's name and a label value.
func clusterName(c *v1beta1.MultigresCluster) field.ErrorList {
	return dnsLabel(field.NewPath("metadata", "name"), c.Name, false)
}

// cellNames: each a DNS-1123 label, unique (also as the object name derived from it), and not
// the reserved "global".
func cellNames(c *v1beta1.MultigresCluster) field.ErrorList {
	var errs field.ErrorList
	seen := newUniq()
	for i, cell := range c.Spec.Cells {
		p := field.NewPath("spec", "cells").Index(i).Child("name")
		bad := dnsLabel(p, cell.Name, false)
		if len(bad) == 0 {
			bad = reservedCellName(c, p, cell.Name)
		}
		if len(bad) == 0 {
			bad = seen.check(p, cell.Name, names.Cell(c.Name, cell.Name), "cell")
		}
		errs = append(errs, bad...)
	}
	return errs
}

func reservedCellName(c *v1beta1.MultigresCluster, p *field.Path, cell string) field.ErrorList {
	if names.Cell(c.Name, cell) != names.GlobalTopoServer(c.Name) {
		return nil
	}
	return field.ErrorList{field.Invalid(p, cell, fmt.Sprintf(
		"%q is reserved: a cell's topo server would take the global TopoServer's name %q; choose another cell name",
		ReservedCellName, names.GlobalTopoServer(c.Name)))}
}

// databaseAndTableGroupNames: each a DNS-1123 label once '_' is '-', unique, and unique after
// deriving object names ("a_b" and "a-b" give the same name). Table groups are unique within
// their database, and their object names across the cluster.
func databaseAndTableGroupNames(c *v1beta1.MultigresCluster) field.ErrorList {
	var errs field.ErrorList
	dbs, tableGroups := newUniq(), newUniq()
	for i, db := range c.Spec.Databases {
		p := field.NewPath("spec", "databases").Index(i).Child("name")
		dbBad := dnsLabel(p, db.Name, true)
		if len(dbBad) == 0 {
			dbBad = dbs.check(p, db.Name, names.Build(db.Name), "database")
		}
		errs = append(errs, dbBad...)
		inDB := newUniq()
		for j, tg := range db.Spec.TableGroups {
			p := resolve.TableGroupPath(i, j).Child("name")
			bad := dnsLabel(p, tg.Name, true)
			if len(bad) == 0 {
				bad = inDB.check(p, tg.Name, names.Build(tg.Name), "table group")
			}
			if len(bad) == 0 && len(dbBad) == 0 {
				// Across databases only the derived name can collide: "a_b"+"c" and "a"+"b_c".
				bad = tableGroups.check(p, db.Name+"\x00"+tg.Name, names.TableGroup(c.Name, db.Name, tg.Name), "table group")
			}
			errs = append(errs, bad...)
		}
	}
	return errs
}

// dnsLabel says why v cannot name objects, if it cannot: it must be a DNS-1123 label
// (lowercase letters, digits and '-', up to 63 characters). Database and table group names
// are Postgres identifiers and may also use '_', which object names spell '-'.
func dnsLabel(p *field.Path, v string, underscores bool) field.ErrorList {
	accepted := "up to 63 lowercase letters, digits and '-', starting and ending with a letter or digit"
	if underscores {
		accepted += " ('_' is allowed too and becomes '-' in object names)"
	}
	if v == "" {
		return field.ErrorList{field.Required(p, "a name is required: "+accepted)}
	}
	check := v
	if underscores {
		check = strings.ReplaceAll(v, "_", "-")
	}
	if msgs := kvalidation.IsDNS1123Label(check); len(msgs) > 0 {
		return field.ErrorList{field.Invalid(p, v, "must be "+accepted)}
	}
	return nil
}

// uniq finds names, and the object names derived from them, that were seen before.
type uniq struct {
	names   map[string]*field.Path
	derived map[string]*field.Path
}

func newUniq() uniq { return uniq{map[string]*field.Path{}, map[string]*field.Path{}} }

// check records name and derived at p, or says where one of them was seen before.
func (u uniq) check(p *field.Path, name, derived, what string) field.ErrorList {
	if prev, ok := u.names[name]; ok {
		e := field.Duplicate(p, name)
		e.Detail = fmt.Sprintf("%s names must be unique; %s has it already", what, prev)
		return field.ErrorList{e}
	}
	if prev, ok := u.derived[derived]; ok {
		e := field.Duplicate(p, name)
		e.Detail = fmt.Sprintf("gives the object name %q, as %s does ('_' becomes '-', letters are lowercased); rename one of them",
			derived, prev)
		return field.ErrorList{e}
	}
	u.names[name], u.derived[derived] = p, p
	return nil
}
