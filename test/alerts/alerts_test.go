// Package alerts checks config/prometheus/rules.yaml with Prometheus's own rule parser: every
// rule loads as Prometheus would load it, names only metrics docs/observability.md lists
// (the operator's, and the two others it documents), and every alert says what it means and
// links a runbook that exists. `make test` runs it (a module of its own).
package alerts

import (
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
