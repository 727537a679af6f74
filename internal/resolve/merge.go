package resolve

import "encoding/json"

// mergePatch applies patch to base as an RFC 7386 JSON merge patch over their JSON forms:
// objects (structs and maps, such as resource lists) merge key by key, everything else in
// the patch (scalars, lists) replaces. Unset pointer and omitempty fields are absent from
// the patch's JSON, so they keep the base's value, while a pointer set to zero (replicas: 0)
// is present and wins. With a patch, the result shares no memory with either input.
func mergePatch[T any](base T, patch *T) (T, error) {
	var out T
	if patch == nil {
		return base, nil
	}
	var b, p any
	if err := roundTrip(base, &b); err != nil {
		return out, err
	}
	if err := roundTrip(patch, &p); err != nil {
		return out, err
	}
	err := roundTrip(mergeJSON(b, p), &out)
	return out, err
}

// mergeJSON is RFC 7386 MergePatch(target, patch) on decoded JSON. It may reuse target.
func mergeJSON(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = make(map[string]any, len(p))
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergeJSON(t[k], v)
	}
	return t
}

func roundTrip(in, out any) error {
	data, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}
