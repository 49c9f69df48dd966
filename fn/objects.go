package fn

import (
	"bytes"
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
)

// manifest is one generated object, as the generic data it is written from.
type manifest struct {
	id   objectID
	data map[string]any
}

// toManifest turns a typed object into generic data, leaving out what a
// manifest should not carry: status, null values and empty mappings
// (creationTimestamp: null, resources: {}). Numbers keep their JSON text.
func toManifest(obj runtime.Object, group, kind string) (manifest, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return manifest{}, fmt.Errorf("encode %T: %w", obj, err)
	}

	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()

	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return manifest{}, fmt.Errorf("decode %T: %w", obj, err)
	}
	delete(m, "status")
	prune(m)

	meta, _ := m["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	namespace, _ := meta["namespace"].(string)

	return manifest{
		id:   objectID{group: group, kind: kind, namespace: namespace, name: name},
		data: m,
	}, nil
}

// setAnnotation sets one annotation of the manifest.
func (m manifest) setAnnotation(key, value string) {
	meta, _ := m.data["metadata"].(map[string]any)
	annotations, ok := meta["annotations"].(map[string]any)
	if !ok {
		annotations = map[string]any{}
		meta["annotations"] = annotations
	}
	annotations[key] = value
}

// annotation returns one annotation of the manifest, or "".
func (m manifest) annotation(key string) string {
	meta, _ := m.data["metadata"].(map[string]any)
	annotations, _ := meta["annotations"].(map[string]any)
	v, _ := annotations[key].(string)

	return v
}

// prune removes null values and empty mappings from m, depth first.
func prune(m map[string]any) {
	for k, v := range m {
		switch v := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			prune(v)
			if len(v) == 0 {
				delete(m, k)
			}
		case []any:
			for _, elem := range v {
				if em, ok := elem.(map[string]any); ok {
					prune(em)
				}
			}
		}
	}
}
