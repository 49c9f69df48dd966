package e2e

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/coco-fn/coco-fn/internal/testutil"
)

// kptPackage is a copy of the kpt example in a workspace that holds
// bin/coco-fn; kpt runs in the workspace, where the Kptfile's relative exec
// path resolves.
type kptPackage struct {
	kpt string // the kpt CLI
	ws  string // the workspace
	dir string // the package, relative to ws
}

// newKptPackage returns a fresh copy of the kpt example: what a user starts from.
func newKptPackage(t *testing.T) kptPackage {
	t.Helper()

	kpt := requireTool(t, "kpt", "tools")
	ws := testutil.Workspace(t)

	return kptPackage{kpt: kpt, ws: ws, dir: freshPackage(t, ws)}
}

func (p kptPackage) path(elem ...string) string {
	return filepath.Join(append([]string{p.ws, p.dir}, elem...)...)
}

func (p kptPackage) tree(t *testing.T) map[string]string {
	t.Helper()

	return readTree(t, p.path())
}

func (p kptPackage) renderArgs() []string {
	return []string{"fn", "render", p.dir, "--allow-exec", "--truncate-output=false"}
}

// evalArgs runs coco-fn without a function config: it then generates every
// CocoConfig among the package's items.
func (p kptPackage) evalArgs() []string {
	return []string{"fn", "eval", p.dir, "--exec", filepath.Join(p.ws, "bin", "coco-fn"),
		"--truncate-output=false"}
}

func (p kptPackage) render(t *testing.T) {
	t.Helper()

	run(t, p.ws, nil, p.kpt, p.renderArgs()...)
}

func (p kptPackage) renderFailing(t *testing.T) string {
	t.Helper()

	return runFailing(t, p.ws, nil, p.kpt, p.renderArgs()...)
}

func (p kptPackage) eval(t *testing.T) {
	t.Helper()

	run(t, p.ws, nil, p.kpt, p.evalArgs()...)
}

func (p kptPackage) evalFailing(t *testing.T) string {
	t.Helper()

	return runFailing(t, p.ws, nil, p.kpt, p.evalArgs()...)
}

// TestKptRender renders a fresh copy of the kpt example twice and expects
// the committed example after each run.
func TestKptRender(t *testing.T) {
	pkg := newKptPackage(t)
	want := committedPackage(t)

	for i := range 2 {
		pkg.render(t)

		requireTree(t, want, pkg.path(), fmt.Sprintf("package after render %d", i+1))
	}

	t.Run("the rendered objects are the x86_64 overlay's", func(t *testing.T) {
		files, err := filepath.Glob(pkg.path("coco", "*.yaml"))
		require.NoError(t, err)
		golden := filepath.Join(testutil.RepoRoot(), "testdata", "golden", "x86_64.yaml")

		require.ElementsMatch(t, fileDocs(t, golden), fileDocs(t, files...))
	})
}

// TestKptEval runs coco-fn with kpt fn eval --exec on a fresh copy of the
// kpt example twice and expects the committed example after each run.
func TestKptEval(t *testing.T) {
	pkg := newKptPackage(t)
	want := committedPackage(t)

	for i := range 2 {
		pkg.eval(t)

		requireTree(t, want, pkg.path(), fmt.Sprintf("package after eval %d", i+1))
	}
}

// TestKptLifecycle edits a rendered package the way a user would and runs
// kpt again after each edit. Each step starts from the previous one's result.
func TestKptLifecycle(t *testing.T) {
	pkg := newKptPackage(t)
	steps := []struct {
		name string
		run  func(t *testing.T, pkg kptPackage)
	}{
		{"a fresh package renders to the committed example", renderFresh},
		{"listing only qemu-snp leaves only its RuntimeClass", restrictShims},
		{"a second CocoConfig gets its own folder", addSecondConfig},
		{"two CocoConfigs generating the same names fail and change nothing", collideNames},
	}

	for _, step := range steps {
		if !t.Run(step.name, func(t *testing.T) { step.run(t, pkg) }) {
			t.FailNow()
		}
	}
}

func renderFresh(t *testing.T, pkg kptPackage) {
	pkg.render(t)

	requireTree(t, committedPackage(t), pkg.path(), "rendered package")
}

func restrictShims(t *testing.T, pkg kptPackage) {
	replaceInFile(t, pkg.path("cococonfig.yaml"), "  architecture: x86_64\n",
		"  architecture: x86_64\n  shims:\n  - name: qemu-snp\n")
	pkg.render(t)

	classes := fileDocs(t, pkg.path("coco", "runtimeclasses.yaml"))
	require.Equal(t, []string{"kata-qemu-snp"}, objectNames(classes))

	daemonSets := fileDocs(t, pkg.path("coco", "daemonset.yaml"))
	require.Len(t, daemonSets, 1)
	require.Equal(t, "qemu-snp", containerEnv(t, daemonSets[0], "SHIMS"))

	got, want := pkg.tree(t), committedPackage(t)
	require.ElementsMatch(t, treeFiles(want), treeFiles(got), "files of the package")
	require.Equal(t, want["coco/rbac.yaml"], got["coco/rbac.yaml"], "rbac does not depend on the shims")
}

const secondConfig = `apiVersion: coco-fn.dev/v1alpha1
kind: CocoConfig
metadata:
  name: coco-s390x
spec:
  architecture: s390x
  multiInstallSuffix: s390x
`

func addSecondConfig(t *testing.T, pkg kptPackage) {
	before := pkg.tree(t)
	writeFile(t, pkg.path("coco-s390x.yaml"), secondConfig)
	pkg.eval(t)

	got := pkg.tree(t)
	require.ElementsMatch(t, append(treeFiles(before), "coco-s390x.yaml", "coco-s390x/daemonset.yaml",
		"coco-s390x/rbac.yaml", "coco-s390x/runtimeclasses.yaml"), treeFiles(got), "files of the package")
	for file, content := range before {
		require.Equal(t, content, got[file], "%s changed", file)
	}

	requireOwnedBy(t, "coco", fileDocs(t, globFiles(t, pkg.path("coco", "*.yaml"))...))
	requireOwnedBy(t, "coco-s390x", fileDocs(t, globFiles(t, pkg.path("coco-s390x", "*.yaml"))...))
	requireNoDuplicates(t, fileDocs(t, globFiles(t, pkg.path("*.yaml"), pkg.path("*", "*.yaml"))...))
	require.Contains(t, got["coco-s390x.yaml"], "config.kubernetes.io/local-config: \"true\"")

	pkg.eval(t)

	requireTree(t, got, pkg.path(), "package after a second eval")
}

func collideNames(t *testing.T, pkg kptPackage) {
	replaceInFile(t, pkg.path("coco-s390x.yaml"), "  multiInstallSuffix: s390x\n", "")
	before := pkg.tree(t)

	out := pkg.evalFailing(t)

	require.Contains(t, out, `"coco"`)
	require.Contains(t, out, `"coco-s390x"`)
	requireTree(t, before, pkg.path(), "package after the failed eval")
}

// TestKptBadInput renders packages whose CocoConfig is wrong: kpt must fail,
// name every problem, and leave the package as it was.
func TestKptBadInput(t *testing.T) {
	cases := []struct {
		name string
		spec string
		want []string
	}{
		{
			name: "an unknown architecture is named with the allowed values",
			spec: "  architecture: sparc\n",
			want: []string{"spec.architecture", "sparc", "aarch64", "remote", "s390x", "x86_64"},
		},
		{
			name: "a misspelled field is named",
			spec: "  architecture: x86_64\n  shimz:\n  - name: qemu-snp\n",
			want: []string{"spec.shimz"},
		},
		{
			name: "an unknown architecture and a misspelled field are named in one run",
			spec: "  architecture: sparc\n  shimz:\n  - name: qemu-snp\n",
			want: []string{"spec.architecture", "sparc", "aarch64", "remote", "s390x", "x86_64", "spec.shimz"},
		},
	}

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pkg := newKptPackage(t)
			pkg.render(t)
			replaceInFile(t, pkg.path("cococonfig.yaml"), "  architecture: x86_64\n", tc.spec)
			before := pkg.tree(t)

			out := pkg.renderFailing(t)

			for _, w := range tc.want {
				require.Contains(t, out, w)
			}
			requireTree(t, before, pkg.path(), "package after the failed render")
		})
	}
}

// objectNames returns the metadata.name of each object.
func objectNames(objects []map[string]any) []string {
	out := make([]string, 0, len(objects))
	for _, o := range objects {
		out = append(out, nestedString(o, "metadata", "name"))
	}

	return out
}

// containerEnv returns the value of the environment variable name of the
// first container of a DaemonSet.
func containerEnv(t *testing.T, daemonSet map[string]any, name string) string {
	t.Helper()

	containers, _ := nestedField(daemonSet, "spec", "template", "spec", "containers").([]any)
	require.NotEmpty(t, containers, "DaemonSet has no container")
	container, _ := containers[0].(map[string]any)
	env, _ := container["env"].([]any)
	for _, e := range env {
		if v, _ := e.(map[string]any); v["name"] == name {
			value, _ := v["value"].(string)
			return value
		}
	}
	require.Failf(t, "missing variable", "DaemonSet has no variable %s", name)

	return ""
}

// requireOwnedBy requires every object to carry owner in coco-fn's owner annotation.
func requireOwnedBy(t *testing.T, owner string, objects []map[string]any) {
	t.Helper()

	require.NotEmpty(t, objects)
	for _, o := range objects {
		require.Equal(t, owner, nestedString(o, "metadata", "annotations", "coco-fn.dev/config"),
			"owner of %s %s", o["kind"], nestedString(o, "metadata", "name"))
	}
}

// requireNoDuplicates requires no two objects to share group, kind, namespace and name.
func requireNoDuplicates(t *testing.T, objects []map[string]any) {
	t.Helper()

	seen := map[string]bool{}
	for _, o := range objects {
		apiVersion, _ := o["apiVersion"].(string)
		group, _, grouped := strings.Cut(apiVersion, "/")
		if !grouped {
			group = "" // the core group
		}
		id := fmt.Sprintf("%s %s %s/%s", group, o["kind"],
			nestedString(o, "metadata", "namespace"), nestedString(o, "metadata", "name"))
		require.False(t, seen[id], "%s appears twice", id)
		seen[id] = true
	}
}

// nestedField returns the value at the path of fields, or nil.
func nestedField(o map[string]any, fields ...string) any {
	var v any = o
	for _, f := range fields {
		m, _ := v.(map[string]any)
		v = m[f]
	}

	return v
}

// nestedString returns the string at the path of fields, or "".
func nestedString(o map[string]any, fields ...string) string {
	s, _ := nestedField(o, fields...).(string)
	return s
}

// treeFiles returns the paths of a tree from readTree, sorted.
func treeFiles(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// globFiles returns the files matching any of the patterns.
func globFiles(t *testing.T, patterns ...string) []string {
	t.Helper()

	var files []string
	for _, p := range patterns {
		matches, err := filepath.Glob(p)
		require.NoError(t, err)
		files = append(files, matches...)
	}
	require.NotEmpty(t, files, "no file matches %v", patterns)

	return files
}
