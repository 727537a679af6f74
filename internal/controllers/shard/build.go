package shard

import (
	"cmp"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// poolObjects are what one pool runs on. The StatefulSet, its headless Service and its PDB
// share one name.
type poolObjects struct {
	statefulSet *appsv1.StatefulSet
	service     *corev1.Service
	pdb         *policyv1.PodDisruptionBudget
}

// PoolName names a pool's StatefulSet, headless Service and PDB (names.Pool).
func PoolName(shard string, p v1beta1.PoolSpec) string {
	return names.Pool(shard, p.Cell, string(p.Type))
}

// buildPool is the desired state of pool p of shard s.
func buildPool(s *v1beta1.Shard, p v1beta1.PoolSpec) poolObjects {
	name := PoolName(s.Name, p)
	labels := components.Labels(s.Labels, names.ComponentShardPool, name,
		v1beta1.LabelCell, p.Cell, names.LabelPoolType, string(p.Type))
	selector := names.Selector(names.ComponentShardPool, name)
	images := s.Spec.Images
	pool := components.Pool{
		PostgresImage:     postgresImage(s),
		PoolerImage:       components.Image{Name: cmp.Or(images.MultiPooler, resolve.DefaultMultigresImage), PullPolicy: images.ImagePullPolicy},
		Topo:              components.TopoFrom(s.Spec.GlobalTopoServer, s.Namespace),
		Cell:              p.Cell,
		Database:          s.Spec.DatabaseName,
		TableGroup:        s.Spec.TableGroupName,
		Shard:             s.Spec.ShardName,
		Service:           name,
		Namespace:         s.Namespace,
		CredentialsSecret: s.Spec.PostgresCredentialsSecret,
		PgctldConfig:      names.PgctldConfig(s.Name),
		BackupTLS:         names.BackupTLS(s.Name),
	}
	if b := s.Spec.Backup; b != nil && b.S3 != nil {
		pool.S3Credentials = b.S3.Credentials
	} else {
		pool.BackupClaim = names.BackupClaim(s.Name)
	}
	if b := s.Spec.Backup; b != nil && b.Encryption != nil {
		pool.CipherKeys = &b.Encryption.CipherKeys
	}
	if p.Postgres != nil {
		pool.PostgresResources = p.Postgres.Resources
	}
	if p.MultiPooler != nil {
		pool.PoolerResources = p.MultiPooler.Resources
	}
	containers := []corev1.Container{components.MultiPooler(pool)}
	if m := s.Spec.Monitoring; m != nil && m.PostgresExporter != nil {
		pool.Exporter = &components.Exporter{Resources: m.PostgresExporter.Resources, Image: components.Image{
			Name: cmp.Or(m.PostgresExporter.Image, resolve.DefaultPostgresExporterImage), PullPolicy: images.ImagePullPolicy}}
		containers = append(containers, components.PostgresExporter(pool))
	}
	template := components.PodTemplate(components.Pod{
		Labels:            labels,
		User:              components.PostgresUser,
		InitContainers:    []corev1.Container{components.Postgres(pool)},
		Containers:        containers,
		Volumes:           components.PoolVolumes(pool),
		Affinity:          p.Affinity,
		Spread:            selector,
		SpreadConstraints: p.TopologySpreadConstraints,
		PullSecrets:       images.ImagePullSecrets,
	})
	components.StampTemplate(&template)
	return poolObjects{
		statefulSet: components.BuildStatefulSet(components.StatefulSet{
			Name: name, Namespace: s.Namespace, Labels: labels, Selector: selector, Service: name,
			Replicas:  ptr.Deref(p.Replicas, resolve.DefaultPoolReplicas),
			Template:  template,
			DataClaim: *resolve.Volume(p.DataVolumeClaimTemplate.DeepCopy(), resolve.DefaultPoolStorage),
			Retention: p.DataVolumeRetentionPolicy,
			OnDelete:  true, // the Shard controller rolls the pods, the primary last (rollout.go)
		}),
		service: components.HeadlessService(name, s.Namespace, labels, selector,
			components.ServicePort(names.PortPostgres, names.PostgresPort),
			components.ServicePort(names.PortHTTP, names.MultiPoolerHTTPPort),
			components.ServicePort(names.PortGRPC, names.MultiPoolerGRPCPort)),
		// One pod of a pool at a time: multiorch keeps a primary and quorum among the rest.
		pdb: components.PodDisruptionBudget(name, s.Namespace, labels, selector, 1),
	}
}

// postgresImage is the image of the shard's postgres container (the default when the spec
// names none), which the restore Job's copy also runs: it has a shell and cp.
func postgresImage(s *v1beta1.Shard) components.Image {
	return components.Image{Name: cmp.Or(s.Spec.Images.Postgres, resolve.DefaultPostgresImage), PullPolicy: s.Spec.Images.ImagePullPolicy}
}

// backupClaim is the shard's backup repository, as spec.backup says (resolved by the
// cluster). It is owned by the shard (deleted with it) only when every pool deletes its data
// with the shard; otherwise it stays, like the data.
func backupClaim(s *v1beta1.Shard) (*corev1.PersistentVolumeClaim, bool) {
	spec := corev1.PersistentVolumeClaimSpec{ // a shard written before spec.backup was
		AccessModes: slices.Clone(resolve.DefaultBackupAccessModes),
		Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resolve.DefaultBackupStorage}},
	}
	if b := s.Spec.Backup; b != nil && b.Filesystem != nil && b.Filesystem.VolumeClaimTemplate != nil {
		spec = *b.Filesystem.VolumeClaimTemplate.DeepCopy()
	}
	claim := components.BackupClaim(names.BackupClaim(s.Name), s.Namespace, components.Labels(s.Labels, names.ComponentShard, s.Name), spec)
	return claim, resolve.DataDeletedWithOwner(s.Spec.Pools)
}
