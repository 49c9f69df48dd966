// Package testutil holds what the tests of several packages share: the
// -update flag for golden files, the repository root, a freshly built
// coco-fn binary and copies of the repository's layouts.
//
//	go test ./... -update   # rewrites every golden file; review the diff
package testutil

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Update, set by -update, makes Golden rewrite the files instead of comparing.
var Update = flag.Bool("update", false, "rewrite golden files from the actual output")

// RepoRoot is the top of the repository.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Golden compares got with the file at path, relative to the repository root,
// byte for byte; with -update it writes got to the file instead.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()

	full := filepath.Join(RepoRoot(), path)
	if *Update {
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, got, 0o644))
		return
	}

	want, err := os.ReadFile(full)
	require.NoError(t, err, "read golden file %s (go test -update writes it)", path)
	require.Equal(t, string(want), string(got), "output differs from %s", path)
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
	buildOut  []byte
)

// Binary builds coco-fn once per test process and returns its path.
func Binary(t testing.TB) string {
	t.Helper()

	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "coco-fn-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "coco-fn")
		cmd := exec.Command("go", "build", "-o", binary, ".")
		cmd.Dir = RepoRoot()
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	require.NoError(t, buildErr, "go build: %s", buildOut)

	return binary
}

// Workspace copies the named top-level folders of the repository into a new
// temporary directory, puts a fresh coco-fn at bin/coco-fn in it, and
// returns the directory. The layouts' relative exec paths then work as in a
// checkout, and the tests never touch the checkout's own bin/.
func Workspace(t testing.TB, folders ...string) string {
	t.Helper()

	dir := t.TempDir()
	for _, folder := range folders {
		require.NoError(t, os.CopyFS(filepath.Join(dir, folder),
			os.DirFS(filepath.Join(RepoRoot(), folder))))
	}

	require.NoError(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	data, err := os.ReadFile(Binary(t))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bin", "coco-fn"), data, 0o755))

	return dir
}
