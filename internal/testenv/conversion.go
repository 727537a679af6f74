package testenv

import (
	"context"
	"fmt"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/conversion"
)

// ServeConversion serves the CRDs' conversion webhook (v1alpha1 <-> v1beta1) until ctx is
// done, for suites that run no operator webhook server of their own. envtest points every CRD
// whose kind its Scheme knows as convertible at its local serving host and port, so without
// this server every read or write of a multigres.com object in v1alpha1 fails. Call it after
// env.Start; it returns once the server listens.
func ServeConversion(ctx context.Context, env *envtest.Environment) error {
	srv := webhook.NewServer(WebhookServerOptions(env))
	srv.Register("/convert", conversion.NewWebhookHandler(env.Scheme, conversion.NewRegistry()))
	errs := make(chan error, 1)
	go func() { errs <- srv.Start(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-errs:
			return fmt.Errorf("serving the conversion webhook: %w", err)
		default:
		}
		if srv.StartedChecker()(nil) == nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("the conversion webhook server did not start")
}
