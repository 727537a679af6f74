package alerts

import (
	"os"
	"path/filepath"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"sigs.k8s.io/yaml"
)

// Every object of config/prometheus is one the Prometheus Operator's types read without an
// unknown or misspelled field, which its CRDs would drop without a word.
func TestMonitoringObjectsAreTheOperatorsTypes(t *testing.T) {
	for file, into := range map[string]any{
		"monitor.yaml":    &monitoringv1.ServiceMonitor{},
		"podmonitor.yaml": &monitoringv1.PodMonitor{},
		"rules.yaml":      &monitoringv1.PrometheusRule{},
	} {
		raw, err := os.ReadFile(filepath.Join(root, "config", "prometheus", file))
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.UnmarshalStrict(raw, into); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}
