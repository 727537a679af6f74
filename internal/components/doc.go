// Package components holds one pure builder per Multigres program (etcd, pgctld/postgres,
// multipooler, multiorch, multigateway, multiadmin and the multigres CLI) plus the pod and
// workload pieces they share. It is the single place where flags, paths, probes, environment
// variables and security contexts live (docs: multigres-components.md), so a change upstream
// is a change here; the port numbers and names are internal/names constants, because
// Services, addresses and tests use them too. Nothing in this package talks to the API server.
package components
