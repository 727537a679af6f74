// Command multigres-operator runs the Multigres operator: the controllers for the
// multigres.com kinds and their admission and conversion webhooks.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/types"

	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/config"

	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/operator"
	"github.com/multigres/multigres-operator/internal/selfcert"
	"github.com/multigres/multigres-operator/internal/webhooks"
)

// version is the operator's release, stamped by the build (-ldflags -X main.version=...).
var version = "dev"

func main() {
	var (
		printVersion   = flag.Bool("version", false, "print the version and exit")
		metricsAddr    = flag.String("metrics-bind-address", ":8443", "address the metrics endpoint binds to; 0 disables it")
		metricsSecure  = flag.Bool("metrics-secure", true, "serve metrics over HTTPS to callers allowed to get /metrics (config/rbac's metrics-reader); false: plain HTTP to anyone")
		metricsCertDir = flag.String("metrics-cert-dir", "", "directory with tls.crt and tls.key for the metrics endpoint (from cert-manager, say); empty: a self-signed certificate")
		enableHTTP2    = flag.Bool("enable-http2", false, "serve HTTP/2 on the webhook and metrics servers (off: HTTP/2's stream floods, CVE-2023-44487)")
		probeAddr      = flag.String("health-probe-bind-address", ":8081", "address the /healthz and /readyz endpoints bind to")
		leaderElection = flag.Bool("leader-elect", true, "elect a leader so only one replica reconciles")
		webhookPort    = flag.Int("webhook-port", 9443, "port the webhook server listens on")
		certDir        = flag.String("webhook-cert-dir", "", "directory with tls.crt and tls.key (from cert-manager); empty: the operator keeps its own certificate")
		namespace      = flag.String("namespace", os.Getenv("POD_NAMESPACE"), "the operator's namespace, where it keeps its webhook certificate Secret")
		webhookService = flag.String("webhook-service", "multigres-operator-webhook-service", "the Service in front of the webhook server (self-managed certificate)")
		webhookHost    = flag.String("webhook-host", "", "an extra host name or IP the self-managed certificate covers, such as 127.0.0.1 for a local run")
		webhookSecret  = flag.String("webhook-secret", "multigres-operator-webhook-cert", "the Secret holding the self-managed CA and certificate")
		mutatingCfg    = flag.String("mutating-webhook-configuration", "multigres-operator-mutating-webhook-configuration", "the configuration whose caBundle the operator keeps")
		workers        = flag.Int("max-concurrent-reconciles", 4, "reconciles each controller runs at once")
		validatingCfg  = flag.String("validating-webhook-configuration", "multigres-operator-validating-webhook-configuration", "the configuration whose caBundle the operator keeps")
		limitsName     = flag.String("multigres-limits", limits.Default.Name, "what the Multigres images serve ("+strings.Join(limits.Names(), ", ")+
			"): a cluster asking for more is admitted with warnings and gets no pods for it; none runs the whole API shape (simulated clusters)")
	)
	opts := zap.Options{}
	opts.BindFlags(flag.CommandLine)
	flag.Parse()
	if *printVersion {
		fmt.Println(version)
		return
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts)))
	log := ctrl.Log.WithName("setup")
	lim, err := limits.Parse(*limitsName)
	if err != nil {
		log.Error(err, "reading --multigres-limits")
		os.Exit(1)
	}

	var tlsOpts []func(*tls.Config)
	if !*enableHTTP2 {
		tlsOpts = append(tlsOpts, operator.HTTP1Only)
	}
	webhookOpts := webhook.Options{Port: *webhookPort, CertDir: *certDir, TLSOpts: tlsOpts}
	var rotator *selfcert.Rotator
	if *certDir == "" {
		rotator = &selfcert.Rotator{
			Secret:             types.NamespacedName{Namespace: *namespace, Name: *webhookSecret},
			Hosts:              selfcert.ServiceHosts(*webhookService, *namespace, *webhookHost),
			MutatingWebhooks:   []string{*mutatingCfg},
			ValidatingWebhooks: []string{*validatingCfg},
			// The CRDs' conversion webhook is served by the same server.
			CRDs: operator.CRDs,
		}
		webhookOpts.TLSOpts = append(webhookOpts.TLSOpts, rotator.TLSOption)
	}

	// ManagerOptions adds the scheme and the cache that holds only the operator's own objects.
	mgr, err := ctrl.NewManager(ctrl.GetConfigOrDie(), operator.ManagerOptions(ctrl.Options{
		Metrics:                operator.MetricsOptions(*metricsAddr, *metricsSecure, *metricsCertDir, tlsOpts...),
		HealthProbeBindAddress: *probeAddr,
		LeaderElection:         *leaderElection,
		LeaderElectionID:       "multigres-operator.multigres.com",
		// Needed when running outside a cluster (make run); in a pod it is the pod's namespace.
		LeaderElectionNamespace: *namespace,
		// Step down at once on shutdown so a new replica takes over without waiting for the lease.
		LeaderElectionReleaseOnCancel: true,
		WebhookServer:                 webhook.NewServer(webhookOpts),
		Controller:                    config.Controller{MaxConcurrentReconciles: *workers},
	}))
	if err != nil {
		log.Error(err, "creating the manager")
		os.Exit(1)
	}
	if rotator != nil {
		rotator.Client, rotator.Reader, rotator.Informers = mgr.GetClient(), mgr.GetAPIReader(), mgr.GetCache()
		if err := mgr.Add(rotator); err != nil {
			log.Error(err, "adding the certificate rotator")
			os.Exit(1)
		}
		if err := mgr.AddReadyzCheck("webhook-certificate", rotator.Ready); err != nil {
			log.Error(err, "adding the certificate readiness check")
			os.Exit(1)
		}
	}
	if err := webhooks.Setup(mgr, lim); err != nil {
		log.Error(err, "setting up webhooks")
		os.Exit(1)
	}
	if err := operator.Setup(mgr, lim); err != nil {
		log.Error(err, "setting up controllers and webhooks")
		os.Exit(1)
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		log.Error(err, "adding the health check")
		os.Exit(1)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		log.Error(err, "adding the readiness check")
		os.Exit(1)
	}
	log.Info("starting the manager", "version", version, "multigresLimits", lim.Name)
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		log.Error(err, "running the manager")
		os.Exit(1)
	}
}
