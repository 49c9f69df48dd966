//go:build linux

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/coco-fn/coco-fn/internal/testutil"
	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// goldenGlobEnv names an environment variable that, when set, replaces
// testdata/golden/*.yaml as the glob of files that TestAPIServer checks.
const goldenGlobEnv = "COCO_FN_GOLDEN_GLOB"

// probeNamespace holds the dry-run Pods that check what each RuntimeClass
// does to a Pod.
const probeNamespace = "coco-fn-e2e"

// requestTimeout bounds the API calls of one step of a test.
const requestTimeout = 30 * time.Second

// createOrder ranks kinds in the order they are created; kinds not listed
// come last, in the order of their file.
var createOrder = map[string]int{
	"Namespace":          0,
	"ServiceAccount":     1,
	"ClusterRole":        2,
	"ClusterRoleBinding": 3,
	"RuntimeClass":       4,
}

// TestAPIServer stores every object of every golden file in a real
// kube-apiserver. Its subtests share one etcd and one kube-apiserver; checks
// that need a real API server belong here as further subtests.
func TestAPIServer(t *testing.T) {
	if *testutil.Update {
		t.Skip("-update is rewriting the golden files; check them in a run without it")
	}

	files := goldenFiles(t)
	api := startCluster(t)

	t.Run("golden", func(t *testing.T) {
		for _, file := range files {
			t.Run(filepath.Base(file), func(t *testing.T) {
				checkGolden(t, api, file)
			})
		}
	})
}

// TestSubset pins down what checkStored counts as coming back changed.
func TestSubset(t *testing.T) {
	tests := []struct {
		name, want, got, err string
	}{
		{"same", `{"a":{"b":"2Gi"}}`, `{"a":{"b":"2Gi","c":1}}`, ""},
		{"number as string", `{"cpu":1}`, `{"cpu":"1"}`, ""},
		{"non-canonical", `{"m":{"memory":"2048Mi"}}`, `{"m":{"memory":"2Gi"}}`,
			`m.memory: wrote "2048Mi", server has "2Gi"`},
		{"missing", `{"a":{"b":true}}`, `{}`, `a.b: wrote true, server has nothing`},
		{"null and empty", `{"a":null,"b":{},"c":[],"d":{"e":{}}}`, `{}`, ""},
		{"dotted key", `{"l":{"a.b/c":"x"}}`, `{"l":{"a.b/c":"y"}}`,
			`l["a.b/c"]: wrote "x", server has "y"`},
		{"list length", `{"l":[1,2]}`, `{"l":[1]}`, `l: wrote 2 items, server has 1`},
		{"list item", `{"l":[{"a":1}]}`, `{"l":[{"a":2}]}`, `l[0].a: wrote 1, server has 2`},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want, got any
			if err := decodeJSON([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}

			if err := decodeJSON([]byte(tt.got), &got); err != nil {
				t.Fatal(err)
			}

			err := subset("", want, got)
			if tt.err == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, tt.err)
			}
		})
	}
}

// goldenFiles returns the golden files, failing the test when there are none.
func goldenFiles(t *testing.T) []string {
	t.Helper()

	pattern := os.Getenv(goldenGlobEnv)
	if pattern == "" {
		pattern = filepath.Join(repoRoot(t), "testdata", "golden", "*.yaml")
	}

	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatalf("bad golden glob %q: %v", pattern, err)
	}

	if len(files) == 0 {
		t.Fatalf("no golden files match %s", pattern)
	}

	return files
}

// checkGolden creates every object of file, checks that the server stores
// each unchanged, checks what each RuntimeClass does to a Pod, and deletes
// the objects again when the subtest ends.
func checkGolden(t *testing.T, api *kubeAPI, file string) {
	objs := readObjects(t, file)
	slices.SortStableFunc(objs, func(a, b object) int {
		return createRank(a) - createRank(b)
	})

	for _, obj := range objs {
		createObject(t, api, obj)
	}

	for _, obj := range objs {
		checkStored(t, api, obj)
	}

	for _, obj := range objs {
		if obj.kind() == "RuntimeClass" {
			checkRuntimeClassPod(t, api, obj)
		}
	}
}

// createRank is where obj's kind comes in createOrder.
func createRank(obj object) int {
	if rank, ok := createOrder[obj.kind()]; ok {
		return rank
	}

	return len(createOrder)
}

// readObjects parses the multi-document YAML file into its objects.
func readObjects(t *testing.T, file string) []object {
	t.Helper()

	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("open golden file: %v", err)
	}
	defer f.Close()

	objs, err := decodeStream(f)
	if err != nil {
		t.Fatalf("parse %s: %v", filepath.Base(file), err)
	}

	if len(objs) == 0 {
		t.Fatalf("%s holds no objects", filepath.Base(file))
	}

	return objs
}

// decodeStream decodes every non-empty document of a YAML stream.
func decodeStream(r io.Reader) ([]object, error) {
	var objs []object
	reader := utilyaml.NewYAMLReader(bufio.NewReader(r))
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}

		if err != nil {
			return nil, err
		}

		obj, err := decodeObject(doc)
		if err != nil {
			return nil, err
		}

		if obj != nil {
			objs = append(objs, obj)
		}
	}
}

// decodeObject turns one YAML document into an object, the way kubectl reads
// it; an empty document gives nil.
func decodeObject(doc []byte) (object, error) {
	data, err := yaml.YAMLToJSON(doc)
	if err != nil {
		return nil, err
	}

	var obj object
	if err := decodeJSON(data, &obj); err != nil {
		return nil, err
	}

	if obj != nil && (obj.apiVersion() == "" || obj.kind() == "") {
		return nil, errors.New("a document has no apiVersion or kind")
	}

	return obj, nil
}

// createObject creates obj (and its namespace, if missing), failing with the
// server's message, and deletes obj when t ends.
func createObject(t *testing.T, api *kubeAPI, obj object) {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), requestTimeout)
	defer cancel()

	namespaced, err := api.namespaced(ctx, obj)
	if err != nil {
		t.Fatalf("%s: %v", obj, err)
	}

	if namespaced {
		if err := api.ensureNamespace(ctx, obj.namespace()); err != nil {
			t.Fatalf("create namespace %s: %v", obj.namespace(), err)
		}
	}

	warnings, err := api.create(ctx, obj)
	if err != nil {
		t.Fatalf("create %s: %v", obj, err)
	}

	for _, w := range warnings {
		t.Logf("create %s: warning: %s", obj, w)
	}

	t.Cleanup(func() { deleteObject(t, api, obj) })
}

// deleteObject deletes obj and waits until it is gone.
func deleteObject(t *testing.T, api *kubeAPI, obj object) {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()

	if err := api.delete(ctx, obj); err != nil {
		t.Errorf("delete %s: %v", obj, err)
	}
}

// checkStored reads obj back and checks that every field it sets, status
// aside, comes back with the value it was written with.
func checkStored(t *testing.T, api *kubeAPI, obj object) {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), requestTimeout)
	defer cancel()

	stored, err := api.get(ctx, obj)
	if err != nil {
		t.Fatalf("read back %s: %v", obj, err)
	}

	want := maps.Clone(obj)
	delete(want, "status")
	if err := subset("", map[string]any(want), map[string]any(stored)); err != nil {
		t.Errorf("%s comes back changed: %v", obj, err)
	}
}

// checkRuntimeClassPod dry-runs a Pod that names the RuntimeClass obj and
// checks that the server gave it the class's overhead, node selector and
// tolerations. It retries for a while, as the admission plugin reads
// RuntimeClasses from a cache that may lag behind a class just recreated.
func checkRuntimeClassPod(t *testing.T, api *kubeAPI, obj object) {
	t.Helper()

	rc := storedRuntimeClass(t, api, obj)
	ensureProbeNamespace(t, api)

	assert.EventuallyWithT(t, func(c *assert.CollectT) {
		pod, err := dryRunPod(t.Context(), api, rc.Name)
		if !assert.NoError(c, err, "dry-run a Pod with runtimeClassName %s", rc.Name) {
			return
		}

		assertRuntimeClassApplied(c, rc, pod)
	}, 10*time.Second, 200*time.Millisecond, "RuntimeClass %s", rc.Name)
}

// storedRuntimeClass reads back the RuntimeClass obj as the server stores it.
func storedRuntimeClass(t *testing.T, api *kubeAPI, obj object) nodev1.RuntimeClass {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), requestTimeout)
	defer cancel()

	var rc nodev1.RuntimeClass
	path := "/apis/node.k8s.io/v1/runtimeclasses/" + obj.name()
	if _, err := api.do(ctx, http.MethodGet, path, nil, &rc); err != nil {
		t.Fatalf("read back %s: %v", obj, err)
	}

	return rc
}

// ensureProbeNamespace creates probeNamespace and its default ServiceAccount,
// which the ServiceAccount admission plugin requires of every Pod (no
// controller manager runs here to create it).
func ensureProbeNamespace(t *testing.T, api *kubeAPI) {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), requestTimeout)
	defer cancel()

	if err := api.ensureNamespace(ctx, probeNamespace); err != nil {
		t.Fatalf("create namespace %s: %v", probeNamespace, err)
	}

	sa := object{
		"apiVersion": "v1",
		"kind":       "ServiceAccount",
		"metadata":   map[string]any{"name": "default", "namespace": probeNamespace},
	}
	if err := api.ensure(ctx, sa); err != nil {
		t.Fatalf("create %s: %v", sa, err)
	}
}

// dryRunPod creates, in dry-run mode, a Pod that uses the RuntimeClass rc and
// returns the Pod as admission left it.
func dryRunPod(ctx context.Context, api *kubeAPI, rc string) (corev1.Pod, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()

	pod := corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "runtimeclass-probe"},
		Spec: corev1.PodSpec{
			RuntimeClassName: &rc,
			Containers:       []corev1.Container{{Name: "probe", Image: "probe"}},
		},
	}

	var got corev1.Pod
	path := "/api/v1/namespaces/" + probeNamespace + "/pods?dryRun=All&fieldValidation=Strict"
	_, err := api.do(ctx, http.MethodPost, path, pod, &got)

	return got, err
}

// assertRuntimeClassApplied checks that pod carries rc's overhead as its
// spec.overhead, and rc's node selector and tolerations among its own.
func assertRuntimeClassApplied(c assert.TestingT, rc nodev1.RuntimeClass, pod corev1.Pod) {
	var overhead corev1.ResourceList
	if rc.Overhead != nil {
		overhead = rc.Overhead.PodFixed
	}

	assert.Equal(c, quantities(overhead), quantities(pod.Spec.Overhead), "spec.overhead")

	if rc.Scheduling == nil {
		return
	}

	for key, value := range rc.Scheduling.NodeSelector {
		assert.Equal(c, value, pod.Spec.NodeSelector[key], "spec.nodeSelector[%q]", key)
	}

	for _, toleration := range rc.Scheduling.Tolerations {
		assert.Contains(c, pod.Spec.Tolerations, toleration, "spec.tolerations")
	}
}

// quantities is list with its quantities as strings, for readable diffs.
func quantities(list corev1.ResourceList) map[string]string {
	out := map[string]string{}
	for name, q := range list {
		out[string(name)] = q.String()
	}

	return out
}

// subset returns an error naming the path of the first value that want sets
// and got lacks or holds differently. A null, an empty map or an empty list
// in want also matches a missing value.
func subset(path string, want, got any) error {
	switch w := want.(type) {
	case nil:
		return nil
	case map[string]any:
		return subsetMap(path, w, got)
	case []any:
		return subsetList(path, w, got)
	}

	if !sameScalar(want, got) {
		return mismatch(path, want, got)
	}

	return nil
}

// subsetMap is subset for a map in want.
func subsetMap(path string, want map[string]any, got any) error {
	g, ok := got.(map[string]any)
	if !ok && got != nil {
		return mismatch(path, want, got)
	}

	for _, key := range slices.Sorted(maps.Keys(want)) {
		if err := subset(fieldPath(path, key), want[key], g[key]); err != nil {
			return err
		}
	}

	return nil
}

// subsetList is subset for a list in want: got must hold as many items, each
// a superset of the item at the same index.
func subsetList(path string, want []any, got any) error {
	g, ok := got.([]any)
	if !ok && got != nil {
		return mismatch(path, want, got)
	}

	if len(g) != len(want) {
		return fmt.Errorf("%s: wrote %d items, server has %d", path, len(want), len(g))
	}

	for i := range want {
		if err := subset(path+"["+strconv.Itoa(i)+"]", want[i], g[i]); err != nil {
			return err
		}
	}

	return nil
}

// sameScalar reports whether got is the scalar want. A number and a string
// match when their text is the same, as the server turns quantities written
// as numbers (cpu: 1) into strings ("1").
func sameScalar(want, got any) bool {
	if want == got {
		return true
	}

	w, wOK := scalarText(want)
	g, gOK := scalarText(got)

	return wOK && gOK && w == g
}

// scalarText is the text of a string or a number.
func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	}

	return "", false
}

// mismatch describes a value that got holds differently from want.
func mismatch(path string, want, got any) error {
	if path == "" {
		path = "."
	}

	return fmt.Errorf("%s: wrote %s, server has %s", path, show(want), show(got))
}

// show renders a value for an error message.
func show(v any) string {
	if v == nil {
		return "nothing"
	}

	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}

	return string(data)
}

// plainKey matches map keys that a path can show after a dot.
var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// fieldPath appends key to path: .key when plain, ["key"] otherwise.
func fieldPath(path, key string) string {
	if !plainKey.MatchString(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}

	if path == "" {
		return key
	}

	return path + "." + key
}

// object is a Kubernetes object as generic JSON.
type object map[string]any

// apiVersion is obj's apiVersion.
func (obj object) apiVersion() string { return obj.str("apiVersion") }

// kind is obj's kind.
func (obj object) kind() string { return obj.str("kind") }

// name is obj's metadata.name.
func (obj object) name() string { return obj.meta("name") }

// namespace is obj's metadata.namespace, or "default" when it sets none.
func (obj object) namespace() string {
	if ns := obj.meta("namespace"); ns != "" {
		return ns
	}

	return "default"
}

// String names obj for messages: Kind namespace/name, or Kind name.
func (obj object) String() string {
	if ns := obj.meta("namespace"); ns != "" {
		return obj.kind() + " " + ns + "/" + obj.name()
	}

	return obj.kind() + " " + obj.name()
}

// str is the top-level string field key of obj.
func (obj object) str(key string) string {
	s, _ := obj[key].(string)

	return s
}

// meta is the string field key of obj's metadata.
func (obj object) meta(key string) string {
	m, _ := obj["metadata"].(map[string]any)
	s, _ := m[key].(string)

	return s
}
