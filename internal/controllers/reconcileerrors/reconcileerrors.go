// Package reconcileerrors counts the controllers' failed reconciles by the kind reconciled and
// why they failed: controller-runtime counts them by controller alone.
package reconcileerrors

import (
	"context"
	"errors"
	"net"

	"github.com/prometheus/client_golang/prometheus"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

var total = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "multigres_reconcile_errors_total",
	Help: "Reconciles that failed, by the kind reconciled and reason: the API server's (Conflict, NotFound, Forbidden, Invalid, ...), Timeout, Canceled, Network (a Multigres program or etcd unreachable) or Other.",
}, []string{"kind", "reason"})

func init() { metrics.Registry.MustRegister(total) }

// Counted is r, counting its errors as kind's.
func Counted(kind string, r reconcile.Reconciler) reconcile.Reconciler {
	return reconcile.Func(func(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
		res, err := r.Reconcile(ctx, req)
		if err != nil {
			total.WithLabelValues(kind, Reason(err)).Inc()
		}
		return res, err
	})
}

// Reason names why err happened, from a small fixed set so that the metric's series stay few.
func Reason(err error) string {
	if r := apierrors.ReasonForError(err); r != metav1.StatusReasonUnknown {
		return string(r)
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "Timeout"
	case errors.Is(err, context.Canceled):
		return "Canceled"
	case errors.As(err, &netErr):
		return "Network"
	}
	return "Other"
}
