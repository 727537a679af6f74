// Package selfcert tests the operator's self-managed webhook certificate against a real API
// server: the CA it makes is injected into the real webhook configurations and the API
// server calls the operator's webhook over TLS with it; a certificate near expiry is renewed.
package selfcert

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/multigres/multigres-operator/api/v1alpha1"
	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/operator"
	"github.com/multigres/multigres-operator/internal/selfcert"
	"github.com/multigres/multigres-operator/internal/testenv"
	"github.com/multigres/multigres-operator/internal/webhooks"
)

func TestSelfManagedCertificateServesWebhooks(t *testing.T) {
	g := NewWithT(t)
	env, err := testenv.New()
	g.Expect(err).NotTo(HaveOccurred())
	cfg, err := env.Start()
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = env.Stop() }()
	// Stop the manager before the API server, or the server waits for its watches to end.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	k8s, err := client.New(cfg, client.Options{Scheme: env.Scheme})
	g.Expect(err).NotTo(HaveOccurred())

	port := freePort(t)
	configs, err := testenv.WebhookConfigurations(fmt.Sprintf("https://127.0.0.1:%d", port))
	g.Expect(err).NotTo(HaveOccurred())
	var mutating, validating []string
	for _, obj := range configs {
		g.Expect(k8s.Create(ctx, obj)).To(Succeed())
		switch obj.(type) {
		case *admissionregistrationv1.MutatingWebhookConfiguration:
			mutating = append(mutating, obj.GetName())
		case *admissionregistrationv1.ValidatingWebhookConfiguration:
			validating = append(validating, obj.GetName())
		}
	}
	g.Expect(k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "multigres-system"}})).To(Succeed())
	// The CRDs' conversion webhook is the operator's server too, with no CA until the rotator
	// injects one.
	for _, name := range operator.CRDs {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		g.Expect(k8s.Get(ctx, client.ObjectKey{Name: name}, crd)).To(Succeed())
		crd.Spec.Conversion.Webhook.ClientConfig = &apiextensionsv1.WebhookClientConfig{URL: ptr.To(fmt.Sprintf("https://127.0.0.1:%d/convert", port))}
		g.Expect(k8s.Update(ctx, crd)).To(Succeed())
	}

	rotator := &selfcert.Rotator{
		Secret:             types.NamespacedName{Namespace: "multigres-system", Name: "multigres-operator-webhook-cert"},
		Hosts:              selfcert.ServiceHosts("multigres-operator-webhook-service", "multigres-system", "127.0.0.1"),
		MutatingWebhooks:   mutating,
		ValidatingWebhooks: validating,
		CRDs:               operator.CRDs,
		// Only the Secret's watch can explain a renewal within the test.
		Interval: time.Hour,
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:  env.Scheme,
		Metrics: metricsserver.Options{BindAddress: "0"},
		WebhookServer: webhook.NewServer(webhook.Options{
			Host: "127.0.0.1", Port: port, TLSOpts: []func(*tls.Config){rotator.TLSOption},
		}),
	})
	g.Expect(err).NotTo(HaveOccurred())
	rotator.Client, rotator.Reader, rotator.Informers = mgr.GetClient(), mgr.GetAPIReader(), mgr.GetCache()
	g.Expect(mgr.Add(rotator)).To(Succeed())
	// A second replica: it serves the same Secret's certificate, learning of a new one by watch.
	replica := &selfcert.Rotator{Secret: rotator.Secret, Hosts: rotator.Hosts, MutatingWebhooks: mutating,
		ValidatingWebhooks: validating, CRDs: operator.CRDs, Interval: time.Hour}
	mgr2, err := ctrl.NewManager(cfg, ctrl.Options{Scheme: env.Scheme, Metrics: metricsserver.Options{BindAddress: "0"}})
	g.Expect(err).NotTo(HaveOccurred())
	replica.Client, replica.Reader, replica.Informers = mgr2.GetClient(), mgr2.GetAPIReader(), mgr2.GetCache()
	g.Expect(mgr2.Add(replica)).To(Succeed())
	go func() { _ = mgr2.Start(ctx) }()
	g.Expect(webhooks.Setup(mgr, limits.Default)).To(Succeed())
	go func() { _ = mgr.Start(ctx) }()
	g.Eventually(func() error { return rotator.Ready(nil) }, 30*time.Second).Should(Succeed())
	g.Eventually(func() error { return replica.Ready(nil) }, 30*time.Second).Should(Succeed())

	// The CA of the Secret is what every webhook configuration trusts now.
	secret := &corev1.Secret{}
	g.Expect(k8s.Get(ctx, rotator.Secret, secret)).To(Succeed())
	ca := secret.Data["ca.crt"]
	g.Expect(ca).NotTo(BeEmpty())
	g.Eventually(func(g Gomega) {
		for _, name := range validating {
			v := &admissionregistrationv1.ValidatingWebhookConfiguration{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Name: name}, v)).To(Succeed())
			for _, w := range v.Webhooks {
				g.Expect(w.ClientConfig.CABundle).To(Equal(ca))
			}
		}
		for _, name := range operator.CRDs {
			crd := &apiextensionsv1.CustomResourceDefinition{}
			g.Expect(k8s.Get(ctx, client.ObjectKey{Name: name}, crd)).To(Succeed())
			g.Expect(crd.Spec.Conversion.Webhook.ClientConfig.CABundle).To(Equal(ca), name)
		}
	}, 10*time.Second).Should(Succeed())

	// The API server calls the webhook over TLS: an invalid cluster is refused by it, a
	// v1alpha1 one too (the v1beta1 webhook gets it converted: matchPolicy Equivalent).
	g.Expect(k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "app"}})).To(Succeed())
	bad := &v1alpha1.MultigresCluster{
		ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "bad"},
		Spec:       v1alpha1.MultigresClusterSpec{MultiAdmin: &v1alpha1.StatelessComponentConfig{DeploymentTemplate: "missing"}},
	}
	g.Eventually(func() string {
		err := k8s.Create(ctx, bad.DeepCopy())
		if err == nil {
			return "accepted"
		}
		return err.Error()
	}, 20*time.Second).Should(And(ContainSubstring(`admission webhook "vmultigrescluster-v1beta1.multigres.com" denied the request`),
		ContainSubstring("spec.multiadmin.deploymentTemplate")))
	// It converts v1alpha1 to the storage version v1beta1 and back over TLS too.
	template := &v1alpha1.DeploymentTemplate{
		ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "small"},
		Spec:       v1alpha1.DeploymentTemplateSpec{MultiGateway: &v1alpha1.StatelessSpec{Replicas: ptr.To[int32](2)}},
	}
	g.Expect(k8s.Create(ctx, template)).To(Succeed())
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(template), &v1beta1.DeploymentTemplate{})).To(Succeed())

	// A certificate about to expire is replaced by one of a new CA (the old CA would not outlive
	// it); the trust bundle injected keeps the old CA, so a replica still serving the old
	// certificate is trusted, and every replica moves to the new certificate.
	old, err := selfcert.Generate(rotator.Hosts, time.Now().Add(-360*24*time.Hour), 365*24*time.Hour)
	g.Expect(err).NotTo(HaveOccurred())
	secret.Data["ca.crt"], secret.Data["ca.key"], secret.Data["tls.crt"], secret.Data["tls.key"] = old.CACert, old.CAKey, old.ServingCert, old.ServingKey
	g.Expect(k8s.Update(ctx, secret)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, rotator.Secret, secret)).To(Succeed())
		g.Expect(secret.Data["tls.crt"]).NotTo(Equal(old.ServingCert))
		g.Expect(string(secret.Data["ca.crt"])).To(HaveSuffix(string(old.CACert)))
		g.Expect(strings.Count(string(secret.Data["ca.crt"]), "BEGIN CERTIFICATE")).To(Equal(2))
		m := &admissionregistrationv1.MutatingWebhookConfiguration{}
		g.Expect(k8s.Get(ctx, client.ObjectKey{Name: mutating[0]}, m)).To(Succeed())
		g.Expect(m.Webhooks[0].ClientConfig.CABundle).To(Equal(secret.Data["ca.crt"]))
		crd := &apiextensionsv1.CustomResourceDefinition{}
		g.Expect(k8s.Get(ctx, client.ObjectKey{Name: operator.CRDs[0]}, crd)).To(Succeed())
		g.Expect(crd.Spec.Conversion.Webhook.ClientConfig.CABundle).To(Equal(secret.Data["ca.crt"]))
		for _, r := range []*selfcert.Rotator{rotator, replica} {
			served, err := r.GetCertificate(nil)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: served.Certificate[0]})).To(Equal(secret.Data["tls.crt"]))
		}
	}, 20*time.Second).Should(Succeed())
	g.Eventually(func() error { return k8s.Create(ctx, bad.DeepCopy()) }, 20*time.Second).Should(MatchError(
		ContainSubstring(`admission webhook "vmultigrescluster-v1beta1.multigres.com" denied the request`)))
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
