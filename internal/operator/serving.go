package operator

import (
	"crypto/tls"

	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// MetricsOptions serves the metrics endpoint at addr. Secure, it is HTTPS (with tls.crt and
// tls.key from certDir, reloaded when they change, or else a self-signed certificate made at
// start) and answers only callers the API server authenticates (a bearer token, by
// TokenReview) and authorizes to get the non-resource URL /metrics (by SubjectAccessReview):
// config/rbac's metrics-reader role. Not secure, it is plain HTTP to anyone who reaches it.
func MetricsOptions(addr string, secure bool, certDir string, tlsOpts ...func(*tls.Config)) metricsserver.Options {
	opts := metricsserver.Options{BindAddress: addr, SecureServing: secure, TLSOpts: tlsOpts}
	if certDir != "" {
		opts.CertDir, opts.CertName, opts.KeyName = certDir, "tls.crt", "tls.key"
	}
	if secure {
		opts.FilterProvider = filters.WithAuthenticationAndAuthorization
	}
	return opts
}

// HTTP1Only turns HTTP/2 off on a TLS server: its stream handling was open to the "rapid
// reset" and CONTINUATION floods (CVE-2023-44487, CVE-2023-39325, CVE-2023-45288), and
// neither the API server calling the webhooks nor Prometheus needs it.
func HTTP1Only(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }
