package webhooks

import (
	"context"
	"errors"
	"regexp"

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
	Help: "Requests the operator's admission webhooks refused, by kind, operation, reason (Invalid: a rule of the spec; Forbidden: deleting a template in use; InternalError: admission could not read what it needed) and field (the first field refused, list indices and keys left out).",
}, []string{"kind", "operation", "reason", "field"})

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
			rejections.WithLabelValues(c.kind, operation, string(apierrors.ReasonForError(err)), ruleField(err)).Inc()
		}
		return w, err
	}
}

// ruleField is the field of err's first cause with its list indices and map keys left out
// ("spec.databases[].spec.backup.schedule.full"), so that the series are bounded by the
// schema, not by users' lists; "" for an error that names no field.
func ruleField(err error) string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return ""
	}
	d := status.Status().Details
	if d == nil || len(d.Causes) == 0 {
		return ""
	}
	return subscript.ReplaceAllString(d.Causes[0].Field, "[]")
}

var subscript = regexp.MustCompile(`\[[^\]]*\]`)
