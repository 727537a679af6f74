//go:build tools

// Package controlplane pins the oldest Kubernetes the operator supports (README): the
// kube-apiserver and kubectl `make test-oldest` runs the API server suites against.
package controlplane

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
