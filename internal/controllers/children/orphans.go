package children

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	"sigs.k8s.io/controller-runtime/pkg/log"
)

// DeleteOrphans deletes the objects of list's kind in owner's namespace that carry labels,
// are controlled by owner and are not named in keep. It returns the names it deleted.
// Deletion is in the background: dependents (a StatefulSet's pods) go after their owner,
// and data volumes follow their retention policy.
func (w *Writer) DeleteOrphans(ctx context.Context, owner client.Object, list client.ObjectList, labels map[string]string, keep map[string]bool) ([]string, error) {
	if err := w.Client.List(ctx, list, client.InNamespace(owner.GetNamespace()), client.MatchingLabels(labels)); err != nil {
		return nil, err
	}
	items, err := meta.ExtractList(list)
	if err != nil {
		return nil, err
	}
	var deleted []string
	for _, item := range items {
		obj := item.(client.Object)
		if keep[obj.GetName()] || !metav1.IsControlledBy(obj, owner) || obj.GetDeletionTimestamp() != nil {
			continue
		}
		gvk, err := apiutil.GVKForObject(obj, w.Client.Scheme())
		if err != nil {
			return deleted, err
		}
		uid := obj.GetUID()
		err = w.Client.Delete(ctx, obj, client.Preconditions{UID: &uid}, client.PropagationPolicy(metav1.DeletePropagationBackground))
		switch {
		case apierrors.IsNotFound(err) || apierrors.IsConflict(err):
			continue // already gone, or replaced by a new object of the same name
		case err != nil:
			return deleted, fmt.Errorf("deleting %s %s: %w", gvk.Kind, client.ObjectKeyFromObject(obj), err)
		}
		log.FromContext(ctx).Info("Deleted "+gvk.Kind, "object", client.ObjectKeyFromObject(obj))
		w.Events.Eventf(owner, obj, corev1.EventTypeNormal, ReasonDeleted, ReasonDeleted, "Deleted %s %s", gvk.Kind, obj.GetName())
		deleted = append(deleted, obj.GetName())
	}
	return deleted, nil
}
