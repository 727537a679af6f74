package podrun

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// hostsFile answers what cluster DNS would: a pod with a hostname and subdomain by
// <hostname>.<subdomain>.<namespace>.svc.<domain>, a Service by <name>.<namespace>.svc.<domain>
// (with no kube-proxy, a Service name stands for its pods' IPs), and the shorter names a
// pod's search path would complete.
func hostsFile(pods []corev1.Pod, services []corev1.Service, domain string) string {
	var b strings.Builder
	b.WriteString("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
	line := func(ip string, names ...string) { fmt.Fprintf(&b, "%s\t%s\n", ip, strings.Join(names, " ")) }
	for _, p := range pods {
		if p.Status.PodIP == "" {
			continue
		}
		names := []string{p.Name}
		if p.Spec.Hostname != "" && p.Spec.Subdomain != "" {
			names = append(searchNames(p.Spec.Hostname+"."+p.Spec.Subdomain, p.Namespace, domain), p.Spec.Hostname)
		}
		line(p.Status.PodIP, names...)
	}
	for _, s := range services {
		if len(s.Spec.Selector) == 0 {
			continue
		}
		selector := labels.SelectorFromSet(s.Spec.Selector)
		for _, p := range pods {
			if p.Namespace == s.Namespace && p.Status.PodIP != "" && selector.Matches(labels.Set(p.Labels)) {
				line(p.Status.PodIP, searchNames(s.Name, s.Namespace, domain)...)
			}
		}
	}
	return b.String()
}

// searchNames are name's fully qualified form and what a pod's DNS search path completes.
func searchNames(name, namespace, domain string) []string {
	return []string{
		name + "." + namespace + ".svc." + domain,
		name + "." + namespace + ".svc",
		name + "." + namespace,
		name,
	}
}
