package webhooks

import (
	"context"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/limits"
)

// +kubebuilder:webhook:path=/mutate-multigres-com-v1beta1-multigrescluster,mutating=true,failurePolicy=fail,sideEffects=None,groups=multigres.com,resources=multigresclusters,verbs=create;update,versions=v1beta1,name=mmultigrescluster-v1beta1.multigres.com,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-multigres-com-v1beta1-multigrescluster,mutating=false,failurePolicy=fail,sideEffects=None,groups=multigres.com,resources=multigresclusters,verbs=create;update,versions=v1beta1,name=vmultigrescluster-v1beta1.multigres.com,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/mutate-multigres-com-v1beta1-deploymenttemplate,mutating=true,failurePolicy=fail,sideEffects=None,groups=multigres.com,resources=deploymenttemplates,verbs=create;update,versions=v1beta1,name=mdeploymenttemplate-v1beta1.multigres.com,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-multigres-com-v1beta1-deploymenttemplate,mutating=false,failurePolicy=fail,sideEffects=None,groups=multigres.com,resources=deploymenttemplates,verbs=create;update;delete,versions=v1beta1,name=vdeploymenttemplate-v1beta1.multigres.com,admissionReviewVersions=v1,timeoutSeconds=5

var (
	clusterKind  = v1beta1.GroupVersion.WithKind("MultigresCluster").GroupKind()
	templateKind = v1beta1.GroupVersion.WithKind("DeploymentTemplate").GroupKind()
)

// Cluster defaults and validates MultigresClusters. It reads the namespace's templates.
type Cluster struct {
	Reader client.Reader
	// Limits are what the Multigres images serve; more is admitted with warnings.
	Limits limits.Limits
}

func (w *Cluster) Default(_ context.Context, c *v1beta1.MultigresCluster) error {
	DefaultCluster(c)
	return nil
}

func (w *Cluster) ValidateCreate(ctx context.Context, c *v1beta1.MultigresCluster) (admission.Warnings, error) {
	return w.validate(ctx, nil, c)
}

func (w *Cluster) ValidateUpdate(ctx context.Context, old, c *v1beta1.MultigresCluster) (admission.Warnings, error) {
	return w.validate(ctx, old, c)
}

func (w *Cluster) ValidateDelete(context.Context, *v1beta1.MultigresCluster) (admission.Warnings, error) {
	return nil, nil
}

func (w *Cluster) validate(ctx context.Context, old, c *v1beta1.MultigresCluster) (admission.Warnings, error) {
	if !c.DeletionTimestamp.IsZero() {
		return nil, nil // being deleted: let finalizers be removed whatever the spec says
	}
	templates, err := ListTemplates(ctx, w.Reader, c.Namespace)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	res, errs, warnings := CheckCluster(c, templates)
	errs = append(errs, requestAffinityErrors(ctx)...)
	if old != nil {
		oldRes, _, _ := CheckCluster(old, templates)
		errs = append(errs, ValidateClusterUpdate(old, c, oldRes, res)...)
	}
	if len(errs) > 0 {
		return warnings, apierrors.NewInvalid(clusterKind, c.Name, errs)
	}
	return append(warnings, UnsupportedWarnings(c, w.Limits)...), nil
}

// Template defaults and validates DeploymentTemplates, and refuses deleting one in use.
type Template struct {
	Reader client.Reader
}

func (w *Template) Default(_ context.Context, t *v1beta1.DeploymentTemplate) error {
	DefaultTemplate(t)
	return nil
}

func (w *Template) ValidateCreate(ctx context.Context, t *v1beta1.DeploymentTemplate) (admission.Warnings, error) {
	return nil, invalid(templateKind, t.Name, append(ValidateTemplate(t), requestAffinityErrors(ctx)...))
}

// ValidateUpdate also re-checks every cluster using the template with the new content, so a
// template edit cannot shrink a volume or resize an etcd that a cluster edit could not.
func (w *Template) ValidateUpdate(ctx context.Context, old, t *v1beta1.DeploymentTemplate) (admission.Warnings, error) {
	if errs := append(ValidateTemplate(t), requestAffinityErrors(ctx)...); len(errs) > 0 || !t.DeletionTimestamp.IsZero() {
		return nil, invalid(templateKind, t.Name, errs)
	}
	clusters, err := clustersUsing(ctx, w.Reader, t.Namespace, t.Name)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	templates, err := ListTemplates(ctx, w.Reader, t.Namespace)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	var errs field.ErrorList
	var warnings admission.Warnings
	for i := range clusters {
		c := &clusters[i]
		templates[t.Name] = old
		oldRes, oldErrs, _ := CheckCluster(c, templates)
		templates[t.Name] = t
		res, cerrs, w := CheckCluster(c, templates)
		cerrs = append(cerrs, ValidateClusterUpdate(c, c, oldRes, res)...)
		for _, e := range cerrs {
			// Only what this edit breaks: a cluster already invalid for other reasons must not
			// block fixing the template.
			if !slices.ContainsFunc(oldErrs, func(o *field.Error) bool { return o.Error() == e.Error() }) {
				errs = append(errs, field.Forbidden(field.NewPath("spec"), fmt.Sprintf("MultigresCluster %q would become invalid: %s", c.Name, e.Error())))
			}
		}
		for _, msg := range w {
			warnings = append(warnings, fmt.Sprintf("MultigresCluster %q: %s", c.Name, msg))
		}
	}
	return warnings, invalid(templateKind, t.Name, errs)
}

func (w *Template) ValidateDelete(ctx context.Context, t *v1beta1.DeploymentTemplate) (admission.Warnings, error) {
	clusters, err := clustersUsing(ctx, w.Reader, t.Namespace, t.Name)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	if users := Users(t.Name, clusters); len(users) > 0 {
		return nil, apierrors.NewForbidden(v1beta1.GroupVersion.WithResource("deploymenttemplates").GroupResource(), t.Name, fmt.Errorf(
			"it is in use by MultigresCluster %s; remove those references (or delete the clusters) first",
			strings.Join(users, "; ")))
	}
	return nil, nil
}

// ListTemplates reads a namespace's DeploymentTemplates by name.
func ListTemplates(ctx context.Context, r client.Reader, namespace string) (Templates, error) {
	list := &v1beta1.DeploymentTemplateList{}
	if err := r.List(ctx, list, client.InNamespace(namespace)); err != nil {
		return nil, fmt.Errorf("listing DeploymentTemplates: %w", err)
	}
	m := make(Templates, len(list.Items))
	for i := range list.Items {
		m[list.Items[i].Name] = &list.Items[i]
	}
	return m, nil
}

// clustersUsing lists the namespace's clusters that reference the template in their spec
// (labels and status are not trusted for this).
func clustersUsing(ctx context.Context, r client.Reader, namespace, template string) ([]v1beta1.MultigresCluster, error) {
	list := &v1beta1.MultigresClusterList{}
	if err := r.List(ctx, list, client.InNamespace(namespace)); err != nil {
		return nil, fmt.Errorf("listing MultigresClusters: %w", err)
	}
	return slices.DeleteFunc(list.Items, func(c v1beta1.MultigresCluster) bool {
		return len(Users(template, []v1beta1.MultigresCluster{c})) == 0
	}), nil
}

func invalid(kind schema.GroupKind, name string, errs field.ErrorList) error {
	if len(errs) == 0 {
		return nil
	}
	return apierrors.NewInvalid(kind, name, errs)
}
