package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"
)

// report prints the results as Markdown tables, ready for docs/performance.md.
func report(out io.Writer, results []*result) {
	p := func(format string, args ...any) { fmt.Fprintf(out, format, args...) }
	p("## Convergence, API load and memory\n\n")
	p("| workload | nodes | owned objects | cached objects | pods | apply s | last create s | Available s | Ready s | writes | writes / owned | events | cache-miss reads | idle writes | operator CPU s | peak RSS MiB | peak heap MiB |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		available, ready, idle := secs(r.Available), secs(r.Ready), fmt.Sprintf("%d in %s", r.Idle.totalWrites()+r.Idle.Events, r.IdleWindow)
		if r.Stall != nil {
			available, ready, idle = "stalled", "stalled", fmt.Sprintf("%.0f / min (stalled)", perMinute(r.Stall.Writes.totalWrites()+r.Stall.Writes.Events, r.Stall.Window))
		}
		p("| %s | %d | %d | %d | %d | %s | %s | %s | %s | %d | %.2f | %d | %d | %s | %.1f | %.0f | %.0f |\n",
			r.Workload, zones*r.NodesPerZone, r.Inventory.Owned, r.Inventory.Cached, r.Inventory.Pods,
			secs(r.Apply), secs(r.Created), available, ready,
			r.Converge.totalWrites(), ratio(r.Converge.totalWrites(), r.Inventory.Owned), r.Converge.Events,
			r.Converge.totalReads(), idle, r.CPU, mib(r.PeakRSS), mib(r.PeakHeapInuse))
	}
	if len(results) > 0 {
		p("\nCached objects are those of the kinds the operator watches (from the audit log): %s.\n", strings.Join(results[0].Inventory.CachedKinds, ", "))
	}
	p("Writes exclude events (own column) and leader election's lease renewals (%s). "+
		"Failed writes (conflicts, not found) are included: %s.\n",
		joinEach(results, func(r *result) string { return fmt.Sprintf("%d", r.Converge.Leases+r.Idle.Leases) }),
		joinEach(results, func(r *result) string { return fmt.Sprintf("%d", r.Converge.Failed) }))

	p("\n### Writes to converge, by verb and resource\n\n")
	matrix(out, results, func(r *result) map[string]int { return r.Converge.Writes })
	p("\n### Reads that missed the cache, apply to Ready\n\n")
	matrix(out, results, func(r *result) map[string]int { return r.Converge.Reads })

	p("\n### Reconciles, apply to Ready: count, p50 / p99 duration, mean queue wait\n\n")
	p("p50 and p99 are estimated from controller_runtime_reconcile_time_seconds' buckets by linear interpolation (as histogram_quantile does), " +
		"so they are exact only to a bucket's width: 5 ms up to 10 ms, 15 to 25 ms up to 50 ms, 50 ms up to 0.5 s, 100 ms up to 1 s, then 0.25 to 1 s. " +
		"The queue wait (from enqueue until a worker takes the request) is the exact mean, from workqueue_queue_duration_seconds' sum and count.\n\n")
	reconcileTable(out, results, func(r *result) map[string]reconcileStats { return r.Reconciles })

	p("\n### Webhook calls from the API server, apply to Ready\n\n")
	p("Not API requests of the operator, but work it does. /convert: the API server keeps a watch cache per served version and converts every write of a multigres.com object for its v1alpha1 cache, whether or not anyone reads v1alpha1 (kubernetes/kubernetes#129979), so it follows the operator's writes of its own kinds; the others are admission of what the benchmark applies and what the operator writes.\n\n")
	matrix(out, results, func(r *result) map[string]int { return r.Webhooks })

	p("\n### Idle (after Ready) and stalled windows\n\n")
	p("| workload | window | writes | events | cache-miss reads | reconciles | lease writes |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		c, rec, window := r.Idle, r.IdleReconciles, r.IdleWindow
		if r.Stall != nil {
			c, rec, window = r.Stall.Writes, r.Stall.Reconciles, r.Stall.Window
		}
		p("| %s | %s | %d | %d | %d | %d | %d |\n", r.Workload, window, c.totalWrites(), c.Events, c.totalReads(), totalReconciles(rec), c.Leases)
		for _, k := range sortedKeys(c.Writes) {
			p("| | | %s: %d | | | | |\n", k, c.Writes[k])
		}
	}
	for _, r := range results {
		if r.Stall != nil {
			p("\n%s: %d pool pods Pending (Unschedulable) and everything else Ready %s after the apply; then watched for %s.\n",
				r.Workload, r.Stall.PoolPending, secs(r.Stall.Stalled)+" s", r.Stall.Window)
		}
	}

	for _, r := range results {
		if e := r.Edit; e != nil {
			p("\n### Template edit (%s)\n\n", r.Workload)
			p("DeploymentTemplate %s/%s: %s. Objects whose spec changed (generation moved): %s. "+
				"The operator's last write came %s s after the edit.\n\n",
				e.Namespace, e.Template, e.Change, kinds(e.Touched), secs(e.Settled))
			p("| request | count |\n|---|---:|\n")
			for _, k := range sortedKeys(e.Writes.Writes) {
				p("| %s | %d |\n", k, e.Writes.Writes[k])
			}
			p("| **writes** | **%d** (touched objects: %d) |\n| events | %d |\n| cache-miss reads | %d |\n",
				e.Writes.totalWrites(), sum(e.Touched), e.Writes.Events, e.Writes.totalReads())
		}
	}
	memoryFit(out, results)
}

// matrix prints one row per "verb resource" and one column per workload, and their totals.
func matrix(out io.Writer, results []*result, get func(*result) map[string]int) {
	table(out, "request", results, get, func(n int) string { return fmt.Sprint(n) })
	fmt.Fprintf(out, "| **total** |")
	for _, r := range results {
		fmt.Fprintf(out, " **%d** |", sum(get(r)))
	}
	fmt.Fprintln(out)
}

func reconcileTable(out io.Writer, results []*result, get func(*result) map[string]reconcileStats) {
	table(out, "controller", results, get, func(st reconcileStats) string {
		cell := fmt.Sprintf("%d, %s / %s, wait %s", st.Count, ms(st.P50), ms(st.P99), ms(st.QueueWait))
		if st.Errors > 0 {
			cell += fmt.Sprintf(" (%d errors)", st.Errors)
		}
		return cell
	})
}

// table prints one row per key that get returns for any workload, one column per workload.
func table[V any](out io.Writer, first string, results []*result, get func(*result) map[string]V, cell func(V) string) {
	rows := map[string]bool{}
	for _, r := range results {
		for k := range get(r) {
			rows[k] = true
		}
	}
	header(out, first, results)
	for _, k := range sortedKeys(rows) {
		fmt.Fprintf(out, "| %s |", k)
		for _, r := range results {
			fmt.Fprintf(out, " %s |", cell(get(r)[k]))
		}
		fmt.Fprintln(out)
	}
}

func header(out io.Writer, first string, results []*result) {
	fmt.Fprintf(out, "| %s |", first)
	for _, r := range results {
		fmt.Fprintf(out, " %s |", r.Workload)
	}
	fmt.Fprintf(out, "\n|---|%s\n", strings.Repeat("---:|", len(results)))
}

// memoryFit fits peak heap and RSS to the objects the operator owns and to those in its cache,
// by least squares over the workloads: the slope is what each 1,000 more objects cost.
func memoryFit(out io.Writer, results []*result) {
	if len(results) < 2 {
		return
	}
	fmt.Fprintf(out, "\n### Memory against objects\n\nLeast-squares fits over the %d workloads.\n\n", len(results))
	for _, objects := range []struct {
		what  string
		count func(*result) int
	}{
		{"owned", func(r *result) int { return r.Inventory.Owned }},
		{"cached", func(r *result) int { return r.Inventory.Cached }},
	} {
		var xs, heap, rss []float64
		for _, r := range results {
			xs = append(xs, float64(objects.count(r)))
			heap = append(heap, mib(r.PeakHeapInuse))
			rss = append(rss, mib(r.PeakRSS))
		}
		hb, ha, hr := fit(xs, heap)
		rb, ra, rr := fit(xs, rss)
		fmt.Fprintf(out, "- Against %s objects: peak heap in use ≈ %.0f MiB + %.1f MiB per 1,000 (r² %.3f); "+
			"peak RSS ≈ %.0f MiB + %.1f MiB per 1,000 (r² %.3f).\n", objects.what, ha, hb*1000, hr, ra, rb*1000, rr)
	}
}

// fit returns slope, intercept and r² of y over x.
func fit(x, y []float64) (slope, intercept, r2 float64) {
	n := float64(len(x))
	var sx, sy, sxx, sxy, syy float64
	for i := range x {
		sx, sy, sxx, sxy, syy = sx+x[i], sy+y[i], sxx+x[i]*x[i], sxy+x[i]*y[i], syy+y[i]*y[i]
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return 0, sy / n, 0
	}
	slope = (n*sxy - sx*sy) / den
	intercept = (sy - slope*sx) / n
	r := (n*sxy - sx*sy) / math.Sqrt(den*(n*syy-sy*sy))
	return slope, intercept, r * r
}

func kinds(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func joinEach(results []*result, f func(*result) string) string {
	var parts []string
	for _, r := range results {
		parts = append(parts, r.Workload+": "+f(r))
	}
	return strings.Join(parts, ", ")
}

func totalReconciles(m map[string]reconcileStats) int {
	n := 0
	for _, st := range m {
		n += st.Count
	}
	return n
}

func secs(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f", d.Seconds())
}

func ms(d time.Duration) string {
	if d < 0 {
		return "—"
	}
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

func perMinute(n int, window time.Duration) float64 { return float64(n) / window.Minutes() }

func mib(b float64) float64 { return b / (1 << 20) }
