// Package v1beta1 is the multigres.com/v1beta1 API: the design document's API with its
// alternatives made explicit. It is the conversion hub and the storage version; older versions
// convert through it (see docs/api-evolution.md for every change from v1alpha1 and why).
//
// +kubebuilder:object:generate=true
// +groupName=multigres.com
package v1beta1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the group and version of every kind in this package.
	GroupVersion = schema.GroupVersion{Group: "multigres.com", Version: "v1beta1"}

	// SchemeBuilder registers the kinds of this package with a runtime.Scheme.
	SchemeBuilder = runtime.NewSchemeBuilder(func(s *runtime.Scheme) error {
		metav1.AddToGroupVersion(s, GroupVersion)
		return nil
	})

	// AddToScheme adds the kinds of this package to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// register adds objects to SchemeBuilder as kinds of GroupVersion.
func register(objects ...runtime.Object) {
	SchemeBuilder.Register(func(s *runtime.Scheme) error {
		s.AddKnownTypes(GroupVersion, objects...)
		return nil
	})
}

// ConversionDataAnnotation holds, as JSON, what an object's version cannot express of the
// version it was converted from, so that converting back loses nothing (Cluster API's
// conversion-data pattern). Conversion writes it and consumes it; nobody else should.
const ConversionDataAnnotation = "multigres.com/conversion-data"
