package validation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// AffinityErrors names each field of an `affinity` in the raw object that a Kubernetes
// Affinity does not have. The CRDs store affinity without its schema (a full schema in every
// place would push them past the API server's size limit), so a misspelt key would be kept
// and never reach a pod; the typed object the validators see has already dropped it.
func AffinityErrors(raw []byte) field.ErrorList {
	var obj map[string]any
	if json.Unmarshal(raw, &obj) != nil {
		return nil // the API server decoded it; the typed checks report anything else
	}
	var errs field.ErrorList
	var walk func(v any, p *field.Path)
	walk = func(v any, p *field.Path) {
		switch v := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if k == "affinity" && p != nil {
					if err := strictAffinity(v[k]); err != nil {
						errs = append(errs, field.Invalid(p.Child(k), err.field, fmt.Sprintf(
							"not a field of a Kubernetes affinity (%s); it would be ignored: correct its name (see kubectl explain pod.spec.affinity)", err.msg)))
					}
					continue
				}
				walk(v[k], childPath(p, k))
			}
		case []any:
			for i, e := range v {
				walk(e, p.Index(i))
			}
		}
	}
	walk(obj, nil)
	return errs
}

type unknownField struct{ field, msg string }

// strictAffinity decodes v as a corev1.Affinity, refusing fields it does not have.
func strictAffinity(v any) *unknownField {
	b, err := json.Marshal(v)
	if err != nil {
		return &unknownField{"", err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&corev1.Affinity{}); err != nil {
		msg := strings.TrimPrefix(err.Error(), "json: ")
		name, _ := strings.CutPrefix(msg, "unknown field ")
		return &unknownField{strings.Trim(name, `"`), msg}
	}
	return nil
}

func childPath(p *field.Path, k string) *field.Path {
	if p == nil {
		return field.NewPath(k)
	}
	return p.Child(k)
}
