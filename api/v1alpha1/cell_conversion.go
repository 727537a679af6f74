package v1alpha1

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/conversion"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

var cellMultiOrchKey = statusPath.Child("multiorchAvailable").String()

// ConvertTo converts this Cell to the hub version, v1beta1.
func (src *Cell) ConvertTo(dstRaw conversion.Hub) error {
	dst := dstRaw.(*v1beta1.Cell)
	in := src.DeepCopy()
	saved, err := takeConversionData(&in.ObjectMeta)
	if err != nil {
		return err
	}
	topo, err := cellTopoSpecTo(in.Spec.TopoServer, field.NewPath("spec", "topoServer"))
	if err != nil {
		return err
	}
	lost := &conversionData{}
	s := &in.Spec
	dst.ObjectMeta = in.ObjectMeta
	dst.Spec = v1beta1.CellSpec{Name: s.Name,
		Images: v1beta1.CellImages{ImagePullPolicy: s.Images.ImagePullPolicy, ImagePullSecrets: s.Images.ImagePullSecrets,
			MultiGateway: s.Images.MultiGateway, MultiOrch: s.Images.MultiOrch},
		MultiGateway:           v1beta1.StatelessSpec(s.MultiGateway),
		MultiOrch:              v1beta1.StatelessSpec(s.MultiOrch),
		GlobalTopoServer:       v1beta1.GlobalTopoServerRef(s.GlobalTopoServer),
		TopoServer:             topo,
		AllCells:               s.AllCells,
		WatchTargets:           saved.WatchTargets,
		DurabilityPolicy:       saved.DurabilityPolicies[""],
		TopologyReconciliation: v1beta1.TopologyReconciliation(s.TopologyReconciliation)}
	st := &in.Status
	dst.Status = v1beta1.CellStatus{ObservedGeneration: st.ObservedGeneration, Conditions: st.Conditions,
		GatewayReplicas: st.GatewayReplicas, GatewayReadyReplicas: st.GatewayReadyReplicas,
		GatewayServiceName: st.GatewayServiceName,
		MultiOrchAvailable: statusTo(st.MultiOrchAvailable, cellMultiOrchKey, lost),
		TopoServer:         (*v1beta1.CellTopoServerStatus)(st.TopoServer)}
	return putConversionData(&dst.ObjectMeta, lost)
}

// ConvertFrom converts the hub version, v1beta1, to this Cell.
func (dst *Cell) ConvertFrom(srcRaw conversion.Hub) error {
	in := srcRaw.(*v1beta1.Cell).DeepCopy()
	saved, err := takeConversionData(&in.ObjectMeta)
	if err != nil {
		return err
	}
	lost := &conversionData{WatchTargets: in.Spec.WatchTargets}
	lost.saveDurability("", in.Spec.DurabilityPolicy)
	s := &in.Spec
	dst.ObjectMeta = in.ObjectMeta
	dst.Spec = CellSpec{Name: s.Name,
		Images: CellImages{ImagePullPolicy: s.Images.ImagePullPolicy, ImagePullSecrets: s.Images.ImagePullSecrets,
			MultiGateway: s.Images.MultiGateway, MultiOrch: s.Images.MultiOrch},
		MultiGateway:           StatelessSpec(s.MultiGateway),
		MultiOrch:              StatelessSpec(s.MultiOrch),
		GlobalTopoServer:       GlobalTopoServerRef(s.GlobalTopoServer),
		TopoServer:             cellTopoSpecFrom(s.TopoServer),
		AllCells:               s.AllCells,
		TopologyReconciliation: TopologyReconciliation(s.TopologyReconciliation)}
	st := &in.Status
	dst.Status = CellStatus{ObservedGeneration: st.ObservedGeneration, Conditions: st.Conditions,
		GatewayReplicas: st.GatewayReplicas, GatewayReadyReplicas: st.GatewayReadyReplicas,
		GatewayServiceName: st.GatewayServiceName,
		MultiOrchAvailable: statusFrom(st.MultiOrchAvailable, cellMultiOrchKey, saved),
		TopoServer:         (*CellTopoServerStatus)(st.TopoServer)}
	return putConversionData(&dst.ObjectMeta, lost)
}

// cellTopoSpecTo: v1alpha1's empty topoServer is v1beta1's `global: {}`.
func cellTopoSpecTo(in CellTopoServerSpec, p *field.Path) (*v1beta1.CellTopoServerSpec, error) {
	switch {
	case in.External != nil && in.ManagedSpec != nil:
		return nil, field.Invalid(p, "external and managedSpec",
			"at most one of external and managedSpec may be set (the v1alpha1 CRD requires it); cannot convert to a v1beta1 topo server union")
	case in.External != nil:
		return &v1beta1.CellTopoServerSpec{External: (*v1beta1.ExternalTopoServerSpec)(in.External)}, nil
	case in.ManagedSpec != nil:
		return &v1beta1.CellTopoServerSpec{Managed: ptr.To(topoServerSpecTo(*in.ManagedSpec))}, nil
	}
	return &v1beta1.CellTopoServerSpec{Global: &v1beta1.UseGlobalTopoServer{}}, nil
}

func cellTopoSpecFrom(in *v1beta1.CellTopoServerSpec) CellTopoServerSpec {
	var out CellTopoServerSpec
	if in == nil {
		return out
	}
	out.External = (*ExternalTopoServerSpec)(in.External)
	if in.Managed != nil {
		out.ManagedSpec = ptr.To(topoServerSpecFrom(*in.Managed))
	}
	return out
}
