// Package multigrescluster is the MultigresCluster controller: it checks and resolves the
// cluster and the DeploymentTemplates it names (internal/validation, the rules the admission
// webhooks run, over internal/resolve) into the global TopoServer, the Cells, the
// TableGroups and the multiadmin Deployment and Service; keeps the templates'
// status.consumers and in-use finalizers; and rolls the children's status up into the
// cluster's.
//
// It never trusts that the admission webhooks ran: an invalid spec is reported as
// Ready=False with reason InvalidSpec and the existing children are left untouched.
//
// What the Multigres images cannot serve (internal/limits) is still written as children,
// which run no pods for it; the cluster's Supported condition names each such field.
package multigrescluster

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/controllers/pause"
	"github.com/multigres/multigres-operator/internal/controllers/status"
	"github.com/multigres/multigres-operator/internal/controllers/topowatch"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/resolve/inputs"
	"github.com/multigres/multigres-operator/internal/validation"
)

// +kubebuilder:rbac:groups=multigres.com,resources=multigresclusters,verbs=patch
// +kubebuilder:rbac:groups=multigres.com,resources=multigresclusters/status,verbs=get;patch
// +kubebuilder:rbac:groups=multigres.com,resources=multigresclusters/finalizers,verbs=update
// +kubebuilder:rbac:groups=multigres.com,resources=deploymenttemplates,verbs=patch
// +kubebuilder:rbac:groups=multigres.com,resources=deploymenttemplates/status,verbs=get;patch
// +kubebuilder:rbac:groups=multigres.com,resources=toposervers;cells;tablegroups,verbs=create;patch;delete
// +kubebuilder:rbac:groups=apps,resources=deployments,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=core,resources=services,verbs=get;list;watch;create;patch;delete
// +kubebuilder:rbac:groups=core,resources=secrets,verbs=get;list;watch;create;patch

// Reconciler reconciles MultigresClusters.
type Reconciler struct {
	client.Client
	// APIReader reads past the label-filtered cache (a credentials Secret made by hand).
	APIReader client.Reader
	Writer    *children.Writer
	// Limits are what the Multigres images serve.
	Limits limits.Limits
	// Topology writes the cluster's cells and databases into its global topology.
	Topology *topowatch.Watches
}

// kind names MultigresClusters to the topology registrar.
const kind = "MultigresCluster"

// Reconcile brings the cluster's children to its resolved spec, keeps the templates'
// consumers, and rebuilds the cluster's status from what the children report.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	c := &v1beta1.MultigresCluster{}
	// A cluster gone, going or paused stops being registered; what was registered stays.
	stopRegistering := func() { r.Topology.Registrar.Forget(topowatch.User(kind, req.NamespacedName)) }
	if err := r.Get(ctx, req.NamespacedName, c); err != nil {
		if apierrors.IsNotFound(err) {
			stopRegistering()
			return ctrl.Result{}, r.forget(ctx, req.NamespacedName)
		}
		return ctrl.Result{}, err
	}
	if pause.IsPaused(c) {
		stopRegistering()
		return ctrl.Result{}, r.reportPaused(ctx, c)
	}
	templates, err := inputs.ListTemplates(ctx, r.Client, c.Namespace)
	if err != nil {
		return ctrl.Result{}, err
	}
	if !c.DeletionTimestamp.IsZero() {
		stopRegistering()
		// Children go with the cluster through owner references; only the templates'
		// consumer lists need this controller.
		return ctrl.Result{}, r.releaseTemplates(ctx, c, templates)
	}
	// A failure here must not keep the spec's problems out of the status: carry on.
	errs := []error{r.syncTemplates(ctx, c, templates)}

	before := c.DeepCopy()
	res, invalid, _ := validation.CheckCluster(c, templates)
	changed := 0
	if len(invalid) > 0 {
		r.reportInvalid(ctx, c, invalid)
	} else {
		changed, err = r.reconcileChildren(ctx, c, res)
		errs = append(errs, err, r.register(c, res))
	}
	obs, err := r.observe(ctx, c)
	if err != nil {
		errs = append(errs, err)
	} else {
		setStatus(c, desiredFrom(c, res, obs), obs, invalid, changed)
	}
	setSupported(c, r.Limits.Cluster(c))
	meta.RemoveStatusCondition(&c.Status.Conditions, v1beta1.ConditionPaused)
	errs = append(errs, status.Patch(ctx, r.Client, before, c))
	return ctrl.Result{}, kerrors.NewAggregate(errs)
}

// reportPaused sets the Paused condition, the one write for a paused cluster; the rest of its
// status is left as it was last seen.
func (r *Reconciler) reportPaused(ctx context.Context, c *v1beta1.MultigresCluster) error {
	before := c.DeepCopy()
	meta.SetStatusCondition(&c.Status.Conditions, metav1.Condition{
		Type: v1beta1.ConditionPaused, Status: metav1.ConditionTrue, Reason: ReasonPaused, ObservedGeneration: c.Generation,
		Message: "the operator leaves this cluster and its children alone; remove the annotation " + v1beta1.AnnotationPaused + " to resume",
	})
	return status.Patch(ctx, r.Client, before, c)
}

// reportInvalid logs the problems and emits a Warning event, once per distinct message:
// the condition carries it afterwards, and repeating it would be a write per reconcile.
func (r *Reconciler) reportInvalid(ctx context.Context, c *v1beta1.MultigresCluster, errs field.ErrorList) {
	msg := invalidMessage(errs)
	if alreadyReported(c, msg) {
		return
	}
	ctrl.LoggerFrom(ctx).Info("Spec is invalid; children are left as they are", "errors", msg)
	r.Writer.Events.Eventf(c, nil, corev1.EventTypeWarning, ReasonInvalidSpec, "Resolve", "%s", msg)
}
