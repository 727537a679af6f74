package components

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// httpProbe checks path on the named port. Every timing is set explicitly: the API server
// would default the zero ones, and the operator compares what it wants with what is stored.
func httpProbe(path, port string, period, failures int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{
			Path: path, Port: intstr.FromString(port), Scheme: corev1.URISchemeHTTP,
		}},
		TimeoutSeconds:   5,
		PeriodSeconds:    period,
		SuccessThreshold: 1,
		FailureThreshold: failures,
	}
}

// liveness restarts a container whose process stopped answering for 60 seconds.
func liveness(path, port string) *corev1.Probe { return httpProbe(path, port, 10, 6) }

// readiness takes a container out of its Services after 15 seconds of failed checks.
func readiness(path, port string) *corev1.Probe { return httpProbe(path, port, 5, 3) }

// startup allows a minute for a program to come up before liveness probes begin.
func startup(path, port string) *corev1.Probe { return httpProbe(path, port, 2, 30) }
