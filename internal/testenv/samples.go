package testenv

import (
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// Samples reads every object of config/samples in version (v1alpha1 or v1beta1: the files
// multigres_<version>_*.yaml), one per file, as kubectl would send it: the design document's
// example and its templates. Both versions describe the same objects.
func Samples(version string) ([]*unstructured.Unstructured, error) {
	return samplesIn(filepath.Join(RepoRoot(), "config", "samples"), version)
}

// ServingSamples are the objects of config/samples/serving: a cluster Multigres v0.1 serves.
func ServingSamples(version string) ([]*unstructured.Unstructured, error) {
	return samplesIn(filepath.Join(RepoRoot(), "config", "samples", "serving"), version)
}

func samplesIn(dir, version string) ([]*unstructured.Unstructured, error) {
	files, err := filepath.Glob(filepath.Join(dir, "multigres_"+version+"_*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no %s samples in %s", version, dir)
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
