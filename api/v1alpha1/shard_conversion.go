package v1alpha1

import (
	"sigs.k8s.io/controller-runtime/pkg/conversion"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// ConvertTo converts this Shard to the hub version, v1beta1.
func (src *Shard) ConvertTo(dstRaw conversion.Hub) error {
	dst := dstRaw.(*v1beta1.Shard)
	in := src.DeepCopy()
	saved, err := takeConversionData(&in.ObjectMeta)
	if err != nil {
		return err
	}
	s := &in.Spec
	dst.ObjectMeta = in.ObjectMeta
	dst.Spec = v1beta1.ShardSpec{DatabaseName: s.DatabaseName, TableGroupName: s.TableGroupName,
		ShardName: s.ShardName, Images: shardImagesTo(s.Images),
		PostgresCredentialsSecret: s.PostgresCredentialsSecret,
		GlobalTopoServer:          v1beta1.GlobalTopoServerRef(s.GlobalTopoServer),
		Pools:                     resolvedPoolsTo(s.Pools, saved),
		Backup:                    saved.Backup, Restore: saved.Restore, Monitoring: saved.Monitoring}
	dst.Status = v1beta1.ShardStatus(in.Status)
	return nil
}

// ConvertFrom converts the hub version, v1beta1, to this Shard.
func (dst *Shard) ConvertFrom(srcRaw conversion.Hub) error {
	in := srcRaw.(*v1beta1.Shard).DeepCopy()
	if _, err := takeConversionData(&in.ObjectMeta); err != nil {
		return err
	}
	lost := &conversionData{Backup: in.Spec.Backup, Restore: in.Spec.Restore, Monitoring: in.Spec.Monitoring}
	s := &in.Spec
	dst.ObjectMeta = in.ObjectMeta
	dst.Spec = ShardSpec{DatabaseName: s.DatabaseName, TableGroupName: s.TableGroupName,
		ShardName: s.ShardName, Images: shardImagesFrom(s.Images),
		PostgresCredentialsSecret: s.PostgresCredentialsSecret,
		GlobalTopoServer:          GlobalTopoServerRef(s.GlobalTopoServer),
		Pools:                     resolvedPoolsFrom(s.Pools, lost)}
	dst.Status = ShardStatus(in.Status)
	return putConversionData(&dst.ObjectMeta, lost)
}
