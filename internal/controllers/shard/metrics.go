package shard

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// The Shard controller's metrics, served with controller-runtime's on the operator's metrics
// endpoint. One series per shard at most (never per pod); docs/observability.md lists them.
var (
	primaryChanges = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "multigres_shard_primary_changes_total",
		Help: "Times a shard's primary, as the topology reports it, became another pod (a shard's first primary counts), by cluster.",
	}, []string{"namespace", "cluster"})
	backupNewest = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "multigres_backup_newest_timestamp_seconds",
		Help: "When the shard's newest complete backup finished (Unix time): alert on time() minus this.",
	}, []string{"namespace", "cluster", "shard"})
	backupOperations = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "multigres_backup_operations_total",
		Help: "Backup operations the operator ran through multiadmin, by operation (backup, expire, verify) and result (succeeded, failed).",
	}, []string{"namespace", "cluster", "operation", "result"})
)

func init() { metrics.Registry.MustRegister(primaryChanges, backupNewest, backupOperations) }

// recordBackupNewest publishes s's newest backup time.
func recordBackupNewest(s *v1beta1.Shard) {
	if b := s.Status.Backup; b != nil && b.Newest != nil && b.Newest.Finished != nil {
		backupNewest.WithLabelValues(s.Namespace, s.Labels[v1beta1.LabelCluster], s.Name).Set(float64(b.Newest.Finished.Unix()))
	}
}

// forgetBackupMetrics drops the series of a deleted shard.
func forgetBackupMetrics(namespace, name string) {
	backupNewest.DeletePartialMatch(prometheus.Labels{"namespace": namespace, "shard": name})
}

// countBackupOperation counts one operation on s's repository.
func countBackupOperation(s *v1beta1.Shard, operation string, err error) {
	result := "succeeded"
	if err != nil {
		result = "failed"
	}
	backupOperations.WithLabelValues(s.Namespace, s.Labels[v1beta1.LabelCluster], operation, result).Inc()
}
