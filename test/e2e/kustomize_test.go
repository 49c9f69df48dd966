package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coco-fn/coco-fn/internal/testutil"
)

// TestKustomize builds every overlay with the kustomize CLI, which runs
// coco-fn as an exec KRM function, twice, and expects both outputs to be the
// overlay's golden file byte for byte.
func TestKustomize(t *testing.T) {
	kustomize := requireTool(t, "kustomize", "tools")
	ws := testutil.Workspace(t, "bases", "overlays")

	for _, overlay := range overlayNames(t) {
		t.Run("overlay "+overlay+" builds to its golden file, twice", func(t *testing.T) {
			for range 2 {
				got := run(t, ws, nil, kustomize, "build", "--enable-alpha-plugins", "--enable-exec",
					filepath.Join("overlays", overlay))

				requireGolden(t, overlay, got)
			}
		})
	}
}

// overlayNames lists the folders of overlays/ in the repository.
func overlayNames(t *testing.T) []string {
	t.Helper()

	entries, err := os.ReadDir(filepath.Join(testutil.RepoRoot(), "overlays"))
	require.NoError(t, err)

	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	require.NotEmpty(t, names, "no overlay found")

	return names
}

// requireGolden compares got with testdata/golden/<overlay>.yaml. It never
// rewrites the file: the in-process overlay tests own it, and the CLIs must
// agree with them.
func requireGolden(t *testing.T, overlay, got string) {
	t.Helper()

	path := filepath.Join("testdata", "golden", overlay+".yaml")
	want, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), path))
	require.NoError(t, err)
	require.Equal(t, string(want), got, "output differs from %s", path)
}
