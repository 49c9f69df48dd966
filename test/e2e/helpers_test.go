package e2e

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/coco-fn/coco-fn/internal/testutil"
)

// cliTimeout bounds one run of kustomize, kpt or podman.
const cliTimeout = 2 * time.Minute

// examplePackage is the kpt package of the repository, relative to its root.
const examplePackage = "examples/kpt"

// localConfig is the annotation coco-fn adds to a CocoConfig in a kpt
// package, as the committed example carries it.
const localConfig = "  annotations:\n    config.kubernetes.io/local-config: \"true\"\n"

// run runs name with args in dir, with env added to the environment, requires
// it to succeed and returns what it printed on stdout.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()

	stdout, stderr, err := execute(t, dir, env, name, args...)
	require.NoError(t, err, "%s %s\nstdout:\n%s\nstderr:\n%s",
		name, strings.Join(args, " "), stdout, stderr)

	return stdout
}

// runFailing runs name like run but requires it to exit non-zero, and returns
// what it printed on stdout and stderr together.
func runFailing(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()

	stdout, stderr, err := execute(t, dir, env, name, args...)
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s %s should exit non-zero\nstdout:\n%s\nstderr:\n%s",
		name, strings.Join(args, " "), stdout, stderr)

	return stdout + stderr
}

func execute(t *testing.T, dir string, env []string, name string, args ...string) (string, string, error) {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()

	var stdout, stderr strings.Builder
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()

	return stdout.String(), stderr.String(), err
}

// readTree returns every regular file under dir, by slash-separated path
// relative to dir, with its content.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()

	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			return errors.New("not a regular file: " + path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		tree[filepath.ToSlash(rel)] = string(data)

		return nil
	})
	require.NoError(t, err)

	return tree
}

// committedPackage is the tree of the kpt example as committed: rendered.
func committedPackage(t *testing.T) map[string]string {
	t.Helper()

	return readTree(t, filepath.Join(testutil.RepoRoot(), examplePackage))
}

// freshPackage copies the kpt example into ws, as a user starts from it:
// without the generated coco/ folder and without the local-config annotation
// that coco-fn puts on the CocoConfig. It returns the package's path relative
// to ws.
func freshPackage(t *testing.T, ws string) string {
	t.Helper()

	pkg := filepath.Join(ws, filepath.FromSlash(examplePackage))
	require.NoError(t, os.CopyFS(pkg, os.DirFS(filepath.Join(testutil.RepoRoot(), examplePackage))))
	require.NoError(t, os.RemoveAll(filepath.Join(pkg, "coco")))

	replaceInFile(t, filepath.Join(pkg, "cococonfig.yaml"), localConfig, "")

	return examplePackage
}

// replaceInFile replaces old, which the file must contain, with repl.
func replaceInFile(t *testing.T, path, old, repl string) {
	t.Helper()

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(data), old, "%s no longer holds the text the test replaces", path)

	writeFile(t, path, strings.Replace(string(data), old, repl, 1))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()

	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// fileDocs parses the YAML documents of the files, in order, into generic maps.
func fileDocs(t *testing.T, paths ...string) []map[string]any {
	t.Helper()

	var docs []map[string]any
	for _, path := range paths {
		data, err := os.ReadFile(path)
		require.NoError(t, err)

		nodes, err := kio.FromBytes(data)
		require.NoError(t, err, "parse %s", path)
		for _, node := range nodes {
			doc, err := node.Map()
			require.NoError(t, err, "decode %s", path)
			docs = append(docs, doc)
		}
	}

	return docs
}

// requireTree requires the files under dir to be exactly want.
func requireTree(t *testing.T, want map[string]string, dir, msg string) {
	t.Helper()

	require.Equal(t, want, readTree(t, dir), msg)
}

// requireOnPath returns the path of the command name found on PATH, or, when
// it is missing, fails the test under CI=true and skips it elsewhere with the
// make target that installs it.
func requireOnPath(t *testing.T, name, makeTarget string) string {
	t.Helper()

	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}

	msg := name + " is not on PATH; run `make " + makeTarget + "` to install it"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)

	return ""
}
