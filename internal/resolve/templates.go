package resolve

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Sections of a DeploymentTemplate, as spelled in its spec.
const (
	SectionShardPool         = "shardPool"
	SectionMultiOrch         = "multiorch"
	SectionMultiGateway      = "multigateway"
	SectionMultiAdmin        = "multiadmin"
	SectionManagedTopoServer = "managedTopoServer"
)

// Templates are a namespace's DeploymentTemplates by name, as resolution takes them
// (internal/resolve/inputs reads them).
type Templates = map[string]*v1beta1.DeploymentTemplate

// Reference is one place where a cluster names a DeploymentTemplate.
type Reference struct {
	// Path is the deploymentTemplate field, e.g. spec.cells[0].spec.multigateway.deploymentTemplate.
	Path *field.Path
	// Name is the DeploymentTemplate's name.
	Name string
	// Section is the part of the template used there, e.g. "multigateway".
	Section string
}

// TemplateReferences lists every template reference of c, in spec order.
func TemplateReferences(c *v1beta1.MultigresCluster) []Reference {
	var refs []Reference
	add := func(p *field.Path, name, section string) {
		if name != "" {
			refs = append(refs, Reference{Path: p.Child("deploymentTemplate"), Name: name, Section: section})
		}
	}
	spec := field.NewPath("spec")
	if t := c.Spec.GlobalTopoServer; t != nil && t.Managed != nil {
		add(spec.Child("globalTopoServer", "managed"), t.Managed.DeploymentTemplate, SectionManagedTopoServer)
	}
	if m := c.Spec.MultiAdmin; m != nil {
		add(spec.Child("multiadmin"), m.DeploymentTemplate, SectionMultiAdmin)
	}
	for i, cell := range c.Spec.Cells {
		p := spec.Child("cells").Index(i).Child("spec")
		if g := cell.Spec.MultiGateway; g != nil {
			add(p.Child("multigateway"), g.DeploymentTemplate, SectionMultiGateway)
		}
		if o := cell.Spec.MultiOrch; o != nil {
			add(p.Child("multiorch"), o.DeploymentTemplate, SectionMultiOrch)
		}
		if t := cell.Spec.TopoServer; t != nil && t.Managed != nil {
			add(p.Child("topoServer", "managed"), t.Managed.DeploymentTemplate, SectionManagedTopoServer)
		}
	}
	for i, db := range c.Spec.Databases {
		for j, tg := range db.Spec.TableGroups {
			p := TableGroupPath(i, j).Child("shardTemplate", "pools")
			for k, pool := range tg.ShardTemplate.Pools {
				add(p.Index(k), pool.DeploymentTemplate, SectionShardPool)
			}
		}
	}
	return refs
}

// TemplateNames are the names of the templates c references, sorted and unique.
func TemplateNames(c *v1beta1.MultigresCluster) []string {
	var names []string
	for _, r := range TemplateReferences(c) {
		names = append(names, r.Name)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// TableGroupPath is spec.databases[db].spec.tablegroups[tg].
func TableGroupPath(db, tg int) *field.Path {
	return field.NewPath("spec", "databases").Index(db).Child("spec", "tablegroups").Index(tg)
}

// section returns the section of the template named name, or nil after recording why not.
// path is the component's config; errors point at its deploymentTemplate field.
func section[T any](r *resolver, path *field.Path, name, section string,
	get func(*v1beta1.DeploymentTemplateSpec) *T) *T {
	p := path.Child("deploymentTemplate")
	t := r.templates[name]
	if t == nil {
		e := field.NotFound(p, name)
		e.Detail = fmt.Sprintf("DeploymentTemplate %q does not exist in namespace %q; create it or name an existing one (%s)",
			name, r.c.Namespace, r.known())
		r.errs = append(r.errs, e)
		return nil
	}
	s := get(&t.Spec)
	if s == nil {
		r.errs = append(r.errs, field.Invalid(p, name, fmt.Sprintf(
			"DeploymentTemplate %q has no spec.%s section; add one to it or name a template that has one", name, section)))
	}
	return s
}

// known lists the existing templates for error messages.
func (r *resolver) known() string {
	var names []string
	for n, t := range r.templates {
		if t != nil {
			names = append(names, fmt.Sprintf("%q", n))
		}
	}
	if len(names) == 0 {
		return "there are none"
	}
	slices.Sort(names)
	return "existing: " + strings.Join(names, ", ")
}
