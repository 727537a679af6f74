package components

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

func metaWithLabels(labels map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Labels: labels}
}

func objectMeta(name, namespace string, labels map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels}
}

// Deployment runs a stateless component.
func Deployment(name, namespace string, labels, selector map[string]string, replicas *int32, template corev1.PodTemplateSpec) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: objectMeta(name, namespace, labels),
		Spec: appsv1.DeploymentSpec{
			Replicas: replicas,
			Selector: &metav1.LabelSelector{MatchLabels: selector},
			Template: template,
		},
	}
}

// StatefulSet runs pods with one data volume each.
type StatefulSet struct {
	Name, Namespace string
	Labels          map[string]string
	Selector        map[string]string
	// Service is the headless Service that names the pods.
	Service   string
	Replicas  int32
	Template  corev1.PodTemplateSpec
	DataClaim corev1.PersistentVolumeClaimSpec
	Retention *v1beta1.VolumeRetentionPolicy
	// OnDelete leaves replacing pods for a new template to the operator (a pool's primary goes
	// last); otherwise the StatefulSet rolls them itself.
	OnDelete bool
}

// BuildStatefulSet starts all pods at once (Parallel): etcd members must find each other to
// bootstrap, and a pool's pods wait for multiorch, not for each other. The data claim
// template carries the labels, so the claims are in the operator's cache.
func BuildStatefulSet(s StatefulSet) *appsv1.StatefulSet {
	var strategy appsv1.StatefulSetUpdateStrategy
	if s.OnDelete {
		strategy.Type = appsv1.OnDeleteStatefulSetStrategyType
	}
	return &appsv1.StatefulSet{
		ObjectMeta: objectMeta(s.Name, s.Namespace, s.Labels),
		Spec: appsv1.StatefulSetSpec{
			Replicas:            ptr.To(s.Replicas),
			Selector:            &metav1.LabelSelector{MatchLabels: s.Selector},
			ServiceName:         s.Service,
			PodManagementPolicy: appsv1.ParallelPodManagement,
			UpdateStrategy:      strategy,
			Template:            s.Template,
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{{
				ObjectMeta: metav1.ObjectMeta{Name: DataVolume, Labels: s.Labels},
				Spec:       *s.DataClaim.DeepCopy(),
			}},
			PersistentVolumeClaimRetentionPolicy: RetentionPolicy(s.Retention),
		},
	}
}

// RetentionPolicy maps the API's policy to the StatefulSet's; anything unset is Retain.
func RetentionPolicy(p *v1beta1.VolumeRetentionPolicy) *appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy {
	out := &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
		WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
		WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
	}
	if p != nil && p.WhenDeleted == v1beta1.DeleteVolume {
		out.WhenDeleted = appsv1.DeletePersistentVolumeClaimRetentionPolicyType
	}
	if p != nil && p.WhenScaled == v1beta1.DeleteVolume {
		out.WhenScaled = appsv1.DeletePersistentVolumeClaimRetentionPolicyType
	}
	return out
}

// PodDisruptionBudget lets at most maxUnavailable of the selected pods be evicted at once.
func PodDisruptionBudget(name, namespace string, labels, selector map[string]string, maxUnavailable int32) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: objectMeta(name, namespace, labels),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: ptr.To(intstr.FromInt32(maxUnavailable)),
			Selector:       &metav1.LabelSelector{MatchLabels: selector},
		},
	}
}

// Service is a ClusterIP Service in front of the selected pods.
func Service(name, namespace string, labels, selector map[string]string, ports ...corev1.ServicePort) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: objectMeta(name, namespace, labels),
		Spec:       corev1.ServiceSpec{Selector: selector, Ports: ports},
	}
}

// HeadlessService gives each selected pod a DNS name, ready or not: peers must find each
// other before any of them is ready.
func HeadlessService(name, namespace string, labels, selector map[string]string, ports ...corev1.ServicePort) *corev1.Service {
	s := Service(name, namespace, labels, selector, ports...)
	s.Spec.ClusterIP = corev1.ClusterIPNone
	s.Spec.PublishNotReadyAddresses = true
	return s
}

// ServicePort forwards port to the container port of the same name.
func ServicePort(name string, port int32) corev1.ServicePort {
	return corev1.ServicePort{Name: name, Port: port, TargetPort: intstr.FromString(name), Protocol: corev1.ProtocolTCP}
}
