package operator

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
)

// The cache keeps no managedFields: nothing reads them, and they are much of an object's size.
func TestCacheDropsManagedFields(t *testing.T) {
	opts := ManagerOptions(ctrl.Options{})
	obj := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "s",
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "multigres-operator", Operation: metav1.ManagedFieldsOperationApply}}}}
	out, err := opts.Cache.DefaultTransform(obj)
	if err != nil {
		t.Fatal(err)
	}
	if mf := out.(*appsv1.StatefulSet).ManagedFields; mf != nil {
		t.Fatalf("the cache keeps managedFields: %v", mf)
	}
}
