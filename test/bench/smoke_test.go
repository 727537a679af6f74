package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSmoke runs the smallest workload end to end with a 10 s idle window, so the harness
// cannot rot: one copy of the samples on a local cluster, counted through the audit log and
// the metrics endpoint. It needs the local cluster's binaries in KUBEBUILDER_ASSETS
// (kube-controller-manager, kube-scheduler and kwok besides envtest's), binds the operator's
// ports (127.0.0.1:8080, 8081, 9443) like the e2e tests, and runs only with BENCH_SMOKE=1.
func TestSmoke(t *testing.T) {
	if os.Getenv("BENCH_SMOKE") == "" {
		t.Skip("set BENCH_SMOKE=1 (and KUBEBUILDER_ASSETS with the local cluster's binaries) to run the benchmark's smoke test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// Not t.TempDir: a failed run's logs stay for reading.
	dir, err := os.MkdirTemp("", "multigres-bench-smoke-")
	if err != nil {
		t.Fatal(err)
	}
	e, err := newEnv(dir, "", 10*time.Second, 5*time.Minute, false)
	if err != nil {
		t.Fatal(err)
	}
	e.logf = t.Logf
	r, err := e.run(ctx, workload{clusters: 1})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	report(&out, []*result{r})
	t.Log("\n" + out.String())

	// Every owned object was created by the operator, and the audit log saw each creation.
	if r.Inventory.Owned == 0 || r.Converge.createdObjects() < r.Inventory.Owned {
		t.Errorf("the audit log shows %d creations for %d owned objects", r.Converge.createdObjects(), r.Inventory.Owned)
	}
	for _, ctl := range []string{"multigrescluster", "toposerver", "cell", "tablegroup", "shard"} {
		if st := r.Reconciles[ctl]; st.Count == 0 || st.P99 <= 0 {
			t.Errorf("controller %s: no reconciles or durations read from the metrics: %+v", ctl, st)
		}
	}
	if n := r.Idle.totalWrites() + r.Idle.Events; n != 0 {
		t.Errorf("%d writes while idle: %v", n, r.Idle.Writes)
	}
	if r.Idle.Leases == 0 {
		t.Error("no lease renewals in the idle window: is the audit log still being read?")
	}
	if r.PeakRSS <= 0 || r.PeakHeapInuse <= 0 || r.Ready <= 0 || r.Created <= 0 || r.Created > r.Ready {
		t.Errorf("implausible figures: RSS %.0f, heap %.0f, created %s, Ready %s", r.PeakRSS, r.PeakHeapInuse, r.Created, r.Ready)
	}
	if _, err := os.Stat(filepath.Join(e.workDir, "clusters-1")); !os.IsNotExist(err) {
		t.Errorf("the workload's directory was not removed after success: %v", err)
	}
	if !t.Failed() {
		_ = os.RemoveAll(dir)
	}
}
