package shard

import (
	"errors"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

func TestBackupMetrics(t *testing.T) {
	s := &v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Namespace: "metrics", Name: "c-db-tg-0", Labels: map[string]string{v1beta1.LabelCluster: "c"}},
		Status: v1beta1.ShardStatus{Backup: &v1beta1.ShardBackupStatus{Newest: &v1beta1.BackupInfo{ID: "x", Finished: mt("2026-12-04T00:00:00Z")}}}}
	recordBackupNewest(s)
	if got := testutil.ToFloat64(backupNewest.WithLabelValues("metrics", "c", "c-db-tg-0")); got != float64(at("2026-12-04T00:00:00Z").Unix()) {
		t.Errorf("newest backup %v", got)
	}
	countBackupOperation(s, "backup", nil)
	countBackupOperation(s, "backup", errors.New("x"))
	countBackupOperation(s, "backup", errors.New("y"))
	if got := testutil.ToFloat64(backupOperations.WithLabelValues("metrics", "c", "backup", "failed")); got != 2 {
		t.Errorf("failed backups %v", got)
	}
	forgetBackupMetrics("metrics", "c-db-tg-0")
	if n := testutil.CollectAndCount(backupNewest); n != 0 {
		t.Errorf("%d series left after the shard went", n)
	}
}
