package main

import (
	"bufio"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/multigres/multigres-operator/internal/localcluster"
)

// sample is one line of the Prometheus text format.
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
	var out metrics
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s, err := parseSample(line)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, sc.Err()
}

// parseSample parses `name{key="value",...} value [timestamp]`.
func parseSample(line string) (sample, error) {
	s := sample{labels: map[string]string{}}
	i := strings.IndexAny(line, "{ ")
	if i < 0 {
		return s, fmt.Errorf("metrics: bad line %q", line)
	}
	s.name, line = line[:i], line[i:]
	if line[0] == '{' {
		line = line[1:]
		for line != "" && line[0] != '}' {
			eq := strings.Index(line, `="`)
			if eq < 0 {
				return s, fmt.Errorf("metrics: bad labels in %q", line)
			}
			key := line[:eq]
			line = line[eq+2:]
			var val strings.Builder
			for line != "" && line[0] != '"' {
				if line[0] == '\\' && len(line) > 1 {
					line = line[1:]
				}
				val.WriteByte(line[0])
				line = line[1:]
			}
			s.labels[key] = val.String()
			line = strings.TrimPrefix(strings.TrimPrefix(line, `"`), ",")
		}
		line = strings.TrimPrefix(line, "}")
	}
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return s, fmt.Errorf("metrics: no value for %s", s.name)
	}
	v, err := strconv.ParseFloat(fields[0], 64)
	s.value = v
	return s, err
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
