// Command multigres-operator runs the Multigres operator: the controllers for the
// multigres.com kinds and their admission and conversion webhooks.
package main

import (
	"flag"
	"os"

	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"

	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/multigres/multigres-operator/internal/operator"
)

func main() {
	var (
		metricsAddr    = flag.String("metrics-bind-address", ":8080", "address the metrics endpoint binds to; 0 disables it")
		probeAddr      = flag.String("health-probe-bind-address", ":8081", "address the /healthz and /readyz endpoints bind to")
		leaderElection = flag.Bool("leader-elect", true, "elect a leader so only one replica reconciles")
		webhookPort    = flag.Int("webhook-port", 9443, "port the webhook server listens on")
		certDir        = flag.String("webhook-cert-dir", "", "directory with tls.crt and tls.key for the webhook server")
	)
	opts := zap.Options{}
	opts.BindFlags(flag.CommandLine)
	flag.Parse()
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&opts)))
	log := ctrl.Log.WithName("setup")

	mgr, err := ctrl.NewManager(ctrl.GetConfigOrDie(), ctrl.Options{
		Scheme:                 operator.NewScheme(),
		Metrics:                metricsserver.Options{BindAddress: *metricsAddr},
		HealthProbeBindAddress: *probeAddr,
		LeaderElection:         *leaderElection,
		LeaderElectionID:       "multigres-operator.multigres.com",
		// Step down at once on shutdown so a new replica takes over without waiting for the lease.
		LeaderElectionReleaseOnCancel: true,
		WebhookServer:                 webhook.NewServer(webhook.Options{Port: *webhookPort, CertDir: *certDir}),
	})
	if err != nil {
		log.Error(err, "creating the manager")
		os.Exit(1)
	}
	if err := operator.Setup(mgr); err != nil {
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
	log.Info("starting the manager")
	if err := mgr.Start(ctrl.SetupSignalHandler()); err != nil {
		log.Error(err, "running the manager")
		os.Exit(1)
	}
}
