package children

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func deployment() *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "d", Labels: map[string]string{"a": "1"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "multigres.com/v1alpha1", Kind: "Cell", Name: "c", UID: "u1", Controller: ptr.To(true)}}},
		Spec: appsv1.DeploymentSpec{Replicas: ptr.To[int32](2), Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "x", Image: "img:1", Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("0.5")}}}},
		}}},
	}
}

func TestUpToDate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(observed *appsv1.Deployment)
		want bool
	}{
		{"identical", func(*appsv1.Deployment) {}, true},
		{"server defaults and status", func(o *appsv1.Deployment) {
			o.Spec.RevisionHistoryLimit = ptr.To[int32](10)
			o.Spec.Template.Spec.TerminationGracePeriodSeconds = ptr.To[int64](30)
			o.Spec.Template.Spec.Containers[0].TerminationMessagePath = "/dev/termination-log"
			o.Status.Replicas = 7
			o.ResourceVersion, o.Generation = "42", 3
		}, true},
		{"quantity written another way", func(o *appsv1.Deployment) {
			o.Spec.Template.Spec.Containers[0].Resources.Requests[corev1.ResourceCPU] = resource.MustParse("500m")
		}, true},
		{"someone else's label", func(o *appsv1.Deployment) { o.Labels["team"] = "db" }, true},
		{"another owner besides", func(o *appsv1.Deployment) {
			o.OwnerReferences = append([]metav1.OwnerReference{{Kind: "Other", Name: "o", UID: "u2"}}, o.OwnerReferences...)
		}, true},
		{"hand-edited image", func(o *appsv1.Deployment) { o.Spec.Template.Spec.Containers[0].Image = "img:2" }, false},
		{"hand-edited replicas", func(o *appsv1.Deployment) { o.Spec.Replicas = ptr.To[int32](0) }, false},
		{"our label changed", func(o *appsv1.Deployment) { o.Labels["a"] = "2" }, false},
		{"owner reference gone", func(o *appsv1.Deployment) { o.OwnerReferences = nil }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			observed := deployment()
			tc.edit(observed)
			if got := UpToDate(deployment(), observed); got != tc.want {
				t.Errorf("UpToDate = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDropNulls(t *testing.T) {
	in := map[string]any{"a": nil, "b": map[string]any{"c": nil, "emptyDir": map[string]any{}}, "l": []any{map[string]any{"d": nil}}}
	out := dropNulls(in).(map[string]any)
	if _, ok := out["a"]; ok {
		t.Error("top-level null kept")
	}
	b := out["b"].(map[string]any)
	if _, ok := b["c"]; ok {
		t.Error("nested null kept")
	}
	if _, ok := b["emptyDir"]; !ok {
		t.Error("an empty object was dropped")
	}
	if len(out["l"].([]any)[0].(map[string]any)) != 0 {
		t.Error("null in a list item kept")
	}
}

// full sets every field the removal cases take away.
func full() *appsv1.Deployment {
	d := deployment()
	pod := &d.Spec.Template.Spec
	pod.Containers[0].Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}
	pod.Containers[0].Env = []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}}
	pod.Containers[0].Args = []string{"--x", "--y"}
	pod.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{}}
	pod.Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpExists}}
	pod.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "registry"}}
	pod.NodeSelector = map[string]string{"disk": "ssd", "zone": "a"}
	return d
}

// A field the desired object no longer sets is a change, though what remains is a subset of
// what the API server holds (where defaults fill the same places).
func TestRemovalsAreSeen(t *testing.T) {
	stamped := func(d *appsv1.Deployment) *appsv1.Deployment {
		if err := StampApplied(d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	applied := stamped(full())
	if !UpToDate(stamped(full()), applied) {
		t.Fatal("the same desired object is not up to date")
	}
	for name, remove := range map[string]func(*corev1.PodSpec){
		"a CPU limit":            func(p *corev1.PodSpec) { p.Containers[0].Resources.Limits = nil },
		"the affinity":           func(p *corev1.PodSpec) { p.Affinity = nil },
		"the tolerations":        func(p *corev1.PodSpec) { p.Tolerations = nil },
		"the image pull secrets": func(p *corev1.PodSpec) { p.ImagePullSecrets = nil },
		"a node selector key":    func(p *corev1.PodSpec) { delete(p.NodeSelector, "zone") },
		"a trailing env var":     func(p *corev1.PodSpec) { p.Containers[0].Env = p.Containers[0].Env[:1] },
		"a trailing argument":    func(p *corev1.PodSpec) { p.Containers[0].Args = p.Containers[0].Args[:1] },
	} {
		t.Run(name, func(t *testing.T) {
			desired := full()
			remove(&desired.Spec.Template.Spec)
			if UpToDate(stamped(desired), applied) {
				t.Errorf("removing %s counts as up to date: nothing would be written", name)
			}
		})
	}
}
