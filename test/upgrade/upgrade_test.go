// Package upgrade tests the upgrade from a release that shipped only v1alpha1: its CRDs (a
// copy in testdata/v1alpha1-crds of the single-version CRDs that release generated) with the
// design document's example cluster and templates stored in v1alpha1, and the tree that
// release's operator built from them (testdata/v1alpha1-tree.yaml, recorded from it); then the
// CRDs of this release (v1alpha1 served, v1beta1 stored, the conversion webhook), the
// operator's storage migration, and this release's operator, whose controllers work in
// v1beta1, taking over that tree without recreating or adding anything.
package upgrade

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/api/v1alpha1"
	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/operator"
	"github.com/multigres/multigres-operator/internal/testenv"
)

const (
	ns      = "upgrade"
	timeout = time.Minute
	poll    = 100 * time.Millisecond
)

// The kinds whose objects must survive the upgrade with their identity: the operator's own
// and the workloads it builds.
var childKinds = []schema.GroupVersionKind{
	{Group: "multigres.com", Version: "v1alpha1", Kind: "TopoServer"},
	{Group: "multigres.com", Version: "v1alpha1", Kind: "Cell"},
	{Group: "multigres.com", Version: "v1alpha1", Kind: "TableGroup"},
	{Group: "multigres.com", Version: "v1alpha1", Kind: "Shard"},
	appsv1.SchemeGroupVersion.WithKind("StatefulSet"),
	appsv1.SchemeGroupVersion.WithKind("Deployment"),
	corev1.SchemeGroupVersion.WithKind("Service"),
	corev1.SchemeGroupVersion.WithKind("Secret"),
	corev1.SchemeGroupVersion.WithKind("ConfigMap"),
}

func TestUpgradeFromV1alpha1(t *testing.T) {
	g := NewWithT(t)
	ctrl.SetLogger(logr.Discard())
	if testing.Verbose() {
		ctrl.SetLogger(zap.New(zap.UseDevMode(true)))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	// The earlier release: its CRDs, installed as it shipped them (no conversion webhook).
	env, err := testenv.New()
	g.Expect(err).NotTo(HaveOccurred())
	alphaOnly := k8sruntime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(alphaOnly))
	utilruntime.Must(v1alpha1.AddToScheme(alphaOnly))
	env.CRDInstallOptions.Scheme = alphaOnly
	env.CRDDirectoryPaths = []string{filepath.Join(testenv.RepoRoot(), "test", "upgrade", "testdata", "v1alpha1-crds")}
	cfg, err := env.Start()
	g.Expect(err).NotTo(HaveOccurred())
	defer func() { _ = env.Stop() }()
	convCtx, stopConversion := context.WithCancel(ctx)
	defer stopConversion()
	g.Expect(testenv.ServeConversion(convCtx, env)).To(Succeed())
	k8s, err := client.New(cfg, client.Options{Scheme: env.Scheme})
	g.Expect(err).NotTo(HaveOccurred())
	for _, name := range operator.CRDs {
		g.Expect(crd(g, k8s, name).Spec.Versions).To(HaveLen(1), "the earlier release served v1alpha1 only")
	}

	// The design document's example, applied in v1alpha1 as a user would.
	g.Expect(k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})).To(Succeed())
	created, err := testenv.Samples("v1alpha1")
	g.Expect(err).NotTo(HaveOccurred())
	for _, sample := range created {
		obj := sample.DeepCopy()
		obj.SetNamespace(ns)
		g.Expect(k8s.Apply(ctx, client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner("kubectl"),
			client.ForceOwnership)).To(Succeed(), "%s %s", sample.GetKind(), sample.GetName())
	}

	// The tree the earlier release's operator built from them, as recorded from it. This
	// release's controllers work in v1beta1 and cannot run on v1alpha1-only CRDs, so the tree
	// is created here as that operator left it (children in v1alpha1, workloads, Services and
	// the credentials Secret), owned by the new objects.
	createRecordedTree(g, k8s)
	before := snapshot(g, k8s)
	g.Expect(before).To(HaveLen(42))
	storedRV := map[string]string{}
	for _, sample := range created {
		storedRV[sample.GetKind()+"/"+sample.GetName()] = read(g, k8s, sample.GroupVersionKind(), sample.GetName()).GetResourceVersion()
	}

	// The upgrade: this release's CRDs, conversion pointed at the local webhook server.
	full := operator.NewScheme()
	_, err = envtest.InstallCRDs(cfg, envtest.CRDInstallOptions{
		Paths:              []string{filepath.Join(testenv.RepoRoot(), "config", "crd", "bases")},
		ErrorIfPathMissing: true,
		Scheme:             full,
		WebhookOptions:     env.WebhookInstallOptions,
	})
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func(g Gomega) {
		for _, name := range operator.CRDs {
			g.Expect(crd(g, k8s, name).Status.StoredVersions).To(ConsistOf("v1alpha1", "v1beta1"), name)
		}
	}, timeout, poll).Should(Succeed())

	// The operator of this release: it migrates the stored objects, then reconciles.
	stop := startOperator(g, cfg, full)
	defer stop()
	g.Eventually(func(g Gomega) {
		for _, name := range operator.CRDs {
			g.Expect(crd(g, k8s, name).Status.StoredVersions).To(Equal([]string{"v1beta1"}), name)
		}
	}, timeout, poll).Should(Succeed())
	settle(g, k8s)

	for _, sample := range created {
		name := sample.GetKind() + "/" + sample.GetName()
		// Rewritten since the upgrade (by the migration, and the operator's status updates).
		alpha := read(g, k8s, sample.GroupVersionKind(), sample.GetName())
		g.Expect(alpha.GetResourceVersion()).NotTo(Equal(storedRV[name]), "%s was not rewritten", name)
		// Read in v1alpha1: what was created, nothing lost.
		g.Expect(json.Marshal(alpha.Object["spec"])).To(MatchJSON(mustJSON(g, sample.Object["spec"])), "%s read in v1alpha1", name)
		g.Expect(alpha.GetAnnotations()).NotTo(HaveKey("multigres.com/conversion-data"), name)
		// Read in v1beta1: the v1beta1 twin of the sample.
		twin := twinOf(g, sample)
		beta := read(g, k8s, twin.GroupVersionKind(), sample.GetName())
		g.Expect(json.Marshal(beta.Object["spec"])).To(MatchJSON(mustJSON(g, twin.Object["spec"])), "%s read in v1beta1", name)
	}

	// This release's controllers reconciled the cluster (in v1beta1)...
	cluster := read(g, k8s, schema.GroupVersionKind{Group: "multigres.com", Version: "v1beta1", Kind: "MultigresCluster"},
		"example-multigres-cluster")
	observed, _, _ := unstructured.NestedInt64(cluster.Object, "status", "observedGeneration")
	g.Expect(observed).To(Equal(cluster.GetGeneration()), "the operator did not reconcile the cluster")
	// ...and every child of the tree is the one built before the upgrade: none recreated,
	// none lost.
	after := snapshot(g, k8s)
	for ref, uid := range before {
		g.Expect(after).To(HaveKeyWithValue(ref, uid), "%s recreated or removed by the upgrade", ref)
	}
	// What this release adds to every shard (pgctld's ConfigMap, the pgBackRest TLS Secret)
	// is the only thing new.
	for ref := range before {
		if shard, ok := strings.CutPrefix(ref, "Shard/"); ok {
			for _, added := range []string{"ConfigMap/" + names.PgctldConfig(shard), "Secret/" + names.BackupTLS(shard)} {
				if _, existed := before[added]; !existed {
					delete(after, added)
				}
			}
		}
	}
	g.Expect(after).To(HaveLen(len(before)), "objects appeared after the upgrade")
	// Children read in both versions.
	for _, kind := range childKinds[:4] {
		beta := kind
		beta.Version = "v1beta1"
		g.Expect(list(g, k8s, beta)).To(HaveLen(len(list(g, k8s, kind))), kind.Kind)
	}
}

// createRecordedTree creates the objects of testdata/v1alpha1-tree.yaml in namespace ns,
// owners first, pointing each owner reference at the UID of the object now holding that
// kind and name (the samples, then the tree itself).
func createRecordedTree(g Gomega, k8s client.Client) {
	data, err := os.ReadFile(filepath.Join("testdata", "v1alpha1-tree.yaml"))
	g.Expect(err).NotTo(HaveOccurred())
	var pending []*unstructured.Unstructured
	for _, doc := range strings.Split(string(data), "\n---\n") {
		obj := &unstructured.Unstructured{}
		g.Expect(yaml.Unmarshal([]byte(doc), &obj.Object)).To(Succeed())
		if len(obj.Object) > 0 {
			pending = append(pending, obj)
		}
	}
	uids := map[string]types.UID{}
	for _, kind := range []schema.GroupVersionKind{
		{Group: "multigres.com", Version: "v1alpha1", Kind: "MultigresCluster"},
		{Group: "multigres.com", Version: "v1alpha1", Kind: "DeploymentTemplate"},
	} {
		for _, obj := range list(g, k8s, kind) {
			uids[kind.Kind+"/"+obj.GetName()] = obj.GetUID()
		}
	}
	for len(pending) > 0 {
		var waiting []*unstructured.Unstructured
		for _, obj := range pending {
			refs, ready := obj.GetOwnerReferences(), true
			for i := range refs {
				uid, ok := uids[refs[i].Kind+"/"+refs[i].Name]
				ready = ready && ok
				refs[i].UID = uid
			}
			if !ready {
				waiting = append(waiting, obj)
				continue
			}
			obj.SetOwnerReferences(refs)
			obj.SetNamespace(ns)
			g.Expect(k8s.Create(context.Background(), obj)).To(Succeed(), "%s %s", obj.GetKind(), obj.GetName())
			uids[obj.GetKind()+"/"+obj.GetName()] = obj.GetUID()
		}
		g.Expect(len(waiting)).To(BeNumerically("<", len(pending)), "recorded objects whose owners are not recorded")
		pending = waiting
	}
}

// startOperator runs the operator's controllers and storage migration (operator.Setup) and
// returns a function that stops it and waits for it to end.
func startOperator(g Gomega, cfg *rest.Config, scheme *k8sruntime.Scheme) func() {
	mgr, err := ctrl.NewManager(cfg, operator.ManagerOptions(ctrl.Options{
		Scheme:  scheme,
		Metrics: metricsserver.Options{BindAddress: "0"},
		// Several managers in one process: the controllers' names repeat.
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	}))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(operator.Setup(mgr, limits.None)).To(Succeed())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	stopped := false
	return func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			g.Expect(err).NotTo(HaveOccurred())
		case <-time.After(30 * time.Second):
			g.Expect(fmt.Errorf("the manager did not stop")).NotTo(HaveOccurred())
		}
	}
}

// settle waits until the namespace's objects stop changing for a few seconds.
func settle(g Gomega, k8s client.Client) {
	last, since := "", time.Now()
	g.Eventually(func() bool {
		snap := fmt.Sprint(versions(g, k8s))
		if snap != last {
			last, since = snap, time.Now()
		}
		return time.Since(since) >= 3*time.Second
	}, timeout, 200*time.Millisecond).Should(BeTrue(), "the operator kept writing")
}

func crd(g Gomega, k8s client.Client, name string) *apiextensionsv1.CustomResourceDefinition {
	c := &apiextensionsv1.CustomResourceDefinition{}
	g.Expect(k8s.Get(context.Background(), client.ObjectKey{Name: name}, c)).To(Succeed())
	return c
}

func list(g Gomega, k8s client.Client, gvk schema.GroupVersionKind) []unstructured.Unstructured {
	l := &unstructured.UnstructuredList{}
	l.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	g.Expect(k8s.List(context.Background(), l, client.InNamespace(ns))).To(Succeed())
	return l.Items
}

func read(g Gomega, k8s client.Client, gvk schema.GroupVersionKind, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	g.Expect(k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, u)).To(Succeed())
	return u
}

// snapshot maps every child (kind/name) to its UID.
func snapshot(g Gomega, k8s client.Client) map[string]types.UID {
	out := map[string]types.UID{}
	for _, kind := range childKinds {
		for _, obj := range list(g, k8s, kind) {
			out[kind.Kind+"/"+obj.GetName()] = obj.GetUID()
		}
	}
	return out
}

// versions maps every child and sample object to its resourceVersion.
func versions(g Gomega, k8s client.Client) map[string]string {
	out := map[string]string{}
	kinds := append([]schema.GroupVersionKind{
		{Group: "multigres.com", Version: "v1alpha1", Kind: "MultigresCluster"},
		{Group: "multigres.com", Version: "v1alpha1", Kind: "DeploymentTemplate"},
	}, childKinds...)
	for _, kind := range kinds {
		for _, obj := range list(g, k8s, kind) {
			out[kind.Kind+"/"+obj.GetName()] = obj.GetResourceVersion()
		}
	}
	return out
}

// twinOf is the v1beta1 sample describing the same object as the v1alpha1 sample.
func twinOf(g Gomega, sample *unstructured.Unstructured) *unstructured.Unstructured {
	twins, err := testenv.Samples("v1beta1")
	g.Expect(err).NotTo(HaveOccurred())
	for _, twin := range twins {
		if twin.GetKind() == sample.GetKind() && twin.GetName() == sample.GetName() {
			return twin
		}
	}
	g.Expect(fmt.Errorf("no v1beta1 twin of %s %s", sample.GetKind(), sample.GetName())).NotTo(HaveOccurred())
	return nil
}

func mustJSON(g Gomega, v any) []byte {
	b, err := json.Marshal(v)
	g.Expect(err).NotTo(HaveOccurred())
	return b
}
