package webhooks

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

// rejections counts what admission refused. controller-runtime's webhook metrics cannot: a
// refusal is an HTTP 200 answer saying allowed: false.
var rejections = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "multigres_admission_rejections_total",
	Help: "Requests the operator's admission webhooks refused, by kind, operation and reason (Invalid: a rule of the spec; Forbidden: deleting a template in use; InternalError: admission could not read what it needed).",
}, []string{"kind", "operation", "reason"})

func init() { metrics.Registry.MustRegister(rejections) }

// counted is v, counting its refusals of kind.
type counted[T runtime.Object] struct {
	v    admission.Validator[T]
	kind string
}

func (c counted[T]) ValidateCreate(ctx context.Context, obj T) (admission.Warnings, error) {
	return c.count("create")(c.v.ValidateCreate(ctx, obj))
}

func (c counted[T]) ValidateUpdate(ctx context.Context, old, obj T) (admission.Warnings, error) {
	return c.count("update")(c.v.ValidateUpdate(ctx, old, obj))
}

func (c counted[T]) ValidateDelete(ctx context.Context, obj T) (admission.Warnings, error) {
	return c.count("delete")(c.v.ValidateDelete(ctx, obj))
}

func (c counted[T]) count(operation string) func(admission.Warnings, error) (admission.Warnings, error) {
	return func(w admission.Warnings, err error) (admission.Warnings, error) {
		if err != nil {
			rejections.WithLabelValues(c.kind, operation, string(apierrors.ReasonForError(err))).Inc()
		}
		return w, err
	}
}
