package api

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	. "github.com/onsi/gomega"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/internal/testenv"
	"github.com/multigres/multigres-operator/test/kubetest"
)

// The API server itself refuses these, schema or CEL, with the offending field named, even
// when the operator's webhooks are not installed.
func TestSchemaRejectsInvalidObjects(t *testing.T) {
	ns := kubetest.Namespace(t, k8s, "schema")
	cases := []struct {
		name string
		yaml string
		want []string // every string must appear in the error
	}{{
		name: "pool type primary",
		yaml: `
kind: MultigresCluster
spec:
  databases:
  - name: db
    spec:
      tablegroups:
      - name: tg
        shardTemplate:
          pools:
          - {type: primary, cell: c1}`,
		want: []string{`spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].type`, `Unsupported value: "primary"`, `"replica"`, `"readOnly"`},
	}, {
		name: "zero shards",
		yaml: `
kind: MultigresCluster
spec:
  databases:
  - name: db
    spec:
      tablegroups:
      - name: tg
        partitioning: {shards: 0}`,
		want: []string{`spec.databases[0].spec.tablegroups[0].partitioning.shards`, `greater than or equal to 1`},
	}, {
		name: "negative pool replicas",
		yaml: `
kind: MultigresCluster
spec:
  databases:
  - name: db
    spec:
      tablegroups:
      - name: tg
        shardTemplate:
          pools:
          - {type: replica, cell: c1, replicas: -1}`,
		want: []string{`spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].replicas`, `greater than or equal to 0`},
	}, {
		name: "negative gateway replicas",
		yaml: `
kind: MultigresCluster
spec:
  cells:
  - name: c1
    spec:
      multigateway: {replicas: -2}`,
		want: []string{`spec.cells[0].spec.multigateway.replicas`, `greater than or equal to 0`},
	}, {
		name: "malformed quantity",
		yaml: `
kind: MultigresCluster
spec:
  databases:
  - name: db
    spec:
      tablegroups:
      - name: tg
        shardTemplate:
          pools:
          - type: replica
            cell: c1
            dataVolumeClaimTemplate:
              resources:
                requests: {storage: lots}`,
		want: []string{`spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0].dataVolumeClaimTemplate.resources.requests.storage`},
	}, {
		name: "unknown field under strict validation",
		yaml: `
kind: MultigresCluster
spec:
  cells:
  - name: c1
    spec:
      multigatway: {replicas: 2}`,
		want: []string{`unknown field "spec.cells[0].spec.multigatway"`},
	}, {
		name: "bad pull policy",
		yaml: `
kind: MultigresCluster
spec:
  images: {imagePullPolicy: Sometimes}`,
		want: []string{`spec.images.imagePullPolicy`, `Unsupported value: "Sometimes"`, `"IfNotPresent"`},
	}, {
		name: "global topo server both external and template",
		yaml: `
kind: MultigresCluster
spec:
  globalTopoServer:
    deploymentTemplate: standard-ha
    external: {address: "etcd:2379"}`,
		want: []string{`spec.globalTopoServer`, `exactly one of deploymentTemplate, managedSpec or external must be set`},
	}, {
		name: "cell topo server with only a root path",
		yaml: `
kind: MultigresCluster
spec:
  cells:
  - name: c1
    spec:
      topoServer: {rootPath: /multigres/c1}`,
		want: []string{`spec.cells[0].spec.topoServer`, `exactly one of deploymentTemplate, managedSpec or external must be set`},
	}, {
		name: "overrides without a template",
		yaml: `
kind: MultigresCluster
spec:
  multiadmin:
    overrides: {replicas: 2}`,
		want: []string{`spec.multiadmin`, `overrides need a deploymentTemplate`},
	}, {
		name: "template and inline fields together",
		yaml: `
kind: MultigresCluster
spec:
  cells:
  - name: c1
    spec:
      multiorch: {deploymentTemplate: standard-ha, replicas: 3}`,
		want: []string{`spec.cells[0].spec.multiorch`, `set either deploymentTemplate (with overrides) or the inline fields`},
	}, {
		name: "pool with template and inline fields",
		yaml: `
kind: MultigresCluster
spec:
  databases:
  - name: db
    spec:
      tablegroups:
      - name: tg
        shardTemplate:
          pools:
          - {type: replica, cell: c1, deploymentTemplate: default-ha, replicas: 3}`,
		want: []string{`spec.databases[0].spec.tablegroups[0].shardTemplate.pools[0]`, `set either deploymentTemplate (with overrides) or the inline fields`},
	}, {
		name: "duplicate cell names",
		yaml: `
kind: MultigresCluster
spec:
  cells:
  - name: c1
  - name: c1`,
		want: []string{`spec.cells[1]`, `Duplicate value`},
	}, {
		name: "etcd with zero members",
		yaml: `
kind: MultigresCluster
spec:
  globalTopoServer:
    managedSpec: {replicas: 0}`,
		want: []string{`spec.globalTopoServer.managedSpec.replicas`, `greater than or equal to 1`},
	}, {
		name: "template without any section",
		yaml: `
kind: DeploymentTemplate
spec: {}`,
		want: []string{`spec`, `needs at least one of shardPool, multiorch, multigateway, multiadmin or managedTopoServer`},
	}, {
		name: "template shard pool with negative replicas",
		yaml: `
kind: DeploymentTemplate
spec:
  shardPool: {replicas: -3}`,
		want: []string{`spec.shardPool.replicas`, `greater than or equal to 0`},
	}}

	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			obj := &unstructured.Unstructured{}
			g.Expect(yaml.Unmarshal([]byte(tc.yaml), &obj.Object)).To(Succeed())
			obj.SetAPIVersion("multigres.com/v1alpha1")
			obj.SetNamespace(ns)
			obj.SetName("invalid-" + string(rune('a'+i)))

			err := k8s.Create(context.Background(), obj, client.FieldValidation(metav1.FieldValidationStrict))
			g.Expect(err).To(HaveOccurred(), "the API server accepted %s", tc.name)
			g.Expect(apierrors.IsInvalid(err) || apierrors.IsBadRequest(err)).To(BeTrue(), "unexpected error kind: %v", err)
			t.Log(err)
			for _, w := range tc.want {
				g.Expect(err.Error()).To(ContainSubstring(w))
			}
		})
	}
}

// Every field of the v1beta1 API has a description, so `kubectl explain` says something for
// each: a field without a Go doc comment (one whose type has none either) fails here, named
// by its path. The root metadata is exempt: controller-gen never describes it. The test reads
// the generated CRDs only; it needs no API server.
func TestCRDFieldDescriptions(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "config", "crd", "bases", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no CRDs in config/crd/bases; run make manifests")
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := yaml.Unmarshal(raw, crd); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		found := false
		for _, v := range crd.Spec.Versions {
			if v.Name != "v1beta1" {
				continue
			}
			found = true
			if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				t.Errorf("%s v1beta1: no schema", crd.Spec.Names.Kind)
				continue
			}
			for _, path := range undescribed(v.Schema.OpenAPIV3Schema, "", true) {
				t.Errorf("%s v1beta1: %s has no description", crd.Spec.Names.Kind, path)
			}
		}
		if !found {
			t.Errorf("%s: no v1beta1 version", crd.Spec.Names.Kind)
		}
	}
}

// undescribed lists the paths of the properties under s, at any depth (through properties,
// array items and map values), that have no description. root skips the root's metadata.
func undescribed(s *apiextensionsv1.JSONSchemaProps, path string, root bool) []string {
	var out []string
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if root && name == "metadata" {
			continue
		}
		prop := s.Properties[name]
		p := path + "." + name
		if prop.Description == "" {
			out = append(out, p)
		}
		out = append(out, undescribed(&prop, p, false)...)
	}
	if s.Items != nil {
		if s.Items.Schema != nil {
			out = append(out, undescribed(s.Items.Schema, path+"[]", false)...)
		}
		for i := range s.Items.JSONSchemas {
			out = append(out, undescribed(&s.Items.JSONSchemas[i], path+"[]", false)...)
		}
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		out = append(out, undescribed(s.AdditionalProperties.Schema, path+"{}", false)...)
	}
	return out
}
