package multigrescluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/controllers/children"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/resolve"
)

const (
	// PostgresUser is the user name of generated credentials.
	PostgresUser = "postgres"
	// passwordBytes of randomness make a 64-character hex password: no character any
	// client, shell or connection string treats specially.
	passwordBytes = 32
)

// ensureCredentials creates the cluster's Postgres credentials Secret if it does not exist and
// keeps the cluster its owner exactly when the cluster's data goes with it. Postgres keeps the
// password it was initialised with, so the Secret must outlive the cluster whenever the data
// does: a cluster re-created on retained volumes finds and reuses it. Its data is never
// written after creation. Not through children.Writer for that reason. It reports whether it
// wrote.
func (r *Reconciler) ensureCredentials(ctx context.Context, c *v1beta1.MultigresCluster, res *resolve.Result) (bool, error) {
	key := credentialsKey(c)
	owned := resolve.DataDeletedWithOwner(pools(res))
	existing := &corev1.Secret{}
	switch err := r.Get(ctx, key, existing); { // the cache holds only the operator's Secrets
	case err == nil:
		return r.ownCredentials(ctx, c, existing, owned)
	case !apierrors.IsNotFound(err):
		return false, err
	}
	// Past the cache: a Secret of that name made by someone else is left alone.
	if err := r.APIReader.Get(ctx, key, &corev1.Secret{}); !apierrors.IsNotFound(err) {
		return false, err
	}
	secret, err := credentialsSecret(c.Name, key)
	if err != nil {
		return false, err
	}
	if owned {
		if err := controllerutil.SetControllerReference(c, secret, r.Scheme()); err != nil {
			return false, err
		}
	}
	if err := r.Create(ctx, secret); err != nil {
		if apierrors.IsAlreadyExists(err) {
			return false, nil
		}
		return false, fmt.Errorf("creating Secret %s: %w", key, err)
	}
	ctrl.LoggerFrom(ctx).Info("Created Secret", "object", key, "ownedByCluster", owned)
	r.Writer.Events.Eventf(c, secret, corev1.EventTypeNormal, children.ReasonCreated, children.ReasonCreated,
		"Created Secret %s with generated Postgres credentials", key.Name)
	return true, nil
}

// ownCredentials makes c the controller of the operator's Secret when owned; otherwise it
// removes every reference to a cluster of c's name, of any UID (a deleted cluster's reference
// would still have the garbage collector delete it). Other owners are kept. Only the owner
// references are patched, and only when they change.
func (r *Reconciler) ownCredentials(ctx context.Context, c *v1beta1.MultigresCluster, secret *corev1.Secret, owned bool) (bool, error) {
	refs := slices.DeleteFunc(slices.Clone(secret.OwnerReferences), func(ref metav1.OwnerReference) bool {
		gv, _ := schema.ParseGroupVersion(ref.APIVersion)
		return gv.Group == v1beta1.GroupVersion.Group && ref.Kind == "MultigresCluster" && ref.Name == c.Name
	})
	if owned {
		refs = append(refs, *metav1.NewControllerRef(c, v1beta1.GroupVersion.WithKind("MultigresCluster")))
	}
	if equality.Semantic.DeepEqual(refs, secret.OwnerReferences) {
		return false, nil
	}
	before := secret.DeepCopy()
	secret.OwnerReferences = refs
	if err := r.Patch(ctx, secret, client.MergeFromWithOptions(before, client.MergeFromWithOptimisticLock{})); err != nil {
		return false, fmt.Errorf("setting the owner of Secret %s: %w", client.ObjectKeyFromObject(secret), err)
	}
	msg := "now owned by the cluster: every pool deletes its data with it"
	if !owned {
		msg = "no longer owned by the cluster: it stays, with the data, when the cluster is deleted"
	}
	ctrl.LoggerFrom(ctx).Info("Updated Secret", "object", client.ObjectKeyFromObject(secret), "ownedByCluster", owned)
	r.Writer.Events.Eventf(c, secret, corev1.EventTypeNormal, children.ReasonUpdated, children.ReasonUpdated,
		"Secret %s %s", secret.Name, msg)
	return true, nil
}

// pools are every pool of the resolved cluster.
func pools(res *resolve.Result) []v1beta1.PoolSpec {
	var out []v1beta1.PoolSpec
	for i := range res.TableGroups {
		out = append(out, res.TableGroups[i].Spec.ShardTemplate.Pools...)
	}
	return out
}

// credentialsKey names the Secret the operator generates for c.
func credentialsKey(c *v1beta1.MultigresCluster) client.ObjectKey {
	return client.ObjectKey{Namespace: c.Namespace, Name: names.PostgresCredentials(c.Name)}
}

// missingKeys are the keys Postgres needs that s lacks or has empty.
func missingKeys(s *corev1.Secret) []string {
	var out []string
	for _, k := range []string{components.SecretKeyUsername, components.SecretKeyPassword} {
		if len(s.Data[k]) == 0 {
			out = append(out, k)
		}
	}
	return out
}

// credentialsSecret is a new Secret of cluster with a random password.
func credentialsSecret(cluster string, key client.ObjectKey) (*corev1.Secret, error) {
	b := make([]byte, passwordBytes)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("generating a password: %w", err)
	}
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{
			Name:      key.Name,
			Namespace: key.Namespace,
			Labels:    resolve.Labels(cluster, names.ComponentPostgresCredentials),
		},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{
			components.SecretKeyUsername: []byte(PostgresUser),
			components.SecretKeyPassword: []byte(hex.EncodeToString(b)),
		},
	}, nil
}
