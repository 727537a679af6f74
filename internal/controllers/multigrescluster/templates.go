package multigrescluster

import (
	"cmp"
	"context"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
	"github.com/multigres/multigres-operator/internal/resolve/inputs"
)

// syncTemplates brings status.consumers and the in-use finalizer of every template c
// references, or is still listed by, up to date. c gets its cleanup finalizer before it
// is listed anywhere, and loses it once no template can list it any more.
func (r *Reconciler) syncTemplates(ctx context.Context, c *v1beta1.MultigresCluster, templates resolve.Templates) error {
	uses := slices.ContainsFunc(resolve.TemplateNames(c), func(n string) bool { return templates[n] != nil })
	if uses {
		if err := r.setFinalizer(ctx, c, names.ClusterFinalizer, true); err != nil {
			return err
		}
	}
	if err := r.syncConsumers(ctx, affectedTemplates(c, templates)); err != nil {
		return err
	}
	if !uses {
		return r.setFinalizer(ctx, c, names.ClusterFinalizer, false)
	}
	return nil
}

// releaseTemplates takes a cluster being deleted off every template's consumers, then lets
// it go.
func (r *Reconciler) releaseTemplates(ctx context.Context, c *v1beta1.MultigresCluster, templates resolve.Templates) error {
	if !controllerutil.ContainsFinalizer(c, names.ClusterFinalizer) {
		return nil
	}
	if err := r.syncConsumers(ctx, affectedTemplates(c, templates)); err != nil {
		return err
	}
	return client.IgnoreNotFound(r.setFinalizer(ctx, c, names.ClusterFinalizer, false))
}

// forget takes a cluster that is gone without releasing its templates (its finalizer
// removed by hand while the operator was down) off the lists that still name it.
func (r *Reconciler) forget(ctx context.Context, key types.NamespacedName) error {
	templates, err := inputs.ListTemplates(ctx, r.Client, key.Namespace)
	if err != nil {
		return err
	}
	gone := &v1beta1.MultigresCluster{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name}}
	return r.syncConsumers(ctx, affectedTemplates(gone, templates))
}

// affectedTemplates are the existing templates c references or that list c, by name.
func affectedTemplates(c *v1beta1.MultigresCluster, templates resolve.Templates) []*v1beta1.DeploymentTemplate {
	var out []*v1beta1.DeploymentTemplate
	for _, name := range resolve.TemplateNames(c) {
		if t := templates[name]; t != nil {
			out = append(out, t)
		}
	}
	self := v1beta1.ConsumerRef{Name: c.Name, Namespace: c.Namespace}
	for _, t := range templates {
		if slices.Contains(t.Status.Consumers, self) && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b *v1beta1.DeploymentTemplate) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// syncConsumers recomputes each template's consumers from the field index, so the list is
// exact whichever cluster's reconcile writes it.
func (r *Reconciler) syncConsumers(ctx context.Context, templates []*v1beta1.DeploymentTemplate) error {
	for _, t := range templates {
		consumers, err := r.consumers(ctx, t)
		if err != nil {
			return err
		}
		if err := r.syncTemplate(ctx, t, consumers); err != nil {
			return err
		}
	}
	return nil
}

// consumers are the clusters, not being deleted, that reference t: sorted, unique.
func (r *Reconciler) consumers(ctx context.Context, t *v1beta1.DeploymentTemplate) ([]v1beta1.ConsumerRef, error) {
	list := &v1beta1.MultigresClusterList{}
	if err := r.List(ctx, list, client.InNamespace(t.Namespace), client.MatchingFields{IndexTemplateNames: t.Name}); err != nil {
		return nil, err
	}
	var refs []v1beta1.ConsumerRef
	for _, c := range list.Items {
		if c.DeletionTimestamp.IsZero() {
			refs = append(refs, v1beta1.ConsumerRef{Name: c.Name, Namespace: c.Namespace})
		}
	}
	slices.SortFunc(refs, func(a, b v1beta1.ConsumerRef) int {
		return compareKeys(types.NamespacedName{Namespace: a.Namespace, Name: a.Name}, types.NamespacedName{Namespace: b.Namespace, Name: b.Name})
	})
	return slices.Compact(refs), nil
}

// syncTemplate writes t's finalizer and consumers, each only when it differs. The finalizer
// goes first: if the status write then fails, t still lists its old consumers, so the next
// reconcile of those clusters finds t again.
func (r *Reconciler) syncTemplate(ctx context.Context, t *v1beta1.DeploymentTemplate, consumers []v1beta1.ConsumerRef) error {
	inUse := len(consumers) > 0
	// A finalizer cannot be added to an object being deleted; removing one always works.
	if !inUse || t.DeletionTimestamp.IsZero() {
		if err := r.setFinalizer(ctx, t, names.TemplateFinalizer, inUse); err != nil {
			return client.IgnoreNotFound(err)
		}
	}
	if slices.Equal(t.Status.Consumers, consumers) {
		return nil
	}
	before := t.DeepCopy()
	t.Status.Consumers = consumers
	if err := r.Status().Patch(ctx, t, client.MergeFrom(before)); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	ctrl.LoggerFrom(ctx).Info("Updated the consumers of DeploymentTemplate", "template", client.ObjectKeyFromObject(t), "consumers", len(consumers))
	return nil
}

// setFinalizer adds or removes finalizer on obj, writing only when that changes something.
// The optimistic lock keeps a stale cached copy from dropping someone else's finalizer.
func (r *Reconciler) setFinalizer(ctx context.Context, obj client.Object, finalizer string, present bool) error {
	if controllerutil.ContainsFinalizer(obj, finalizer) == present {
		return nil
	}
	before := obj.DeepCopyObject().(client.Object)
	if present {
		controllerutil.AddFinalizer(obj, finalizer)
	} else {
		controllerutil.RemoveFinalizer(obj, finalizer)
	}
	return r.Patch(ctx, obj, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{}))
}

func compareKeys(a, b types.NamespacedName) int {
	return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
}
