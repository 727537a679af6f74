package validation

import (
	"testing"

	"github.com/multigres/multigres-operator/internal/limits"
)

func TestEtcdSizes(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		want       []string
	}{
		{"three members", `globalTopoServer: {managed: {spec: {replicas: 3}}}`, nil},
		{"external", `globalTopoServer: {external: {address: x}}`, nil},
		{"one member", `globalTopoServer: {managed: {spec: {replicas: 1}}}`,
			[]string{`spec.globalTopoServer: an etcd cluster of 1 member(s) survives no member's loss, and gets no PodDisruptionBudget`}},
		{"even, in a cell", `cells: [{name: z, spec: {topoServer: {managed: {spec: {replicas: 4}}}}}]`,
			[]string{`cell z topoServer: an etcd cluster of 4 members tolerates no more failures than one of 3; use an odd number`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cluster(t, tc.spec)
			expectWarnings(t, etcdSizes(c, resolved(t, c, nil)), tc.want)
		})
	}
}

func TestUnsupportedWarnings(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		want       []string
	}{
		{"served", `images: {postgres: "ghcr.io/multigres/pgctld:main"}`, nil},
		{"more than the images serve", `databases: [{name: d, spec: {tablegroups: [{name: default, partitioning: {shards: 2}}]}}]`,
			[]string{`spec.databases[0].name: "d"`, `spec.databases[0].spec.tablegroups[0].partitioning.shards: 2`}},
		{"not a pgctld image", `images: {postgres: "postgres:17"}`,
			[]string{`spec.images.postgres: "postgres:17": not a pgctld image`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			expectWarnings(t, UnsupportedWarnings(cluster(t, tc.spec), limits.Default), tc.want)
		})
	}
}
