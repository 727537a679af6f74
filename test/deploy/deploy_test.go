// Package deploy renders the install manifests (config/default and config/certmanager) as
// `make release` bundles them and applies them to a real API server, with cert-manager's own CRDs
// installed from its Go module, as `make deploy` would; and checks that `make undeploy`
// removes the operator but never the CRDs (whose deletion deletes every cluster).
package deploy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	certmanagerv1 "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	. "github.com/onsi/gomega"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/internal/operator"
	"github.com/multigres/multigres-operator/internal/testenv"
)

func TestInstallManifestsApply(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	kubectl, err := testenv.Kubectl()
	g.Expect(err).NotTo(HaveOccurred())

	env, err := testenv.New()
	g.Expect(err).NotTo(HaveOccurred())
	// Only cert-manager's CRDs: the manifests install the operator's own, and envtest would
	// point their conversion webhook at a local URL that the manifests' Service cannot replace.
	env.CRDDirectoryPaths = []string{certManagerCRDs(t)}
	g.Expect(certmanagerv1.AddToScheme(env.Scheme)).To(Succeed())
	cfg, err := env.Start()
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = env.Stop() }()
	k8s, err := client.New(cfg, client.Options{Scheme: env.Scheme})
	g.Expect(err).NotTo(HaveOccurred())
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	g.Expect(os.WriteFile(kubeconfig, env.KubeConfig, 0o600)).To(Succeed())

	// The release bundles, as users install them: config/default and config/certmanager
	// rendered, the operator's image pinned to the release.
	const version = "v0.0.0-deploytest"
	dist := t.TempDir()
	release := exec.Command("make", "-s", "-C", testenv.RepoRoot(), "release", "VERSION="+version, "DIST="+dist)
	out, err := release.CombinedOutput()
	g.Expect(err).NotTo(HaveOccurred(), "make release:\n%s", out)
	apply := func(bundle string) {
		t.Helper()
		cmd := exec.Command(kubectl, "--kubeconfig", kubeconfig, "apply", "--server-side", "--force-conflicts", "-f", filepath.Join(dist, bundle))
		out, err := cmd.CombinedOutput()
		g.Expect(err).NotTo(HaveOccurred(), "applying %s:\n%s", bundle, out)
	}

	apply("install.yaml")
	manager := &appsv1.Deployment{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: "multigres-system", Name: "multigres-operator-controller-manager"}, manager)).To(Succeed())
	g.Expect(manager.Spec.Template.Spec.Containers[0].Image).To(Equal("ghcr.io/multigres/multigres-operator:"+version), "the bundle pins the release's image")
	// Highly available: two replicas serve the webhooks, a rollout never takes the last one
	// away, a drain leaves one, and they spread over nodes and zones where they can.
	g.Expect(*manager.Spec.Replicas).To(Equal(int32(2)))
	g.Expect(manager.Spec.Strategy.Type).To(Equal(appsv1.RollingUpdateDeploymentStrategyType))
	g.Expect(manager.Spec.Strategy.RollingUpdate.MaxUnavailable.IntValue()).To(BeZero())
	g.Expect(manager.Spec.Template.Spec.TopologySpreadConstraints).To(HaveLen(2))
	pdb := &policyv1.PodDisruptionBudget{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: "multigres-system", Name: "multigres-operator-controller-manager"}, pdb)).To(Succeed())
	g.Expect(pdb.Spec.MinAvailable.IntValue()).To(Equal(1))
	g.Expect(pdb.Spec.Selector.MatchLabels).To(Equal(manager.Spec.Selector.MatchLabels))
	// The read-only-children policy trusts the ServiceAccount the manager runs as.
	binding := &admissionregistrationv1.ValidatingAdmissionPolicyBinding{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Name: "multigres-operator-read-only-children"}, binding)).To(Succeed())
	g.Expect(binding.Spec.PolicyName).To(Equal("multigres-operator-read-only-children"))
	g.Expect(binding.Spec.ParamRef.Name).To(Equal(manager.Spec.Template.Spec.ServiceAccountName))
	g.Expect(binding.Spec.ParamRef.Namespace).To(Equal(manager.Namespace))
	g.Expect(k8s.Get(ctx, client.ObjectKey{Name: binding.Spec.PolicyName}, &admissionregistrationv1.ValidatingAdmissionPolicy{})).To(Succeed())
	container := manager.Spec.Template.Spec.Containers[0]
	g.Expect(container.Args).NotTo(ContainElement(HavePrefix("--webhook-cert-dir")), "config/default uses the self-managed certificate")
	// The names the operator's flags default to are the names the manifests give.
	validating := &admissionregistrationv1.ValidatingWebhookConfiguration{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Name: "multigres-operator-validating-webhook-configuration"}, validating)).To(Succeed())
	for _, w := range validating.Webhooks {
		g.Expect(*w.FailurePolicy).To(Equal(admissionregistrationv1.Fail))
		g.Expect(w.ClientConfig.Service.Name).To(Equal("multigres-operator-webhook-service"))
		g.Expect(w.ClientConfig.Service.Namespace).To(Equal("multigres-system"))
	}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Name: "multigres-operator-mutating-webhook-configuration"}, &admissionregistrationv1.MutatingWebhookConfiguration{})).To(Succeed())
	expectMetricsServed(ctx, g, k8s, manager)
	// Every CRD converts through the operator's webhook Service; v1beta1 is stored.
	for _, name := range operator.CRDs {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		g.Expect(k8s.Get(ctx, client.ObjectKey{Name: name}, crd)).To(Succeed())
		g.Expect(crd.Spec.Conversion.Strategy).To(Equal(apiextensionsv1.WebhookConverter), name)
		svc := crd.Spec.Conversion.Webhook.ClientConfig.Service
		g.Expect(svc.Name).To(Equal("multigres-operator-webhook-service"), name)
		g.Expect(svc.Namespace).To(Equal("multigres-system"), name)
		g.Expect(*svc.Path).To(Equal("/convert"), name)
		g.Expect(crd.Spec.Conversion.Webhook.ConversionReviewVersions).To(Equal([]string{"v1"}), name)
		var versions []string
		for _, v := range crd.Spec.Versions {
			g.Expect(v.Served).To(BeTrue(), name+" "+v.Name)
			if v.Storage {
				versions = append(versions, v.Name+" (storage)")
			} else {
				versions = append(versions, v.Name)
			}
		}
		g.Expect(versions).To(ConsistOf("v1alpha1", "v1beta1 (storage)"), name)
	}

	apply("install-cert-manager.yaml")
	cert := &certmanagerv1.Certificate{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: "multigres-system", Name: "multigres-operator-serving-cert"}, cert)).To(Succeed())
	g.Expect(cert.Spec.DNSNames).To(ContainElement("multigres-operator-webhook-service.multigres-system.svc"))
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(manager), manager)).To(Succeed())
	container = manager.Spec.Template.Spec.Containers[0]
	g.Expect(container.Args).To(ContainElement("--webhook-cert-dir=/tmp/k8s-webhook-server/serving-certs"))
	expectMetricsServed(ctx, g, k8s, manager)
	g.Expect(slices.ContainsFunc(manager.Spec.Template.Spec.Volumes, func(v corev1.Volume) bool {
		return v.Secret != nil && v.Secret.SecretName == cert.Spec.SecretName
	})).To(BeTrue(), "the manager mounts the Secret cert-manager writes")
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(validating), validating)).To(Succeed())
	g.Expect(validating.Annotations).To(HaveKeyWithValue("cert-manager.io/inject-ca-from", "multigres-system/"+cert.Name))
	for _, name := range operator.CRDs {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		g.Expect(k8s.Get(ctx, client.ObjectKey{Name: name}, crd)).To(Succeed())
		g.Expect(crd.Annotations).To(HaveKeyWithValue("cert-manager.io/inject-ca-from", "multigres-system/"+cert.Name), name)
	}

	// make undeploy, as a user runs it: the operator goes, the CRDs and the namespace stay.
	undeploy := exec.Command("make", "-s", "undeploy", "DEPLOY_CONFIG=config/certmanager")
	undeploy.Dir = testenv.RepoRoot()
	undeploy.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "PATH="+filepath.Dir(kubectl)+":"+os.Getenv("PATH"))
	out, err = undeploy.CombinedOutput()
	g.Expect(err).NotTo(HaveOccurred(), "make undeploy:\n%s", out)
	for _, obj := range []client.Object{manager, validating, cert,
		&admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "multigres-operator-mutating-webhook-configuration"}},
		&corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "multigres-system", Name: "multigres-operator-webhook-service"}},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "multigres-system", Name: "multigres-operator-controller-manager"}},
	} {
		err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)
		g.Expect(apierrors.IsNotFound(err)).To(BeTrue(), "%T %s is left after make undeploy: %v", obj, obj.GetName(), err)
	}
	for _, name := range append(slices.Clone(operator.CRDs), operator.NewCRDs...) {
		crd := &apiextensionsv1.CustomResourceDefinition{}
		g.Expect(k8s.Get(ctx, client.ObjectKey{Name: name}, crd)).To(Succeed(), "make undeploy deleted CRD %s", name)
		g.Expect(crd.DeletionTimestamp).To(BeNil(), "make undeploy is deleting CRD %s", name)
	}
	ns := &corev1.Namespace{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Name: "multigres-system"}, ns)).To(Succeed())
	g.Expect(ns.DeletionTimestamp).To(BeNil(), "make undeploy is deleting the namespace, and any cluster in it")
}

// TestUndeployKeepsCRDs checks, for both install configurations, what `make undeploy`
// deletes: exactly what `make deploy` applies except the CRDs and the namespace. Deleting a
// CRD deletes every object of its kind, every MultigresCluster.
func TestUndeployKeepsCRDs(t *testing.T) {
	kubectl, err := testenv.Kubectl()
	if err != nil {
		t.Fatal(err)
	}
	for deploy, undeploy := range map[string]string{
		"config/default":     "config/operator",
		"config/certmanager": "config/certmanager/operator",
	} {
		t.Run(deploy, func(t *testing.T) {
			g := NewWithT(t)
			// The directory the Makefile deletes for this DEPLOY_CONFIG.
			plan, err := exec.Command("make", "-C", testenv.RepoRoot(), "-n", "undeploy", "DEPLOY_CONFIG="+deploy).Output()
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(string(plan)).To(ContainSubstring("kubectl delete -k "+undeploy+" "), "make undeploy DEPLOY_CONFIG=%s", deploy)

			deployed, removed := render(t, kubectl, deploy), render(t, kubectl, undeploy)
			var kept []string
			for id := range deployed {
				if !removed[id] {
					kept = append(kept, id)
				}
			}
			for id := range removed {
				g.Expect(deployed).To(HaveKey(id), "undeploy deletes what deploy never applies")
			}
			want := []string{"Namespace//multigres-system"}
			for _, name := range append(slices.Clone(operator.CRDs), operator.NewCRDs...) {
				want = append(want, "CustomResourceDefinition//"+name)
			}
			g.Expect(kept).To(ConsistOf(want), "make deploy applies, and make undeploy keeps, exactly the CRDs and the namespace")
		})
	}
}

// render is the set of objects kubectl kustomize renders from dir, as kind/namespace/name.
func render(t *testing.T, kubectl, dir string) map[string]bool {
	t.Helper()
	out, err := exec.Command(kubectl, "kustomize", filepath.Join(testenv.RepoRoot(), dir)).Output()
	if err != nil {
		t.Fatalf("kubectl kustomize %s: %v", dir, err)
	}
	objs := map[string]bool{}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(out)))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objs
		}
		if err != nil {
			t.Fatal(err)
		}
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(doc, &obj.Object); err != nil {
			t.Fatal(err)
		}
		objs[obj.GetKind()+"/"+obj.GetNamespace()+"/"+obj.GetName()] = true
	}
}

// certManagerCRDs is deploy/crds of the cert-manager Go module this project requires.
func certManagerCRDs(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/cert-manager/cert-manager").Output()
	if err != nil {
		t.Fatalf("locating the cert-manager module: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "deploy", "crds")
}

// expectMetricsServed: the manager serves metrics on the port its metrics Service targets,
// the ServiceMonitor of config/prometheus selects that Service's port, and the roles the
// endpoint's authentication needs exist (e2e checks that they work).
func expectMetricsServed(ctx context.Context, g Gomega, k8s client.Client, manager *appsv1.Deployment) {
	container := manager.Spec.Template.Spec.Containers[0]
	g.Expect(container.Args).To(ContainElement("--metrics-bind-address=:8443"))
	port := container.Ports[slices.IndexFunc(container.Ports, func(p corev1.ContainerPort) bool { return p.Name == "metrics" })]
	g.Expect(port.ContainerPort).To(Equal(int32(8443)))
	svc := &corev1.Service{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: manager.Namespace, Name: "multigres-operator-controller-manager-metrics-service"}, svc)).To(Succeed())
	g.Expect(svc.Spec.Selector).To(Equal(manager.Spec.Selector.MatchLabels))
	g.Expect(svc.Spec.Ports).To(ConsistOf(HaveField("TargetPort.StrVal", "metrics")))
	for _, role := range []string{"multigres-operator-metrics-reader", "multigres-operator-metrics-auth-role"} {
		g.Expect(k8s.Get(ctx, client.ObjectKey{Name: role}, &rbacv1.ClusterRole{})).To(Succeed(), role)
	}

	objs, err := testenv.Render("prometheus")
	g.Expect(err).NotTo(HaveOccurred())
	monitors := slices.DeleteFunc(objs, func(o *unstructured.Unstructured) bool { return o.GetKind() != "ServiceMonitor" })
	g.Expect(monitors).To(HaveLen(1))
	monitor := monitors[0]
	g.Expect(monitor.GetNamespace()).To(Equal(svc.Namespace))
	selector, _, _ := unstructured.NestedStringMap(monitor.Object, "spec", "selector", "matchLabels")
	for k, v := range selector {
		g.Expect(svc.Labels).To(HaveKeyWithValue(k, v), "the ServiceMonitor's selector")
	}
	endpoints, _, _ := unstructured.NestedSlice(monitor.Object, "spec", "endpoints")
	g.Expect(endpoints).To(HaveLen(1))
	g.Expect(endpoints[0]).To(HaveKeyWithValue("port", svc.Spec.Ports[0].Name))
	g.Expect(endpoints[0]).To(HaveKeyWithValue("scheme", "https"))
}
