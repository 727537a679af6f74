// Package operator wires the operator's controllers and webhooks into a manager. main.go and
// the local run (hack/run) both call it, so they run the same operator.
package operator

import (
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"

	multigresv1alpha1 "github.com/multigres/multigres-operator/api/v1alpha1"
	"github.com/multigres/multigres-operator/internal/controllers/cell"
	"github.com/multigres/multigres-operator/internal/controllers/multigrescluster"
	"github.com/multigres/multigres-operator/internal/controllers/shard"
	"github.com/multigres/multigres-operator/internal/controllers/tablegroup"
	"github.com/multigres/multigres-operator/internal/controllers/toposerver"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// Name is the operator's field owner and event source.
const Name = resolve.ManagedBy

// NewScheme knows the built-in kinds and every multigres.com kind.
func NewScheme() *k8sruntime.Scheme {
	s := k8sruntime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(multigresv1alpha1.AddToScheme(s))
	return s
}

// Setup registers every controller with the manager.
func Setup(mgr ctrl.Manager) error {
	for _, setup := range []func(ctrl.Manager) error{
		multigrescluster.Setup,
		toposerver.Setup,
		cell.Setup,
		tablegroup.Setup,
		shard.Setup,
	} {
		if err := setup(mgr); err != nil {
			return err
		}
	}
	return nil
}

// The operator reads its own kinds everywhere; each controller declares what else it needs.
// +kubebuilder:rbac:groups=multigres.com,resources=multigresclusters;deploymenttemplates;toposervers;cells;tablegroups;shards,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
