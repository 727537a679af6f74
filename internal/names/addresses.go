package names

import (
	"strconv"
	"strings"
)

// Addresses stop at ".svc": every pod's DNS search path completes them with the cluster's
// domain, whatever that domain is. A Service's host is fully qualified up to there so that
// clients in other namespaces reach it too.

// ServiceHost is the DNS name of a Service.
func ServiceHost(service, namespace string) string { return service + "." + namespace + ".svc" }

// PodHost is the DNS name of a pod through the headless Service that governs it.
func PodHost(pod, service, namespace string) string {
	return pod + "." + ServiceHost(service, namespace)
}

// SplitPodHost reads a PodHost back: the pod, Service and namespace of host, which may go on
// past ".svc" with the cluster's domain.
func SplitPodHost(host string) (pod, service, namespace string, ok bool) {
	parts := strings.Split(host, ".")
	if len(parts) < 4 || parts[3] != "svc" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// ServiceAddress is host:port of a Service as pods reach it.
func ServiceAddress(service, namespace string, port int32) string {
	return ServiceHost(service, namespace) + ":" + strconv.Itoa(int(port))
}

// TopoClientAddress is the address of a managed etcd through its client Service.
func TopoClientAddress(clientService, namespace string) string {
	return ServiceAddress(clientService, namespace, EtcdClientPort)
}

// LocalAddress is port on the pod's own network namespace, where its containers reach
// each other.
func LocalAddress(port int32) string { return "localhost:" + strconv.Itoa(int(port)) }
