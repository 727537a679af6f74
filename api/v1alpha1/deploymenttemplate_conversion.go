package v1alpha1

import (
	"sigs.k8s.io/controller-runtime/pkg/conversion"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// ConvertTo converts this DeploymentTemplate to the hub version, v1beta1. The shape did not
// change: template sections are specs, and specs kept their shape.
func (src *DeploymentTemplate) ConvertTo(dstRaw conversion.Hub) error {
	dst := dstRaw.(*v1beta1.DeploymentTemplate)
	in := src.DeepCopy()
	if _, err := takeConversionData(&in.ObjectMeta); err != nil {
		return err
	}
	s := &in.Spec
	dst.ObjectMeta = in.ObjectMeta
	dst.Spec = v1beta1.DeploymentTemplateSpec{ShardPool: shardPoolPtrTo(s.ShardPool),
		MultiOrch: (*v1beta1.StatelessSpec)(s.MultiOrch), MultiGateway: (*v1beta1.StatelessSpec)(s.MultiGateway),
		MultiAdmin: (*v1beta1.StatelessSpec)(s.MultiAdmin), ManagedTopoServer: managedTopoTo(s.ManagedTopoServer)}
	dst.Status = v1beta1.DeploymentTemplateStatus{Conditions: in.Status.Conditions}
	if in.Status.Consumers != nil {
		dst.Status.Consumers = make([]v1beta1.ConsumerRef, len(in.Status.Consumers))
		for i, c := range in.Status.Consumers {
			dst.Status.Consumers[i] = v1beta1.ConsumerRef(c)
		}
	}
	return nil
}

// ConvertFrom converts the hub version, v1beta1, to this DeploymentTemplate.
func (dst *DeploymentTemplate) ConvertFrom(srcRaw conversion.Hub) error {
	in := srcRaw.(*v1beta1.DeploymentTemplate).DeepCopy()
	if _, err := takeConversionData(&in.ObjectMeta); err != nil {
		return err
	}
	s := &in.Spec
	dst.ObjectMeta = in.ObjectMeta
	dst.Spec = DeploymentTemplateSpec{ShardPool: shardPoolPtrFrom(s.ShardPool),
		MultiOrch: (*StatelessSpec)(s.MultiOrch), MultiGateway: (*StatelessSpec)(s.MultiGateway),
		MultiAdmin: (*StatelessSpec)(s.MultiAdmin), ManagedTopoServer: managedTopoFrom(s.ManagedTopoServer)}
	dst.Status = DeploymentTemplateStatus{Conditions: in.Status.Conditions}
	if in.Status.Consumers != nil {
		dst.Status.Consumers = make([]ConsumerRef, len(in.Status.Consumers))
		for i, c := range in.Status.Consumers {
			dst.Status.Consumers[i] = ConsumerRef(c)
		}
	}
	return nil
}
