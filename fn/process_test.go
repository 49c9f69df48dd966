package fn

import (
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/stretchr/testify/require"

	"github.com/coco-fn/coco-fn/internal/testutil"
)

// TestProcess runs every scenario of testdata/fn: input.yaml is the
// ResourceList handed to coco-fn, expected.yaml the ResourceList it writes,
// and error.txt, present only where the run must fail, the error it returns.
func TestProcess(t *testing.T) {
	for _, dir := range scenarios(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			input := readFile(t, filepath.Join(dir, "input.yaml"))
			out, err := run(input)

			testutil.Golden(t, filepath.Join(dir, "expected.yaml"), out)
			checkError(t, dir, err)
		})
	}
}

// TestFailedRunsLeaveItemsAlone checks that a run with an error result hands
// back exactly the items it was given: nothing is half-written.
func TestFailedRunsLeaveItemsAlone(t *testing.T) {
	for _, dir := range scenarios(t) {
		input := readFile(t, filepath.Join(dir, "input.yaml"))
		out, err := run(input)
		if err == nil {
			continue
		}

		require.Equal(t, itemStrings(t, input), itemStrings(t, out), filepath.Base(dir))
	}
}

// TestRerunIsIdempotent feeds every successful output back in, as kpt does on
// the next render, and expects the same items again.
func TestRerunIsIdempotent(t *testing.T) {
	for _, dir := range scenarios(t) {
		first, err := run(readFile(t, filepath.Join(dir, "input.yaml")))
		if err != nil {
			continue
		}

		second, err := run(first)
		require.NoError(t, err, filepath.Base(dir))
		require.Equal(t, itemStrings(t, first), itemStrings(t, second), filepath.Base(dir))
	}
}

func TestMain(m *testing.M) {
	Warnings = io.Discard // the results carry them; keep test output readable
	os.Exit(m.Run())
}

func run(input []byte) ([]byte, error) {
	return Render(input)
}

// scenarios lists the scenario folders, relative to the repository root.
func scenarios(t *testing.T) []string {
	t.Helper()

	dirs, err := filepath.Glob(filepath.Join(testutil.RepoRoot(), "testdata", "fn", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, dirs)

	for i, d := range dirs {
		dirs[i], err = filepath.Rel(testutil.RepoRoot(), d)
		require.NoError(t, err)
	}

	return dirs
}

func readFile(t *testing.T, rel string) []byte {
	t.Helper()

	data, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), rel))
	require.NoError(t, err)

	return data
}

// checkError compares the returned error with error.txt, which exists only
// for scenarios that must fail.
func checkError(t *testing.T, dir string, err error) {
	t.Helper()

	path := filepath.Join(dir, "error.txt")
	_, statErr := os.Stat(filepath.Join(testutil.RepoRoot(), path))
	wantFailure := statErr == nil

	switch {
	case err != nil:
		testutil.Golden(t, path, []byte(err.Error()+"\n"))
	case *testutil.Update && wantFailure:
		require.NoError(t, os.Remove(filepath.Join(testutil.RepoRoot(), path)))
	default:
		require.False(t, wantFailure, "the run succeeded, but %s says it must fail", path)
	}
}

// itemStrings returns the items of a ResourceList as sorted YAML documents.
func itemStrings(t *testing.T, resourceList []byte) []string {
	t.Helper()

	rl, err := fn.ParseResourceList(resourceList)
	require.NoError(t, err)

	items := make([]string, 0, len(rl.Items))
	for _, item := range rl.Items {
		items = append(items, strings.TrimSpace(item.String()))
	}
	sort.Strings(items)

	return items
}

// TestWarningsAreCopiedToStderr checks that warnings, which kustomize does
// not show as results, are written to Warnings one per line.
func TestWarningsAreCopiedToStderr(t *testing.T) {
	var b strings.Builder
	Warnings = &b
	t.Cleanup(func() { Warnings = io.Discard })

	_, err := run(readFile(t, filepath.Join("testdata", "fn", "warnings", "input.yaml")))
	require.NoError(t, err)

	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 2, b.String())
	for _, line := range lines {
		require.True(t, strings.HasPrefix(line, "coco-fn: [warning] "), line)
	}
}
