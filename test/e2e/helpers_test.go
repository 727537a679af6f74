package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
	"github.com/multigres/multigres-operator/internal/testenv"
)

const sampleCluster = "example-multigres-cluster"

func createNamespace(t *testing.T, name string) {
	t.Helper()
	NewWithT(t).Expect(k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})).To(Succeed())
}

// applySamples applies config/samples into ns as `kubectl apply --server-side` would.
func applySamples(t *testing.T, ns string) {
	t.Helper()
	g := NewWithT(t)
	objs, err := testenv.Samples("v1beta1")
	g.Expect(err).NotTo(HaveOccurred())
	for _, obj := range objs {
		obj.SetNamespace(ns)
		g.Expect(k8s.Apply(context.Background(), client.ApplyConfigurationFromUnstructured(obj), client.FieldOwner("e2e"), client.ForceOwnership)).To(Succeed())
	}
}

// converged reports why ns's sample cluster has not converged yet, or nil: Available, every
// database's instances ready, and every pod Running and Ready.
func converged(ctx context.Context, ns string) error {
	c := &v1beta1.MultigresCluster{}
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: sampleCluster}, c); err != nil {
		return err
	}
	if !meta.IsStatusConditionTrue(c.Status.Conditions, v1beta1.ConditionAvailable) {
		return fmt.Errorf("cluster not Available: %v", c.Status.Conditions)
	}
	if len(c.Status.Databases) == 0 {
		return fmt.Errorf("no database status yet")
	}
	for name, db := range c.Status.Databases {
		if db.DesiredInstances == 0 || db.ReadyInstances != db.DesiredInstances {
			return fmt.Errorf("database %s: %d of %d instances ready", name, db.ReadyInstances, db.DesiredInstances)
		}
	}
	pods := &corev1.PodList{}
	if err := k8s.List(ctx, pods, client.InNamespace(ns)); err != nil {
		return err
	}
	for _, p := range pods.Items {
		if p.Status.Phase != corev1.PodRunning || !podReady(&p) {
			return fmt.Errorf("pod %s is %s, not Running and Ready", p.Name, p.Status.Phase)
		}
	}
	return nil
}

func waitConverged(t *testing.T, ns string, timeout time.Duration) {
	t.Helper()
	NewWithT(t).Eventually(func() error { return converged(context.Background(), ns) }, timeout, time.Second).Should(Succeed())
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// The kinds the operator creates, or that are created for it (pods, claims).
func namespacedLists() []client.ObjectList {
	return []client.ObjectList{
		&v1beta1.TopoServerList{}, &v1beta1.CellList{}, &v1beta1.TableGroupList{}, &v1beta1.ShardList{},
		&appsv1.DeploymentList{}, &appsv1.StatefulSetList{}, &corev1.ServiceList{}, &corev1.SecretList{},
		&corev1.ConfigMapList{}, &corev1.PersistentVolumeClaimList{}, &policyv1.PodDisruptionBudgetList{},
		&corev1.PodList{},
	}
}

// object describes one object for comparisons across runs: its owner and a hash of its spec.
type object struct {
	Owner    string
	SpecHash string
}

// objectSet lists the objects the operator owns in ns (by kind/name), excluding pods, whose
// existence depends on timing.
func objectSet(t *testing.T, ns string) map[string]object {
	t.Helper()
	g := NewWithT(t)
	set := map[string]object{}
	for _, list := range namespacedLists() {
		switch list.(type) {
		case *corev1.PodList, *corev1.ConfigMapList:
			continue
		}
		g.Expect(k8s.List(context.Background(), list, client.InNamespace(ns))).To(Succeed())
		items, err := meta.ExtractList(list)
		g.Expect(err).NotTo(HaveOccurred())
		for _, item := range items {
			obj := item.(client.Object)
			owner := metav1.GetControllerOf(obj)
			if owner == nil && !isClaim(obj) {
				continue // not the operator's
			}
			key := fmt.Sprintf("%T/%s", obj, obj.GetName())
			if _, dup := set[key]; dup {
				t.Fatalf("duplicate object %s", key)
			}
			o := object{SpecHash: specHash(t, obj)}
			if owner != nil {
				o.Owner = owner.Kind + "/" + owner.Name
			}
			set[key] = o
		}
	}
	return set
}

func isClaim(obj client.Object) bool { _, ok := obj.(*corev1.PersistentVolumeClaim); return ok }

func specHash(t *testing.T, obj runtime.Object) string {
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	spec := u["spec"]
	// A pod template's hash covers its namespace's addresses; the rest of the template, which
	// it is made from, is compared below with the namespace normalized.
	unstructured.RemoveNestedField(u, "spec", "template", "metadata", "annotations", names.TemplateAnnotation)
	if _, ok := obj.(*corev1.Secret); ok {
		spec = nil // generated credentials differ between namespaces by design
	}
	if claim, ok := obj.(*corev1.PersistentVolumeClaim); ok {
		spec = claim.Spec.Resources // the volume name differs by design
	}
	if svc, ok := obj.(*corev1.Service); ok {
		spec = svc.Spec.Ports // cluster IPs differ by design
	}
	data, _ := json.Marshal(spec)
	// Addresses (<service>.<namespace>.svc) and etcd's cluster token (<namespace>/<name>) name
	// the namespace; compare across namespaces.
	ns := obj.(client.Object).GetNamespace()
	data = bytes.ReplaceAll(data, []byte("."+ns+".svc"), []byte(".NAMESPACE.svc"))
	data = bytes.ReplaceAll(data, []byte(`"`+ns+`/`), []byte(`"NAMESPACE/`))
	return fmt.Sprintf("%x", sha256.Sum256(data))[:12]
}

// resourceVersions maps every object in ns to its resourceVersion.
func resourceVersions(t *testing.T, ns string) map[string]string {
	t.Helper()
	g := NewWithT(t)
	rvs := map[string]string{}
	lists := append(namespacedLists(), &v1beta1.MultigresClusterList{}, &v1beta1.DeploymentTemplateList{})
	for _, list := range lists {
		g.Expect(k8s.List(context.Background(), list, client.InNamespace(ns))).To(Succeed())
		items, err := meta.ExtractList(list)
		g.Expect(err).NotTo(HaveOccurred())
		for _, item := range items {
			obj := item.(client.Object)
			rvs[fmt.Sprintf("%T/%s", obj, obj.GetName())] = obj.GetResourceVersion()
		}
	}
	return rvs
}

func claims(t *testing.T, ns string) map[string]string {
	t.Helper()
	list := &corev1.PersistentVolumeClaimList{}
	NewWithT(t).Expect(k8s.List(context.Background(), list, client.InNamespace(ns))).To(Succeed())
	uids := map[string]string{}
	for _, c := range list.Items {
		uids[c.Name] = string(c.UID)
	}
	return uids
}

// diff lists what differs between two object sets: missing, extra and changed objects.
func diff(want, got map[string]object) []string {
	var out []string
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			out = append(out, "missing "+k)
		case g != w:
			out = append(out, fmt.Sprintf("changed %s: %+v, want %+v", k, g, w))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			out = append(out, "extra "+k)
		}
	}
	sort.Strings(out)
	return out
}
