package components

import (
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// Image is a container image and how to pull it.
type Image struct {
	Name       string
	PullPolicy corev1.PullPolicy
}

// resources dereferences optional resources.
func resources(r *corev1.ResourceRequirements) corev1.ResourceRequirements {
	if r == nil {
		return corev1.ResourceRequirements{}
	}
	return *r.DeepCopy()
}

func containerPort(name string, port int32) corev1.ContainerPort {
	return corev1.ContainerPort{Name: name, ContainerPort: port, Protocol: corev1.ProtocolTCP}
}

func env(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }

// fieldEnv exposes a pod field (metadata.name, status.podIP, ...) to the container; other
// variables and flags refer to it as $(NAME).
func fieldEnv(name, path string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{
		FieldRef: &corev1.ObjectFieldSelector{FieldPath: path},
	}}
}

// Environment variables from the downward API.
const (
	EnvPodName  = "POD_NAME"
	EnvPodIP    = "POD_IP"
	EnvPodIndex = "POD_INDEX"
)

func podNameEnv() corev1.EnvVar { return fieldEnv(EnvPodName, "metadata.name") }

// podIndexEnv is a StatefulSet pod's ordinal, from the label the StatefulSet controller sets.
func podIndexEnv() corev1.EnvVar {
	return fieldEnv(EnvPodIndex, "metadata.labels['"+appsv1.PodIndexLabel+"']")
}

func podIPEnv() corev1.EnvVar { return fieldEnv(EnvPodIP, "status.podIP") }

func flag(name, value string) string { return "--" + name + "=" + value }

func itoa(i int32) string { return strconv.Itoa(int(i)) }
