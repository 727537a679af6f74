package shard

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/components/pss"
	"github.com/multigres/multigres-operator/internal/names"
)

func TestPoolName(t *testing.T) {
	long := strings.Repeat("a-very-long-cluster-name", 2) + "-production-db-orders-tg-0"
	for _, tc := range []struct {
		shard string
		pool  v1beta1.PoolSpec
		want  string
	}{
		{"production-db-orders-tg-0", v1beta1.PoolSpec{Cell: "us-west-2", Type: v1beta1.PoolTypeReplica}, "production-db-orders-tg-0-us-west-2-replica"},
		{"production-db-orders-tg-0", v1beta1.PoolSpec{Cell: "us-east-1", Type: v1beta1.PoolTypeReadOnly}, "production-db-orders-tg-0-us-east-1-readonly"},
		{long, v1beta1.PoolSpec{Cell: "us-east-1", Type: v1beta1.PoolTypeReadOnly}, ""},
	} {
		got := PoolName(tc.shard, tc.pool)
		if tc.want != "" && got != tc.want {
			t.Errorf("PoolName(%s, %s/%s) = %s, want %s", tc.shard, tc.pool.Cell, tc.pool.Type, got, tc.want)
		}
		// Pod "<name>-<ordinal>" and the label "<name>-<revision hash>" must fit 63 characters.
		if len(got) > names.MaxStatefulSet {
			t.Errorf("PoolName %s is %d characters, more than %d", got, len(got), names.MaxStatefulSet)
		}
	}
}

func TestBuildPool(t *testing.T) {
	s := &v1beta1.Shard{
		ObjectMeta: metav1.ObjectMeta{Name: "tg-0", Namespace: "ns", Labels: map[string]string{v1beta1.LabelShard: "0"}},
		Spec: v1beta1.ShardSpec{DatabaseName: "db", TableGroupName: "tg", ShardName: "0", PostgresCredentialsSecret: "creds",
			GlobalTopoServer: v1beta1.GlobalTopoServerRef{RootPath: "/multigres/global", ClientServiceName: "c-global-client"}},
	}
	p := v1beta1.PoolSpec{Cell: "z1", Type: v1beta1.PoolTypeReplica}
	obj := buildPool(s, p)
	sts := obj.statefulSet
	if v := pss.Violations(&sts.Spec.Template); len(v) > 0 {
		t.Errorf("pool pod violates the restricted standard: %v", v)
	}
	// Replicas of a pool are spread over nodes and zones, as a preference that never blocks.
	spread := sts.Spec.Template.Spec.TopologySpreadConstraints
	if len(spread) != 2 || spread[0].TopologyKey != corev1.LabelTopologyZone || spread[1].TopologyKey != corev1.LabelHostname ||
		spread[0].WhenUnsatisfiable != corev1.ScheduleAnyway || !equality.Semantic.DeepEqual(spread[1].LabelSelector, sts.Spec.Selector) {
		t.Errorf("pool pods spread %+v", spread)
	}
	// The pool's own constraints replace the default.
	p.TopologySpreadConstraints = []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: corev1.LabelHostname, WhenUnsatisfiable: corev1.DoNotSchedule}}
	if got := buildPool(s, p).statefulSet.Spec.Template.Spec.TopologySpreadConstraints; len(got) != 1 || got[0].WhenUnsatisfiable != corev1.DoNotSchedule {
		t.Errorf("a pool's own spreading gives %+v", got)
	}
	if *sts.Spec.Replicas != 3 {
		t.Errorf("a pool without replicas gets %d, want the default 3", *sts.Spec.Replicas)
	}
	args := strings.Join(sts.Spec.Template.Spec.Containers[0].Args, " ")
	if !strings.Contains(args, "--topo-global-server-addresses=c-global-client.ns.svc:2379") {
		t.Errorf("a reference with only the client Service: %s", args)
	}
	if obj.service.Name != sts.Name || obj.pdb.Name != sts.Name || sts.Spec.ServiceName != sts.Name {
		t.Errorf("service %s, pdb %s, serviceName %s; want all %s", obj.service.Name, obj.pdb.Name, sts.Spec.ServiceName, sts.Name)
	}
	if sts.Spec.Template.Labels[v1beta1.LabelCell] != "z1" || sts.Spec.Template.Labels[v1beta1.LabelShard] != "0" {
		t.Errorf("pod labels %v", sts.Spec.Template.Labels)
	}
}

// A filesystem repository is the shard's claim in both containers; an S3 one is no claim, and
// its access key reaches multipooler from the user's Secret; a cipher key file is mounted for
// multipooler alone and named by its flag.
func TestBuildPoolBackupRepository(t *testing.T) {
	s := &v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Name: "tg-0", Namespace: "ns"},
		Spec: v1beta1.ShardSpec{DatabaseName: "db", TableGroupName: "tg", ShardName: "0", PostgresCredentialsSecret: "creds"}}
	p := v1beta1.PoolSpec{Cell: "z1", Type: v1beta1.PoolTypeReplica}
	mounted := func(c corev1.Container, volume string) bool {
		for _, m := range c.VolumeMounts {
			if m.Name == volume {
				return true
			}
		}
		return false
	}
	pod := buildPool(s, p).statefulSet.Spec.Template.Spec
	if !mounted(pod.InitContainers[0], components.BackupVolume) || !mounted(pod.Containers[0], components.BackupVolume) ||
		pod.Volumes[len(pod.Volumes)-1].PersistentVolumeClaim.ClaimName != "tg-0-backups" {
		t.Errorf("filesystem repository: volumes %+v", pod.Volumes)
	}

	s.Spec.Backup = &v1beta1.BackupConfig{
		S3: &v1beta1.S3BackupRepository{Bucket: "b", Region: "r", Credentials: &v1beta1.S3Credentials{
			AccessKeyID:     v1beta1.SecretKeyRef{Name: "aws", Key: "id"},
			SecretAccessKey: v1beta1.SecretKeyRef{Name: "aws", Key: "secret"}}},
		Encryption: &v1beta1.BackupEncryption{CipherKeys: v1beta1.SecretKeyRef{Name: "keys", Key: "file"}},
	}
	pod = buildPool(s, p).statefulSet.Spec.Template.Spec
	pooler := pod.Containers[0]
	if mounted(pod.InitContainers[0], components.BackupVolume) || mounted(pooler, components.BackupVolume) {
		t.Error("an S3 repository mounts a claim")
	}
	env := map[string]string{}
	for _, e := range pooler.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			env[e.Name] = e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
		}
	}
	if env["AWS_ACCESS_KEY_ID"] != "aws/id" || env["AWS_SECRET_ACCESS_KEY"] != "aws/secret" {
		t.Errorf("multipooler's secret env %v", env)
	}
	if !mounted(pooler, components.CipherKeysVolume) || mounted(pod.InitContainers[0], components.CipherKeysVolume) ||
		!strings.Contains(strings.Join(pooler.Args, " "), "--pgbackrest-cipher-key-file="+components.CipherKeyFile) {
		t.Errorf("cipher keys: args %v", pooler.Args)
	}
	keys := pod.Volumes[len(pod.Volumes)-1].Secret
	if keys == nil || keys.SecretName != "keys" || keys.Items[0].Key != "file" {
		t.Errorf("cipher key volume %+v", pod.Volumes[len(pod.Volumes)-1])
	}
	if v := pss.Violations(&buildPool(s, p).statefulSet.Spec.Template); len(v) > 0 {
		t.Errorf("violates the restricted standard: %v", v)
	}
}
