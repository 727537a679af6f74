package testenv

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"
)

// Render is `kubectl kustomize config/<dir>`: the objects as `make deploy` would apply them.
func Render(dir string) ([]*unstructured.Unstructured, error) {
	kubectl, err := Kubectl()
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(kubectl, "kustomize", filepath.Join(RepoRoot(), "config", dir)).Output()
	if err != nil {
		return nil, fmt.Errorf("kubectl kustomize config/%s: %w", dir, err)
	}
	var objs []*unstructured.Unstructured
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(out)))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, err
		}
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(doc, &obj.Object); err != nil {
			return nil, err
		}
		objs = append(objs, obj)
	}
}

// webhookConfigurations are config/webhook's configurations as kustomize renders them (with
// their matchConditions), named as there (config/default adds a prefix).
func webhookConfigurations() ([]*admissionregistrationv1.MutatingWebhookConfiguration, []*admissionregistrationv1.ValidatingWebhookConfiguration, error) {
	objs, err := Render("webhook")
	if err != nil {
		return nil, nil, err
	}
	var mutating []*admissionregistrationv1.MutatingWebhookConfiguration
	var validating []*admissionregistrationv1.ValidatingWebhookConfiguration
	for _, obj := range objs {
		switch obj.GetKind() {
		case "MutatingWebhookConfiguration":
			cfg := &admissionregistrationv1.MutatingWebhookConfiguration{}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, cfg); err != nil {
				return nil, nil, err
			}
			mutating = append(mutating, cfg)
		case "ValidatingWebhookConfiguration":
			cfg := &admissionregistrationv1.ValidatingWebhookConfiguration{}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj.Object, cfg); err != nil {
				return nil, nil, err
			}
			validating = append(validating, cfg)
		}
	}
	return mutating, validating, nil
}

// WithWebhooks makes env install the real webhook configurations of config/webhook, pointed
// at the local webhook server envtest sets up (see WebhookServerOptions).
func WithWebhooks(env *envtest.Environment) error {
	mutating, validating, err := webhookConfigurations()
	env.WebhookInstallOptions.MutatingWebhooks, env.WebhookInstallOptions.ValidatingWebhooks = mutating, validating
	return err
}

// WebhookConfigurations are the real webhook configurations of config/webhook pointed at a
// webhook server reachable at baseURL (https://host:port) instead of the in-cluster Service,
// with no caBundle: the operator's self-managed certificate injects it.
func WebhookConfigurations(baseURL string) ([]client.Object, error) {
	mutating, validating, err := webhookConfigurations()
	if err != nil {
		return nil, err
	}
	var objs []client.Object
	for _, cfg := range mutating {
		for i := range cfg.Webhooks {
			cfg.Webhooks[i].ClientConfig = urlConfig(baseURL, cfg.Webhooks[i].ClientConfig)
		}
		objs = append(objs, cfg)
	}
	for _, cfg := range validating {
		for i := range cfg.Webhooks {
			cfg.Webhooks[i].ClientConfig = urlConfig(baseURL, cfg.Webhooks[i].ClientConfig)
		}
		objs = append(objs, cfg)
	}
	return objs, nil
}

func urlConfig(baseURL string, c admissionregistrationv1.WebhookClientConfig) admissionregistrationv1.WebhookClientConfig {
	url := baseURL + *c.Service.Path
	return admissionregistrationv1.WebhookClientConfig{URL: &url}
}

// InstallPolicies creates config/operator's admission policies and their bindings as
// deployed (the read-only-children rule, which the API server enforces itself), with the
// ServiceAccount (and its namespace) the binding trusts as the operator.
func InstallPolicies(ctx context.Context, c client.Client) error {
	objs, err := Render("operator")
	if err != nil {
		return err
	}
	for _, obj := range objs {
		switch obj.GetKind() {
		case "ServiceAccount":
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: obj.GetNamespace()}}
			if err := c.Create(ctx, ns); err != nil && !apierrors.IsAlreadyExists(err) {
				return err
			}
		case "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding":
		default:
			continue
		}
		if err := c.Create(ctx, obj); err != nil {
			return fmt.Errorf("creating %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	return nil
}
