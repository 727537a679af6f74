package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Converters for the types whose shape did not change. Where Go allows it they are plain
// type conversions, so a field added to one version only stops the build; the others copy
// field by field and the round-trip fuzz test catches a forgotten field.

func clusterImagesTo(in ClusterImages) v1beta1.ClusterImages {
	return v1beta1.ClusterImages{ImagePullPolicy: in.ImagePullPolicy, ImagePullSecrets: in.ImagePullSecrets,
		MultiGateway: in.MultiGateway, MultiOrch: in.MultiOrch, MultiPooler: in.MultiPooler,
		MultiAdmin: in.MultiAdmin, Postgres: in.Postgres}
}

func clusterImagesFrom(in v1beta1.ClusterImages) ClusterImages {
	return ClusterImages{ImagePullPolicy: in.ImagePullPolicy, ImagePullSecrets: in.ImagePullSecrets,
		MultiGateway: in.MultiGateway, MultiOrch: in.MultiOrch, MultiPooler: in.MultiPooler,
		MultiAdmin: in.MultiAdmin, Postgres: in.Postgres}
}

func retentionTo(in *VolumeRetentionPolicy) *v1beta1.VolumeRetentionPolicy {
	if in == nil {
		return nil
	}
	return &v1beta1.VolumeRetentionPolicy{WhenDeleted: v1beta1.RetentionPolicy(in.WhenDeleted),
		WhenScaled: v1beta1.RetentionPolicy(in.WhenScaled)}
}

func retentionFrom(in *v1beta1.VolumeRetentionPolicy) *VolumeRetentionPolicy {
	if in == nil {
		return nil
	}
	return &VolumeRetentionPolicy{WhenDeleted: RetentionPolicy(in.WhenDeleted), WhenScaled: RetentionPolicy(in.WhenScaled)}
}

func shardPoolTo(in ShardPoolSpec) v1beta1.ShardPoolSpec {
	return v1beta1.ShardPoolSpec{Replicas: in.Replicas, Affinity: in.Affinity, TopologySpreadConstraints: in.TopologySpreadConstraints,
		DataVolumeClaimTemplate:   in.DataVolumeClaimTemplate,
		Postgres:                  (*v1beta1.ContainerSpec)(in.Postgres),
		MultiPooler:               (*v1beta1.ContainerSpec)(in.MultiPooler),
		DataVolumeRetentionPolicy: retentionTo(in.DataVolumeRetentionPolicy)}
}

func shardPoolFrom(in v1beta1.ShardPoolSpec) ShardPoolSpec {
	return ShardPoolSpec{Replicas: in.Replicas, Affinity: in.Affinity, TopologySpreadConstraints: in.TopologySpreadConstraints,
		DataVolumeClaimTemplate:   in.DataVolumeClaimTemplate,
		Postgres:                  (*ContainerSpec)(in.Postgres),
		MultiPooler:               (*ContainerSpec)(in.MultiPooler),
		DataVolumeRetentionPolicy: retentionFrom(in.DataVolumeRetentionPolicy)}
}

func shardPoolPtrTo(in *ShardPoolSpec) *v1beta1.ShardPoolSpec {
	if in == nil {
		return nil
	}
	return ptr.To(shardPoolTo(*in))
}

func shardPoolPtrFrom(in *v1beta1.ShardPoolSpec) *ShardPoolSpec {
	if in == nil {
		return nil
	}
	return ptr.To(shardPoolFrom(*in))
}

func managedTopoTo(in *ManagedTopoServerSpec) *v1beta1.ManagedTopoServerSpec {
	if in == nil {
		return nil
	}
	return &v1beta1.ManagedTopoServerSpec{RootPath: in.RootPath, Image: in.Image,
		ImagePullPolicy: in.ImagePullPolicy, ImagePullSecrets: in.ImagePullSecrets,
		Replicas: in.Replicas, Resources: in.Resources, Affinity: in.Affinity, TopologySpreadConstraints: in.TopologySpreadConstraints,
		DataVolumeClaimTemplate:   in.DataVolumeClaimTemplate,
		DataVolumeRetentionPolicy: retentionTo(in.DataVolumeRetentionPolicy)}
}

func managedTopoFrom(in *v1beta1.ManagedTopoServerSpec) *ManagedTopoServerSpec {
	if in == nil {
		return nil
	}
	return &ManagedTopoServerSpec{RootPath: in.RootPath, Image: in.Image,
		ImagePullPolicy: in.ImagePullPolicy, ImagePullSecrets: in.ImagePullSecrets,
		Replicas: in.Replicas, Resources: in.Resources, Affinity: in.Affinity, TopologySpreadConstraints: in.TopologySpreadConstraints,
		DataVolumeClaimTemplate:   in.DataVolumeClaimTemplate,
		DataVolumeRetentionPolicy: retentionFrom(in.DataVolumeRetentionPolicy)}
}

func topoServerSpecTo(in TopoServerSpec) v1beta1.TopoServerSpec {
	return v1beta1.TopoServerSpec{RootPath: in.RootPath, Image: in.Image,
		ImagePullPolicy: in.ImagePullPolicy, ImagePullSecrets: in.ImagePullSecrets,
		Replicas: in.Replicas, Resources: in.Resources, Affinity: in.Affinity, TopologySpreadConstraints: in.TopologySpreadConstraints,
		DataVolumeClaimTemplate:   in.DataVolumeClaimTemplate,
		DataVolumeRetentionPolicy: retentionTo(in.DataVolumeRetentionPolicy)}
}

func topoServerSpecFrom(in v1beta1.TopoServerSpec) TopoServerSpec {
	return TopoServerSpec{RootPath: in.RootPath, Image: in.Image,
		ImagePullPolicy: in.ImagePullPolicy, ImagePullSecrets: in.ImagePullSecrets,
		Replicas: in.Replicas, Resources: in.Resources, Affinity: in.Affinity, TopologySpreadConstraints: in.TopologySpreadConstraints,
		DataVolumeClaimTemplate:   in.DataVolumeClaimTemplate,
		DataVolumeRetentionPolicy: retentionFrom(in.DataVolumeRetentionPolicy)}
}

func shardImagesTo(in ShardImages) v1beta1.ShardImages {
	return v1beta1.ShardImages{ImagePullPolicy: in.ImagePullPolicy, ImagePullSecrets: in.ImagePullSecrets,
		MultiPooler: in.MultiPooler, Postgres: in.Postgres}
}

func shardImagesFrom(in v1beta1.ShardImages) ShardImages {
	return ShardImages{ImagePullPolicy: in.ImagePullPolicy, ImagePullSecrets: in.ImagePullSecrets,
		MultiPooler: in.MultiPooler, Postgres: in.Postgres}
}

// statusTo turns a v1alpha1 status string into v1beta1's *bool. Anything but "", True and
// False (Unknown, or a string no operator writes) is unset in v1beta1 and saved under key.
func statusTo(in metav1.ConditionStatus, key string, lost *conversionData) *bool {
	switch in {
	case "":
		return nil
	case metav1.ConditionTrue:
		return ptr.To(true)
	case metav1.ConditionFalse:
		return ptr.To(false)
	}
	if lost.Statuses == nil {
		lost.Statuses = map[string]string{}
	}
	lost.Statuses[key] = string(in)
	return nil
}

// statusFrom is the inverse of statusTo; an unset value gets back its saved string.
func statusFrom(in *bool, key string, saved *conversionData) metav1.ConditionStatus {
	switch {
	case in == nil:
		return metav1.ConditionStatus(saved.Statuses[key])
	case *in:
		return metav1.ConditionTrue
	default:
		return metav1.ConditionFalse
	}
}
