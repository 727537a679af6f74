package webhooks

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// ValidateTemplate: a template has at least one section, and each section is valid alone.
func ValidateTemplate(t *v1beta1.DeploymentTemplate) field.ErrorList {
	s, spec := &t.Spec, field.NewPath("spec")
	if s.ShardPool == nil && s.MultiOrch == nil && s.MultiGateway == nil && s.MultiAdmin == nil && s.ManagedTopoServer == nil {
		return field.ErrorList{field.Required(spec, "a DeploymentTemplate needs at least one of shardPool, multiorch, multigateway, multiadmin or managedTopoServer")}
	}
	var errs field.ErrorList
	if p := s.ShardPool; p != nil {
		sp := spec.Child(resolve.SectionShardPool)
		if p.Postgres != nil {
			errs = append(errs, validateResources(sp.Child("postgres", "resources"), p.Postgres.Resources)...)
		}
		if p.MultiPooler != nil {
			errs = append(errs, validateResources(sp.Child("multipooler", "resources"), p.MultiPooler.Resources)...)
		}
		errs = append(errs, validateVolume(sp.Child("dataVolumeClaimTemplate"), p.DataVolumeClaimTemplate)...)
	}
	for section, st := range map[string]*v1beta1.StatelessSpec{
		resolve.SectionMultiAdmin: s.MultiAdmin, resolve.SectionMultiGateway: s.MultiGateway, resolve.SectionMultiOrch: s.MultiOrch,
	} {
		if st != nil {
			errs = append(errs, validateResources(spec.Child(section, "resources"), st.Resources)...)
		}
	}
	if m := s.ManagedTopoServer; m != nil {
		mp := spec.Child(resolve.SectionManagedTopoServer)
		errs = append(errs, validateResources(mp.Child("resources"), m.Resources)...)
		errs = append(errs, validateVolume(mp.Child("dataVolumeClaimTemplate"), m.DataVolumeClaimTemplate)...)
	}
	// Map iteration above has no order; keep the message stable.
	slices.SortStableFunc(errs, func(a, b *field.Error) int { return strings.Compare(a.Field, b.Field) })
	return errs
}

func validateResources(p *field.Path, r *corev1.ResourceRequirements) field.ErrorList {
	if r == nil {
		return nil
	}
	return resolve.ValidateRequestsWithinLimits(p, r.Requests, r.Limits)
}

func validateVolume(p *field.Path, v *corev1.PersistentVolumeClaimSpec) field.ErrorList {
	if v == nil {
		return nil
	}
	if size, ok := v.Resources.Requests[corev1.ResourceStorage]; ok && size.Sign() <= 0 {
		return field.ErrorList{field.Invalid(p.Child("resources", "requests").Key(string(corev1.ResourceStorage)), size.String(), "must be a positive size, such as 10Gi")}
	}
	return nil
}

// Users lists where each cluster references a template, for a message that tells the user
// exactly what to change. clusters need not all reference it.
func Users(template string, clusters []v1beta1.MultigresCluster) []string {
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
	return users
}
