package reconcileerrors

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
)

func TestReason(t *testing.T) {
	shard := schema.GroupResource{Group: "multigres.com", Resource: "shards"}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{apierrors.NewConflict(shard, "s", errors.New("the object has been modified")), "Conflict"},
		{fmt.Errorf("writing the StatefulSet: %w", apierrors.NewNotFound(shard, "s")), "NotFound"},
		{apierrors.NewForbidden(shard, "s", errors.New("no")), "Forbidden"},
		{apierrors.NewTooManyRequests("slow down", 1), "TooManyRequests"},
		{fmt.Errorf("asking multiadmin: %w", context.DeadlineExceeded), "Timeout"},
		{context.Canceled, "Canceled"},
		{fmt.Errorf("reading the topology: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), "Network"},
		{errors.New("the shard's pools disagree"), "Other"},
	} {
		if got := Reason(tc.err); got != tc.want {
			t.Errorf("Reason(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}

// A failed reconcile counts once under its kind and reason; a successful one not at all.
func TestCounted(t *testing.T) {
	var err error
	r := Counted("Cell", reconcile.Func(func(context.Context, reconcile.Request) (reconcile.Result, error) { return reconcile.Result{}, err }))
	conflicts := total.WithLabelValues("Cell", "Conflict")
	before := testutil.ToFloat64(conflicts)
	if _, got := r.Reconcile(context.Background(), reconcile.Request{}); got != nil {
		t.Fatal(got)
	}
	err = apierrors.NewConflict(schema.GroupResource{Resource: "cells"}, "c", errors.New("modified"))
	if _, got := r.Reconcile(context.Background(), reconcile.Request{}); !errors.Is(got, err) {
		t.Fatalf("the error %v was not passed on", got)
	}
	if n := testutil.ToFloat64(conflicts) - before; n != 1 {
		t.Errorf("counted %v conflicts, want 1", n)
	}
}
