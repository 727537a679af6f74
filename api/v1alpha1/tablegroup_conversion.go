package v1alpha1

import (
	"sigs.k8s.io/controller-runtime/pkg/conversion"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// ConvertTo converts this TableGroup to the hub version, v1beta1.
func (src *TableGroup) ConvertTo(dstRaw conversion.Hub) error {
	dst := dstRaw.(*v1beta1.TableGroup)
	in := src.DeepCopy()
	saved, err := takeConversionData(&in.ObjectMeta)
	if err != nil {
		return err
	}
	s := &in.Spec
	dst.ObjectMeta = in.ObjectMeta
	dst.Spec = v1beta1.TableGroupSpec{DatabaseName: s.DatabaseName, TableGroupName: s.TableGroupName,
		Images: shardImagesTo(s.Images), PostgresCredentialsSecret: s.PostgresCredentialsSecret,
		GlobalTopoServer: v1beta1.GlobalTopoServerRef(s.GlobalTopoServer),
		Partitioning:     v1beta1.Partitioning(s.Partitioning),
		ShardTemplate:    v1beta1.ShardTemplate{Pools: resolvedPoolsTo(s.ShardTemplate.Pools, saved)},
		Backup:           saved.Backup, Restore: saved.Restore, Monitoring: saved.Monitoring}
	dst.Status = v1beta1.TableGroupStatus(in.Status)
	return nil
}

// ConvertFrom converts the hub version, v1beta1, to this TableGroup.
func (dst *TableGroup) ConvertFrom(srcRaw conversion.Hub) error {
	in := srcRaw.(*v1beta1.TableGroup).DeepCopy()
	if _, err := takeConversionData(&in.ObjectMeta); err != nil {
		return err
	}
	lost := &conversionData{Backup: in.Spec.Backup, Restore: in.Spec.Restore, Monitoring: in.Spec.Monitoring}
	s := &in.Spec
	dst.ObjectMeta = in.ObjectMeta
	dst.Spec = TableGroupSpec{DatabaseName: s.DatabaseName, TableGroupName: s.TableGroupName,
		Images: shardImagesFrom(s.Images), PostgresCredentialsSecret: s.PostgresCredentialsSecret,
		GlobalTopoServer: GlobalTopoServerRef(s.GlobalTopoServer),
		Partitioning:     Partitioning(s.Partitioning),
		ShardTemplate:    ShardTemplate{Pools: resolvedPoolsFrom(s.ShardTemplate.Pools, lost)}}
	dst.Status = TableGroupStatus(in.Status)
	return putConversionData(&dst.ObjectMeta, lost)
}
