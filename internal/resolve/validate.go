package resolve

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1alpha1"
	"github.com/multigres/multigres-operator/internal/names"
)

// MaxShards is the largest partitioning.shards (the CRD enforces the same).
const MaxShards = 1024

// ReservedCellName would give a cell's local TopoServer the global TopoServer's name.
const ReservedCellName = "global"

// Validate runs every rule that needs no DeploymentTemplate.
func Validate(c *v1alpha1.MultigresCluster) field.ErrorList {
	errs := ValidateNames(c)
	errs = append(errs, ValidateSources(c)...)
	return append(errs, ValidateTableGroups(c)...)
}

// ValidateNames checks the cluster, cell, database and table group names: each must be a
// DNS-1123 label (they become parts of object names and label values), unique, and unique after deriving object
// names from it ("a_b" and "a-b" give the same name); the cell name "global" is reserved.
func ValidateNames(c *v1alpha1.MultigresCluster) field.ErrorList {
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

// ValidateSources checks that each component is configured one way: a template (plus
// overrides), inline, or for topo servers external; overrides need a template.
func ValidateSources(c *v1alpha1.MultigresCluster) field.ErrorList {
	var errs field.ErrorList
	spec := field.NewPath("spec")
	topoSource(&errs, spec.Child("globalTopoServer"), c.Spec.GlobalTopoServer,
		"remove globalTopoServer for a managed etcd with defaults")
	statelessSource(&errs, spec.Child("multiadmin"), c.Spec.MultiAdmin)
	for i, cell := range c.Spec.Cells {
		p := spec.Child("cells").Index(i).Child("spec")
		statelessSource(&errs, p.Child("multigateway"), cell.Spec.MultiGateway)
		statelessSource(&errs, p.Child("multiorch"), cell.Spec.MultiOrch)
		topoSource(&errs, p.Child("topoServer"), cell.Spec.TopoServer,
			"remove topoServer to use the global topo server")
	}
	for i, db := range c.Spec.Databases {
		for j, tg := range db.Spec.TableGroups {
			for k, pool := range tg.ShardTemplate.Pools {
				p := tableGroupPath(i, j).Child("shardTemplate", "pools").Index(k)
				inline := !equality.Semantic.DeepEqual(pool.ShardPoolSpec, v1alpha1.ShardPoolSpec{})
				source(&errs, p, pool.DeploymentTemplate, inline, pool.Overrides != nil,
					"replicas, affinity, dataVolumeClaimTemplate, postgres and multipooler")
			}
		}
	}
	return errs
}

func statelessSource(errs *field.ErrorList, p *field.Path, cfg *v1alpha1.StatelessComponentConfig) {
	if cfg == nil {
		return
	}
	inline := !equality.Semantic.DeepEqual(cfg.StatelessSpec, v1alpha1.StatelessSpec{})
	source(errs, p, cfg.DeploymentTemplate, inline, cfg.Overrides != nil, "replicas, resources and affinity")
}

func source(errs *field.ErrorList, p *field.Path, template string, inline, overrides bool, fields string) {
	if template != "" && inline {
		*errs = append(*errs, field.Forbidden(p, fmt.Sprintf(
			"set either deploymentTemplate (with overrides) or the inline fields %s, not both; move the inline fields under overrides", fields)))
	}
	if template == "" && overrides {
		*errs = append(*errs, field.Forbidden(p.Child("overrides"),
			"overrides need a deploymentTemplate to apply to; without a template, set the fields inline"))
	}
}

func topoSource(errs *field.ErrorList, p *field.Path, cfg *v1alpha1.TopoServerConfig, none string) {
	if cfg == nil {
		return
	}
	var set []string
	if cfg.DeploymentTemplate != "" {
		set = append(set, "deploymentTemplate")
	}
	if cfg.ManagedSpec != nil {
		set = append(set, "managedSpec")
	}
	if cfg.External != nil {
		set = append(set, "external")
	}
	switch {
	case len(set) == 0:
		*errs = append(*errs, field.Required(p, "set one of deploymentTemplate, managedSpec or external, or "+none))
	case len(set) > 1:
		*errs = append(*errs, field.Forbidden(p, fmt.Sprintf(
			"set exactly one of deploymentTemplate, managedSpec or external, not %s", strings.Join(set, " and "))))
	}
	if cfg.Overrides != nil && cfg.DeploymentTemplate == "" {
		*errs = append(*errs, field.Forbidden(p.Child("overrides"),
			"overrides need a deploymentTemplate to apply to; without a template, use managedSpec"))
	}
	if cfg.External != nil && cfg.External.Address == "" {
		*errs = append(*errs, field.Required(p.Child("external", "address"),
			"the etcd client address, host:port (comma-separated for several)"))
	}
}

// ValidateTableGroups checks shard counts, pool types, and that every pool names a cell of
// spec.cells.
func ValidateTableGroups(c *v1alpha1.MultigresCluster) field.ErrorList {
	var errs field.ErrorList
	cells := make([]string, 0, len(c.Spec.Cells))
	for _, cell := range c.Spec.Cells {
		cells = append(cells, cell.Name)
	}
	types := []v1alpha1.PoolType{v1alpha1.PoolTypeReplica, v1alpha1.PoolTypeReadOnly}
	for i, db := range c.Spec.Databases {
		for j, tg := range db.Spec.TableGroups {
			p := tableGroupPath(i, j)
			if s := tg.Partitioning.Shards; s != nil && (*s < 1 || *s > MaxShards) {
				errs = append(errs, field.Invalid(p.Child("partitioning", "shards"), *s,
					fmt.Sprintf("must be between 1 and %d", MaxShards)))
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
