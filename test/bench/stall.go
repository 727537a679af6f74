package main

import (
	"context"
	"fmt"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// stallResult is what the operator did while every shard pool pod stayed Pending.
type stallResult struct {
	PoolPending int
	// Stalled is when, after the apply, every pool pod was Pending and everything else Ready.
	Stalled time.Duration
	Window  time.Duration
	Writes  counts
	// Reconciles during the window: an operator that waits on events reconciles nothing.
	Reconciles map[string]reconcileStats
}

// stallWindow is how long a stalled workload is watched; its writes are reported per minute.
const stallWindow = time.Minute

// stall waits until the workload is stuck (pool pods Pending, Unschedulable; all else
// Ready), lets the operator react to the last pod that became Ready (up to 30 s without a
// write), and then counts what it does for stallWindow.
func (s *session) stall(ctx context.Context, t0 time.Time, before metrics, res *result) (*stallResult, error) {
	c, trail := s.c, s.trail
	st := &stallResult{Window: stallWindow}
	s.logf("%s: waiting until every pool pod is Pending and everything else Ready", res.Workload)
	err := poll(ctx, s.timeout, func() error {
		want, err := desiredInstances(ctx, c)
		if err != nil {
			return err
		}
		pc, err := takePodCensus(ctx, c)
		if err != nil {
			return err
		}
		st.PoolPending = pc.poolPending
		if want == 0 || pc.poolPending != want || pc.poolOther > 0 || pc.otherNotReady > 0 || pc.otherReady == 0 {
			return fmt.Errorf("%d of %d pool pods Unschedulable, %d other pool pods, %d other pods not Ready",
				pc.poolPending, want, pc.poolOther, pc.otherNotReady)
		}
		return nil
	})
	if err != nil {
		return nil, s.explain(ctx, err)
	}
	st.Stalled = time.Since(t0)
	_ = poll(ctx, 30*time.Second, func() error {
		if since := time.Since(trail.lastWrite()); since < 5*time.Second {
			return fmt.Errorf("the operator wrote %s ago", since)
		}
		return nil
	})
	start := time.Now()
	if err := trail.refresh(); err != nil {
		return nil, err
	}
	res.Converge = count(trail.between(t0, start))
	res.Created = res.Converge.LastCreate.Sub(t0)
	m0, err := s.scrape()
	if err != nil {
		return nil, err
	}
	res.Reconciles = reconciles(before, m0)
	res.Webhooks = webhookCalls(before, m0)
	res.CPU = m0.value("process_cpu_seconds_total", nil) - before.value("process_cpu_seconds_total", nil)
	if res.Inventory, err = takeInventory(ctx, c, "", s.trail.watched()); err != nil {
		return nil, err
	}

	s.logf("%s: stalled after %.1fs; watching for %s", res.Workload, st.Stalled.Seconds(), st.Window)
	if err := sleep(ctx, time.Until(start.Add(st.Window))); err != nil {
		return nil, err
	}
	if err := trail.refresh(); err != nil {
		return nil, err
	}
	st.Writes = count(trail.between(start, start.Add(st.Window)))
	m1, err := s.scrape()
	if err != nil {
		return nil, err
	}
	st.Reconciles = reconciles(m0, m1)
	return st, nil
}

// desiredInstances is how many pool pods the clusters want, from their status.
func desiredInstances(ctx context.Context, c client.Client) (int, error) {
	list := &v1beta1.MultigresClusterList{}
	if err := c.List(ctx, list); err != nil {
		return 0, err
	}
	n := 0
	for _, mc := range list.Items {
		for _, db := range mc.Status.Databases {
			n += int(db.DesiredInstances)
		}
	}
	return n, nil
}
