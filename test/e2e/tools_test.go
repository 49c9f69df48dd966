package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// repoRoot is the top of the repository, found from this file's location.
func repoRoot(t testing.TB) string {
	t.Helper()

	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test source file")
	}

	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// requireTool returns the path of bin/<name>, or, when it is missing, fails the
// test under CI=true and skips it elsewhere with the make target that installs it.
func requireTool(t testing.TB, name, makeTarget string) string {
	t.Helper()

	path := filepath.Join(repoRoot(t), "bin", name)
	if _, err := os.Stat(path); err == nil {
		return path
	}

	if found, err := exec.LookPath(name); err == nil && name == "kpt" {
		return found
	}

	missingTool(t, "bin/"+name+" is missing; run `make "+makeTarget+"` to install it")

	return ""
}

// missingTool stops the test for something it needs that is not installed:
// it fails under CI=true and skips elsewhere, with msg.
func missingTool(t testing.TB, msg string) {
	t.Helper()

	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
