package shard

import (
	"maps"
	"os"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/components/pss"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
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

// With spec.monitoring's exporter, every pool pod runs postgres_exporter on the metrics port,
// logged in as the cluster's user with the password file, and stays restricted.
func TestBuildPoolExporter(t *testing.T) {
	s := &v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Name: "tg-0", Namespace: "ns"},
		Spec: v1beta1.ShardSpec{DatabaseName: "db", TableGroupName: "tg", ShardName: "0", PostgresCredentialsSecret: "creds",
			Images: v1beta1.ShardImages{ImagePullPolicy: corev1.PullAlways}}}
	p := v1beta1.PoolSpec{Cell: "z1", Type: v1beta1.PoolTypeReplica}
	if n := len(buildPool(s, p).statefulSet.Spec.Template.Spec.Containers); n != 1 {
		t.Fatalf("without monitoring the pod has %d containers, want multipooler alone", n)
	}
	s.Spec.Monitoring = &v1beta1.MonitoringSpec{PostgresExporter: &v1beta1.PostgresExporterSpec{Image: "exporter:1"}}
	tmpl := buildPool(s, p).statefulSet.Spec.Template
	if v := pss.Violations(&tmpl); len(v) > 0 {
		t.Errorf("violates the restricted standard: %v", v)
	}
	c := tmpl.Spec.Containers[len(tmpl.Spec.Containers)-1]
	if c.Name != components.ContainerPostgresExporter || c.Image != "exporter:1" || c.ImagePullPolicy != corev1.PullAlways ||
		c.Ports[0].Name != names.PortMetrics || c.Ports[0].ContainerPort != names.PostgresExporterPort || c.ReadinessProbe != nil {
		t.Errorf("exporter container %+v", c)
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	if u := env["DATA_SOURCE_USER"].ValueFrom; u == nil || u.SecretKeyRef.Name != "creds" || u.SecretKeyRef.Key != components.SecretKeyUsername ||
		env["DATA_SOURCE_PASS_FILE"].Value != components.PasswordFile || !strings.HasPrefix(env["DATA_SOURCE_URI"].Value, "localhost:5432/") {
		t.Errorf("exporter env %+v", c.Env)
	}
	if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].Name != components.CredentialsVolume || !c.VolumeMounts[0].ReadOnly {
		t.Errorf("the exporter mounts %+v, want the credentials alone", c.VolumeMounts)
	}
}

// config/prometheus's PodMonitor finds the exporter: it selects the pool pods by labels they
// have, scrapes the exporter's port by name, and copies into each series labels the pods have.
func TestPodMonitorFindsTheExporter(t *testing.T) {
	raw, err := os.ReadFile("../../../config/prometheus/podmonitor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var monitor struct {
		Spec struct {
			Selector  metav1.LabelSelector `json:"selector"`
			Endpoints []struct {
				Port        string `json:"port"`
				Relabelings []struct {
					SourceLabels []string `json:"sourceLabels"`
				} `json:"relabelings"`
			} `json:"podMetricsEndpoints"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(raw, &monitor); err != nil {
		t.Fatal(err)
	}
	shardLabels := resolve.Labels("c", names.ComponentShard) // as the resolver writes a shard's
	maps.Copy(shardLabels, map[string]string{v1beta1.LabelDatabase: "d", v1beta1.LabelTableGroup: "tg", v1beta1.LabelShard: "0-inf"})
	s := &v1beta1.Shard{ObjectMeta: metav1.ObjectMeta{Name: "tg-0", Namespace: "ns", Labels: shardLabels},
		Spec: v1beta1.ShardSpec{Monitoring: &v1beta1.MonitoringSpec{PostgresExporter: &v1beta1.PostgresExporterSpec{}}}}
	tmpl := buildPool(s, v1beta1.PoolSpec{Cell: "z1", Type: v1beta1.PoolTypeReplica}).statefulSet.Spec.Template
	selector, err := metav1.LabelSelectorAsSelector(&monitor.Spec.Selector)
	if err != nil || selector.Empty() || !selector.Matches(labels.Set(tmpl.Labels)) {
		t.Errorf("the selector %v (%v) does not match the pool pods' labels %v", selector, err, tmpl.Labels)
	}
	// The operator adds the role label to running pods.
	podLabels := map[string]bool{"__meta_kubernetes_pod_label_" + promName(names.LabelRole): true}
	for k := range tmpl.Labels {
		podLabels["__meta_kubernetes_pod_label_"+promName(k)] = true
	}
	exporter := tmpl.Spec.Containers[len(tmpl.Spec.Containers)-1]
	if len(monitor.Spec.Endpoints) != 1 || monitor.Spec.Endpoints[0].Port != exporter.Ports[0].Name {
		t.Fatalf("the endpoints %+v, want the exporter's port %s", monitor.Spec.Endpoints, exporter.Ports[0].Name)
	}
	for _, r := range monitor.Spec.Endpoints[0].Relabelings {
		for _, l := range r.SourceLabels {
			if !podLabels[l] {
				t.Errorf("relabeling from %s, a label the pool pods do not have", l)
			}
		}
	}
}

// promName is how Prometheus's Kubernetes discovery names a label: every character but
// letters, digits and "_" becomes "_".
func promName(label string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, label)
}
