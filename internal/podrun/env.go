package podrun

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// expand replaces $(NAME) with NAME's value as the kubelet does: $$ is a literal $, and a
// reference to an undefined name is left as written.
func expand(s string, vars map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
			continue
		case '(':
			if end := strings.IndexByte(s[i+2:], ')'); end >= 0 {
				name := s[i+2 : i+2+end]
				if v, ok := vars[name]; ok {
					b.WriteString(v)
				} else {
					b.WriteString(s[i : i+3+end])
				}
				i += 2 + end
				continue
			}
		}
		b.WriteByte('$')
	}
	return b.String()
}

// containerEnv is the container's environment as the kubelet makes it: the image's, then
// envFrom, then env in order, each value expanded against what came before it.
func containerEnv(ctx context.Context, c client.Reader, pod *corev1.Pod, ctr *corev1.Container, image map[string]string) ([]string, map[string]string, error) {
	vars := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := vars[k]; !ok {
			order = append(order, k)
		}
		vars[k] = v
	}
	for k, v := range image {
		set(k, v)
	}
	for _, from := range ctr.EnvFrom {
		data, err := envFromData(ctx, c, pod.Namespace, from)
		if err != nil {
			return nil, nil, err
		}
		for k, v := range data {
			set(from.Prefix+k, v)
		}
	}
	for _, e := range ctr.Env {
		v := expand(e.Value, vars)
		if e.ValueFrom != nil {
			var err error
			if v, err = envSource(ctx, c, pod, e.ValueFrom); err != nil {
				return nil, nil, fmt.Errorf("env %s: %w", e.Name, err)
			}
		}
		set(e.Name, v)
	}
	env := make([]string, 0, len(order))
	for _, k := range order {
		env = append(env, k+"="+vars[k])
	}
	return env, vars, nil
}

func envSource(ctx context.Context, c client.Reader, pod *corev1.Pod, src *corev1.EnvVarSource) (string, error) {
	switch {
	case src.FieldRef != nil:
		return podField(pod, src.FieldRef.FieldPath)
	case src.SecretKeyRef != nil:
		data, err := secretData(ctx, c, pod.Namespace, src.SecretKeyRef.Name)
		return key(data, src.SecretKeyRef.Key, "Secret "+src.SecretKeyRef.Name, err)
	case src.ConfigMapKeyRef != nil:
		data, err := configMapData(ctx, c, pod.Namespace, src.ConfigMapKeyRef.Name)
		return key(data, src.ConfigMapKeyRef.Key, "ConfigMap "+src.ConfigMapKeyRef.Name, err)
	}
	return "", fmt.Errorf("unsupported source (only fieldRef, secretKeyRef and configMapKeyRef)")
}

func key(data map[string]string, k, what string, err error) (string, error) {
	if err != nil {
		return "", err
	}
	v, ok := data[k]
	if !ok {
		return "", fmt.Errorf("%s has no key %q", what, k)
	}
	return v, nil
}

// podField answers the downward API's field paths.
func podField(pod *corev1.Pod, path string) (string, error) {
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.podIP":
		return pod.Status.PodIP, nil
	case "status.hostIP":
		return pod.Status.HostIP, nil
	}
	for _, m := range []struct {
		prefix string
		values map[string]string
	}{{"metadata.labels['", pod.Labels}, {"metadata.annotations['", pod.Annotations}} {
		if k, ok := strings.CutPrefix(path, m.prefix); ok {
			return m.values[strings.TrimSuffix(k, "']")], nil
		}
	}
	return "", fmt.Errorf("unsupported field path %q", path)
}

func envFromData(ctx context.Context, c client.Reader, ns string, from corev1.EnvFromSource) (map[string]string, error) {
	switch {
	case from.SecretRef != nil:
		return secretData(ctx, c, ns, from.SecretRef.Name)
	case from.ConfigMapRef != nil:
		return configMapData(ctx, c, ns, from.ConfigMapRef.Name)
	}
	return nil, fmt.Errorf("envFrom: unsupported source")
}

func secretData(ctx context.Context, c client.Reader, ns, name string) (map[string]string, error) {
	var s corev1.Secret
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &s); err != nil {
		return nil, fmt.Errorf("reading Secret %s: %w", name, err)
	}
	data := map[string]string{}
	for k, v := range s.Data {
		data[k] = string(v)
	}
	for k, v := range s.StringData {
		data[k] = v
	}
	return data, nil
}

func configMapData(ctx context.Context, c client.Reader, ns, name string) (map[string]string, error) {
	var cm corev1.ConfigMap
	if err := c.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &cm); err != nil {
		return nil, fmt.Errorf("reading ConfigMap %s: %w", name, err)
	}
	data := map[string]string{}
	for k, v := range cm.Data {
		data[k] = v
	}
	for k, v := range cm.BinaryData {
		data[k] = string(v)
	}
	return data, nil
}
