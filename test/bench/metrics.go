package main

import (
	"fmt"
	"maps"
	"math"
	"net/http"
	"sort"
	"strconv"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/multigres/multigres-operator/internal/localcluster"
)

// sample is one line of the Prometheus text format: a histogram is its _bucket (with le),
// _sum and _count lines.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// metrics is one scrape of the operator's metrics endpoint.
type metrics []sample

// scrape reads the operator's metrics endpoint as the cluster's admin.
func scrape(op *localcluster.Operator) (metrics, error) {
	resp, err := op.GetMetrics(localcluster.AdminToken)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("metrics: %s", resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	var out metrics
	for name, f := range families {
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			out = append(out, samples(name, labels, m)...)
		}
	}
	return out, nil
}

// samples are m's lines: one for a counter, gauge or untyped value; a histogram's buckets
// (the +Inf one being its count), sum and count.
func samples(name string, labels map[string]string, m *dto.Metric) []sample {
	h := m.GetHistogram()
	if h == nil {
		return []sample{{name, labels, m.GetCounter().GetValue() + m.GetGauge().GetValue() + m.GetUntyped().GetValue()}}
	}
	with := func(le float64) map[string]string {
		l := maps.Clone(labels)
		l["le"] = strconv.FormatFloat(le, 'g', -1, 64)
		return l
	}
	out := []sample{{name + "_sum", labels, h.GetSampleSum()}, {name + "_count", labels, float64(h.GetSampleCount())},
		{name + "_bucket", with(math.Inf(1)), float64(h.GetSampleCount())}}
	for _, b := range h.GetBucket() {
		if !math.IsInf(b.GetUpperBound(), 1) {
			out = append(out, sample{name + "_bucket", with(b.GetUpperBound()), float64(b.GetCumulativeCount())})
		}
	}
	return out
}

// value is the sum of name's samples whose labels include match.
func (m metrics) value(name string, match map[string]string) float64 {
	total := 0.0
	for _, s := range m {
		if s.name == name && matches(s.labels, match) {
			total += s.value
		}
	}
	return total
}

func matches(labels, match map[string]string) bool {
	for k, v := range match {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// controllers are the names of the controllers the operator reports reconciles for.
func (m metrics) controllers() []string {
	seen := map[string]bool{}
	for _, s := range m {
		if s.name == "controller_runtime_reconcile_total" {
			seen[s.labels["controller"]] = true
		}
	}
	return sortedKeys(seen)
}

// webhookCalls are the API server's calls of the operator's webhooks between two scrapes,
// by path: /convert is the conversion webhook, which the API server calls for every object
// it stores in one version and serves in the other (v1alpha1 clients; the API server stores
// v1beta1, the version the controllers and the benchmark use), watch events included.
func webhookCalls(before, after metrics) map[string]int {
	out := map[string]int{}
	for _, s := range after {
		if s.name == "controller_runtime_webhook_requests_total" {
			out[s.labels["webhook"]] += int(s.value)
		}
	}
	for _, s := range before {
		if s.name == "controller_runtime_webhook_requests_total" {
			out[s.labels["webhook"]] -= int(s.value)
		}
	}
	for k, v := range out {
		if v == 0 {
			delete(out, k)
		}
	}
	return out
}

// reconcileStats are one controller's reconciles between two scrapes.
type reconcileStats struct {
	Count, Errors int
	// P50 and P99 are estimated from the histogram's buckets (see quantile).
	P50, P99 time.Duration
	// QueueWait is how long a request waited, on average, in the controller's queue before a
	// worker took it (workqueue_queue_duration_seconds' sum over its count; its buckets are
	// decades, too coarse for quantiles): a long wait says more workers would help.
	QueueWait time.Duration
}

// reconciles diffs two scrapes: reconciles per controller and their duration quantiles.
func reconciles(before, after metrics) map[string]reconcileStats {
	out := map[string]reconcileStats{}
	for _, ctl := range after.controllers() {
		sel := map[string]string{"controller": ctl}
		st := reconcileStats{
			Count: int(after.value("controller_runtime_reconcile_total", sel) - before.value("controller_runtime_reconcile_total", sel)),
			Errors: int(after.value("controller_runtime_reconcile_errors_total", sel) -
				before.value("controller_runtime_reconcile_errors_total", sel)),
		}
		b := buckets(before, after, "controller_runtime_reconcile_time_seconds_bucket", "controller", ctl)
		st.P50, st.P99 = seconds(quantile(0.5, b)), seconds(quantile(0.99, b))
		q := map[string]string{"name": ctl}
		waited := after.value("workqueue_queue_duration_seconds_sum", q) - before.value("workqueue_queue_duration_seconds_sum", q)
		if n := after.value("workqueue_queue_duration_seconds_count", q) - before.value("workqueue_queue_duration_seconds_count", q); n > 0 {
			st.QueueWait = seconds(waited / n)
		}
		out[ctl] = st
	}
	return out
}

// bucket is a cumulative histogram bucket: how many observations were at most le.
type bucket struct {
	le    float64
	count float64
}

// buckets are the histogram buckets of after minus before whose label is value, sorted by
// bound.
func buckets(before, after metrics, name, label, value string) []bucket {
	counts := map[float64]float64{}
	for sign, m := range map[float64]metrics{-1: before, 1: after} {
		for _, s := range m {
			if s.name != name || s.labels[label] != value {
				continue
			}
			le, err := strconv.ParseFloat(s.labels["le"], 64) // "+Inf" parses as +Inf
			if err == nil {
				counts[le] += sign * s.value
			}
		}
	}
	out := make([]bucket, 0, len(counts))
	for le, n := range counts {
		out = append(out, bucket{le, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].le < out[j].le })
	return out
}

// quantile estimates the q-quantile from cumulative buckets as Prometheus'
// histogram_quantile does: it finds the bucket the rank falls in and interpolates linearly
// inside it, as if observations were spread evenly there. So the result is exact only to
// the bucket's width (5 ms up to 10 ms, 50 ms up to 0.5 s, 100 ms up to 1 s, ...); a rank in
// the +Inf bucket reports the largest finite bound (60 s).
func quantile(q float64, b []bucket) float64 {
	if len(b) == 0 || b[len(b)-1].count <= 0 {
		return math.NaN()
	}
	rank := q * b[len(b)-1].count
	lower, below := 0.0, 0.0
	for _, bk := range b {
		if bk.count >= rank {
			if math.IsInf(bk.le, 1) {
				return lower
			}
			if bk.count == below {
				return bk.le
			}
			return lower + (bk.le-lower)*(rank-below)/(bk.count-below)
		}
		lower, below = bk.le, bk.count
	}
	return lower
}

func seconds(s float64) time.Duration {
	if math.IsNaN(s) {
		return -1
	}
	return time.Duration(s * float64(time.Second))
}
