package kubetest

import (
	"maps"

	"github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// Series is the value of family's series with exactly labels (a counter or a gauge), and
// whether there is one.
func Series(family *dto.MetricFamily, labels map[string]string) (float64, bool) {
	for _, m := range family.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		if maps.Equal(got, labels) {
			return m.GetCounter().GetValue() + m.GetGauge().GetValue(), true
		}
	}
	return 0, false
}

// Metric is the value of the series of the operator's metric name with exactly labels, read
// from controller-runtime's registry (the suites run the operator in their own process); 0
// when there is none yet.
func Metric(g gomega.Gomega, name string, labels map[string]string) float64 {
	families, err := ctrlmetrics.Registry.Gather()
	g.Expect(err).NotTo(gomega.HaveOccurred())
	for _, f := range families {
		if f.GetName() == name {
			v, _ := Series(f, labels)
			return v
		}
	}
	return 0
}
