//go:build linux

package e2e

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// fakeNodeAnnotation marks the Nodes that kwok simulates.
const fakeNodeAnnotation = "kwok.x-k8s.io/node"

// pollInterval is how often a wait on the simulated cluster looks again.
const pollInterval = 250 * time.Millisecond

// kwokStageFiles are the Stage files, relative to the kwok module, that make
// Nodes ready and keep them so, and make Pods ready, complete and go; a glob
// may match several files.
var kwokStageFiles = []string{
	"kustomize/stage/node/fast/node-initialize.yaml",
	"kustomize/stage/node/heartbeat/node-heartbeat.yaml",
	"kustomize/stage/pod/fast/*.yaml",
}

// startSimCluster starts etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok, which simulates the kubelet of every Node
// annotated as fake, all on loopback, and stops them all when t ends.
func startSimCluster(t *testing.T) *controlPlane {
	t.Helper()

	kcmBin := requireTool(t, "kube-controller-manager", "cluster")
	schedulerBin := requireTool(t, "kube-scheduler", "cluster")
	kwokBin := requireTool(t, "kwok", "cluster")
	stages := kwokStages(t, kwokBin)

	c := startControlPlane(t)
	kubeconfig := writeKubeconfig(t, c.dir, c.api)
	c.start(t, "kube-controller-manager", kcmBin, controllerManagerArgs(kubeconfig, c.saKey))
	c.start(t, "kube-scheduler", schedulerBin, schedulerArgs(kubeconfig))
	c.start(t, "kwok", kwokBin, kwokArgs(kubeconfig, stages))

	return c
}

// start starts one more server of the cluster.
func (c *controlPlane) start(t *testing.T, name, bin string, args []string) {
	t.Helper()

	c.servers = append(c.servers, startServer(t, name, bin, c.dir, args))
}

// controllerManagerArgs runs every controller but node IPAM (the simulated
// Nodes need no Pod CIDRs) as the admin user, serving nothing.
func controllerManagerArgs(kubeconfig, saKey string) []string {
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--use-service-account-credentials=false",
		"--secure-port=0",
		"--leader-elect=false",
		"--controllers=*,-nodeipam",
		"--service-account-private-key-file=" + saKey,
	}
}

// schedulerArgs runs the default scheduler, serving nothing.
func schedulerArgs(kubeconfig string) []string {
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--secure-port=0",
		"--leader-elect=false",
	}
}

// kwokArgs has kwok manage only the Nodes annotated as fake, with the
// Stages in the file stages, serving nothing.
func kwokArgs(kubeconfig, stages string) []string {
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=" + fakeNodeAnnotation + "=fake",
		"--node-ip=127.0.0.1",
		"--node-port=0",
		"--cidr=10.0.0.1/24",
		"--config=" + stages,
	}
}

// writeKubeconfig writes a kubeconfig for api's admin token into dir and
// returns its path. It skips TLS verification, as the client of the tests
// does, which is fine on loopback.
func writeKubeconfig(t *testing.T, dir string, api *kubeAPI) string {
	t.Helper()

	config := map[string]any{
		"apiVersion": "v1",
		"kind":       "Config",
		"clusters": []any{map[string]any{
			"name":    "e2e",
			"cluster": map[string]any{"server": api.base, "insecure-skip-tls-verify": true},
		}},
		"users": []any{map[string]any{
			"name": "admin",
			"user": map[string]any{"token": api.token},
		}},
		"contexts": []any{map[string]any{
			"name":    "e2e",
			"context": map[string]any{"cluster": "e2e", "user": "admin"},
		}},
		"current-context": "e2e",
	}

	data, err := yaml.Marshal(config)
	if err != nil {
		t.Fatalf("encode kubeconfig: %v", err)
	}

	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatalf("write kubeconfig: %v", err)
	}

	return path
}

// kwokStages writes the Stages of the kwok release that kwokBin was built
// from, joined into one file, and returns its path. They come from the Go
// module cache, where `make cluster` puts them.
func kwokStages(t *testing.T, kwokBin string) string {
	t.Helper()

	info, err := buildinfo.ReadFile(kwokBin)
	if err != nil {
		t.Fatalf("read the build information of bin/kwok: %v", err)
	}

	dir := moduleDir(t, info.Main.Path, info.Main.Version)
	var docs [][]byte
	for _, file := range stageFiles(t, dir) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("read kwok stage: %v", err)
		}
		docs = append(docs, bytes.TrimSpace(data))
	}

	path := filepath.Join(t.TempDir(), "stages.yaml")
	if err := os.WriteFile(path, append(bytes.Join(docs, []byte("\n---\n")), '\n'), 0o600); err != nil {
		t.Fatalf("write kwok stages: %v", err)
	}

	return path
}

// stageFiles expands kwokStageFiles in the module directory dir, leaving out
// the kustomization files that sit beside the Stages.
func stageFiles(t *testing.T, dir string) []string {
	t.Helper()

	var files []string
	for _, pattern := range kwokStageFiles {
		matches, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(pattern)))
		if err != nil || len(matches) == 0 {
			t.Fatalf("the kwok module at %s has no %s", dir, pattern)
		}

		files = append(files, slices.DeleteFunc(matches, func(f string) bool {
			return filepath.Base(f) == "kustomization.yaml"
		})...)
	}

	return files
}

// moduleDir returns the directory of module path@version in the Go module
// cache. It never downloads: a module that is not there yet stops the test
// as a missing tool would.
func moduleDir(t *testing.T, path, version string) string {
	t.Helper()

	if path == "" || version == "" || version == "(devel)" {
		t.Fatalf("bin/kwok names no module version (%q %q); run `make cluster`", path, version)
	}

	cmd := exec.Command("go", "mod", "download", "-json", path+"@"+version)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOWORK=off", "GOFLAGS=")
	out, err := cmd.Output()

	var mod struct{ Dir, Error string }
	if jsonErr := json.Unmarshal(out, &mod); err != nil || jsonErr != nil || mod.Dir == "" {
		missingTool(t, fmt.Sprintf("%s@%s is not in the Go module cache (%v %s); run `make cluster`",
			path, version, err, mod.Error))
	}

	return mod.Dir
}

// waitFor polls check until it returns nil, failing t with what check last
// returned, and the servers' logs, when timeout passes or a server exits.
func (c *controlPlane) waitFor(t *testing.T, what string, timeout time.Duration, check func(context.Context) error) {
	t.Helper()

	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()

	for {
		last := check(ctx)
		if last == nil {
			return
		}

		if s := firstExited(c.servers); s != nil {
			t.Fatalf("%s: %s exited (%v); last: %v\n%s", what, s.name, s.cmd.ProcessState, last, logTail(s.log))
		}

		select {
		case <-ctx.Done():
			t.Fatalf("%s: not after %s; last: %v\n%s", what, timeout, last, c.logTails())
		case <-time.After(pollInterval):
		}
	}
}

// logTails is the end of the log of every server but etcd and
// kube-apiserver, whose logs say little about scheduling.
func (c *controlPlane) logTails() string {
	var tails []string
	for _, s := range c.servers {
		if s.name != "etcd" && s.name != "kube-apiserver" {
			tails = append(tails, logTail(s.log))
		}
	}

	return strings.Join(tails, "\n")
}
