package controllers

import (
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/shard"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/topo"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// A shard started from another cluster's backups first copies the source repository with a
// Job (the source claim read-only) and runs no pool until it completed; once its poolers have
// restored (in the topology, none primary) it asks multiadmin to appoint the first of them
// leader with the database's durability policy; Restored turns True when a primary serves.
func TestShardRestoresFromAnotherCluster(t *testing.T) {
	f := createPoolFixture(t, "restore", func(s *v1beta1.Shard) {
		s.Spec.Backup = &v1beta1.BackupConfig{Schedule: &v1beta1.BackupSchedule{}}
		s.Spec.Restore = &v1beta1.RestoreSource{Cluster: "old", Claim: "old-production-db-orders-tg-0-backups", DurabilityPolicy: v1beta1.DurabilityAtLeast2}
	})
	g, ns, s, admin := f.g, f.ns, f.s, f.admin

	job := kubetest.Get(g, k8s, ns, names.RestoreJob(s.Name), &batchv1.Job{})
	kubetest.ControlledBy(g, job, s)
	claims := map[string]bool{}
	for _, v := range job.Spec.Template.Spec.Volumes {
		claims[v.PersistentVolumeClaim.ClaimName] = v.PersistentVolumeClaim.ReadOnly
	}
	g.Expect(claims).To(Equal(map[string]bool{"old-production-db-orders-tg-0-backups": true, names.BackupClaim(s.Name): false}))
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionRestored, metav1.ConditionFalse, shard.ReasonCopyingRepository)
	g.Consistently(func() bool {
		return apierrors.IsNotFound(k8s.Get(ctx, kubetest.Key(ns, westPool), &appsv1.StatefulSet{}))
	}, "1s", kubetest.Poll).Should(BeTrue(), "a pool runs before the repository is copied")

	// The Job completes (the job controller is not running here), with the conditions the
	// API server's own job controller would set: Kubernetes 1.33 and later want
	// SuccessCriteriaMet before Complete, and those before 1.31 refuse it for a Job without a
	// success policy.
	now := metav1.Now()
	complete := batchv1.JobCondition{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, LastTransitionTime: now}
	met := batchv1.JobCondition{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue, LastTransitionTime: now}
	job.Status = batchv1.JobStatus{StartTime: &now, CompletionTime: &now, Succeeded: 1, Conditions: []batchv1.JobCondition{met, complete}}
	err := k8s.Status().Update(ctx, job)
	if apierrors.IsInvalid(err) {
		job.Status.Conditions = []batchv1.JobCondition{complete}
		err = k8s.Status().Update(ctx, job)
	}
	g.Expect(err).NotTo(HaveOccurred())
	kubetest.Get(g, k8s, ns, westPool, &appsv1.StatefulSet{})
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionRestored, metav1.ConditionFalse, shard.ReasonRestoringPoolers)

	// Every pooler restored the backup, as a standby: the first is appointed, once all are in
	// the topology.
	f.publish(0, topo.RoleReplica, 1)
	f.publish(1, topo.RoleReplica, 1)
	g.Consistently(admin.ruleChanges, "1s", kubetest.Poll).Should(BeEmpty(), "a leader appointed before every pooler restored")
	f.publish(2, topo.RoleReplica, 1)
	g.Eventually(admin.ruleChanges, kubetest.Timeout, kubetest.Poll).Should(HaveLen(1))
	rule := admin.ruleChanges()[0]
	g.Expect(rule).To(HavePrefix("/api/v1/shards/production_db/orders_tg/0-80/rule-change "))
	g.Expect(rule).To(ContainSubstring(`"leaderId":{"component":"MULTIPOOLER","cell":"us-west-2","name":"` + westPool + `-0"}`))
	g.Expect(rule).To(ContainSubstring(`"policyName":"AT_LEAST_2","quorumType":"QUORUM_TYPE_AT_LEAST_N"`))
	g.Expect(rule).To(ContainSubstring(`"unsafeDeriveCert":{}`))

	f.publish(0, topo.RolePrimary, 2)
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionRestored, metav1.ConditionTrue, shard.ReasonRestoredBackup)
}
