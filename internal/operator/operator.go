// Package operator wires the operator's controllers and webhooks into a manager. main.go and
// the local run (hack/run) both call it, so they run the same operator.
package operator

import (
	"fmt"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	multigresv1alpha1 "github.com/multigres/multigres-operator/api/v1alpha1"
	multigresv1beta1 "github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/clustermetrics"
	"github.com/multigres/multigres-operator/internal/controllers/backup"
	"github.com/multigres/multigres-operator/internal/controllers/cell"
	"github.com/multigres/multigres-operator/internal/controllers/multigrescluster"
	"github.com/multigres/multigres-operator/internal/controllers/shard"
	"github.com/multigres/multigres-operator/internal/controllers/tablegroup"
	"github.com/multigres/multigres-operator/internal/controllers/toposerver"
	"github.com/multigres/multigres-operator/internal/controllers/topowatch"
	"github.com/multigres/multigres-operator/internal/limits"
)

// NewScheme knows the built-in kinds, CustomResourceDefinitions (the certificate rotator and
// the storage migration write them) and every multigres.com kind in both versions: v1beta1,
// the hub and storage version, and v1alpha1, which converts through it.
func NewScheme() *k8sruntime.Scheme {
	s := k8sruntime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(apiextensionsv1.AddToScheme(s))
	utilruntime.Must(multigresv1beta1.AddToScheme(s))
	utilruntime.Must(multigresv1alpha1.AddToScheme(s))
	utilruntime.Must(s.SetVersionPriority(multigresv1beta1.GroupVersion, multigresv1alpha1.GroupVersion))
	return s
}

// CRDs are the names of the operator's CustomResourceDefinitions: their conversion webhook is
// the operator's, and they are migrated to the storage version at start.
var CRDs = []string{
	"multigresclusters.multigres.com",
	"deploymenttemplates.multigres.com",
	"toposervers.multigres.com",
	"cells.multigres.com",
	"tablegroups.multigres.com",
	"shards.multigres.com",
}

// NewCRDs are the operator's CustomResourceDefinitions that exist in v1beta1 only: nothing to
// convert or migrate.
var NewCRDs = []string{"multigresbackups.multigres.com"}

// Setup registers every controller with the manager, the storage migration and the clusters'
// metrics. lim is what the Multigres images serve (--multigres-limits); the rest gets no pods.
func Setup(mgr ctrl.Manager, lim limits.Limits) error {
	if err := mgr.Add(&StorageMigration{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), CRDs: CRDs}); err != nil {
		return err
	}
	if err := metrics.Registry.Register(clustermetrics.Collector{Reader: mgr.GetClient()}); err != nil {
		return fmt.Errorf("registering the clusters' metrics: %w", err)
	}
	withLimits := func(setup func(ctrl.Manager, limits.Limits) error) func(ctrl.Manager) error {
		return func(mgr ctrl.Manager) error { return setup(mgr, lim) }
	}
	topology, err := topowatch.New(mgr)
	if err != nil {
		return err
	}
	for _, setup := range []func(ctrl.Manager) error{
		func(mgr ctrl.Manager) error { return multigrescluster.Setup(mgr, lim, topology) },
		toposerver.Setup,
		func(mgr ctrl.Manager) error { return cell.Setup(mgr, topology) },
		withLimits(tablegroup.Setup),
		func(mgr ctrl.Manager) error { return shard.Setup(mgr, lim, topology) },
		backup.Setup,
	} {
		if err := setup(mgr); err != nil {
			return err
		}
	}
	return nil
}

// The operator reads its own kinds everywhere; each controller declares what else it needs.
// +kubebuilder:rbac:groups=multigres.com,resources=multigresclusters;deploymenttemplates;toposervers;cells;tablegroups;shards;multigresbackups,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
