package validation

import (
	"fmt"
	"path"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// rootPaths: every topology root is an absolute, clean path, and no two of the global
// topology and the cells with their own topo server share one (their records would mix).
func rootPaths(c *v1beta1.MultigresCluster) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]*field.Path{}
	for _, r := range topoRoots(c) {
		other, shared := seen[r.root]
		switch {
		case !strings.HasPrefix(r.root, "/") || path.Clean(r.root) != r.root || r.root == "/":
			errs = append(errs, field.Invalid(r.path, r.root, "must be an absolute path below / with no trailing slash, \"..\" or \"//\", such as /multigres/global"))
		case shared:
			errs = append(errs, field.Duplicate(r.path, r.root+fmt.Sprintf(" (also the root of %s); give each topology its own root path", other)))
		default:
			seen[r.root] = r.path
		}
	}
	return errs
}

// topoRoot is a root path the spec sets, at its path.
type topoRoot struct {
	path *field.Path
	root string
}

// topoRoots are the root paths c sets: the global topology's, then each cell's.
func topoRoots(c *v1beta1.MultigresCluster) []topoRoot {
	spec := field.NewPath("spec")
	var roots []topoRoot
	if g := c.Spec.GlobalTopoServer; g != nil {
		roots = append(roots, topoServerRoot(spec.Child("globalTopoServer"), g.External, g.Managed)...)
	}
	for i, cell := range c.Spec.Cells {
		if t := cell.Spec.TopoServer; t != nil {
			roots = append(roots, topoServerRoot(spec.Child("cells").Index(i).Child("spec", "topoServer"), t.External, t.Managed)...)
		}
	}
	return roots
}

// topoServerRoot is the root path a topo server config sets, where it sets one.
func topoServerRoot(p *field.Path, external *v1beta1.ExternalTopoServerSpec, managed *v1beta1.ManagedTopoServerConfig) []topoRoot {
	var r topoRoot
	switch {
	case external != nil:
		r = topoRoot{p.Child("external", "rootPath"), external.RootPath}
	case managed == nil:
	case managed.RootPath != "":
		r = topoRoot{p.Child("managed", "rootPath"), managed.RootPath}
	case managed.Spec != nil:
		r = topoRoot{p.Child("managed", "spec", "rootPath"), managed.Spec.RootPath}
	}
	if r.root == "" {
		return nil
	}
	return []topoRoot{r}
}
