package testenv

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// WebhookConfigurations reads the real webhook configurations of config/webhook and points
// them at a webhook server reachable at baseURL (https://host:port) instead of the in-cluster
// Service, with no caBundle: the operator's self-managed certificate injects it.
func WebhookConfigurations(baseURL string) ([]client.Object, error) {
	data, err := os.ReadFile(filepath.Join(RepoRoot(), "config", "webhook", "manifests.yaml"))
	if err != nil {
		return nil, err
	}
	var objs []client.Object
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, err
		}
		var kind struct{ Kind string }
		if err := yaml.Unmarshal(doc, &kind); err != nil {
			return nil, err
		}
		switch kind.Kind {
		case "MutatingWebhookConfiguration":
			cfg := &admissionregistrationv1.MutatingWebhookConfiguration{}
			if err := yaml.Unmarshal(doc, cfg); err != nil {
				return nil, err
			}
			for i := range cfg.Webhooks {
				cfg.Webhooks[i].ClientConfig = urlConfig(baseURL, cfg.Webhooks[i].ClientConfig)
			}
			objs = append(objs, cfg)
		case "ValidatingWebhookConfiguration":
			cfg := &admissionregistrationv1.ValidatingWebhookConfiguration{}
			if err := yaml.Unmarshal(doc, cfg); err != nil {
				return nil, err
			}
			for i := range cfg.Webhooks {
				cfg.Webhooks[i].ClientConfig = urlConfig(baseURL, cfg.Webhooks[i].ClientConfig)
			}
			objs = append(objs, cfg)
		}
	}
}

func urlConfig(baseURL string, c admissionregistrationv1.WebhookClientConfig) admissionregistrationv1.WebhookClientConfig {
	url := baseURL + *c.Service.Path
	return admissionregistrationv1.WebhookClientConfig{URL: &url}
}
