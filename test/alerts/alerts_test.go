// Package alerts checks what Prometheus and Grafana load: config/prometheus/rules.yaml with
// Prometheus's own rule parser (every rule loads, names only metrics docs/observability.md
// lists, and every alert says what it means and links a runbook that exists), and the
// dashboards of config/grafana (every query parses and names only documented metrics), and
// that config/prometheus's objects are the Prometheus Operator's types, field for field.
// `make test` runs it: a module of its own, so Prometheus's dependencies stay out of the
// operator's.
package alerts

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"sigs.k8s.io/yaml"
)

const root = "../.."

// documented are the metric names of docs/observability.md's tables.
func documented(t *testing.T) []string {
	doc, err := os.ReadFile(filepath.Join(root, "docs", "observability.md"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_:]+)` \\|").FindAllStringSubmatch(string(doc), -1) {
		names = append(names, m[1])
	}
	if len(names) == 0 {
		t.Fatal("docs/observability.md lists no metric")
	}
	return names
}

func TestAlerts(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(root, "config", "prometheus", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var rule struct {
		Kind string         `json:"kind"`
		Spec map[string]any `json:"spec"`
	}
	if err := yaml.Unmarshal(raw, &rule); err != nil {
		t.Fatal(err)
	}
	if rule.Kind != "PrometheusRule" {
		t.Fatalf("kind %q, want PrometheusRule", rule.Kind)
	}
	// The PrometheusRule's spec is a Prometheus rule file.
	groupsYAML, err := yaml.Marshal(rule.Spec)
	if err != nil {
		t.Fatal(err)
	}
	p := parser.NewParser(parser.Options{})
	groups, errs := rulefmt.Parse(groupsYAML, false, model.UTF8Validation, p, slog.New(slog.DiscardHandler))
	for _, err := range errs {
		t.Errorf("rules.yaml: %v", err)
	}
	if groups == nil {
		t.FailNow()
	}

	known := documented(t)
	alerts := 0
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			alerts++
			expr, err := p.ParseExpr(r.Expr)
			if err != nil {
				t.Errorf("%s: %v", r.Alert, err)
				continue
			}
			parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
				if vs, ok := node.(*parser.VectorSelector); ok && !slices.Contains(known, vs.Name) {
					t.Errorf("%s: %s is not a metric docs/observability.md lists", r.Alert, vs.Name)
				}
				return nil
			})
			for _, a := range []string{"summary", "description", "runbook_url"} {
				if r.Annotations[a] == "" {
					t.Errorf("%s: no %s", r.Alert, a)
				}
			}
			if !slices.Contains([]string{"critical", "warning", "info"}, r.Labels["severity"]) {
				t.Errorf("%s: severity %q, want critical, warning or info", r.Alert, r.Labels["severity"])
			}
			const runbooks = "https://github.com/multigres/multigres-operator/blob/main/"
			page, ok := strings.CutPrefix(r.Annotations["runbook_url"], runbooks)
			if !ok || page != "docs/runbooks/"+r.Alert+".md" {
				t.Errorf("%s: runbook_url %q, want %sdocs/runbooks/%s.md", r.Alert, r.Annotations["runbook_url"], runbooks, r.Alert)
			} else if _, err := os.Stat(filepath.Join(root, page)); err != nil {
				t.Errorf("%s: its runbook: %v", r.Alert, err)
			}
		}
	}
	if alerts == 0 {
		t.Error("rules.yaml has no alert")
	}
}

// TestDashboards: every Grafana dashboard of config/grafana is JSON Grafana reads (a uid, a
// title, panels), and every panel's query and variable parses as PromQL and names only
// documented metrics.
func TestDashboards(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, "config", "grafana", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboard in config/grafana: %v", err)
	}
	known := documented(t)
	p := parser.NewParser(parser.Options{})
	check := func(where, expr string) {
		parsed, err := p.ParseExpr(expr)
		if err != nil {
			t.Errorf("%s: %q: %v", where, expr, err)
			return
		}
		parser.Inspect(parsed, func(node parser.Node, _ []parser.Node) error {
			if vs, ok := node.(*parser.VectorSelector); ok && !slices.Contains(known, histogramBase(vs.Name)) {
				t.Errorf("%s: %s is not a metric docs/observability.md lists", where, vs.Name)
			}
			return nil
		})
	}
	labelValues := regexp.MustCompile(`^label_values\((.+), *[a-z_]+\)$`)
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			UID        string `json:"uid"`
			Title      string `json:"title"`
			Templating struct {
				List []struct {
					Name  string `json:"name"`
					Query any    `json:"query"`
				} `json:"list"`
			} `json:"templating"`
			Panels []struct {
				Title   string `json:"title"`
				Targets []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			} `json:"panels"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		name := filepath.Base(file)
		if d.UID == "" || d.Title == "" || len(d.Panels) == 0 {
			t.Errorf("%s: uid %q, title %q, %d panels: want all three", name, d.UID, d.Title, len(d.Panels))
		}
		for _, panel := range d.Panels {
			if len(panel.Targets) == 0 {
				t.Errorf("%s: panel %q has no query", name, panel.Title)
			}
			for _, target := range panel.Targets {
				check(name+": panel "+panel.Title, target.Expr)
			}
		}
		for _, v := range d.Templating.List {
			q, ok := v.Query.(map[string]any)
			if !ok {
				continue // the datasource variable
			}
			m := labelValues.FindStringSubmatch(fmt.Sprint(q["query"]))
			if m == nil {
				t.Errorf("%s: variable %s: %v is not label_values(<selector>, <label>)", name, v.Name, q["query"])
				continue
			}
			check(name+": variable "+v.Name, m[1])
		}
	}
}

// histogramBase is the histogram a _bucket, _sum or _count series belongs to.
func histogramBase(name string) string {
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && strings.HasSuffix(base, "_seconds") {
			return base
		}
	}
	return name
}
