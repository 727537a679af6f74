package resolve

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
)

// MaxShards is the largest partitioning.shards (the CRD enforces the same).
const MaxShards = 1024

// ReservedCellName would give a cell's local TopoServer the global TopoServer's name.
const ReservedCellName = "global"

// Validate runs every rule that needs no DeploymentTemplate.
func Validate(c *v1beta1.MultigresCluster) field.ErrorList {
	errs := ValidateNames(c)
	errs = append(errs, ValidateSources(c)...)
	return append(errs, ValidateTableGroups(c)...)
}

// ValidateNames checks the cluster, cell, database and table group names: each must be a
// DNS-1123 label (they become parts of object names and label values), unique, and unique after deriving object
// names from it ("a_b" and "a-b" give the same name); the cell name "global" is reserved.
func ValidateNames(c *v1beta1.MultigresCluster) field.ErrorList {
	var errs field.ErrorList
	dnsLabel(&errs, field.NewPath("metadata", "name"), c.Name, false)

	cells := newUniq()
	for i, cell := range c.Spec.Cells {
		p := field.NewPath("spec", "cells").Index(i).Child("name")
		if !dnsLabel(&errs, p, cell.Name, false) {
			continue
		}
		if names.Cell(c.Name, cell.Name) == names.GlobalTopoServer(c.Name) {
			errs = append(errs, field.Invalid(p, cell.Name, fmt.Sprintf(
				"%q is reserved: a cell's topo server would take the global TopoServer's name %q; choose another cell name",
				ReservedCellName, names.GlobalTopoServer(c.Name))))
			continue
		}
		cells.check(&errs, p, cell.Name, names.Cell(c.Name, cell.Name), "cell")
	}

	dbs, tableGroups := newUniq(), newUniq()
	for i, db := range c.Spec.Databases {
		p := field.NewPath("spec", "databases").Index(i).Child("name")
		dbOK := dnsLabel(&errs, p, db.Name, true) && dbs.check(&errs, p, db.Name, names.Build(db.Name), "database")
		inDB := newUniq()
		for j, tg := range db.Spec.TableGroups {
			p := tableGroupPath(i, j).Child("name")
			if !dnsLabel(&errs, p, tg.Name, true) || !inDB.check(&errs, p, tg.Name, names.Build(tg.Name), "table group") || !dbOK {
				continue
			}
			// Across databases only the derived name can collide: "a_b"+"c" and "a"+"b_c".
			tableGroups.check(&errs, p, db.Name+"\x00"+tg.Name, names.TableGroup(c.Name, db.Name, tg.Name), "table group")
		}
	}
	return errs
}

// dnsLabel records why v cannot name objects and reports whether it can: a DNS-1123 label
// (lowercase letters, digits and '-', up to 63 characters). Database and table group names
// are Postgres identifiers and may also use '_', which object names spell '-'.
func dnsLabel(errs *field.ErrorList, p *field.Path, v string, underscores bool) bool {
	accepted := "up to 63 lowercase letters, digits and '-', starting and ending with a letter or digit"
	if underscores {
		accepted += " ('_' is allowed too and becomes '-' in object names)"
	}
	if v == "" {
		*errs = append(*errs, field.Required(p, "a name is required: "+accepted))
		return false
	}
	check := v
	if underscores {
		check = strings.ReplaceAll(v, "_", "-")
	}
	if msgs := validation.IsDNS1123Label(check); len(msgs) > 0 {
		*errs = append(*errs, field.Invalid(p, v, "must be "+accepted))
		return false
	}
	return true
}

// uniq finds names, and the object names derived from them, that were seen before.
type uniq struct {
	names   map[string]*field.Path
	derived map[string]*field.Path
}

func newUniq() uniq { return uniq{map[string]*field.Path{}, map[string]*field.Path{}} }

// check records a Duplicate error if name or derived was seen; reports whether it was new.
func (u uniq) check(errs *field.ErrorList, p *field.Path, name, derived, what string) bool {
	if prev, ok := u.names[name]; ok {
		e := field.Duplicate(p, name)
		e.Detail = fmt.Sprintf("%s names must be unique; %s has it already", what, prev)
		*errs = append(*errs, e)
		return false
	}
	if prev, ok := u.derived[derived]; ok {
		e := field.Duplicate(p, name)
		e.Detail = fmt.Sprintf("gives the object name %q, as %s does ('_' becomes '-', letters are lowercased); rename one of them",
			derived, prev)
		*errs = append(*errs, e)
		return false
	}
	u.names[name], u.derived[derived] = p, p
	return true
}

// ValidateSources checks that each component is configured one way: a deploymentTemplate
// (plus overrides) or a spec, and each topo server by exactly one member of its union. The
// CRD has the same rules; these run where the CRD does not (the reconciler, tests).
func ValidateSources(c *v1beta1.MultigresCluster) field.ErrorList {
	var errs field.ErrorList
	spec := field.NewPath("spec")
	if t := c.Spec.GlobalTopoServer; t != nil {
		p := spec.Child("globalTopoServer")
		exactlyOne(&errs, p, member{"external", t.External != nil}, member{"managed", t.Managed != nil})
		topoMembers(&errs, p, t.External, t.Managed)
	}
	component(&errs, spec.Child("multiadmin"), c.Spec.MultiAdmin)
	for i, cell := range c.Spec.Cells {
		p := spec.Child("cells").Index(i).Child("spec")
		component(&errs, p.Child("multigateway"), cell.Spec.MultiGateway)
		component(&errs, p.Child("multiorch"), cell.Spec.MultiOrch)
		if t := cell.Spec.TopoServer; t != nil {
			p := p.Child("topoServer")
			exactlyOne(&errs, p, member{"global", t.Global != nil}, member{"external", t.External != nil},
				member{"managed", t.Managed != nil})
			topoMembers(&errs, p, t.External, t.Managed)
		}
	}
	for i, db := range c.Spec.Databases {
		for j, tg := range db.Spec.TableGroups {
			for k, pool := range tg.ShardTemplate.Pools {
				p := tableGroupPath(i, j).Child("shardTemplate", "pools").Index(k)
				source(&errs, p, pool.DeploymentTemplate, pool.Spec != nil, pool.Overrides != nil)
			}
		}
	}
	return errs
}

func component(errs *field.ErrorList, p *field.Path, cfg *v1beta1.StatelessComponentConfig) {
	if cfg != nil {
		source(errs, p, cfg.DeploymentTemplate, cfg.Spec != nil, cfg.Overrides != nil)
	}
}

func topoMembers(errs *field.ErrorList, p *field.Path, external *v1beta1.ExternalTopoServerSpec, managed *v1beta1.ManagedTopoServerConfig) {
	if external != nil && external.Address == "" {
		*errs = append(*errs, field.Required(p.Child("external", "address"),
			"the etcd client address, host:port (comma-separated for several)"))
	}
	if managed != nil {
		source(errs, p.Child("managed"), managed.DeploymentTemplate, managed.Spec != nil, managed.Overrides != nil)
	}
}

// source checks a component block: exactly one of deploymentTemplate and spec, and
// overrides only with a template.
func source(errs *field.ErrorList, p *field.Path, template string, spec, overrides bool) {
	exactlyOne(errs, p, member{"deploymentTemplate", template != ""}, member{"spec", spec})
	if template == "" && overrides {
		*errs = append(*errs, field.Forbidden(p.Child("overrides"),
			"overrides need a deploymentTemplate to apply to; without a template, put the settings in spec"))
	}
}

// member is one member of a union, for exactlyOne.
type member struct {
	name string
	set  bool
}

// exactlyOne records an error unless exactly one member is set.
func exactlyOne(errs *field.ErrorList, p *field.Path, members ...member) {
	var all, set []string
	for _, m := range members {
		all = append(all, m.name)
		if m.set {
			set = append(set, m.name)
		}
	}
	switch {
	case len(set) == 0:
		*errs = append(*errs, field.Required(p, "set one of "+strings.Join(all, ", ")))
	case len(set) > 1:
		*errs = append(*errs, field.Forbidden(p, fmt.Sprintf(
			"set exactly one of %s, not %s", strings.Join(all, ", "), strings.Join(set, " and "))))
	}
}

// ValidateTableGroups checks shard counts, that a table group has pools, pool types, and that
// every pool names a cell of spec.cells.
func ValidateTableGroups(c *v1beta1.MultigresCluster) field.ErrorList {
	var errs field.ErrorList
	cells := make([]string, 0, len(c.Spec.Cells))
	for _, cell := range c.Spec.Cells {
		cells = append(cells, cell.Name)
	}
	types := []v1beta1.PoolType{v1beta1.PoolTypeReplica, v1beta1.PoolTypeReadOnly}
	for i, db := range c.Spec.Databases {
		for j, tg := range db.Spec.TableGroups {
			p := tableGroupPath(i, j)
			if s := tg.Partitioning.Shards; s != nil && (*s < 1 || *s > MaxShards) {
				errs = append(errs, field.Invalid(p.Child("partitioning", "shards"), *s,
					fmt.Sprintf("must be between 1 and %d", MaxShards)))
			}
			if len(tg.ShardTemplate.Pools) == 0 {
				errs = append(errs, field.Required(p.Child("shardTemplate", "pools"),
					"a table group needs at least one pool, or its shards run no Postgres: add a pool of type replica in a cell of spec.cells"))
			}
			for k, pool := range tg.ShardTemplate.Pools {
				pp := p.Child("shardTemplate", "pools").Index(k)
				if !slices.Contains(types, pool.Type) {
					errs = append(errs, field.NotSupported(pp.Child("type"), pool.Type, types))
				}
				switch {
				case slices.Contains(cells, pool.Cell):
				case len(cells) == 0:
					errs = append(errs, field.Invalid(pp.Child("cell"), pool.Cell,
						"spec.cells is empty; add this cell to spec.cells"))
				default:
					errs = append(errs, field.NotSupported(pp.Child("cell"), pool.Cell, cells))
				}
			}
		}
	}
	return errs
}

// ValidateRequestsWithinLimits checks that no request exceeds its limit. path is the
// resources field; errors point at path.requests[<name>].
func ValidateRequestsWithinLimits(path *field.Path, requests, limits corev1.ResourceList) field.ErrorList {
	var errs field.ErrorList
	for _, name := range slices.Sorted(maps.Keys(requests)) {
		req := requests[name]
		limit, ok := limits[name]
		if ok && req.Cmp(limit) > 0 {
			errs = append(errs, field.Invalid(path.Child("requests").Key(string(name)), req.String(), fmt.Sprintf(
				"must be less than or equal to the %s limit %s; lower the request or raise the limit", name, limit.String())))
		}
	}
	return errs
}
