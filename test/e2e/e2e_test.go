package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/names"
)

const (
	ns                = "e2e"
	convergeTimeout   = 4 * time.Minute
	validatingWebhook = "multigres-operator-validating-webhook-configuration"
	mutatingWebhook   = "multigres-operator-mutating-webhook-configuration"
)

// The tests share one cluster and run in order: each leaves it converged for the next.
func TestE2E(t *testing.T) {
	createNamespace(t, ns)
	applySamples(t, ns)
	var baseline map[string]object
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"the design document's example converges", func(t *testing.T) {
			waitConverged(t, ns, convergeTimeout)
			baseline = objectSet(t, ns)
		}},
		{"the operator's metrics show it converged", convergedMetrics},
		{"an idle cluster stays idle", idle},
		{"killing the operator during convergence changes nothing", func(t *testing.T) { chaos(t, baseline) }},
		{"a deleted pool pod comes back with its volume", deletePoolPod},
		{"a drained node keeps PDBs and volumes", drainNode},
		{"scaling a pool down and up reuses its volumes", scalePool},
		{"a template in use cannot be deleted", deleteTemplate},
		{"a hand edit of a Shard is refused, or reverted", editShard},
		{"with the webhook down, apply fails and reconciling goes on", webhookDown},
		{"deleting the cluster removes the tree and keeps the data", deleteCluster},
		{"re-creating the cluster reuses its volumes and credentials", recreateCluster},
		{"with the operator down, an admin pauses the cluster and clears its finalizer", operatorDown},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) {
			t.Fatalf("stopping after %q failed; operator log: %s", s.name, operator.LogPath())
		}
	}
}

// No object in the namespace changes for 60 seconds once the cluster has converged.
func idle(t *testing.T) {
	before := resourceVersions(t, ns)
	time.Sleep(60 * time.Second)
	after := resourceVersions(t, ns)
	NewWithT(t).Expect(after).To(Equal(before), "objects changed while the cluster was idle")
}

// The operator is killed at random moments while a second copy of the example converges; the
// result matches the undisturbed run exactly: no duplicates, no orphans.
func chaos(t *testing.T, baseline map[string]object) {
	g := NewWithT(t)
	ctx := context.Background()
	const chaosNS = "e2e-chaos"
	createNamespace(t, chaosNS)
	applySamples(t, chaosNS)
	for range 6 {
		time.Sleep(time.Duration(rand.IntN(4000)) * time.Millisecond)
		operator.Kill()
		g.Expect(operator.Start(ctx)).To(Succeed())
	}
	waitConverged(t, chaosNS, convergeTimeout)
	g.Expect(diff(baseline, objectSet(t, chaosNS))).To(BeEmpty(), "the disturbed run differs from the undisturbed one")
	g.Expect(k8s.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: chaosNS}})).To(Succeed())
}

// A pool pod that is deleted comes back on the same claim; the Shard's status dips, then
// recovers.
func deletePoolPod(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	pod := poolPods(t)[0]
	claim := claimOf(&pod)
	claimsBefore := claims(t, ns)

	dipped := watchDips(t, ctx)
	g.Expect(k8s.Delete(ctx, &pod)).To(Succeed())
	g.Eventually(dipped, time.Minute).Should(BeClosed(), "no Shard reported fewer ready pods")
	waitConverged(t, ns, convergeTimeout)

	again := &corev1.Pod{}
	g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(&pod), again)).To(Succeed())
	g.Expect(again.UID).NotTo(Equal(pod.UID))
	g.Expect(claimOf(again)).To(Equal(claim))
	g.Expect(claims(t, ns)).To(Equal(claimsBefore), "a claim was replaced")
}

// watchDips starts watching Shards and StatefulSets and returns a channel closed once a Shard,
// or the StatefulSet of one of its pools, reports fewer ready pods than it has. Watches see
// every change; kwok readies a new pod within milliseconds, so polling could miss the dip.
func watchDips(t *testing.T, ctx context.Context) <-chan struct{} {
	g := NewWithT(t)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	shards, err := watcher.Watch(ctx, &v1beta1.ShardList{}, client.InNamespace(ns))
	g.Expect(err).NotTo(HaveOccurred())
	sets, err := watcher.Watch(ctx, &appsv1.StatefulSetList{}, client.InNamespace(ns))
	g.Expect(err).NotTo(HaveOccurred())
	dipped := make(chan struct{})
	go func() {
		defer cancel()
		defer shards.Stop()
		defer sets.Stop()
		for {
			var dip bool
			select {
			case <-ctx.Done():
				return
			case e := <-shards.ResultChan():
				if s, ok := e.Object.(*v1beta1.Shard); ok {
					dip = s.Status.ReadyPods < s.Status.TotalPods
				}
			case e := <-sets.ResultChan():
				if s, ok := e.Object.(*appsv1.StatefulSet); ok && s.Spec.Replicas != nil {
					dip = s.Status.ReadyReplicas < *s.Spec.Replicas
				}
			}
			if dip {
				close(dipped)
				return
			}
		}
	}()
	return dipped
}

// Cordon a node and evict its pods as kubectl drain does: a PodDisruptionBudget refuses an
// eviction that would take a second pod of a pool down, and no claim is lost.
func drainNode(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	claimsBefore := claims(t, ns)
	node := poolPods(t)[0].Spec.NodeName
	nodes := &corev1.NodeList{}
	g.Expect(k8s.List(ctx, nodes)).To(Succeed())
	// Every node cordoned while two pods of a pool are evicted: the first cannot come back
	// (kwok would make it Ready within milliseconds), so the pool stays one pod short.
	for _, n := range nodes.Items {
		setUnschedulable(g, n.Name, true)
	}
	defer setUnschedulable(g, node, false)

	pods := poolPods(t)
	byPool := map[string][]corev1.Pod{}
	for _, p := range pods {
		byPool[p.Labels[names.LabelWorkload]] = append(byPool[p.Labels[names.LabelWorkload]], p)
	}
	for _, same := range byPool {
		if len(same) < 2 {
			continue
		}
		g.Expect(evict(ctx, &same[0])).To(Succeed())
		err := evict(ctx, &same[1])
		g.Expect(apierrors.IsTooManyRequests(err)).To(BeTrue(), "the PDB let a second pod of a pool go: %v", err)
		break
	}
	for _, n := range nodes.Items {
		if n.Name != node {
			setUnschedulable(g, n.Name, false)
		}
	}

	// Drain: evict every pod of ours on the node, retrying what the PDBs refuse.
	g.Eventually(func() []string {
		var left []string
		for _, p := range poolPodsOn(t, node) {
			if err := evict(ctx, &p); err != nil && !apierrors.IsNotFound(err) {
				left = append(left, p.Name)
			}
		}
		return left
	}, 3*time.Minute, 2*time.Second).Should(BeEmpty())
	waitConverged(t, ns, convergeTimeout)
	g.Expect(claims(t, ns)).To(Equal(claimsBefore), "a claim was lost or replaced")
	g.Expect(poolPodsOn(t, node)).To(BeEmpty(), "a pod came back on the cordoned node")
}

func setUnschedulable(g Gomega, node string, unschedulable bool) {
	patch := fmt.Sprintf(`{"spec":{"unschedulable":%t}}`, unschedulable)
	g.Expect(k8s.Patch(context.Background(), &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: node}},
		client.RawPatch(types.MergePatchType, []byte(patch)))).To(Succeed())
}

func evict(ctx context.Context, p *corev1.Pod) error {
	return k8s.SubResource("eviction").Create(ctx, p, &policyv1.Eviction{
		ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace},
	})
}

// Scaling the inline custom_tg pool from 2 to 1 keeps the second replica's claim, and scaling
// back to 2 gives the new pod that same claim.
func scalePool(t *testing.T) {
	g := NewWithT(t)
	before := claims(t, ns)
	setCustomReplicas(t, 1)
	g.Eventually(func() int { return len(poolPodsOf(t, "custom_tg")) }, time.Minute).Should(Equal(1))
	waitConverged(t, ns, convergeTimeout)
	g.Expect(claims(t, ns)).To(Equal(before), "scaling down deleted or replaced a claim")
	setCustomReplicas(t, 2)
	waitConverged(t, ns, convergeTimeout)
	g.Expect(claims(t, ns)).To(Equal(before), "scaling up did not reuse the claim")
}

func setCustomReplicas(t *testing.T, n int32) {
	updateCluster(t, func(c *v1beta1.MultigresCluster) {
		for i, tg := range c.Spec.Databases[0].Spec.TableGroups {
			if tg.Name == "custom_tg" {
				c.Spec.Databases[0].Spec.TableGroups[i].ShardTemplate.Pools[0].Spec.Replicas = ptr.To(n)
			}
		}
	})
}

// updateCluster changes the sample cluster as a user would, retrying when the operator's
// status writes got in between.
func updateCluster(t *testing.T, change func(c *v1beta1.MultigresCluster)) {
	ctx := context.Background()
	NewWithT(t).Expect(retry.RetryOnConflict(retry.DefaultRetry, func() error {
		c := &v1beta1.MultigresCluster{}
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: sampleCluster}, c); err != nil {
			return err
		}
		change(c)
		return k8s.Update(ctx, c)
	})).To(Succeed())
}

// Deleting a referenced template is refused; once the cluster no longer refers to it, it goes.
func deleteTemplate(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	tmpl := &v1beta1.DeploymentTemplate{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: "orders-read-only"}, tmpl)).To(Succeed())
	err := k8s.Delete(ctx, tmpl)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err)
	g.Expect(err.Error()).To(ContainSubstring(sampleCluster))

	updateCluster(t, func(c *v1beta1.MultigresCluster) {
		pool := &c.Spec.Databases[0].Spec.TableGroups[1].ShardTemplate.Pools[1]
		pool.DeploymentTemplate = ""
		pool.Spec = tmpl.Spec.ShardPool.DeepCopy() // the same pool, inline
	})
	g.Eventually(func() error { return k8s.Delete(ctx, tmpl) }, time.Minute).Should(Succeed())
	g.Eventually(func() bool {
		return apierrors.IsNotFound(k8s.Get(ctx, client.ObjectKeyFromObject(tmpl), tmpl))
	}, time.Minute).Should(BeTrue(), "the template's finalizer was not released")
	waitConverged(t, ns, convergeTimeout)
}

// A user's edit of a Shard is refused by the API server (the read-only-children policy), an
// administrator's in the break-glass group is written, and the operator puts the Shard back.
func editShard(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	shard := &v1beta1.Shard{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: anyShard(t)}, shard)).To(Succeed())
	want := shard.Spec.Images.Postgres
	refuseShardEdit(t, shard)
	breakGlassShardEdit(t, shard)
	g.Eventually(func() string {
		_ = k8s.Get(ctx, client.ObjectKeyFromObject(shard), shard)
		return shard.Spec.Images.Postgres
	}, time.Minute).Should(Equal(want), "the operator did not revert the hand edit")
}

// refuseShardEdit checks that a cluster admin's edit of shard is refused, saying why.
func refuseShardEdit(t *testing.T, shard *v1beta1.Shard) {
	edited := shard.DeepCopy()
	edited.Spec.Images.Postgres = "postgres:hand-edited"
	err := k8s.Update(context.Background(), edited)
	g := NewWithT(t)
	g.Expect(apierrors.IsForbidden(err)).To(BeTrue(), "want Forbidden, got %v", err)
	g.Expect(err.Error()).To(ContainSubstring("Shard objects are read-only"))
}

// breakGlassShardEdit edits shard as an administrator in the break-glass group.
func breakGlassShardEdit(t *testing.T, shard *v1beta1.Shard) {
	cfg := rest.CopyConfig(cluster.Config)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: "oncall", Groups: []string{"system:masters", "multigres.com:break-glass"}}
	breakGlass, err := client.New(cfg, client.Options{Scheme: k8s.Scheme()})
	g := NewWithT(t)
	g.Expect(err).NotTo(HaveOccurred())
	g.Eventually(func() error {
		if err := breakGlass.Get(context.Background(), client.ObjectKeyFromObject(shard), shard); err != nil {
			return err
		}
		shard.Spec.Images.Postgres = "postgres:hand-edited"
		return breakGlass.Update(context.Background(), shard)
	}, 30*time.Second).Should(Succeed())
}

// With the webhook server unreachable, kubectl apply of a cluster fails with a clear error
// instead of admitting it unchecked, while the operator goes on reconciling: a deleted
// gateway Deployment comes back.
func webhookDown(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	savedV := &admissionregistrationv1.ValidatingWebhookConfiguration{}
	savedM := &admissionregistrationv1.MutatingWebhookConfiguration{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Name: validatingWebhook}, savedV)).To(Succeed())
	g.Expect(k8s.Get(ctx, client.ObjectKey{Name: mutatingWebhook}, savedM)).To(Succeed())
	dead := "https://127.0.0.1:1/unreachable"
	v, m := savedV.DeepCopy(), savedM.DeepCopy()
	for i := range v.Webhooks {
		v.Webhooks[i].ClientConfig.URL = &dead
	}
	for i := range m.Webhooks {
		m.Webhooks[i].ClientConfig.URL = &dead
	}
	g.Expect(k8s.Update(ctx, v)).To(Succeed())
	g.Expect(k8s.Update(ctx, m)).To(Succeed())
	defer func() {
		restore(t, savedV)
		restore(t, savedM)
	}()

	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		c := &v1beta1.MultigresCluster{}
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: sampleCluster}, c); err != nil {
			return err
		}
		c.Spec.Cells[0].Spec.MultiGateway.Overrides = &v1beta1.StatelessSpec{Replicas: ptr.To[int32](9)}
		return k8s.Update(ctx, c) // a metadata-only update would pass: the webhooks do not see it
	})
	g.Expect(err).To(HaveOccurred(), "a cluster was admitted with the webhook down")
	g.Expect(err.Error()).To(ContainSubstring("failed calling webhook"))

	gateways := &appsv1.DeploymentList{}
	g.Expect(k8s.List(ctx, gateways, client.InNamespace(ns), client.MatchingLabels{names.LabelComponent: names.ComponentMultiGateway})).To(Succeed())
	g.Expect(gateways.Items).NotTo(BeEmpty())
	gone := gateways.Items[0]
	g.Expect(k8s.Delete(ctx, &gone)).To(Succeed())
	g.Eventually(func() bool {
		d := &appsv1.Deployment{}
		return k8s.Get(ctx, client.ObjectKeyFromObject(&gone), d) == nil && d.UID != gone.UID
	}, time.Minute).Should(BeTrue(), "the operator did not recreate the gateway Deployment")
}

// restore puts a webhook configuration back as it was saved.
func restore(t *testing.T, saved client.Object) {
	g := NewWithT(t)
	ctx := context.Background()
	g.Eventually(func() error {
		current := saved.DeepCopyObject().(client.Object)
		err := k8s.Get(ctx, client.ObjectKeyFromObject(saved), current)
		obj := saved.DeepCopyObject().(client.Object)
		if apierrors.IsNotFound(err) {
			obj.SetResourceVersion("")
			obj.SetUID("")
			return k8s.Create(ctx, obj)
		}
		if err != nil {
			return err
		}
		obj.SetResourceVersion(current.GetResourceVersion())
		return k8s.Update(ctx, obj)
	}, 30*time.Second).Should(Succeed())
}

// Deleting the cluster removes every child through garbage collection; the data claims stay
// (the default retention policy is Retain), and so do the credentials that open them.
func deleteCluster(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	before := claims(t, ns)
	g.Expect(before).NotTo(BeEmpty())
	c := &v1beta1.MultigresCluster{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: sampleCluster}}
	g.Expect(k8s.Delete(ctx, c)).To(Succeed())
	waitTreeGone(t, before)
	g.Expect(k8s.Get(ctx, credentialsKey(), &corev1.Secret{})).To(Succeed(), "the credentials were deleted with the cluster")
}

// waitTreeGone waits until garbage collection has removed the deleted cluster's tree and its
// pods, and checks that the data claims are still those of before.
func waitTreeGone(t *testing.T, before map[string]string) {
	g := NewWithT(t)
	ctx := context.Background()
	g.Eventually(func() map[string]object {
		set := objectSet(t, ns)
		for key := range set {
			if strings.HasPrefix(key, "*v1.PersistentVolumeClaim/") {
				delete(set, key) // claims are data: they follow the retention policy, checked below
			}
		}
		return set
	}, 2*time.Minute, time.Second).Should(BeEmpty(), "children left behind")
	g.Eventually(func() int {
		pods := &corev1.PodList{}
		_ = k8s.List(ctx, pods, client.InNamespace(ns))
		return len(pods.Items)
	}, 2*time.Minute).Should(BeZero())
	g.Expect(claims(t, ns)).To(Equal(before), "data claims were deleted")
}

// A cluster re-created with the same name on its retained claims mounts them (same names and
// UIDs) with the credentials it had (the same Secret): the old data opens with them.
func recreateCluster(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	before := claims(t, ns)
	g.Expect(before).NotTo(BeEmpty())
	kept := &corev1.Secret{}
	g.Expect(k8s.Get(ctx, credentialsKey(), kept)).To(Succeed())

	applySamples(t, ns)
	waitConverged(t, ns, convergeTimeout)
	g.Expect(claims(t, ns)).To(Equal(before), "the claims were not reused")
	for _, p := range poolPods(t) {
		g.Expect(before).To(HaveKey(claimOf(&p)), "pod %s mounts a new claim", p.Name)
		g.Expect(p.Spec.Volumes).To(ContainElement(HaveField("Secret.SecretName", kept.Name)), "pod %s", p.Name)
	}
	secret := &corev1.Secret{}
	g.Expect(k8s.Get(ctx, credentialsKey(), secret)).To(Succeed())
	g.Expect(secret.UID).To(Equal(kept.UID), "the credentials were replaced")
	g.Expect(secret.Data).To(Equal(kept.Data), "the credentials changed")
}

// With the operator down (scaled to zero), the children stay read-only and a spec change is
// refused, while an administrator can still act as docs/operations.md says: pause the cluster
// (the operator, back, leaves it alone until resumed) and delete it, removing its finalizer
// by hand. Garbage collection removes the tree; the data stays; the operator, back, takes the
// gone cluster off its templates' consumers.
func operatorDown(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	key := client.ObjectKey{Namespace: ns, Name: sampleCluster}
	shard := &v1beta1.Shard{}
	g.Expect(k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: anyShard(t)}, shard)).To(Succeed())
	want := shard.Spec.Images.Postgres

	operator.Stop()
	refuseShardEdit(t, shard)
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		c := &v1beta1.MultigresCluster{}
		if err := k8s.Get(ctx, key, c); err != nil {
			return err
		}
		c.Spec.Cells[0].Spec.MultiGateway.Overrides = &v1beta1.StatelessSpec{Replicas: ptr.To[int32](9)}
		return k8s.Update(ctx, c)
	})
	g.Expect(err).To(MatchError(ContainSubstring("failed calling webhook")), "a spec change was admitted unchecked")
	kubectl(t, "annotate", "multigresclusters.v1beta1.multigres.com", sampleCluster, v1beta1.AnnotationPaused+"=true")

	// Back, the operator leaves the paused cluster alone: a break-glass edit stays.
	g.Expect(operator.Start(ctx)).To(Succeed())
	g.Eventually(func() *metav1.Condition {
		c := &v1beta1.MultigresCluster{}
		_ = k8s.Get(ctx, key, c)
		return meta.FindStatusCondition(c.Status.Conditions, v1beta1.ConditionPaused)
	}, time.Minute).ShouldNot(BeNil())
	breakGlassShardEdit(t, shard)
	g.Consistently(func() string {
		_ = k8s.Get(ctx, client.ObjectKeyFromObject(shard), shard)
		return shard.Spec.Images.Postgres
	}, 5*time.Second).Should(Equal("postgres:hand-edited"), "the operator reconciled a paused cluster")
	kubectl(t, "annotate", "multigresclusters.v1beta1.multigres.com", sampleCluster, v1beta1.AnnotationPaused+"-")
	g.Eventually(func() string {
		_ = k8s.Get(ctx, client.ObjectKeyFromObject(shard), shard)
		return shard.Spec.Images.Postgres
	}, time.Minute).Should(Equal(want), "the operator did not resume")

	// Deleted while the operator is down, the cluster waits for its finalizer; removed by hand.
	claimsBefore := claims(t, ns)
	operator.Stop()
	g.Expect(k8s.Delete(ctx, &v1beta1.MultigresCluster{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: sampleCluster}})).To(Succeed())
	c := &v1beta1.MultigresCluster{}
	g.Expect(k8s.Get(ctx, key, c)).To(Succeed())
	g.Expect(c.Finalizers).To(ContainElement("multigres.com/cluster-cleanup"))
	kubectl(t, "patch", "multigresclusters.v1beta1.multigres.com", sampleCluster, "--type=json",
		"-p", `[{"op":"remove","path":"/metadata/finalizers"}]`)
	waitTreeGone(t, claimsBefore)

	g.Expect(operator.Start(ctx)).To(Succeed())
	g.Eventually(func(g Gomega) {
		templates := &v1beta1.DeploymentTemplateList{}
		g.Expect(k8s.List(ctx, templates, client.InNamespace(ns))).To(Succeed())
		for _, tmpl := range templates.Items {
			g.Expect(tmpl.Status.Consumers).To(BeEmpty(), "template %s", tmpl.Name)
			g.Expect(tmpl.Finalizers).To(BeEmpty(), "template %s", tmpl.Name)
		}
	}, time.Minute).Should(Succeed())
}

// kubectl runs kubectl as the cluster admin in the test's namespace, as the docs show it.
func kubectl(t *testing.T, args ...string) {
	cmd := exec.Command(filepath.Join(os.Getenv("KUBEBUILDER_ASSETS"), "kubectl"),
		append([]string{"--kubeconfig", cluster.Kubeconfig, "-n", ns}, args...)...)
	out, err := cmd.CombinedOutput()
	NewWithT(t).Expect(err).NotTo(HaveOccurred(), "kubectl %s:\n%s", strings.Join(args, " "), out)
}

func credentialsKey() client.ObjectKey {
	return client.ObjectKey{Namespace: ns, Name: names.PostgresCredentials(sampleCluster)}
}

func poolPods(t *testing.T) []corev1.Pod {
	return listPods(t, client.MatchingLabels{names.LabelComponent: names.ComponentShardPool})
}

func poolPodsOf(t *testing.T, tableGroup string) []corev1.Pod {
	return listPods(t, client.MatchingLabels{names.LabelComponent: names.ComponentShardPool, v1beta1.LabelTableGroup: tableGroup})
}

func poolPodsOn(t *testing.T, node string) []corev1.Pod {
	var on []corev1.Pod
	for _, p := range poolPods(t) {
		if p.Spec.NodeName == node && p.DeletionTimestamp == nil {
			on = append(on, p)
		}
	}
	return on
}

func listPods(t *testing.T, selector client.MatchingLabels) []corev1.Pod {
	t.Helper()
	pods := &corev1.PodList{}
	NewWithT(t).Expect(k8s.List(context.Background(), pods, client.InNamespace(ns), selector)).To(Succeed())
	NewWithT(t).Expect(pods.Items).NotTo(BeEmpty())
	return pods.Items
}

func claimOf(p *corev1.Pod) string {
	for _, v := range p.Spec.Volumes {
		if v.PersistentVolumeClaim != nil {
			return v.PersistentVolumeClaim.ClaimName
		}
	}
	return ""
}

func anyShard(t *testing.T) string {
	shards := &v1beta1.ShardList{}
	NewWithT(t).Expect(k8s.List(context.Background(), shards, client.InNamespace(ns))).To(Succeed())
	NewWithT(t).Expect(shards.Items).NotTo(BeEmpty())
	return shards.Items[0].Name
}
