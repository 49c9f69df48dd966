package fn

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/coco-fn/coco-fn/generators"
)

// TestToGenericMatchesEncodingJSON checks that the reflection walk gives what
// a round trip through encoding/json gives, for every object of every
// profile and of a plan that sets every field.
func TestToGenericMatchesEncodingJSON(t *testing.T) {
	seconds := int64(86400000)
	plans := map[string]generators.Plan{}
	for _, arch := range generators.ArchitectureNames() {
		cfg := &CocoConfig{Metadata: objectMeta("coco"), Spec: CocoConfigSpec{Architecture: arch}}
		plan, errs := resolve(cfg)
		require.False(t, errs.fatal(), "%v", errs)
		plans[arch] = plan
	}

	full := plans["x86_64"]
	full.Suffix = "tee"
	full.ImagePullSecrets = []string{"pull"}
	full.NodeSelector = map[string]string{"pool": "tee"}
	full.Tolerations = []corev1.Toleration{{Key: "k", Operator: corev1.TolerationOpExists,
		Effect: corev1.TaintEffectNoExecute, TolerationSeconds: &seconds}}
	full.PriorityClassName = "system-node-critical"
	full.HostOS = "cbl-mariner"
	full.CreateDefaultRuntimeClass = true
	plans["every field"] = full

	for name, plan := range plans {
		for _, g := range generators.Generate(plan) {
			got, err := toGeneric(reflect.ValueOf(g.Object))
			require.NoError(t, err)
			prune(got.(map[string]any))

			assert.Equal(t, viaJSON(t, g.Object), got, "%s: %T", name, g.Object)
		}
	}
}

func viaJSON(t *testing.T, obj any) map[string]any {
	t.Helper()

	raw, err := json.Marshal(obj)
	require.NoError(t, err)

	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()

	var m map[string]any
	require.NoError(t, dec.Decode(&m))
	prune(m)

	return m
}

func objectMeta(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name} }
