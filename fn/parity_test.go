package fn

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"sigs.k8s.io/yaml"
)

// upstreamOverheads is the RuntimeClass catalog of the kata-deploy 3.22.0
// image, as the node script writes it (not always in canonical form).
var upstreamOverheads = map[string][2]string{
	"qemu-coco-dev":       {"160Mi", "250m"},
	"qemu-snp":            {"2048Mi", "1.0"},
	"qemu-tdx":            {"2048Mi", "1.0"},
	"qemu-nvidia-gpu-snp": {"4096Mi", "1"},
	"qemu-nvidia-gpu-tdx": {"4096Mi", "1"},
	"qemu-se":             {"2048Mi", "1.0"},
	"remote":              {"120Mi", "250m"},
}

// differences are the ways coco-fn's install departs from the chart's; each
// key must be named in the README's "Differences from the Helm chart".
var differences = map[string]string{
	"CREATE_RUNTIMECLASSES": "coco-fn declares the RuntimeClasses, so the node script must not",
	"DEFAULT_SHIM":          "an empty value means qemu on the node; coco-fn names a listed shim",
	"runtimeclasses":        "the ClusterRole has no rule for RuntimeClasses",
	"kubernetes.io/arch":    "DaemonSet and RuntimeClasses select the profile's architecture",
	"post-delete":           "the chart's Helm hooks are not rendered",
	"app.kubernetes.io":     "every object carries the recommended labels",
	"coco-fn.dev/config":    "every object names its CocoConfig",
}

// TestParityWithHelmChart renders the CocoConfig equivalent to each values
// file of the chart and compares, object by object, what a cluster would run
// with the chart's own `helm template` output in testdata/helm.
func TestParityWithHelmChart(t *testing.T) {
	for _, arch := range []string{"x86_64", "s390x", "aarch64", "remote"} {
		t.Run(arch, func(t *testing.T) {
			helm := parseStream(t, readFile(t, filepath.Join("testdata", "helm", "0.16.0", arch+".yaml")))
			ours := render(t, fmt.Sprintf("architecture: %s", arch))

			compareRBAC(t, helm, ours)
			compareDaemonSet(t, helm, ours, arch)
			compareRuntimeClasses(t, helm, ours)
		})
	}
}

// TestDifferencesAreDocumented checks that the README lists every difference
// the parity test allows.
func TestDifferencesAreDocumented(t *testing.T) {
	readme := string(readFile(t, "README.md"))
	_, section, found := strings.Cut(readme, "## Differences from the Helm chart")
	require.True(t, found, "README.md has no section \"Differences from the Helm chart\"")
	section, _, _ = strings.Cut(section, "\n## ")

	for key, why := range differences {
		assert.Contains(t, section, key, "the README does not list the difference: %s", why)
	}
}

// objects maps "Kind/name" to the YAML of each object.
type objects map[string][]byte

func parseStream(t *testing.T, data []byte) objects {
	t.Helper()

	out := objects{}
	for _, doc := range bytes.Split(data, []byte("\n---")) {
		var meta struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name        string            `json:"name"`
				Annotations map[string]string `json:"annotations"`
			} `json:"metadata"`
		}
		require.NoError(t, yaml.Unmarshal(doc, &meta))
		if meta.Kind == "" {
			continue
		}
		out[meta.Kind+"/"+meta.Metadata.Name] = doc
	}

	return out
}

// render runs coco-fn on one CocoConfig with the given spec and returns its items.
func render(t *testing.T, spec string) objects {
	t.Helper()

	cfg := "apiVersion: coco-fn.dev/v1alpha1\nkind: CocoConfig\nmetadata:\n  name: coco\nspec:\n  " +
		strings.ReplaceAll(spec, "\n", "\n  ") + "\n"
	rl := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  " +
		strings.ReplaceAll(cfg, "\n", "\n  ")

	out, err := run([]byte(rl))
	require.NoError(t, err)

	parsed, err := fn.ParseResourceList(out)
	require.NoError(t, err)

	items := objects{}
	for _, item := range parsed.Items {
		items[item.GetKind()+"/"+item.GetName()] = []byte(item.String())
	}

	return items
}

func decode[T any](t *testing.T, objs objects, key string) *T {
	t.Helper()

	data, ok := objs[key]
	require.True(t, ok, "no %s among %v", key, keys(objs))

	var v T
	require.NoError(t, yaml.UnmarshalStrict(data, &v), key)

	return &v
}

func keys(objs objects) []string { return sortedKeys(objs) }

func compareRBAC(t *testing.T, helm, ours objects) {
	const base = "kata-as-coco-runtime"

	helmSA := decode[corev1.ServiceAccount](t, helm, "ServiceAccount/"+base+"-sa")
	ourSA := decode[corev1.ServiceAccount](t, ours, "ServiceAccount/"+base+"-sa")
	assert.Equal(t, helmSA.Namespace, ourSA.Namespace)

	helmRole := decode[rbacv1.ClusterRole](t, helm, "ClusterRole/"+base+"-role")
	ourRole := decode[rbacv1.ClusterRole](t, ours, "ClusterRole/"+base+"-role")
	var withoutRuntimeClasses []rbacv1.PolicyRule
	for _, rule := range helmRole.Rules {
		if !(len(rule.Resources) == 1 && rule.Resources[0] == "runtimeclasses") {
			withoutRuntimeClasses = append(withoutRuntimeClasses, rule)
		}
	}
	assert.Equal(t, withoutRuntimeClasses, ourRole.Rules)

	helmRB := decode[rbacv1.ClusterRoleBinding](t, helm, "ClusterRoleBinding/"+base+"-rb")
	ourRB := decode[rbacv1.ClusterRoleBinding](t, ours, "ClusterRoleBinding/"+base+"-rb")
	assert.Equal(t, helmRB.RoleRef, ourRB.RoleRef)
	assert.Equal(t, helmRB.Subjects, ourRB.Subjects)
}

func compareDaemonSet(t *testing.T, helm, ours objects, arch string) {
	key := "DaemonSet/kata-as-coco-runtime"
	h := decode[appsv1.DaemonSet](t, helm, key)
	o := decode[appsv1.DaemonSet](t, ours, key)

	assert.Equal(t, h.Namespace, o.Namespace)
	assert.Equal(t, h.Spec.Selector, o.Spec.Selector)
	assert.Equal(t, h.Spec.UpdateStrategy, o.Spec.UpdateStrategy)
	for k, v := range h.Spec.Template.Labels {
		assert.Equal(t, v, o.Spec.Template.Labels[k], "pod label %s", k)
	}

	hp, op := h.Spec.Template.Spec, o.Spec.Template.Spec
	assert.Equal(t, hp.ServiceAccountName, op.ServiceAccountName)
	assert.Equal(t, hp.HostPID, op.HostPID)
	assert.Equal(t, hp.Volumes, op.Volumes)
	assert.Equal(t, expectedNodeSelector(arch), op.NodeSelector)

	require.Len(t, op.Containers, 1)
	hc, oc := hp.Containers[0], op.Containers[0]
	assert.Equal(t, hc.Name, oc.Name)
	assert.Equal(t, hc.Image, oc.Image)
	assert.Equal(t, hc.ImagePullPolicy, oc.ImagePullPolicy)
	assert.Equal(t, hc.Command, oc.Command)
	assert.Equal(t, hc.SecurityContext, oc.SecurityContext)
	assert.Equal(t, hc.VolumeMounts, oc.VolumeMounts)
	compareEnv(t, hc.Env, oc.Env)
}

func expectedNodeSelector(arch string) map[string]string {
	nodeArch := map[string]string{"x86_64": "amd64", "s390x": "s390x", "aarch64": "arm64"}[arch]
	if nodeArch == "" {
		return nil
	}

	return map[string]string{"kubernetes.io/arch": nodeArch}
}

// compareEnv expects the same variables in the same order with the same
// values, but for the documented differences.
func compareEnv(t *testing.T, helm, ours []corev1.EnvVar) {
	require.Equal(t, envNames(helm), envNames(ours), "env names and order")

	shims := ""
	for i, h := range helm {
		o := ours[i]
		switch h.Name {
		case "SHIMS":
			shims = h.Value
			assert.Equal(t, h.Value, o.Value, h.Name)
		case "CREATE_RUNTIMECLASSES":
			assert.Equal(t, "true", h.Value)
			assert.Equal(t, "false", o.Value, h.Name)
		case "DEFAULT_SHIM":
			assert.Empty(t, h.Value)
			assert.Equal(t, strings.Fields(shims)[0], o.Value, h.Name)
		default:
			assert.Equal(t, h.Value, o.Value, h.Name)
			assert.Equal(t, h.ValueFrom, o.ValueFrom, h.Name)
		}
	}
}

func envNames(env []corev1.EnvVar) []string {
	names := make([]string, 0, len(env))
	for _, e := range env {
		names = append(names, e.Name)
	}

	return names
}

// compareRuntimeClasses checks that coco-fn declares exactly the classes the
// chart's node script would create from its SHIMS, with the same handler and
// the same overhead, written in canonical form.
func compareRuntimeClasses(t *testing.T, helm, ours objects) {
	ds := decode[appsv1.DaemonSet](t, helm, "DaemonSet/kata-as-coco-runtime")

	var want []string
	for _, e := range ds.Spec.Template.Spec.Containers[0].Env {
		if e.Name == "SHIMS" {
			want = strings.Fields(e.Value)
		}
	}
	require.NotEmpty(t, want)

	var declared []string
	for key := range ours {
		if name, ok := strings.CutPrefix(key, "RuntimeClass/"); ok {
			declared = append(declared, name)
		}
	}

	wantNames := make([]string, 0, len(want))
	for _, shim := range want {
		wantNames = append(wantNames, "kata-"+shim)
		compareRuntimeClass(t, decode[nodev1.RuntimeClass](t, ours, "RuntimeClass/kata-"+shim), shim)
	}
	assert.ElementsMatch(t, wantNames, declared)
}

func compareRuntimeClass(t *testing.T, rc *nodev1.RuntimeClass, shim string) {
	assert.Equal(t, "kata-"+shim, rc.Handler)
	assert.Equal(t, "true", rc.Scheduling.NodeSelector["katacontainers.io/kata-runtime"])

	upstream := upstreamOverheads[shim]
	for res, want := range map[corev1.ResourceName]string{"memory": upstream[0], "cpu": upstream[1]} {
		got := rc.Overhead.PodFixed[res]
		wantQ := resource.MustParse(want)
		assert.Zero(t, got.Cmp(wantQ), "%s %s: %s, want %s", rc.Name, res, got.String(), want)
		assert.Equal(t, canonical(want), got.String(), "%s %s must be canonical", rc.Name, res)
	}
}

// canonical is the form the API server stores a quantity in.
func canonical(q string) string {
	parsed := resource.MustParse(q)
	return parsed.String()
}
