package webhooks

import (
	"context"
	"fmt"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/limits"
)

// Setup registers every webhook with the manager's webhook server. lim is what the Multigres
// images serve: a cluster asking for more is admitted with a warning per field.
func Setup(mgr ctrl.Manager, lim limits.Limits) error {
	operator, err := WhoAmI(context.Background(), mgr.GetConfig())
	if err != nil {
		return err
	}
	// Admission reads past the cache: a template applied a moment before its cluster (one
	// `kubectl apply -f` of both) may not be in the cache yet, and admission must not guess.
	reader := mgr.GetAPIReader()
	cluster := &Cluster{Reader: reader, Limits: lim}
	template := &Template{Reader: reader}
	for _, err := range []error{
		ctrl.NewWebhookManagedBy(mgr, &v1beta1.MultigresCluster{}).WithDefaulter(cluster).WithValidator(cluster).Complete(),
		ctrl.NewWebhookManagedBy(mgr, &v1beta1.DeploymentTemplate{}).WithDefaulter(template).WithValidator(template).Complete(),
		ctrl.NewWebhookManagedBy(mgr, &v1beta1.TopoServer{}).WithValidator(ReadOnlyChild[*v1beta1.TopoServer]{Operator: operator}).Complete(),
		ctrl.NewWebhookManagedBy(mgr, &v1beta1.Cell{}).WithValidator(ReadOnlyChild[*v1beta1.Cell]{Operator: operator}).Complete(),
		ctrl.NewWebhookManagedBy(mgr, &v1beta1.TableGroup{}).WithValidator(ReadOnlyChild[*v1beta1.TableGroup]{Operator: operator}).Complete(),
		ctrl.NewWebhookManagedBy(mgr, &v1beta1.Shard{}).WithValidator(ReadOnlyChild[*v1beta1.Shard]{Operator: operator}).Complete(),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// WhoAmI asks the API server which user cfg authenticates as: the identity whose writes to
// children are the operator's own.
func WhoAmI(ctx context.Context, cfg *rest.Config) (string, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return "", err
	}
	review, err := cs.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("asking the API server who the operator is: %w", err)
	}
	return review.Status.UserInfo.Username, nil
}
