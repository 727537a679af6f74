package webhooks

import (
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/limits"
)

// Setup registers every webhook with the manager's webhook server. lim is what the Multigres
// images serve: a cluster asking for more is admitted with a warning per field. The children
// kinds have no webhook: the API server keeps them read-only (config/policy).
func Setup(mgr ctrl.Manager, lim limits.Limits) error {
	// Admission reads past the cache: a template applied a moment before its cluster (one
	// `kubectl apply -f` of both) may not be in the cache yet, and admission must not guess.
	reader := mgr.GetAPIReader()
	cluster := &Cluster{Reader: reader, Limits: lim}
	template := &Template{Reader: reader}
	for _, err := range []error{
		ctrl.NewWebhookManagedBy(mgr, &v1beta1.MultigresCluster{}).WithDefaulter(cluster).
			WithValidator(counted[*v1beta1.MultigresCluster]{cluster, "MultigresCluster"}).Complete(),
		ctrl.NewWebhookManagedBy(mgr, &v1beta1.DeploymentTemplate{}).WithDefaulter(template).
			WithValidator(counted[*v1beta1.DeploymentTemplate]{template, "DeploymentTemplate"}).Complete(),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
