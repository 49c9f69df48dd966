package fn

import (
	"encoding/json"
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"k8s.io/apimachinery/pkg/runtime"
)

// toKubeObject turns a typed object into a KubeObject with sorted keys,
// leaving out what a manifest should not carry: status, null values and
// empty mappings (creationTimestamp: null, resources: {}).
func toKubeObject(obj runtime.Object) (*fn.KubeObject, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", obj, err)
	}

	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("decode %T: %w", obj, err)
	}
	delete(m, "status")
	prune(m)

	return fn.NewKubeObjectFromMap(m)
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
