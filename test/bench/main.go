// Command bench is `make bench`: it measures, on a whole local cluster
// (internal/localcluster: kwok nodes, the real operator binary as its own service account),
// how fast the operator converges, how much it asks of the API server and how much memory it
// takes, for growing workloads: 1, 10 and 100 copies of the design document's example
// (config/samples, each in its own namespace), one cluster of 1 to 256 shards, and example
// clusters whose pool pods can never schedule. Every workload gets a fresh local cluster and
// a fresh operator. The operator's requests are counted from the API server's audit log, so
// reads served by its cache are not counted and every write is. It prints Markdown tables
// (docs/performance.md explains them) and writes the raw figures to <dir>/results.json.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/multigres/multigres-operator/internal/localcluster"
	"github.com/multigres/multigres-operator/internal/testenv"
)

func main() {
	var (
		clusters = flag.String("clusters", "1,10,100", "copies of the samples to run, one workload each (empty: none)")
		shards   = flag.String("shards", "1,8,64,256", "shard counts of the one-table-group cluster, one workload each (empty: none)")
		stalled  = flag.Int("stalled", 10, "copies of the samples with unschedulable pool pods (0: skip)")
		editIn   = flag.Int("edit-in", 10, "the clusters workload in which a template is edited after the idle window (0: none)")
		idle     = flag.Duration("idle", time.Minute, "how long to watch each converged workload for writes")
		timeout  = flag.Duration("timeout", 20*time.Minute, "how long any one wait may take")
		dir      = flag.String("dir", filepath.Join(testenv.RepoRoot(), "bin", "bench"), "working directory; results.json is written here")
		keep     = flag.Bool("keep", false, "keep every workload's directory (logs, audit log), not only failed ones")
		binary   = flag.String("operator", "", "measure this operator binary instead of building main.go (to compare a change)")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, *clusters, *shards, *stalled, *editIn, *idle, *timeout, *dir, *binary, *keep)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, clusters, shards string, stalled, editIn int, idle, timeout time.Duration, dir, binary string, keep bool) error {
	var workloads []workload
	cs, err := ints(clusters)
	if err != nil {
		return err
	}
	for _, n := range cs {
		workloads = append(workloads, workload{clusters: n, editTemplate: n == editIn})
	}
	ss, err := ints(shards)
	if err != nil {
		return err
	}
	for _, n := range ss {
		workloads = append(workloads, workload{shards: n})
	}
	if stalled > 0 {
		workloads = append(workloads, workload{clusters: stalled, stalled: true})
	}
	e, err := newEnv(dir, binary, idle, timeout, keep)
	if err != nil {
		return err
	}
	started := time.Now()
	var results []*result
	for _, w := range workloads {
		r, err := e.run(ctx, w)
		if err != nil {
			return err
		}
		e.logf("%s: done in %s", w.name(), r.Wall.Round(time.Second))
		results = append(results, r)
	}
	report(os.Stdout, results)
	fmt.Printf("\nMeasured in %s on %s.\n", time.Since(started).Round(time.Second), machine())
	data, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "results.json"), data, 0o644)
}

// newEnv finds the local cluster's binaries and builds the operator into dir, unless binary
// names one.
func newEnv(dir, binary string, idle, timeout time.Duration, keep bool) (*env, error) {
	binDir := os.Getenv("KUBEBUILDER_ASSETS")
	if binDir == "" {
		return nil, fmt.Errorf("KUBEBUILDER_ASSETS must name the local cluster's binaries (make bench sets it)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if binary == "" {
		var err error
		if binary, err = localcluster.BuildOperator(dir); err != nil {
			return nil, err
		}
	}
	return &env{binDir: binDir, operator: binary, workDir: dir, idle: idle, timeout: timeout, keep: keep,
		logf: func(format string, args ...any) {
			fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
		}}, nil
}

func ints(list string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(list, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive count", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// machine describes where the figures were measured.
func machine() string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%d cores (%s)", runtime.NumCPU(), cpu)
}
