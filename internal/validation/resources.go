package validation

import (
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Requests within limits, for the resolved cluster's rules and the template's.

// resourceBlock is a resources field: requests and limits at path.
type resourceBlock struct {
	path             *field.Path
	requests, limits corev1.ResourceList
}

// containerBlock is the resources field of the component or container at p.
func containerBlock(p *field.Path, r *corev1.ResourceRequirements) resourceBlock {
	return resourceBlock{p.Child("resources"), r.Requests, r.Limits}
}

// volumeBlock is the resources field of the claim at p.
func volumeBlock(p *field.Path, v *corev1.PersistentVolumeClaimSpec) resourceBlock {
	return resourceBlock{p.Child("resources"), v.Resources.Requests, v.Resources.Limits}
}

// withinLimits checks that no request of the blocks exceeds its limit; errors point at
// <block>.requests[<name>].
func withinLimits(blocks []resourceBlock) field.ErrorList {
	var errs field.ErrorList
	for _, b := range blocks {
		for _, name := range slices.Sorted(maps.Keys(b.requests)) {
			req := b.requests[name]
			limit, ok := b.limits[name]
			if ok && req.Cmp(limit) > 0 {
				errs = append(errs, field.Invalid(b.path.Child("requests").Key(string(name)), req.String(), fmt.Sprintf(
					"must be less than or equal to the %s limit %s; lower the request or raise the limit", name, limit.String())))
			}
		}
	}
	return errs
}
