package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/localcluster"
	"github.com/multigres/multigres-operator/internal/operator"
)

// env is what every workload run shares.
type env struct {
	binDir   string // the local cluster's binaries (KUBEBUILDER_ASSETS)
	operator string // the operator binary, built from main.go
	workDir  string // one directory per workload: the local cluster's files and logs
	idle     time.Duration
	timeout  time.Duration // per wait
	keep     bool          // keep each workload's directory
	logf     func(format string, args ...any)
}

// session is one workload's run: the admin's client, the operator's audit trail and its
// metrics endpoint.
type session struct {
	*env
	c     client.Client
	trail *auditTrail
	op    *localcluster.Operator
}

func (s *session) scrape() (metrics, error) { return scrape(s.op) }

// result is what one workload measured. Durations count from the start of the apply.
type result struct {
	Workload     string    `json:"workload"`
	NodesPerZone int       `json:"nodesPerZone"`
	Inventory    inventory `json:"inventory"`
	// Apply is how long applying the namespaces, templates and clusters took; Created when
	// the operator created its last object; Available when every cluster was Available; Ready
	// when every cluster was Ready (Available and done progressing) with every instance ready.
	Apply, Created, Available, Ready time.Duration
	Converge                         counts                    // from the apply to Ready
	Reconciles                       map[string]reconcileStats // from the apply to Ready
	Webhooks                         map[string]int            // from the apply to Ready
	CPU                              float64                   // operator CPU seconds, apply to Ready
	IdleWindow                       time.Duration
	Idle                             counts
	IdleReconciles                   map[string]reconcileStats
	// Peaks over the whole run: heap sampled each second, RSS the kernel's high-water mark.
	PeakHeapAlloc, PeakHeapInuse, PeakRSS float64
	Edit                                  *editResult   `json:",omitempty"`
	Stall                                 *stallResult  `json:",omitempty"`
	Wall                                  time.Duration // the whole run, local cluster included
}

// run measures one workload on a fresh local cluster with a fresh operator, so that the
// operator's peak memory is this workload's.
func (e *env) run(ctx context.Context, w workload) (res *result, err error) {
	res = &result{Workload: w.name(), NodesPerZone: w.nodesPerZone()}
	started := time.Now()
	dir := filepath.Join(e.workDir, w.slug())
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	e.logf("%s: starting a local cluster of %d nodes in %s", w.name(), zones*res.NodesPerZone, dir)
	cluster, err := localcluster.Start(ctx, localcluster.Options{BinDir: e.binDir, Dir: dir, NodesPerZone: res.NodesPerZone, Audit: true})
	if err != nil {
		return nil, err
	}
	defer func() {
		cluster.Stop()
		if err != nil {
			err = fmt.Errorf("%s: %w (logs in %s)", w.name(), err, dir)
		} else if !e.keep {
			_ = os.RemoveAll(dir)
		}
	}()
	if err := cluster.InstallOperator(ctx); err != nil {
		return nil, err
	}
	op, err := cluster.RunOperator(ctx, e.operator, localcluster.LiftLimits) // the whole API shape, on simulated pods
	if err != nil {
		return nil, err
	}
	defer op.Stop()

	// The admin's client without client-side rate limiting: applying 600 objects at
	// client-go's default 5 per second would time the benchmark, not the operator.
	cfg := rest.CopyConfig(cluster.Config)
	cfg.QPS = -1
	c, err := client.New(cfg, client.Options{Scheme: operator.NewScheme()})
	if err != nil {
		return nil, err
	}
	s := &session{env: e, c: c, trail: &auditTrail{log: cluster.AuditLog()}, op: op}
	smp := &sampler{pid: op.Pid(), op: op, audit: s.trail}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	go smp.run(sctx)

	before, err := s.controllersStarted(ctx)
	if err != nil {
		return nil, err
	}
	namespaces, templates, clusters, err := w.objects()
	if err != nil {
		return nil, err
	}
	e.logf("%s: applying %d namespaces, %d templates, %d clusters", w.name(), len(namespaces), len(templates), len(clusters))
	t0 := time.Now()
	if err := apply(ctx, c, namespaces, templates, clusters); err != nil {
		return nil, err
	}
	res.Apply = time.Since(t0)

	if w.stalled {
		if res.Stall, err = s.stall(ctx, t0, before, res); err != nil {
			return nil, err
		}
	} else if err := s.converge(ctx, t0, before, len(clusters), res); err != nil {
		return nil, err
	}
	if w.editTemplate {
		if res.Edit, err = s.edit(ctx, namespaceOf(w, 0)); err != nil {
			return nil, err
		}
	}
	smp.sample()
	if res.PeakHeapAlloc, res.PeakHeapInuse, res.PeakRSS, err = smp.peaks(); err != nil {
		return nil, err
	}
	res.Wall = time.Since(started)
	return res, nil
}

// controllersStarted waits until the operator leads and its controllers run, so start-up
// (leader election, the webhook certificate) is not counted; it returns the metrics then.
func (s *session) controllersStarted(ctx context.Context) (metrics, error) {
	var m metrics
	err := poll(ctx, s.timeout, func() error {
		var err error
		if m, err = s.scrape(); err != nil {
			return err
		}
		if n := len(m.controllers()); n < 5 {
			return fmt.Errorf("%d of 5 controllers started", n)
		}
		return nil
	})
	return m, err
}

// converge waits for Ready, then watches the idle window.
func (s *session) converge(ctx context.Context, t0 time.Time, before metrics, want int, res *result) error {
	c, trail := s.c, s.trail
	s.logf("%s: waiting until %d clusters are Ready", res.Workload, want)
	var available time.Time
	err := poll(ctx, s.timeout, func() error {
		list := &v1beta1.MultigresClusterList{}
		if err := c.List(ctx, list); err != nil {
			return err
		}
		if len(list.Items) != want {
			return fmt.Errorf("%d of %d clusters exist", len(list.Items), want)
		}
		allAvailable := true
		var notReady error
		for i := range list.Items {
			mc := &list.Items[i]
			allAvailable = allAvailable && meta.IsStatusConditionTrue(mc.Status.Conditions, v1beta1.ConditionAvailable)
			if err := clusterReady(mc); err != nil && notReady == nil {
				notReady = err
			}
		}
		if allAvailable && available.IsZero() {
			available = time.Now()
		}
		return notReady
	})
	if err != nil {
		return s.explain(ctx, err)
	}
	ready := time.Now()
	res.Available, res.Ready = available.Sub(t0), ready.Sub(t0)
	if err := trail.refresh(); err != nil {
		return err
	}
	res.Converge = count(trail.between(t0, ready))
	res.Created = res.Converge.LastCreate.Sub(t0)
	converged, err := s.scrape()
	if err != nil {
		return err
	}
	res.Reconciles = reconciles(before, converged)
	res.Webhooks = webhookCalls(before, converged)
	res.CPU = converged.value("process_cpu_seconds_total", nil) - before.value("process_cpu_seconds_total", nil)
	if res.Inventory, err = takeInventory(ctx, c, "", s.trail.watched()); err != nil {
		return err
	}

	s.logf("%s: Ready after %.1fs; idle for %s", res.Workload, res.Ready.Seconds(), s.idle)
	if err := sleep(ctx, time.Until(ready.Add(s.idle))); err != nil {
		return err
	}
	res.IdleWindow = s.idle
	if err := trail.refresh(); err != nil {
		return err
	}
	res.Idle = count(trail.between(ready, ready.Add(s.idle)))
	idle, err := s.scrape()
	if err != nil {
		return err
	}
	res.IdleReconciles = reconciles(converged, idle)
	return nil
}

// clusterReady says why a cluster has not converged, or nil: Ready for its current
// generation, and every database's instances ready.
func clusterReady(mc *v1beta1.MultigresCluster) error {
	if mc.Status.ObservedGeneration != mc.Generation || !meta.IsStatusConditionTrue(mc.Status.Conditions, v1beta1.ConditionReady) {
		return fmt.Errorf("cluster %s/%s not Ready", mc.Namespace, mc.Name)
	}
	if len(mc.Status.Databases) == 0 {
		return fmt.Errorf("cluster %s/%s reports no databases", mc.Namespace, mc.Name)
	}
	for name, db := range mc.Status.Databases {
		if db.DesiredInstances == 0 || db.ReadyInstances != db.DesiredInstances {
			return fmt.Errorf("cluster %s/%s database %s: %d of %d instances ready", mc.Namespace, mc.Name, name, db.ReadyInstances, db.DesiredInstances)
		}
	}
	return nil
}

// explain adds how far the pods got to a timed-out wait.
func (s *session) explain(ctx context.Context, err error) error {
	pc, cerr := takePodCensus(ctx, s.c)
	if cerr != nil {
		return err
	}
	return fmt.Errorf("%w; pods: %d other Ready, %d other not Ready, %d pool Unschedulable, %d pool other; %s",
		err, pc.otherReady, pc.otherNotReady, pc.poolPending, pc.poolOther, pc.example)
}

// apply creates the namespaces, then server-side applies the templates, then the clusters,
// as `kubectl apply --server-side` would, several at a time.
func apply(ctx context.Context, c client.Client, namespaces []string, templates, clusters []*unstructured.Unstructured) error {
	if err := parallel(namespaces, func(ns string) error {
		return c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	}); err != nil {
		return err
	}
	for _, objs := range [][]*unstructured.Unstructured{templates, clusters} {
		if err := parallel(objs, func(obj *unstructured.Unstructured) error {
			if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner("bench"), client.ForceOwnership); err != nil {
				return fmt.Errorf("applying %s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// parallel calls f for every item, 8 at a time, and returns the first error.
func parallel[T any](items []T, f func(T) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	work := make(chan T)
	for range 8 {
		wg.Go(func() {
			for item := range work {
				if err := f(item); err != nil {
					mu.Lock()
					first = cmpErr(first, err)
					mu.Unlock()
				}
			}
		})
	}
	for _, item := range items {
		work <- item
	}
	close(work)
	wg.Wait()
	return first
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// poll calls f every half second until it returns nil or timeout passes.
func poll(ctx context.Context, timeout time.Duration, f func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s: %w", timeout, err)
		}
		if err := sleep(ctx, 500*time.Millisecond); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
