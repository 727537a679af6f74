package controllers

import (
	"fmt"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	storagev1 "k8s.io/api/storage/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/shard"
	"github.com/multigres/multigres-operator/test/kubetest"
)

const (
	westPool = "production-db-orders-tg-0-us-west-2-replica"
	eastPool = "production-db-orders-tg-0-us-east-1-readonly"
)

// ordersShard is the design document's production-db-orders-tg-0.
func ordersShard(ns string) *v1beta1.Shard {
	withLimits := resources("500m", "256Mi")
	withLimits.Limits = corev1.ResourceList{corev1.ResourceCPU: quantity("1"), corev1.ResourceMemory: quantity("512Mi")}
	return &v1beta1.Shard{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "production-db-orders-tg-0", Labels: map[string]string{
			v1beta1.LabelCluster: "example", v1beta1.LabelDatabase: "production_db", v1beta1.LabelTableGroup: "orders_tg", v1beta1.LabelShard: "0-80"}},
		Spec: v1beta1.ShardSpec{
			DatabaseName: "production_db", TableGroupName: "orders_tg", ShardName: "0-80",
			Images:                    v1beta1.ShardImages{MultiPooler: "multigres/multigres:latest", Postgres: "postgres:15.3"},
			PostgresCredentialsSecret: "example-postgres-credentials",
			GlobalTopoServer:          v1beta1.GlobalTopoServerRef{RootPath: "/multigres/global", Address: "example-global-client." + ns + ".svc:2379"},
			Pools: []v1beta1.PoolSpec{
				{Name: "replica-us-west-2", Type: v1beta1.PoolTypeReplica, Cell: "us-west-2", ShardPoolSpec: v1beta1.ShardPoolSpec{
					Replicas: ptr.To[int32](2), DataVolumeClaimTemplate: claim("500Gi"),
					Postgres:    &v1beta1.ContainerSpec{Resources: resources("4", "8Gi")},
					MultiPooler: &v1beta1.ContainerSpec{Resources: resources("1", "512Mi")}}},
				{Name: "readonly-us-east-1", Type: v1beta1.PoolTypeReadOnly, Cell: "us-east-1", ShardPoolSpec: v1beta1.ShardPoolSpec{
					Replicas: ptr.To[int32](1), DataVolumeClaimTemplate: claim("500Gi"),
					Postgres:    &v1beta1.ContainerSpec{Resources: resources("2", "4Gi")},
					MultiPooler: &v1beta1.ContainerSpec{Resources: withLimits}}},
			},
		},
	}
}

func TestShardPools(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "shard")
	s := ordersShard(ns)
	g.Expect(k8s.Create(ctx, s)).To(Succeed())

	for _, tc := range []struct {
		name, cell             string
		replicas               int32
		postgresCPU, poolerCPU string
	}{
		{westPool, "us-west-2", 2, "4", "1"},
		{eastPool, "us-east-1", 1, "2", "500m"},
	} {
		sts := kubetest.Get(g, k8s, ns, tc.name, &appsv1.StatefulSet{})
		kubetest.ControlledBy(g, sts, s)
		g.Expect(*sts.Spec.Replicas).To(Equal(tc.replicas))
		g.Expect(sts.Spec.ServiceName).To(Equal(tc.name))
		g.Expect(sts.Spec.PersistentVolumeClaimRetentionPolicy).To(Equal(&appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
			WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType, WhenScaled: appsv1.RetainPersistentVolumeClaimRetentionPolicyType}))
		g.Expect(sts.Spec.VolumeClaimTemplates).To(HaveLen(1))
		g.Expect(sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String()).To(Equal("500Gi"))
		g.Expect(sts.Spec.VolumeClaimTemplates[0].Labels).To(HaveKeyWithValue("app.kubernetes.io/managed-by", "multigres-operator"))

		pod := sts.Spec.Template.Spec
		g.Expect(pod.InitContainers).To(HaveLen(1)) // pgctld, a sidecar that outlives multipooler
		g.Expect(*pod.InitContainers[0].RestartPolicy).To(Equal(corev1.ContainerRestartPolicyAlways))
		g.Expect(pod.Containers).To(HaveLen(1))
		pg, mp := container(pod, "postgres"), container(pod, "multipooler")
		g.Expect(pg.Image).To(Equal("postgres:15.3"))
		g.Expect(mp.Image).To(Equal("multigres/multigres:latest"))
		g.Expect(commandLine(pg)).To(Equal("pgctld server --pooler-dir=/var/lib/pooler --grpc-port=15470 --http-port=15400 --pg-port=5432" +
			" --pg-listen-addresses=* --pg-hba-template=/etc/pgctld/pg_hba_template.conf --pgbackrest-port=8432 --pgbackrest-cert-dir=/certs"))
		g.Expect(commandLine(mp)).To(Equal(fmt.Sprintf("multipooler --http-port=15200 --grpc-port=15270"+
			" --topo-global-server-addresses=example-global-client.shard.svc:2379 --topo-global-root=/multigres/global"+
			" --cell=%s --database=production_db --table-group=orders_tg --shard=0-80 --service-id=%s-$(POD_INDEX)"+
			" --pooler-dir=/var/lib/pooler --pgctld-addr=localhost:15470 --pg-port=5432"+
			" --socket-file=/var/lib/pooler/pg_sockets/.s.PGSQL.5432"+
			" --hostname=$(POD_NAME).%s.shard.svc --pgbackrest-port=8432 --pgbackrest-ca-file=/certs/ca.crt"+
			" --pgbackrest-cert-file=/certs/pgbackrest.crt --pgbackrest-key-file=/certs/pgbackrest.key", tc.cell, tc.name, tc.name)))
		g.Expect(envValue(pg, "PGDATA")).To(Equal("/var/lib/pooler/pg_data"))
		g.Expect(envValue(mp, "PGDATA")).To(Equal("/var/lib/pooler/pg_data"))
		g.Expect(envValue(pg, "POSTGRES_PASSWORD_FILE")).To(Equal("/etc/multigres/postgres/password"))
		g.Expect(pg.Resources.Requests.Cpu().String()).To(Equal(tc.postgresCPU))
		g.Expect(mp.Resources.Requests.Cpu().String()).To(Equal(tc.poolerCPU))
		g.Expect(pg.VolumeMounts).To(ContainElement(corev1.VolumeMount{Name: "data", MountPath: "/var/lib/pooler"}))
		g.Expect(mp.VolumeMounts).To(ContainElement(corev1.VolumeMount{Name: "data", MountPath: "/var/lib/pooler"}))
		for _, c := range []corev1.Container{pg, mp} { // both reach the shard's one backup repository
			g.Expect(c.VolumeMounts).To(ContainElement(corev1.VolumeMount{Name: "backups", MountPath: "/backups"}))
		}
		g.Expect(pod.Volumes).To(ContainElement(HaveField("VolumeSource.PersistentVolumeClaim.ClaimName", "production-db-orders-tg-0-backups")))
		g.Expect(pod.Volumes).To(ContainElement(HaveField("VolumeSource.ConfigMap.Name", "production-db-orders-tg-0-pgctld")))
		g.Expect(pod.Volumes).To(ContainElement(HaveField("VolumeSource.Secret.SecretName", "example-postgres-credentials")))
		g.Expect(*pod.SecurityContext.FSGroup).To(Equal(int64(999)))

		svc := kubetest.Get(g, k8s, ns, tc.name, &corev1.Service{})
		g.Expect(svc.Spec.ClusterIP).To(Equal(corev1.ClusterIPNone))
		g.Expect(svc.Spec.PublishNotReadyAddresses).To(BeTrue())
		g.Expect(svc.Spec.Selector).To(Equal(sts.Spec.Selector.MatchLabels))
		pdb := kubetest.Get(g, k8s, ns, tc.name, &policyv1.PodDisruptionBudget{})
		g.Expect(*pdb.Spec.MaxUnavailable).To(Equal(intstr.FromInt32(1)))
	}
	config := kubetest.Get(g, k8s, ns, "production-db-orders-tg-0-pgctld", &corev1.ConfigMap{})
	kubetest.ControlledBy(g, config, s)
	g.Expect(config.Data["pg_hba_template.conf"]).To(ContainSubstring("host    replication  all   0.0.0.0/0     scram-sha-256"))
	// The backup repository is kept like the data: no owner, so deleting the shard leaves it.
	backups := kubetest.Get(g, k8s, ns, "production-db-orders-tg-0-backups", &corev1.PersistentVolumeClaim{})
	g.Expect(backups.OwnerReferences).To(BeEmpty())
	g.Expect(backups.Spec.AccessModes).To(Equal([]corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany}))

	east := kubetest.Get(g, k8s, ns, eastPool, &appsv1.StatefulSet{})
	eastPooler := container(east.Spec.Template.Spec, "multipooler")
	g.Expect(eastPooler.Resources.Limits.Memory().String()).To(Equal("512Mi"))

	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionAvailable, metav1.ConditionFalse, shard.ReasonPoolsNotReady)
	kubetest.MarkReady(g, k8s, ns, westPool, &appsv1.StatefulSet{})
	kubetest.MarkReady(g, k8s, ns, eastPool, &appsv1.StatefulSet{})
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionAvailable, metav1.ConditionTrue, shard.ReasonPoolsReady)
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionProgressing, metav1.ConditionFalse, shard.ReasonRolloutComplete)
	kubetest.Eventually(g, k8s, s, func(g Gomega) {
		g.Expect(s.Status.TotalPods).To(Equal(int32(3)))
		g.Expect(s.Status.ReadyPods).To(Equal(int32(3)))
		g.Expect(s.Status.PrimaryCell).To(BeEmpty(), "primaries are multiorch's business")
	})

	// Scaling the replica pool down leaves its data volumes alone.
	west := kubetest.Get(g, k8s, ns, westPool, &appsv1.StatefulSet{})
	claims := []string{"data-" + westPool + "-0", "data-" + westPool + "-1"}
	for _, name := range claims {
		createClaim(g, ns, name, west, "500Gi", "")
	}
	g.Eventually(func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(s), s); err != nil {
			return err
		}
		s.Spec.Pools[0].Replicas = ptr.To[int32](1)
		return k8s.Update(ctx, s)
	}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	g.Eventually(func() int32 {
		_ = k8s.Get(ctx, kubetest.Key(ns, westPool), west)
		return *west.Spec.Replicas
	}, kubetest.Timeout, kubetest.Poll).Should(Equal(int32(1)))
	g.Consistently(func(g Gomega) {
		for _, name := range claims {
			pvc := &corev1.PersistentVolumeClaim{}
			g.Expect(k8s.Get(ctx, kubetest.Key(ns, name), pvc)).To(Succeed())
			g.Expect(pvc.DeletionTimestamp).To(BeNil())
		}
	}, "1s", kubetest.Poll).Should(Succeed())
	kubetest.HaveCondition(g, k8s, s, v1beta1.ConditionProgressing, metav1.ConditionTrue, shard.ReasonRollingOut)
}

// createClaim creates a pool claim the way the StatefulSet controller would: named after the
// template and the pod, labelled like the template.
func createClaim(g Gomega, ns, name string, sts *appsv1.StatefulSet, size, class string) *corev1.PersistentVolumeClaim {
	pvc := &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: sts.Spec.VolumeClaimTemplates[0].Labels},
		Spec:       *claim(size),
	}
	if class != "" {
		pvc.Spec.StorageClassName = ptr.To(class)
	}
	g.Expect(k8s.Create(ctx, pvc)).To(Succeed())
	return pvc
}

// Volumes grow with the spec, claim by claim; they never shrink, and the StatefulSet's claim
// template stays as created.
func TestShardVolumesGrow(t *testing.T) {
	g := NewWithT(t)
	ns := kubetest.Namespace(t, k8s, "grow")
	class := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: "expandable"}, Provisioner: "example.com/csi",
		AllowVolumeExpansion: ptr.To(true)}
	g.Expect(k8s.Create(ctx, class)).To(Succeed())
	s := ordersShard(ns)
	s.Spec.Pools = s.Spec.Pools[1:]
	s.Spec.Pools[0].DataVolumeClaimTemplate = claim("1Gi")
	s.Spec.Pools[0].DataVolumeClaimTemplate.StorageClassName = ptr.To("expandable")
	g.Expect(k8s.Create(ctx, s)).To(Succeed())

	sts := kubetest.Get(g, k8s, ns, eastPool, &appsv1.StatefulSet{})
	pvc := createClaim(g, ns, "data-"+eastPool+"-0", sts, "1Gi", "expandable")
	pvc.Status.Phase = corev1.ClaimBound // only a bound claim can be resized
	pvc.Status.Capacity = corev1.ResourceList{corev1.ResourceStorage: quantity("1Gi")}
	g.Expect(k8s.Status().Update(ctx, pvc)).To(Succeed())

	setStorage := func(size string) {
		g.Eventually(func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(s), s); err != nil {
				return err
			}
			s.Spec.Pools[0].DataVolumeClaimTemplate.Resources.Requests[corev1.ResourceStorage] = quantity(size)
			return k8s.Update(ctx, s)
		}, kubetest.Timeout, kubetest.Poll).Should(Succeed())
	}
	request := func() string {
		_ = k8s.Get(ctx, client.ObjectKeyFromObject(pvc), pvc)
		return pvc.Spec.Resources.Requests.Storage().String()
	}
	setStorage("2Gi")
	g.Eventually(request, kubetest.Timeout, kubetest.Poll).Should(Equal("2Gi"))
	g.Expect(k8s.Get(ctx, kubetest.Key(ns, eastPool), sts)).To(Succeed())
	g.Expect(sts.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests.Storage().String()).To(Equal("1Gi"))

	setStorage("1Gi")
	g.Consistently(request, "1s", kubetest.Poll).Should(Equal("2Gi"))
}
