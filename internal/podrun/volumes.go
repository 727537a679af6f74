package podrun

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	corev1 "k8s.io/api/core/v1"
)

// volumes makes the pod's volumes as directories and returns each one's path by name.
// A claim is one directory per claim name, kept across pod restarts and runners sharing Dir
// (like a bound volume); emptyDirs live and die with the pod; Secrets and ConfigMaps are
// written as files with their modes. With an fsGroup, volumes belong to that group, as the
// kubelet makes them.
func (r *Runner) volumes(ctx context.Context, pod *corev1.Pod, podDir string) (map[string]string, error) {
	fsGroup := -1
	if sc := pod.Spec.SecurityContext; sc != nil && sc.FSGroup != nil {
		fsGroup = int(*sc.FSGroup)
	}
	paths := map[string]string{}
	for _, v := range pod.Spec.Volumes {
		var dir string
		var err error
		switch {
		case v.PersistentVolumeClaim != nil:
			dir = r.ClaimDir(v.PersistentVolumeClaim.ClaimName)
			err = makeVolumeDir(dir, 0o755, fsGroup)
		case v.EmptyDir != nil:
			dir = filepath.Join(podDir, "volumes", v.Name)
			err = makeVolumeDir(dir, 0o777, fsGroup)
		case v.Secret != nil:
			dir = filepath.Join(podDir, "volumes", v.Name)
			var data map[string]string
			if data, err = secretData(ctx, r.opts.Client, pod.Namespace, v.Secret.SecretName); err == nil {
				err = writeFiles(dir, data, v.Secret.Items, v.Secret.DefaultMode, fsGroup)
			}
		case v.ConfigMap != nil:
			dir = filepath.Join(podDir, "volumes", v.Name)
			var data map[string]string
			if data, err = configMapData(ctx, r.opts.Client, pod.Namespace, v.ConfigMap.Name); err == nil {
				err = writeFiles(dir, data, v.ConfigMap.Items, v.ConfigMap.DefaultMode, fsGroup)
			}
		default:
			err = fmt.Errorf("unsupported volume type (claims, emptyDir, Secret and ConfigMap are)")
		}
		if err != nil {
			return nil, fmt.Errorf("volume %s: %w", v.Name, err)
		}
		paths[v.Name] = dir
	}
	return paths, nil
}

// makeVolumeDir makes dir; with an fsGroup the group owns it and what is made in it (setgid).
func makeVolumeDir(dir string, mode os.FileMode, fsGroup int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if fsGroup < 0 {
		return os.Chmod(dir, mode)
	}
	if err := os.Chown(dir, 0, fsGroup); err != nil {
		return err
	}
	return os.Chmod(dir, mode|0o070|os.ModeSetgid)
}

// writeFiles writes a Secret's or ConfigMap's keys (or only items) with their modes.
func writeFiles(dir string, data map[string]string, items []corev1.KeyToPath, defaultMode *int32, fsGroup int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	mode := int32(0o644)
	if defaultMode != nil {
		mode = *defaultMode
	}
	if len(items) == 0 {
		for k := range data {
			items = append(items, corev1.KeyToPath{Key: k, Path: k})
		}
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			return fmt.Errorf("no key %q", it.Key)
		}
		m := mode
		if it.Mode != nil {
			m = *it.Mode
		}
		name := filepath.Join(dir, it.Path)
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(name, []byte(v), os.FileMode(m)); err != nil {
			return err
		}
		if err := os.Chmod(name, os.FileMode(m)); err != nil {
			return err
		}
		if fsGroup >= 0 {
			if err := os.Chown(name, 0, fsGroup); err != nil {
				return err
			}
		}
	}
	return nil
}
