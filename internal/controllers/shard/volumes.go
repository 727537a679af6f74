package shard

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// growClaims raises the storage request of the pool's claims to the spec's. A StatefulSet's
// claim template cannot change, so claims are resized one by one; the storage class must
// allow volume expansion. Requests are never lowered: volumes do not shrink.
func (r *Reconciler) growClaims(ctx context.Context, s *v1beta1.Shard, p *observedPool) error {
	want, ok := resolve.Volume(p.spec.DataVolumeClaimTemplate.DeepCopy(), resolve.DefaultPoolStorage).Resources.Requests[corev1.ResourceStorage]
	if !ok {
		return nil
	}
	claims := &corev1.PersistentVolumeClaimList{}
	if err := r.List(ctx, claims, client.InNamespace(s.Namespace),
		client.MatchingLabels(names.Selector(names.ComponentShardPool, p.name))); err != nil {
		return err
	}
	for i := range claims.Items {
		pvc := &claims.Items[i]
		if have := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; want.Cmp(have) <= 0 {
			continue
		}
		base := pvc.DeepCopy()
		if pvc.Spec.Resources.Requests == nil {
			pvc.Spec.Resources.Requests = corev1.ResourceList{}
		}
		pvc.Spec.Resources.Requests[corev1.ResourceStorage] = want
		if err := r.Patch(ctx, pvc, client.MergeFrom(base), client.FieldOwner(children.FieldOwner)); err != nil {
			return err
		}
		log.FromContext(ctx).Info("Resized PersistentVolumeClaim", "object", client.ObjectKeyFromObject(pvc), "storage", want.String())
		r.Writer.Events.Eventf(s, pvc, corev1.EventTypeNormal, children.ReasonUpdated, "Resize",
			"Resized PersistentVolumeClaim %s to %s", pvc.Name, want.String())
	}
	return nil
}
