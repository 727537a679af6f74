package webhooks

import (
	"context"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// +kubebuilder:webhook:path=/validate-multigres-com-v1beta1-toposerver,mutating=false,failurePolicy=fail,sideEffects=None,groups=multigres.com,resources=toposervers,verbs=create;update;delete,versions=v1beta1,name=vtoposerver-v1beta1.multigres.com,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-multigres-com-v1beta1-cell,mutating=false,failurePolicy=fail,sideEffects=None,groups=multigres.com,resources=cells,verbs=create;update;delete,versions=v1beta1,name=vcell-v1beta1.multigres.com,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-multigres-com-v1beta1-tablegroup,mutating=false,failurePolicy=fail,sideEffects=None,groups=multigres.com,resources=tablegroups,verbs=create;update;delete,versions=v1beta1,name=vtablegroup-v1beta1.multigres.com,admissionReviewVersions=v1,timeoutSeconds=5
// +kubebuilder:webhook:path=/validate-multigres-com-v1beta1-shard,mutating=false,failurePolicy=fail,sideEffects=None,groups=multigres.com,resources=shards,verbs=create;update;delete,versions=v1beta1,name=vshard-v1beta1.multigres.com,admissionReviewVersions=v1,timeoutSeconds=5

// Users besides the operator that may write children: Kubernetes' own garbage collector
// (deleting children of a deleted cluster) and namespace controller (deleting a namespace).
var systemWriters = []string{
	"system:serviceaccount:kube-system:generic-garbage-collector",
	"system:serviceaccount:kube-system:namespace-controller",
}

// ReadOnlyChild refuses every create, update and delete of a child kind that does not come
// from the operator itself or Kubernetes' garbage collection.
type ReadOnlyChild[T client.Object] struct {
	// Operator is the operator's own user name, as the API server authenticates it.
	Operator string
}

func (g ReadOnlyChild[T]) ValidateCreate(ctx context.Context, obj T) (admission.Warnings, error) {
	return nil, g.check(ctx, obj)
}

func (g ReadOnlyChild[T]) ValidateUpdate(ctx context.Context, _, obj T) (admission.Warnings, error) {
	return nil, g.check(ctx, obj)
}

func (g ReadOnlyChild[T]) ValidateDelete(ctx context.Context, obj T) (admission.Warnings, error) {
	return nil, g.check(ctx, obj)
}

func (g ReadOnlyChild[T]) check(ctx context.Context, obj T) error {
	req, err := admission.RequestFromContext(ctx)
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	user := req.UserInfo.Username
	if user == g.Operator || slices.Contains(systemWriters, user) {
		return nil
	}
	cluster := obj.GetLabels()[v1beta1.LabelCluster]
	return apierrors.NewForbidden(v1beta1.GroupVersion.WithResource(req.Resource.Resource).GroupResource(), obj.GetName(), fmt.Errorf(
		"%s objects are read-only: the multigres-operator resolves them from MultigresCluster %q and reverts changes made here; "+
			"edit the MultigresCluster (or its DeploymentTemplates) instead", req.Kind.Kind, cluster))
}
