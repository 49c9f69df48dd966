package fn

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecodeMatchesEncodingJSON decodes every CocoConfig of the scenarios
// that has no problem and expects what encoding/json decodes from it.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	decoded := 0
	for _, dir := range scenarios(t) {
		rl, err := fn.ParseResourceList(readFile(t, filepath.Join(dir, "input.yaml")))
		require.NoError(t, err)

		for _, obj := range append(fn.KubeObjects{rl.FunctionConfig}, rl.Items...) {
			if !isCocoConfig(obj) {
				continue
			}

			m, err := obj.CopyToResourceNode().Map()
			if err != nil {
				continue // not YAML that decodes, such as a duplicate key
			}
			raw, err := json.Marshal(m)
			require.NoError(t, err)

			got, errs := decodeStrict(m)
			if len(errs) > 0 {
				continue
			}

			var want CocoConfig
			require.NoError(t, json.Unmarshal(raw, &want))
			assert.Equal(t, &want, got, dir)
			decoded++
		}
	}

	require.Greater(t, decoded, 20, "too few CocoConfigs decoded to mean anything")
}
