package children

import (
	"context"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	kerrors "k8s.io/apimachinery/pkg/util/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// Sync makes owner's children what desired says; it is how controllers write their children:
//  1. every desired object is ensured (EnsureAll: up to parallelWrites at once, each one
//     attempted even when others fail);
//  2. only when all of them were written, the objects of each kind listed in prune that owner
//     controls and desired does not name are deleted. Nothing is removed while the new state
//     is not fully in place; the reconcile fails and is retried with back-off, the prune
//     with it.
//
// It returns how many objects it wrote or deleted, and every error.
func (w *Writer) Sync(ctx context.Context, owner client.Object, desired []client.Object, prune ...client.ObjectList) (int, error) {
	changed, err := w.EnsureAll(ctx, owner, desired)
	if err != nil || len(prune) == 0 {
		return changed, err
	}
	keep := map[string]map[string]bool{} // kind -> names: a Cell and a TableGroup may share a name
	for _, obj := range desired {
		kind, err := w.kind(obj)
		if err != nil {
			return changed, err
		}
		if keep[kind] == nil {
			keep[kind] = map[string]bool{}
		}
		keep[kind][obj.GetName()] = true
	}
	// Every object of a cluster carries its label; DeleteOrphans checks the controller.
	labels := map[string]string{v1beta1.LabelCluster: clusterOf(owner)}
	var errs []error
	for _, list := range prune {
		kind, err := w.kind(list)
		if err != nil {
			return changed, err
		}
		deleted, err := w.DeleteOrphans(ctx, owner, list, labels, keep[strings.TrimSuffix(kind, "List")])
		changed += len(deleted)
		errs = append(errs, err)
	}
	return changed, kerrors.NewAggregate(errs)
}

func (w *Writer) kind(obj runtime.Object) (string, error) {
	gvk, err := apiutil.GVKForObject(obj, w.Client.Scheme())
	return gvk.Kind, err
}

// clusterOf is the name of the cluster owner belongs to: its own, for a MultigresCluster.
func clusterOf(owner client.Object) string {
	if _, ok := owner.(*v1beta1.MultigresCluster); ok {
		return owner.GetName()
	}
	return owner.GetLabels()[v1beta1.LabelCluster]
}
