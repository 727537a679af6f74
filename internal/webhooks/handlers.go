package webhooks

import (
	"context"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/resolve"
	"github.com/multigres/multigres-operator/internal/resolve/inputs"
	"github.com/multigres/multigres-operator/internal/validation"
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
	resolve.DefaultCluster(c)
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
	templates, err := inputs.ListTemplates(ctx, w.Reader, c.Namespace)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	res, errs, warnings := validation.CheckCluster(c, templates)
	errs = append(errs, requestAffinityErrors(ctx)...)
	if old != nil {
		oldRes, _, _ := validation.CheckCluster(old, templates)
		errs = append(errs, validation.CheckClusterUpdate(old, c, oldRes, res)...)
	}
	if len(errs) > 0 {
		return warnings, apierrors.NewInvalid(clusterKind, c.Name, errs)
	}
	return append(warnings, validation.UnsupportedWarnings(c, w.Limits)...), nil
}

// Template defaults and validates DeploymentTemplates, and refuses deleting one in use.
type Template struct {
	Reader client.Reader
}

func (w *Template) Default(_ context.Context, t *v1beta1.DeploymentTemplate) error {
	resolve.DefaultTemplate(t)
	return nil
}

func (w *Template) ValidateCreate(ctx context.Context, t *v1beta1.DeploymentTemplate) (admission.Warnings, error) {
	return nil, invalid(templateKind, t.Name, append(validation.CheckTemplate(t), requestAffinityErrors(ctx)...))
}

// ValidateUpdate also re-checks every cluster using the template with the new content
// (validation.CheckTemplateUpdate).
func (w *Template) ValidateUpdate(ctx context.Context, old, t *v1beta1.DeploymentTemplate) (admission.Warnings, error) {
	if errs := append(validation.CheckTemplate(t), requestAffinityErrors(ctx)...); len(errs) > 0 || !t.DeletionTimestamp.IsZero() {
		return nil, invalid(templateKind, t.Name, errs)
	}
	clusters, err := clustersUsing(ctx, w.Reader, t.Namespace, t.Name)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	templates, err := inputs.ListTemplates(ctx, w.Reader, t.Namespace)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	errs, warnings := validation.CheckTemplateUpdate(old, t, clusters, templates)
	return warnings, invalid(templateKind, t.Name, errs)
}

func (w *Template) ValidateDelete(ctx context.Context, t *v1beta1.DeploymentTemplate) (admission.Warnings, error) {
	clusters, err := clustersUsing(ctx, w.Reader, t.Namespace, t.Name)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	if err := validation.CheckTemplateDeletion(t.Name, clusters); err != nil {
		return nil, apierrors.NewForbidden(v1beta1.GroupVersion.WithResource("deploymenttemplates").GroupResource(), t.Name, err)
	}
	return nil, nil
}

// clustersUsing lists the namespace's clusters that reference the template in their spec
// (labels and status are not trusted for this).
func clustersUsing(ctx context.Context, r client.Reader, namespace, template string) ([]v1beta1.MultigresCluster, error) {
	list := &v1beta1.MultigresClusterList{}
	if err := r.List(ctx, list, client.InNamespace(namespace)); err != nil {
		return nil, fmt.Errorf("listing MultigresClusters: %w", err)
	}
	return slices.DeleteFunc(list.Items, func(c v1beta1.MultigresCluster) bool {
		return !slices.Contains(resolve.TemplateNames(&c), template)
	}), nil
}

// requestAffinityErrors checks every affinity of the object in ctx's admission request
// (validation.AffinityErrors); a request the handler did not come through has none to check.
func requestAffinityErrors(ctx context.Context) field.ErrorList {
	req, err := admission.RequestFromContext(ctx)
	if err != nil {
		return nil
	}
	return validation.AffinityErrors(req.Object.Raw)
}

func invalid(kind schema.GroupKind, name string, errs field.ErrorList) error {
	if len(errs) == 0 {
		return nil
	}
	return apierrors.NewInvalid(kind, name, errs)
}
