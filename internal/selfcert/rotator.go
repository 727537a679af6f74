package selfcert

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	toolscache "k8s.io/client-go/tools/cache"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	logf "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/multigres/multigres-operator/internal/names"
)

// webhookKeys: a kubernetes.io/tls Secret, with the CA beside the certificate.
var webhookKeys = SecretKeys{CACert: "ca.crt", CAKey: "ca.key", ServingCert: corev1.TLSCertKey, ServingKey: corev1.TLSPrivateKeyKey}

// Rotator keeps the webhook certificate: a manager runnable that runs on every replica (each
// replica serves webhooks), so it does not need leader election.
type Rotator struct {
	// Client writes the Secret, webhook configurations and CRDs; Reader reads them uncached.
	Client client.Client
	Reader client.Reader
	Secret types.NamespacedName
	Hosts  Hosts
	// The configurations and CRDs whose caBundle is kept pointing at the CA.
	MutatingWebhooks   []string
	ValidatingWebhooks []string
	CRDs               []string

	// Informers, when set (the manager's cache), tell the rotator at once when the Secret
	// changes: another replica renewed it, or someone deleted or edited it.
	Informers cache.Informers

	Validity    time.Duration // of the serving certificate; default one year
	CAValidity  time.Duration // of a new CA; default five years
	RenewBefore time.Duration // default 30 days
	Interval    time.Duration // how often to check for expiry; default one hour

	serving atomic.Pointer[tls.Certificate]
}

// NeedLeaderElection is false: every replica needs the certificate to serve.
func (r *Rotator) NeedLeaderElection() bool { return false }

// GetCertificate serves the current certificate; set it as the webhook server's TLS option.
func (r *Rotator) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	if c := r.serving.Load(); c != nil {
		return c, nil
	}
	return nil, fmt.Errorf("the webhook certificate is not ready yet")
}

// Ready is a readiness check: ready once the CA is injected and the certificate served.
func (r *Rotator) Ready(*http.Request) error {
	_, err := r.GetCertificate(nil)
	return err
}

// Start ensures the certificate now, whenever the Secret changes, and every Interval (for
// expiry) until ctx ends.
func (r *Rotator) Start(ctx context.Context) error {
	log := logf.FromContext(ctx).WithName("selfcert")
	changed, err := r.watchSecret(ctx)
	if err != nil {
		return err
	}
	for {
		interval := orDefault(r.Interval, time.Hour)
		if err := r.Ensure(ctx); err != nil {
			log.Error(err, "keeping the webhook certificate; will retry")
			interval = 5 * time.Second
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case <-time.After(interval):
		}
	}
}

// watchSecret returns a channel that receives when the Secret is added, changed or deleted;
// one that never does without Informers.
func (r *Rotator) watchSecret(ctx context.Context) (<-chan struct{}, error) {
	changed := make(chan struct{}, 1)
	if r.Informers == nil {
		return changed, nil
	}
	informer, err := r.Informers.GetInformer(ctx, &corev1.Secret{})
	if err != nil {
		return nil, err
	}
	notify := func(obj any) {
		if o, ok := obj.(client.Object); ok && client.ObjectKeyFromObject(o) != r.Secret {
			return
		}
		select { // a pending notice covers this one
		case changed <- struct{}{}:
		default:
		}
	}
	_, err = informer.AddEventHandler(toolscache.ResourceEventHandlerFuncs{
		AddFunc:    notify,
		UpdateFunc: func(_, obj any) { notify(obj) },
		DeleteFunc: notify, // a tombstone is not an Object: checked anyway
	})
	return changed, err
}

// Ensure makes the Secret hold a valid bundle, serves it, and injects its CA.
func (r *Rotator) Ensure(ctx context.Context) error {
	bundle, err := r.ensureSecret(ctx)
	if err != nil {
		return err
	}
	cert, err := tls.X509KeyPair(bundle.ServingCert, bundle.ServingKey)
	if err != nil {
		return err
	}
	// Inject first: serving (and so readiness) then means the API server trusts the
	// certificate, for admission and for conversion.
	if err := r.inject(ctx, bundle.CACert); err != nil {
		return err
	}
	r.serving.Store(&cert)
	return nil
}

func (r *Rotator) ensureSecret(ctx context.Context) (*Bundle, error) {
	secret := &corev1.Secret{}
	err := r.Reader.Get(ctx, r.Secret, secret)
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, err
	}
	exists := err == nil
	b := webhookKeys.Bundle(secret.Data)
	renewed, err := Renew(b, r.Hosts, time.Now(), orDefault(r.Validity, 365*24*time.Hour),
		orDefault(r.CAValidity, 5*365*24*time.Hour), orDefault(r.RenewBefore, 30*24*time.Hour))
	if err != nil || (exists && renewed.Equal(b)) {
		return renewed, err
	}
	secret.Name, secret.Namespace = r.Secret.Name, r.Secret.Namespace
	secret.Labels = names.ManagedLabels()
	secret.Type = corev1.SecretTypeTLS
	secret.Data = webhookKeys.Data(renewed)
	if exists {
		err = r.Client.Update(ctx, secret)
	} else {
		err = r.Client.Create(ctx, secret)
	}
	if apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err) {
		// Another replica renewed it first: use theirs.
		if err := r.Reader.Get(ctx, r.Secret, secret); err != nil {
			return nil, err
		}
		return webhookKeys.Bundle(secret.Data), nil
	}
	return renewed, err
}

// inject sets caBundle wherever it differs; an up-to-date object is not written.
func (r *Rotator) inject(ctx context.Context, ca []byte) error {
	for _, name := range r.MutatingWebhooks {
		cfg := &admissionregistrationv1.MutatingWebhookConfiguration{}
		if err := r.update(ctx, name, cfg, func() bool {
			changed := false
			for i := range cfg.Webhooks {
				changed = setCA(&cfg.Webhooks[i].ClientConfig.CABundle, ca) || changed
			}
			return changed
		}); err != nil {
			return err
		}
	}
	for _, name := range r.ValidatingWebhooks {
		cfg := &admissionregistrationv1.ValidatingWebhookConfiguration{}
		if err := r.update(ctx, name, cfg, func() bool {
			changed := false
			for i := range cfg.Webhooks {
				changed = setCA(&cfg.Webhooks[i].ClientConfig.CABundle, ca) || changed
			}
			return changed
		}); err != nil {
			return err
		}
	}
	for _, name := range r.CRDs {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := r.update(ctx, name, crd, func() bool {
			conv := crd.Spec.Conversion
			if conv == nil || conv.Strategy != apiextensionsv1.WebhookConverter || conv.Webhook == nil || conv.Webhook.ClientConfig == nil {
				return false
			}
			return setCA(&conv.Webhook.ClientConfig.CABundle, ca)
		}); err != nil {
			return err
		}
	}
	return nil
}

// update reads obj by name, applies mutate and writes it only when mutate changed it.
func (r *Rotator) update(ctx context.Context, name string, obj client.Object, mutate func() bool) error {
	if err := r.Reader.Get(ctx, types.NamespacedName{Name: name}, obj); err != nil {
		if apierrors.IsNotFound(err) {
			return nil // not installed (yet); the next check injects it
		}
		return err
	}
	if !mutate() {
		return nil
	}
	return r.Client.Update(ctx, obj, client.FieldOwner(names.ManagedBy))
}

func setCA(dst *[]byte, ca []byte) bool {
	if bytes.Equal(*dst, ca) {
		return false
	}
	*dst = append([]byte(nil), ca...)
	return true
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// TLSOption makes a TLS server (the webhook server) serve the rotator's certificate.
func (r *Rotator) TLSOption(cfg *tls.Config) { cfg.GetCertificate = r.GetCertificate }
