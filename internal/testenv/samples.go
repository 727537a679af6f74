package testenv

import (
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// Samples reads every object of config/samples in version (v1alpha1 or v1beta1: the files
// multigres_<version>_*.yaml), one per file, as kubectl would send it. Both versions describe
// the same objects.
func Samples(version string) ([]*unstructured.Unstructured, error) {
	files, err := filepath.Glob(filepath.Join(RepoRoot(), "config", "samples", "multigres_"+version+"_*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no %s samples in config/samples", version)
	}
	objs := make([]*unstructured.Unstructured, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(data, &u.Object); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		objs = append(objs, u)
	}
	return objs, nil
}
