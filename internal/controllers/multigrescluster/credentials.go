package multigrescluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	// componentCredentials is the component label of the generated Secret.
	componentCredentials = "postgres-credentials"
	// passwordBytes of randomness make a 64-character hex password: no character any
	// client, shell or connection string treats specially.
	passwordBytes = 32
)

// ensureCredentials creates the cluster's Postgres credentials Secret if it does not exist.
// It is never updated: Postgres keeps the password it was initialised with, so a new one
// would lock everyone out. Not through children.Writer for that reason.
func (r *Reconciler) ensureCredentials(ctx context.Context, c *v1beta1.MultigresCluster) error {
	key := client.ObjectKey{Namespace: c.Namespace, Name: names.PostgresCredentials(c.Name)}
	if exists, err := r.secretExists(ctx, key); exists || err != nil {
		return err
	}
	secret, err := credentialsSecret(c.Name, key)
	if err != nil {
		return err
	}
	if err := controllerutil.SetControllerReference(c, secret, r.Scheme()); err != nil {
		return err
	}
	if err := r.Create(ctx, secret); err != nil {
		if apierrors.IsAlreadyExists(err) {
			return nil
		}
		return fmt.Errorf("creating Secret %s: %w", key, err)
	}
	ctrl.LoggerFrom(ctx).Info("Created Secret", "object", key)
	r.Writer.Events.Eventf(c, secret, corev1.EventTypeNormal, children.ReasonCreated, children.ReasonCreated,
		"Created Secret %s with generated Postgres credentials", key.Name)
	return nil
}

// secretExists looks in the cache, then past it: the cache holds only Secrets labelled as
// the operator's, and a Secret of that name made by someone else must not be replaced.
func (r *Reconciler) secretExists(ctx context.Context, key client.ObjectKey) (bool, error) {
	for _, reader := range []client.Reader{r.Client, r.APIReader} {
		err := reader.Get(ctx, key, &corev1.Secret{})
		if err == nil {
			return true, nil
		}
		if !apierrors.IsNotFound(err) {
			return false, err
		}
	}
	return false, nil
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
			Labels:    resolve.Labels(cluster, componentCredentials),
		},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{
			components.SecretKeyUsername: []byte(PostgresUser),
			components.SecretKeyPassword: []byte(hex.EncodeToString(b)),
		},
	}, nil
}
