package components

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// Pod is what every pod the operator builds has in common.
type Pod struct {
	Labels map[string]string
	User   User
	// InitContainers run before Containers; one with restartPolicy Always is a sidecar.
	InitContainers []corev1.Container
	Containers     []corev1.Container
	Volumes        []corev1.Volume
	Affinity       *corev1.Affinity
	PullSecrets    []corev1.LocalObjectReference
	// RestartPolicy is empty (Always) except for Jobs.
	RestartPolicy corev1.RestartPolicy
}

// PodTemplate builds the pod: restricted security context, no service account token and no
// Service environment variables (no Multigres program talks to the Kubernetes API or needs
// them, and thousands of Services would bloat every container's environment).
func PodTemplate(p Pod) corev1.PodTemplateSpec {
	var affinity *corev1.Affinity
	if p.Affinity != nil {
		affinity = p.Affinity.DeepCopy()
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metaWithLabels(p.Labels),
		Spec: corev1.PodSpec{
			InitContainers:               p.InitContainers,
			Containers:                   p.Containers,
			Volumes:                      p.Volumes,
			Affinity:                     affinity,
			ImagePullSecrets:             append([]corev1.LocalObjectReference(nil), p.PullSecrets...),
			SecurityContext:              PodSecurityContext(p.User),
			AutomountServiceAccountToken: ptr.To(false),
			EnableServiceLinks:           ptr.To(false),
			RestartPolicy:                p.RestartPolicy,
		},
	}
}
