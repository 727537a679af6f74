package operator

import (
	"context"
	"fmt"
	"slices"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/util/retry"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The storage migration rewrites the operator's objects and trims the CRDs' storedVersions.
// +kubebuilder:rbac:groups=apiextensions.k8s.io,resources=customresourcedefinitions/status,verbs=get;update

// StorageMigration rewrites every object of the operator's CRDs that may still be stored in
// an older version (v1alpha1) in the storage version (v1beta1), then trims the CRD's
// status.storedVersions to the storage version alone, so that an older version can one day
// stop being served. It runs once at start on the leader; a CRD whose storedVersions is already
// only the storage version costs one read. It is safe to repeat and to interrupt: the
// storedVersions are trimmed only after every object was rewritten.
//
// Each object is rewritten by an empty merge patch of its status subresource: the API server
// reads the object, decodes it from whatever version it was stored in, and writes it back
// encoded in the storage version, with its spec untouched (a status write never changes the
// spec) and without passing through the admission webhooks, which match the main resource only
// (a spec that no longer passes validation must not block the migration).
type StorageMigration struct {
	// Client patches the objects and the CRDs' status; Reader lists and reads them uncached.
	Client client.Client
	Reader client.Reader
	// CRDs are the names of the CRDs to migrate.
	CRDs []string
}

// NeedLeaderElection makes only the leader migrate.
func (m *StorageMigration) NeedLeaderElection() bool { return true }

// Start migrates every CRD, retrying with back-off (the conversion webhook this needs is
// served by the same manager and may not be reachable yet) until done or ctx ends.
func (m *StorageMigration) Start(ctx context.Context) error {
	log := ctrl.LoggerFrom(ctx).WithName("storage-migration")
	backoff := wait.Backoff{Duration: time.Second, Factor: 2, Jitter: 0.1, Steps: 100, Cap: time.Minute}
	_ = wait.ExponentialBackoffWithContext(ctx, backoff, func(ctx context.Context) (bool, error) {
		if err := m.Migrate(ctx); err != nil {
			log.Error(err, "migrating stored objects to the storage version; retrying")
			return false, nil
		}
		return true, nil
	})
	return nil
}

// Migrate migrates every CRD once.
func (m *StorageMigration) Migrate(ctx context.Context) error {
	for _, name := range m.CRDs {
		if err := m.migrate(ctx, name); err != nil {
			return fmt.Errorf("CRD %s: %w", name, err)
		}
	}
	return nil
}

func (m *StorageMigration) migrate(ctx context.Context, name string) error {
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := m.Reader.Get(ctx, types.NamespacedName{Name: name}, crd); err != nil {
		return err
	}
	storage := ""
	for _, v := range crd.Spec.Versions {
		if v.Storage {
			storage = v.Name
		}
	}
	stored := crd.Status.StoredVersions
	if storage == "" || slices.Equal(stored, []string{storage}) {
		return nil
	}
	// The API server records a version in storedVersions before it stores anything in it; until
	// then it may still be writing in the old storage version.
	if !slices.Contains(stored, storage) || !established(crd) {
		return fmt.Errorf("the storage version %s is not in use yet (storedVersions %v)", storage, stored)
	}
	list := &unstructured.UnstructuredList{}
	list.SetAPIVersion(crd.Spec.Group + "/" + storage)
	list.SetKind(crd.Spec.Names.ListKind)
	count := 0
	for {
		if err := m.Reader.List(ctx, list, client.Limit(250), client.Continue(list.GetContinue())); err != nil {
			return fmt.Errorf("listing %s: %w", crd.Spec.Names.Plural, err)
		}
		for i := range list.Items {
			obj := &list.Items[i]
			err := m.Client.Status().Patch(ctx, obj, client.RawPatch(types.MergePatchType, []byte("{}")))
			if err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("rewriting %s %s/%s: %w", crd.Spec.Names.Kind, obj.GetNamespace(), obj.GetName(), err)
			}
			count++
		}
		if list.GetContinue() == "" {
			break
		}
	}
	ctrl.LoggerFrom(ctx).Info("rewrote stored objects in the storage version", "crd", name, "objects", count, "storage", storage)
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := m.Reader.Get(ctx, types.NamespacedName{Name: name}, crd); err != nil {
			return err
		}
		crd.Status.StoredVersions = []string{storage}
		return m.Client.Status().Update(ctx, crd)
	})
}

func established(crd *apiextensionsv1.CustomResourceDefinition) bool {
	for _, c := range crd.Status.Conditions {
		if c.Type == apiextensionsv1.Established {
			return c.Status == apiextensionsv1.ConditionTrue
		}
	}
	return false
}
