package v1alpha1

import (
	"sigs.k8s.io/controller-runtime/pkg/conversion"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// ConvertTo converts this TopoServer to the hub version, v1beta1. The shape did not change.
func (src *TopoServer) ConvertTo(dstRaw conversion.Hub) error {
	dst := dstRaw.(*v1beta1.TopoServer)
	in := src.DeepCopy()
	if _, err := takeConversionData(&in.ObjectMeta); err != nil {
		return err
	}
	dst.ObjectMeta = in.ObjectMeta
	dst.Spec = topoServerSpecTo(in.Spec)
	dst.Status = v1beta1.TopoServerStatus(in.Status)
	return nil
}

// ConvertFrom converts the hub version, v1beta1, to this TopoServer.
func (dst *TopoServer) ConvertFrom(srcRaw conversion.Hub) error {
	in := srcRaw.(*v1beta1.TopoServer).DeepCopy()
	if _, err := takeConversionData(&in.ObjectMeta); err != nil {
		return err
	}
	dst.ObjectMeta = in.ObjectMeta
	dst.Spec = topoServerSpecFrom(in.Spec)
	dst.Status = TopoServerStatus(in.Status)
	return nil
}
