package e2e

import (
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/coco-fn/coco-fn/internal/testutil"
)

// testImage is the tag of the coco-fn image the container tests build and remove.
const testImage = "localhost/coco-fn:e2e"

// TestContainer builds the repository's Dockerfile with podman and runs the
// image as a KRM function through kpt and kustomize. No registry is needed:
// the image is FROM scratch and is never pulled.
func TestContainer(t *testing.T) {
	podman := requireOnPath(t, "podman", "tools")
	kpt := requireTool(t, "kpt", "tools")
	kustomize := requireTool(t, "kustomize", "tools")
	buildImage(t, podman)

	t.Run("kpt fn eval with the image renders the committed example", func(t *testing.T) {
		pkg := newKptPackage(t)

		run(t, pkg.ws, []string{"KPT_FN_RUNTIME=podman"}, kpt, "fn", "eval", pkg.dir,
			"--image", testImage, "--image-pull-policy", "never")

		requireTree(t, committedPackage(t), pkg.path(), "package after eval")
	})

	t.Run("kustomize with a container function builds the golden x86_64 install", func(t *testing.T) {
		ws := testutil.Workspace(t, "bases", "overlays")
		replaceInFile(t, filepath.Join(ws, "bases", "cococonfig.yaml"),
			"      exec:\n        path: ../../bin/coco-fn\n",
			"      container:\n        image: "+testImage+"\n")
		path := dockerIsPodman(t) + string(os.PathListSeparator) + os.Getenv("PATH")

		got := run(t, ws, []string{"PATH=" + path}, kustomize, "build", "--enable-alpha-plugins",
			filepath.Join("overlays", "x86_64"))

		requireGolden(t, "x86_64", got)
	})
}

// buildImage builds the Dockerfile in a workspace holding a fresh
// bin/coco-fn, and removes the image when the test ends.
func buildImage(t *testing.T, podman string) {
	t.Helper()

	ws := testutil.Workspace(t, "build")
	for _, name := range []string{"Dockerfile", ".dockerignore"} {
		data, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), name))
		require.NoError(t, err)
		writeFile(t, filepath.Join(ws, name), string(data))
	}
	requireStatic(t, filepath.Join(ws, "bin", "coco-fn"))
	t.Cleanup(func() { removeImage(t, podman) })

	run(t, ws, nil, podman, "build", "--pull=never", "-t", testImage, ".")
}

// requireStatic requires path to be an executable that needs no dynamic
// loader: a FROM scratch image has none.
func requireStatic(t *testing.T, path string) {
	t.Helper()

	f, err := elf.Open(path)
	require.NoError(t, err)
	defer f.Close()

	for _, p := range f.Progs {
		require.NotEqual(t, elf.PT_INTERP, p.Type, "%s is dynamically linked; build it with CGO_ENABLED=0", path)
	}
}

// removeImage removes the image, if it was built. It runs after the test's
// context is cancelled, so it has its own.
func removeImage(t *testing.T, podman string) {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	out, err := exec.CommandContext(ctx, podman, "rmi", "--force", "--ignore", testImage).CombinedOutput()
	require.NoError(t, err, "podman rmi %s: %s", testImage, out)
}

// dockerIsPodman returns a directory holding a docker command that runs
// podman, for kustomize, which runs container functions with docker.
func dockerIsPodman(t *testing.T) string {
	t.Helper()

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "docker"),
		[]byte("#!/bin/sh\nexec podman \"$@\"\n"), 0o755))

	return dir
}
