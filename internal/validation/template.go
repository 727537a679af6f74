package validation

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// templateHasSection: a template with no section would serve no reference.
func templateHasSection(t *v1beta1.DeploymentTemplate) field.ErrorList {
	s := &t.Spec
	if s.ShardPool == nil && s.MultiOrch == nil && s.MultiGateway == nil && s.MultiAdmin == nil && s.ManagedTopoServer == nil {
		return field.ErrorList{field.Required(field.NewPath("spec"),
			"a DeploymentTemplate needs at least one of shardPool, multiorch, multigateway, multiadmin or managedTopoServer")}
	}
	return nil
}

// templateRequestsWithinLimits: in each section on its own, no container's request exceeds
// its limit.
func templateRequestsWithinLimits(t *v1beta1.DeploymentTemplate) field.ErrorList {
	s, spec := &t.Spec, field.NewPath("spec")
	var blocks []resourceBlock
	add := func(p *field.Path, r *corev1.ResourceRequirements) {
		if r != nil {
			blocks = append(blocks, containerBlock(p, r))
		}
	}
	if p := s.ShardPool; p != nil {
		sp := spec.Child(resolve.SectionShardPool)
		if p.Postgres != nil {
			add(sp.Child("postgres"), p.Postgres.Resources)
		}
		if p.MultiPooler != nil {
			add(sp.Child("multipooler"), p.MultiPooler.Resources)
		}
	}
	for _, st := range []struct {
		section string
		spec    *v1beta1.StatelessSpec
	}{{resolve.SectionMultiAdmin, s.MultiAdmin}, {resolve.SectionMultiGateway, s.MultiGateway}, {resolve.SectionMultiOrch, s.MultiOrch}} {
		if st.spec != nil {
			add(spec.Child(st.section), st.spec.Resources)
		}
	}
	if m := s.ManagedTopoServer; m != nil {
		add(spec.Child(resolve.SectionManagedTopoServer), m.Resources)
	}
	return withinLimits(blocks)
}

// templateVolumeSizes: a data volume's storage, where the template sets it, is positive.
func templateVolumeSizes(t *v1beta1.DeploymentTemplate) field.ErrorList {
	var errs field.ErrorList
	spec := field.NewPath("spec")
	if p := t.Spec.ShardPool; p != nil {
		errs = append(errs, positiveSize(spec.Child(resolve.SectionShardPool, "dataVolumeClaimTemplate"), p.DataVolumeClaimTemplate)...)
	}
	if m := t.Spec.ManagedTopoServer; m != nil {
		errs = append(errs, positiveSize(spec.Child(resolve.SectionManagedTopoServer, "dataVolumeClaimTemplate"), m.DataVolumeClaimTemplate)...)
	}
	return errs
}

func positiveSize(p *field.Path, v *corev1.PersistentVolumeClaimSpec) field.ErrorList {
	if v == nil {
		return nil
	}
	if size, ok := v.Resources.Requests[corev1.ResourceStorage]; ok && size.Sign() <= 0 {
		return field.ErrorList{field.Invalid(p.Child("resources", "requests").Key(string(corev1.ResourceStorage)), size.String(), "must be a positive size, such as 10Gi")}
	}
	return nil
}

// CheckTemplateUpdate re-checks each of clusters (those using the template) with t's new
// content in place of old, so a template edit cannot shrink a volume or resize an etcd that a
// cluster edit could not. Only what this edit breaks is reported: a cluster already invalid
// for other reasons must not block fixing the template. templates are the namespace's. The
// warnings are the clusters', each naming its cluster.
func CheckTemplateUpdate(old, t *v1beta1.DeploymentTemplate, clusters []v1beta1.MultigresCluster, templates resolve.Templates) (field.ErrorList, []string) {
	var errs field.ErrorList
	var warnings []string
	for i := range clusters {
		c := &clusters[i]
		// Both sides run the update rules, so one that holds whatever the template (a pool in
		// a cell the spec lacks) is in both and never charged to this edit.
		oldRes, oldErrs, _ := CheckCluster(c, withTemplate(templates, old))
		oldErrs = append(oldErrs, CheckClusterUpdate(c, c, oldRes, oldRes)...)
		res, newErrs, w := CheckCluster(c, withTemplate(templates, t))
		newErrs = append(newErrs, CheckClusterUpdate(c, c, oldRes, res)...)
		for _, e := range newErrs {
			if !slices.ContainsFunc(oldErrs, func(o *field.Error) bool { return o.Error() == e.Error() }) {
				errs = append(errs, field.Forbidden(field.NewPath("spec"), fmt.Sprintf("MultigresCluster %q would become invalid: %s", c.Name, e.Error())))
			}
		}
		for _, msg := range w {
			warnings = append(warnings, fmt.Sprintf("MultigresCluster %q: %s", c.Name, msg))
		}
	}
	return errs, warnings
}

// withTemplate is templates with t in place of the template of its name.
func withTemplate(templates resolve.Templates, t *v1beta1.DeploymentTemplate) resolve.Templates {
	m := make(resolve.Templates, len(templates)+1)
	maps.Copy(m, templates)
	m[t.Name] = t
	return m
}

// CheckTemplateDeletion refuses deleting the template named template while any of clusters
// references it; the error lists each cluster and the exact fields to change.
func CheckTemplateDeletion(template string, clusters []v1beta1.MultigresCluster) error {
	var users []string
	for i := range clusters {
		var paths []string
		for _, ref := range resolve.TemplateReferences(&clusters[i]) {
			if ref.Name == template {
				paths = append(paths, ref.Path.String())
			}
		}
		if len(paths) > 0 {
			users = append(users, fmt.Sprintf("%s (%s)", clusters[i].Name, strings.Join(paths, ", ")))
		}
	}
	if len(users) == 0 {
		return nil
	}
	return fmt.Errorf("it is in use by MultigresCluster %s; remove those references (or delete the clusters) first",
		strings.Join(users, "; "))
}
