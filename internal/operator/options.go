package operator

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/names"
)

// ManagedKinds are the built-in kinds the operator creates. Its cache holds only the ones
// labelled app.kubernetes.io/managed-by=multigres-operator: a big cluster has thousands of
// unrelated Pods, Secrets and ConfigMaps, and watching them all would cost memory and API
// server load for nothing. An object of these kinds without the label is invisible to the
// operator's cached client; read it with the manager's API reader.
func ManagedKinds() []client.Object {
	return []client.Object{
		&corev1.Pod{}, &corev1.Service{}, &corev1.Secret{}, &corev1.ConfigMap{},
		&corev1.PersistentVolumeClaim{}, &appsv1.StatefulSet{}, &appsv1.Deployment{},
		&policyv1.PodDisruptionBudget{}, &batchv1.Job{},
	}
}

// ManagerOptions completes opts with what every run of the operator needs: the scheme (when
// unset) and the label-filtered cache that keeps no managedFields. main.go and hack/run pass
// their own options through it.
func ManagerOptions(opts ctrl.Options) ctrl.Options {
	if opts.Scheme == nil {
		opts.Scheme = NewScheme()
	}
	managed := labels.SelectorFromSet(names.ManagedLabels())
	if opts.Cache.ByObject == nil {
		opts.Cache.ByObject = map[client.Object]cache.ByObject{}
	}
	for _, obj := range ManagedKinds() {
		opts.Cache.ByObject[obj] = cache.ByObject{Label: managed}
	}
	// No reconcile reads managedFields (drift is judged by the applied-spec annotation,
	// internal/controllers/children), and they are often the bulk of a cached object.
	if opts.Cache.DefaultTransform == nil {
		opts.Cache.DefaultTransform = cache.TransformStripManagedFields()
	}
	return opts
}
