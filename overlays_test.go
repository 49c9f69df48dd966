package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/coco-fn/coco-fn/internal/testutil"
)

// Overlays lists the kustomize layouts of the repository, one per profile.
var Overlays = []string{"x86_64", "s390x", "aarch64", "remote"}

// TestOverlays builds every overlay in-process, with coco-fn run as an exec
// KRM function, and compares the output with testdata/golden/<overlay>.yaml.
func TestOverlays(t *testing.T) {
	ws := testutil.Workspace(t, "bases", "overlays")

	for _, overlay := range Overlays {
		t.Run(overlay, func(t *testing.T) {
			got := buildOverlay(t, filepath.Join(ws, "overlays", overlay))

			testutil.Golden(t, filepath.Join("testdata", "golden", overlay+".yaml"), got)
		})
	}
}

// TestOverlaysAreStable builds each overlay twice and expects the same bytes.
func TestOverlaysAreStable(t *testing.T) {
	ws := testutil.Workspace(t, "bases", "overlays")

	for _, overlay := range Overlays {
		dir := filepath.Join(ws, "overlays", overlay)
		require.Equal(t, string(buildOverlay(t, dir)), string(buildOverlay(t, dir)), overlay)
	}
}

func buildOverlay(t *testing.T, dir string) []byte {
	t.Helper()

	opts := krusty.MakeDefaultOptions()
	opts.Reorder = krusty.ReorderOptionLegacy // what the kustomize CLI does by default
	opts.PluginConfig = types.EnabledPluginConfig(types.BploUseStaticallyLinked)
	opts.PluginConfig.FnpLoadingOptions.EnableExec = true

	resources, err := krusty.MakeKustomizer(opts).Run(filesys.MakeFsOnDisk(), dir)
	require.NoError(t, err)

	out, err := resources.AsYaml()
	require.NoError(t, err)

	return out
}
