package webhooks

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/resolve"
	"github.com/multigres/multigres-operator/internal/validation"
)

// fuzzInput is what one fuzz case decodes to: an old and a new cluster and some templates.
type fuzzInput struct {
	Old       v1beta1.MultigresCluster     `json:"old"`
	New       v1beta1.MultigresCluster     `json:"new"`
	Templates []v1beta1.DeploymentTemplate `json:"templates"`
}

// FuzzValidators shows the defaulters and validators never panic on arbitrary specs and give
// the same answer twice.
func FuzzValidators(f *testing.F) {
	f.Add(sampleInput(f))
	f.Add([]byte(`{"new":{"spec":{"cells":[{"name":"a","spec":{"topoServer":{}}}],"databases":[{"name":"d","spec":{"tablegroups":[{"name":"t","shardTemplate":{"pools":[{"type":"replica","cell":"b","overrides":{}}]}}]}}]}}}`))
	// v1beta1's shape (managed.spec): a seed in v1alpha1's (managedSpec) decodes to nothing and
	// never reaches the update rules.
	f.Add([]byte(`{"old":{"spec":{"globalTopoServer":{"managed":{"spec":{"replicas":3}}}}},"new":{"spec":{"globalTopoServer":{"managed":{"spec":{"replicas":-1,"rootPath":"x//"}}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in fuzzInput
		if json.Unmarshal(data, &in) != nil {
			return
		}
		templates := resolve.Templates{}
		for i := range in.Templates {
			resolve.DefaultTemplate(&in.Templates[i])
			_ = validation.CheckTemplate(&in.Templates[i])
			templates[in.Templates[i].Name] = &in.Templates[i]
		}
		resolve.DefaultCluster(&in.New)
		oldRes, _, _ := validation.CheckCluster(&in.Old, templates)
		res, errs, warnings := validation.CheckCluster(&in.New, templates)
		updateErrs := validation.CheckClusterUpdate(&in.Old, &in.New, oldRes, res)

		res2, errs2, warnings2 := validation.CheckCluster(&in.New, templates)
		if !reflect.DeepEqual(errs.ToAggregate(), errs2.ToAggregate()) || !reflect.DeepEqual(warnings, warnings2) || (res == nil) != (res2 == nil) {
			t.Fatalf("validation is not deterministic:\n%v\n%v", errs, errs2)
		}
		if !reflect.DeepEqual(updateErrs, validation.CheckClusterUpdate(&in.Old, &in.New, oldRes, res)) {
			t.Fatal("update validation is not deterministic")
		}
		_ = validation.CheckTemplateDeletion("t", []v1beta1.MultigresCluster{in.Old, in.New})
	})
}

// sampleInput is the design document's example as a fuzz seed.
func sampleInput(f *testing.F) []byte {
	files, err := filepath.Glob("../../config/samples/multigres_v1beta1_*.yaml")
	if err != nil || len(files) == 0 {
		f.Fatalf("no samples: %v", err)
	}
	var in fuzzInput
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var kind struct{ Kind string }
		if err := yaml.Unmarshal(data, &kind); err != nil {
			f.Fatal(err)
		}
		switch kind.Kind {
		case "MultigresCluster":
			if err := yaml.Unmarshal(data, &in.New); err != nil {
				f.Fatal(err)
			}
			in.Old = *in.New.DeepCopy()
		case "DeploymentTemplate":
			var t v1beta1.DeploymentTemplate
			if err := yaml.Unmarshal(data, &t); err != nil {
				f.Fatal(err)
			}
			in.Templates = append(in.Templates, t)
		}
	}
	data, err := json.Marshal(in)
	if err != nil {
		f.Fatal(err)
	}
	return data
}
