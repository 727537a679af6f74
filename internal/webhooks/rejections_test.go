package webhooks

import (
	"errors"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The field label keeps the schema's path and drops what users' lists and maps add to it.
func TestRuleField(t *testing.T) {
	kind := schema.GroupKind{Group: "multigres.com", Kind: "MultigresCluster"}
	invalid := func(p *field.Path) error {
		return apierrors.NewInvalid(kind, "c", field.ErrorList{field.Invalid(p, "x", "bad"), field.Required(field.NewPath("spec", "other"), "")})
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{invalid(field.NewPath("spec", "databases").Index(3).Child("spec", "backup", "schedule", "full")), "spec.databases[].spec.backup.schedule.full"},
		{invalid(field.NewPath("spec", "cells").Key("zone-a").Child("name")), "spec.cells[].name"},
		{invalid(field.NewPath("spec", "postgresCredentialsSecret")), "spec.postgresCredentialsSecret"},
		{apierrors.NewForbidden(schema.GroupResource{Resource: "deploymenttemplates"}, "t", errors.New("in use")), ""},
		{errors.New("not an API error"), ""},
	} {
		if got := ruleField(tc.err); got != tc.want {
			t.Errorf("ruleField(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
