package multigrescluster

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

func TestSetBackupHealthy(t *testing.T) {
	shard := func(name string, status metav1.ConditionStatus, reason, msg string) v1beta1.Shard {
		s := v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Name: name}}
		if status != "" {
			conditions.Set(&s, metav1.Condition{Type: v1beta1.ConditionBackupHealthy, Status: status, Reason: reason, Message: msg})
		}
		return s
	}
	c := &v1beta1.MultigresCluster{}
	setBackupHealthy(c, []v1beta1.Shard{shard("a", "", "", "")})
	if conditions.Has(c, v1beta1.ConditionBackupHealthy) {
		t.Error("a condition while no shard reports one")
	}
	setBackupHealthy(c, []v1beta1.Shard{shard("a", metav1.ConditionTrue, "BackupRecent", ""), shard("b", "", "", "")})
	if !conditions.IsTrue(c, v1beta1.ConditionBackupHealthy) {
		t.Errorf("one healthy shard: %+v", conditions.Get(c, v1beta1.ConditionBackupHealthy))
	}
	setBackupHealthy(c, []v1beta1.Shard{shard("b", metav1.ConditionFalse, "BackupFailed", "permission denied"),
		shard("a", metav1.ConditionTrue, "BackupRecent", "")})
	got := conditions.Get(c, v1beta1.ConditionBackupHealthy)
	if got.Status != metav1.ConditionFalse || got.Message != "Shard b: BackupFailed: permission denied" {
		t.Errorf("one failing shard: %+v", got)
	}
}
