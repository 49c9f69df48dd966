//go:build linux

package e2e

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readyTimeout bounds how long etcd and kube-apiserver may take to start.
const readyTimeout = 60 * time.Second

// stopTimeout bounds how long a server may take to exit after SIGTERM before
// its process group is killed.
const stopTimeout = 10 * time.Second

// server is a process started by a test, with the file its output goes to.
type server struct {
	name   string
	cmd    *exec.Cmd
	log    string
	exited chan struct{}
}

// controlPlane is a running etcd and kube-apiserver, with what further
// components need to join them.
type controlPlane struct {
	api     *kubeAPI
	dir     string
	saKey   string
	servers []*server
}

// startCluster starts etcd and kube-apiserver from bin/ on free loopback
// ports, waits until the API server is ready, and stops both when t ends.
func startCluster(t *testing.T) *kubeAPI {
	t.Helper()

	return startControlPlane(t).api
}

// startControlPlane is startCluster, returning also the working directory,
// the service-account signing key and the servers.
func startControlPlane(t *testing.T) *controlPlane {
	t.Helper()

	etcdBin := requireTool(t, "etcd", "cluster")
	apiBin := requireTool(t, "kube-apiserver", "cluster")
	dir := t.TempDir()
	ports := freePorts(t, 3)
	token := randomToken(t)

	etcd, etcdURL := startEtcd(t, etcdBin, dir, ports[0], ports[1])
	args, saKey := apiServerArgs(t, dir, etcdURL, ports[2], token)
	apiServer := startServer(t, "kube-apiserver", apiBin, dir, args)
	api := newKubeAPI("https://127.0.0.1:"+strconv.Itoa(ports[2]), token)

	if err := waitReady(api, etcd, apiServer); err != nil {
		t.Fatalf("kube-apiserver did not become ready: %v\n%s\n%s",
			err, logTail(etcd.log), logTail(apiServer.log))
	}

	return &controlPlane{api: api, dir: dir, saKey: saKey, servers: []*server{etcd, apiServer}}
}

// startEtcd starts a single-member etcd serving clients on clientPort and
// returns it with its client URL.
func startEtcd(t *testing.T, bin, dir string, clientPort, peerPort int) (*server, string) {
	t.Helper()

	clientURL := "http://127.0.0.1:" + strconv.Itoa(clientPort)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(peerPort)
	args := []string{
		"--name=e2e",
		"--data-dir=" + filepath.Join(dir, "etcd"),
		"--listen-client-urls=" + clientURL,
		"--advertise-client-urls=" + clientURL,
		"--listen-peer-urls=" + peerURL,
		"--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=e2e=" + peerURL,
		"--unsafe-no-fsync=true",
		"--log-level=warn",
	}
	s := startServer(t, "etcd", bin, dir, args)

	return s, clientURL
}

// apiServerArgs writes the service-account keys and the token file into dir
// and returns the kube-apiserver flags that use them, and the path of the
// private key.
func apiServerArgs(t *testing.T, dir, etcdURL string, port int, token string) ([]string, string) {
	t.Helper()

	pub, priv := writeServiceAccountKeys(t, dir)
	tokens := filepath.Join(dir, "tokens.csv")
	line := token + ",admin,admin,system:masters\n"
	if err := os.WriteFile(tokens, []byte(line), 0o600); err != nil {
		t.Fatalf("write token file: %v", err)
	}

	return []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + filepath.Join(dir, "certs"),
		"--token-auth-file=" + tokens,
		"--authorization-mode=RBAC",
		"--allow-privileged=true",
		"--service-cluster-ip-range=10.96.0.0/24",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + pub,
		"--service-account-signing-key-file=" + priv,
	}, priv
}

// writeServiceAccountKeys writes a fresh RSA key pair as PEM files into dir
// and returns the paths of the public and the private key.
func writeServiceAccountKeys(t *testing.T, dir string) (string, string) {
	t.Helper()

	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("generate service-account key: %v", err)
	}

	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatalf("marshal service-account public key: %v", err)
	}

	pub := filepath.Join(dir, "sa.pub")
	priv := filepath.Join(dir, "sa.key")
	writePEM(t, pub, "PUBLIC KEY", pubDER)
	writePEM(t, priv, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key))

	return pub, priv
}

// writePEM writes der as a single PEM block of type kind to path.
func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()

	data := pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatalf("write %s: %v", filepath.Base(path), err)
	}
}

// startServer runs bin with args in its own process group, its output going
// to dir/<name>.log, and stops it when t ends.
func startServer(t *testing.T, name, bin, dir string, args []string) *server {
	t.Helper()

	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatalf("create %s log: %v", name, err)
	}
	defer logFile.Close()

	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = serverEnv(dir)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}

	s := &server{name: name, cmd: cmd, log: logPath, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() { s.stop(t) })

	return s
}

// serverEnv is the environment of a server working in dir: this process's,
// less proxy settings (so that the servers only ever talk to each other on
// loopback) and kwok's settings, with HOME set to dir (so that no server
// reads configuration from the user's home directory).
func serverEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasSuffix(strings.ToLower(name), "_proxy") ||
			strings.HasPrefix(name, "KWOK_") || name == "HOME" {
			continue
		}
		env = append(env, kv)
	}

	return append(env, "HOME="+dir)
}

// stop sends SIGTERM to the server and its process group, and SIGKILL to
// both if they have not exited within stopTimeout.
func (s *server) stop(t *testing.T) {
	pid := s.cmd.Process.Pid
	_ = syscall.Kill(pid, syscall.SIGTERM)
	_ = syscall.Kill(-pid, syscall.SIGTERM)

	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
		t.Logf("%s (pid %d) ignored SIGTERM; killing it", s.name, pid)
		_ = syscall.Kill(pid, syscall.SIGKILL)
		<-s.exited
	}

	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

// waitReady polls /readyz until it answers 200, one of the servers exits, or
// readyTimeout passes.
func waitReady(api *kubeAPI, servers ...*server) error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()

	var last error
	for {
		last = api.readyz(ctx)
		if last == nil {
			return nil
		}

		if s := firstExited(servers); s != nil {
			return fmt.Errorf("%s exited: %v", s.name, s.cmd.ProcessState)
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s: %w", readyTimeout, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// firstExited returns the first of servers that has exited, or nil.
func firstExited(servers []*server) *server {
	for _, s := range servers {
		select {
		case <-s.exited:
			return s
		default:
		}
	}

	return nil
}

// readyz returns nil once the API server reports itself ready.
func (k *kubeAPI) readyz(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.base+"/readyz", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+k.token)

	resp, err := k.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		return errors.New("/readyz answered " + resp.Status)
	}

	return nil
}

// freePorts returns n distinct TCP ports that are free on 127.0.0.1. Each
// listener stays open until all are chosen, so that no port comes twice.
func freePorts(t *testing.T, n int) []int {
	t.Helper()

	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("find a free port: %v", err)
		}
		defer l.Close()

		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}

	return ports
}

// randomToken returns a fresh bearer token for the admin user.
func randomToken(t *testing.T) string {
	t.Helper()

	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("generate token: %v", err)
	}

	return hex.EncodeToString(b)
}

// logTail returns the last lines of the log file at path, for error messages.
func logTail(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}

	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > 30 {
		lines = lines[len(lines)-30:]
	}

	return filepath.Base(path) + ":\n" + strings.Join(lines, "\n")
}
