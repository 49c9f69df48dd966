//go:build linux

package e2e

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/coco-fn/coco-fn/internal/testutil"
	"github.com/stretchr/testify/assert"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

// runtimeLabel is the label that kata-deploy sets on a Node once it has
// installed the runtime there, and that every RuntimeClass selects.
const runtimeLabel = "katacontainers.io/kata-runtime"

// installNamespace is where the golden install puts its DaemonSet.
const installNamespace = "kube-system"

// daemonSetName is the golden install's kata-deploy DaemonSet.
const daemonSetName = "kata-as-coco-runtime"

// schedulingRuntimeClass is the RuntimeClass the test Pod asks for.
const schedulingRuntimeClass = "kata-qemu-coco-dev"

// nodeReadyTimeout bounds how long kwok and the node controller take to
// make the fake Nodes ready and untainted.
const nodeReadyTimeout = 60 * time.Second

// scheduleTimeout bounds how long the DaemonSet and a Pod take to be
// scheduled and run.
const scheduleTimeout = 120 * time.Second

// fakeNode is a simulated Node: its name and its kubernetes.io/arch.
type fakeNode struct{ name, arch string }

// fakeNodes is the mixed-architecture cluster the install is scheduled on.
var fakeNodes = []fakeNode{
	{"amd64-a", "amd64"},
	{"amd64-b", "amd64"},
	{"s390x-a", "s390x"},
}

// TestScheduling installs the x86_64 golden file on a simulated cluster of
// two amd64 Nodes and one s390x Node. The kata-deploy DaemonSet must run on
// the amd64 Nodes only, and a Pod of a RuntimeClass must wait for a Node
// that kata-deploy has labelled and then run there, with the class's
// overhead.
func TestScheduling(t *testing.T) {
	if *testutil.Update {
		t.Skip("-update is rewriting the golden files; check them in a run without it")
	}

	c := startSimCluster(t)
	for _, n := range fakeNodes {
		createFakeNode(t, c.api, n)
	}
	c.waitFor(t, "fake Nodes ready", nodeReadyTimeout, c.api.nodesReady)

	installGolden(t, c.api, filepath.Join(repoRoot(t), "testdata", "golden", "x86_64.yaml"))
	c.waitFor(t, "DaemonSet "+daemonSetName+" ready on 2 Nodes", scheduleTimeout, c.api.daemonSetReady(2))
	assertDaemonSetNodes(t, c.api, "amd64-a", "amd64-b")

	checkRuntimeClassScheduling(t, c, "amd64-b")
}

// createFakeNode creates a Node for kwok to simulate, with room for a few
// Pods.
func createFakeNode(t *testing.T, api *kubeAPI, n fakeNode) {
	t.Helper()

	resources := map[string]any{"cpu": "4", "memory": "8Gi", "pods": "110"}
	createObject(t, api, object{
		"apiVersion": "v1",
		"kind":       "Node",
		"metadata": map[string]any{
			"name":        n.name,
			"annotations": map[string]any{fakeNodeAnnotation: "fake"},
			"labels": map[string]any{
				"kubernetes.io/arch":     n.arch,
				"kubernetes.io/os":       "linux",
				"kubernetes.io/hostname": n.name,
			},
		},
		"status": map[string]any{"capacity": resources, "allocatable": resources},
	})
}

// nodesReady returns nil once every fake Node is Ready and has no taint
// left (the API server taints new Nodes not-ready until the node controller
// sees them ready).
func (k *kubeAPI) nodesReady(ctx context.Context) error {
	for _, n := range fakeNodes {
		var node corev1.Node
		if _, err := k.do(ctx, http.MethodGet, "/api/v1/nodes/"+n.name, nil, &node); err != nil {
			return err
		}

		if !nodeReady(node) || len(node.Spec.Taints) > 0 {
			return fmt.Errorf("Node %s: conditions %s, taints %v",
				n.name, conditionSummary(node.Status.Conditions), node.Spec.Taints)
		}
	}

	return nil
}

// nodeReady reports whether node's Ready condition is True.
func nodeReady(node corev1.Node) bool {
	for _, c := range node.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}

	return false
}

// conditionSummary renders node conditions as Type=Status, for messages.
func conditionSummary(conditions []corev1.NodeCondition) []string {
	out := []string{}
	for _, c := range conditions {
		out = append(out, string(c.Type)+"="+string(c.Status))
	}

	return out
}

// installGolden creates every object of file, in the order TestAPIServer
// creates them.
func installGolden(t *testing.T, api *kubeAPI, file string) {
	t.Helper()

	objs := readObjects(t, file)
	slices.SortStableFunc(objs, func(a, b object) int {
		return createRank(a) - createRank(b)
	})

	for _, obj := range objs {
		createObject(t, api, obj)
	}
}

// daemonSetReady returns a check that the install's DaemonSet wants Pods on
// exactly want Nodes, has them there and ready, and none elsewhere.
func (k *kubeAPI) daemonSetReady(want int32) func(context.Context) error {
	return func(ctx context.Context) error {
		var ds appsv1.DaemonSet
		path := "/apis/apps/v1/namespaces/" + installNamespace + "/daemonsets/" + daemonSetName
		if _, err := k.do(ctx, http.MethodGet, path, nil, &ds); err != nil {
			return err
		}

		s := ds.Status
		if s.DesiredNumberScheduled != want || s.CurrentNumberScheduled != want ||
			s.NumberReady != want || s.NumberMisscheduled != 0 {
			return fmt.Errorf("status desired=%d current=%d ready=%d misscheduled=%d, want %d",
				s.DesiredNumberScheduled, s.CurrentNumberScheduled, s.NumberReady,
				s.NumberMisscheduled, want)
		}

		return nil
	}
}

// assertDaemonSetNodes checks that the DaemonSet's Pods run on exactly the
// Nodes named, one each.
func assertDaemonSetNodes(t *testing.T, api *kubeAPI, want ...string) {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), requestTimeout)
	defer cancel()

	var pods corev1.PodList
	path := "/api/v1/namespaces/" + installNamespace + "/pods?labelSelector=" +
		url.QueryEscape("name="+daemonSetName)
	if _, err := api.do(ctx, http.MethodGet, path, nil, &pods); err != nil {
		t.Fatalf("list the DaemonSet's Pods: %v", err)
	}

	var nodes []string
	for _, pod := range pods.Items {
		nodes = append(nodes, pod.Spec.NodeName)
		assert.Equal(t, corev1.PodRunning, pod.Status.Phase, "phase of Pod %s", pod.Name)
	}
	slices.Sort(nodes)
	assert.Equal(t, want, nodes, "Nodes of the DaemonSet's Pods")
}

// checkRuntimeClassScheduling creates a Pod of schedulingRuntimeClass while
// no Node has the runtime label and checks that it cannot be scheduled; then
// labels node, as kata-deploy would, and checks that the Pod runs there with
// the class's overhead and node selector.
func checkRuntimeClassScheduling(t *testing.T, c *controlPlane, node string) {
	t.Helper()

	ensureProbeNamespace(t, c.api)
	createObject(t, c.api, kataPod())
	c.waitFor(t, "kata Pod unschedulable", scheduleTimeout, c.api.podUnschedulable)

	labelNode(t, c.api, node)
	c.waitFor(t, "kata Pod running on "+node, scheduleTimeout, c.api.podRunningOn(node))

	rc := storedRuntimeClass(t, c.api, object{"metadata": map[string]any{"name": schedulingRuntimeClass}})
	assertRuntimeClassApplied(t, rc, c.api.readKataPod(t))
}

// kataPod is a Pod in probeNamespace that asks for schedulingRuntimeClass.
func kataPod() object {
	return object{
		"apiVersion": "v1",
		"kind":       "Pod",
		"metadata":   map[string]any{"name": "kata", "namespace": probeNamespace},
		"spec": map[string]any{
			"runtimeClassName": schedulingRuntimeClass,
			"containers":       []any{map[string]any{"name": "app", "image": "app"}},
		},
	}
}

// readKataPod reads back the Pod that kataPod describes.
func (k *kubeAPI) readKataPod(t *testing.T) corev1.Pod {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), requestTimeout)
	defer cancel()

	pod, err := k.getKataPod(ctx)
	if err != nil {
		t.Fatalf("read back the kata Pod: %v", err)
	}

	return pod
}

// getKataPod reads back the Pod that kataPod describes.
func (k *kubeAPI) getKataPod(ctx context.Context) (corev1.Pod, error) {
	var pod corev1.Pod
	_, err := k.do(ctx, http.MethodGet, "/api/v1/namespaces/"+probeNamespace+"/pods/kata", nil, &pod)

	return pod, err
}

// podUnschedulable returns nil once the scheduler has found no Node for the
// kata Pod.
func (k *kubeAPI) podUnschedulable(ctx context.Context) error {
	pod, err := k.getKataPod(ctx)
	if err != nil {
		return err
	}

	if pod.Spec.NodeName != "" {
		return fmt.Errorf("scheduled to %s before any Node has %s", pod.Spec.NodeName, runtimeLabel)
	}

	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Reason == corev1.PodReasonUnschedulable {
			return nil
		}
	}

	return errors.New("the scheduler has not tried the Pod yet")
}

// podRunningOn returns a check that the kata Pod runs on node.
func (k *kubeAPI) podRunningOn(node string) func(context.Context) error {
	return func(ctx context.Context) error {
		pod, err := k.getKataPod(ctx)
		if err != nil {
			return err
		}

		if pod.Spec.NodeName != node || pod.Status.Phase != corev1.PodRunning {
			return fmt.Errorf("on Node %q, phase %s, conditions %v",
				pod.Spec.NodeName, pod.Status.Phase, pod.Status.Conditions)
		}

		return nil
	}
}

// labelNode sets the runtime label on node.
func labelNode(t *testing.T, api *kubeAPI, node string) {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), requestTimeout)
	defer cancel()

	patch := map[string]any{"metadata": map[string]any{"labels": map[string]any{runtimeLabel: "true"}}}
	if err := api.mergePatch(ctx, "/api/v1/nodes/"+node, patch); err != nil {
		t.Fatalf("label Node %s: %v", node, err)
	}
}
