//go:build linux

package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// kubeAPI is a minimal Kubernetes REST client: JSON over HTTPS to a loopback
// API server, authenticated with a bearer token.
type kubeAPI struct {
	base   string
	token  string
	client *http.Client

	mu        sync.Mutex
	resources map[string]metav1.APIResource
}

// apiError is a request that the API server answered with an error Status.
type apiError struct {
	method, path string
	code         int
	message      string
}

// Error is the request and the server's message.
func (e *apiError) Error() string {
	return fmt.Sprintf("%s %s: %d: %s", e.method, e.path, e.code, e.message)
}

// newKubeAPI returns a client for the API server at base. It trusts any
// certificate, which is fine on loopback, and never uses a proxy.
func newKubeAPI(base, token string) *kubeAPI {
	transport := &http.Transport{
		Proxy:           nil,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}

	return &kubeAPI{
		base:      base,
		token:     token,
		client:    &http.Client{Transport: transport, Timeout: 30 * time.Second},
		resources: map[string]metav1.APIResource{},
	}
}

// do sends body (when not nil) as JSON to path, decodes the answer into out
// (when not nil), and returns the server's warnings.
func (k *kubeAPI) do(ctx context.Context, method, path string, body, out any) ([]string, error) {
	req, err := k.request(ctx, method, path, body)
	if err != nil {
		return nil, err
	}

	return k.send(req, path, out)
}

// mergePatch applies patch to the object at path as a JSON merge patch.
func (k *kubeAPI) mergePatch(ctx context.Context, path string, patch any) error {
	req, err := k.request(ctx, http.MethodPatch, path, patch)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/merge-patch+json")

	_, err = k.send(req, path, nil)

	return err
}

// send sends req, decodes the answer into out (when not nil), and returns
// the server's warnings; path names the request in errors.
func (k *kubeAPI) send(req *http.Request, path string, out any) ([]string, error) {
	method := req.Method
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()

	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}

	warnings := resp.Header.Values("Warning")
	if resp.StatusCode/100 != 2 {
		return warnings, statusError(method, path, resp.StatusCode, data)
	}

	if out == nil {
		return warnings, nil
	}

	return warnings, decodeJSON(data, out)
}

// request builds an authenticated JSON request.
func (k *kubeAPI) request(ctx context.Context, method, path string, body any) (*http.Request, error) {
	var reader io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		reader = bytes.NewReader(data)
	}

	req, err := http.NewRequestWithContext(ctx, method, k.base+path, reader)
	if err != nil {
		return nil, err
	}

	req.Header.Set("Authorization", "Bearer "+k.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	return req, nil
}

// statusError turns an error answer into an apiError carrying the message of
// its Status, or the raw answer when it is not a Status.
func statusError(method, path string, code int, data []byte) error {
	var status metav1.Status
	message := strings.TrimSpace(string(data))
	if err := json.Unmarshal(data, &status); err == nil && status.Message != "" {
		message = status.Message
	}

	return &apiError{method: method, path: path, code: code, message: message}
}

// isStatus reports whether err is an apiError with the HTTP status code.
func isStatus(err error, code int) bool {
	var apiErr *apiError

	return errors.As(err, &apiErr) && apiErr.code == code
}

// decodeJSON decodes data into out, keeping numbers as json.Number so that
// integers compare exactly.
func decodeJSON(data []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()

	return dec.Decode(out)
}

// resource finds, through discovery, the resource that serves kind in
// apiVersion.
func (k *kubeAPI) resource(ctx context.Context, apiVersion, kind string) (metav1.APIResource, error) {
	key := apiVersion + "/" + kind

	k.mu.Lock()
	defer k.mu.Unlock()

	if r, ok := k.resources[key]; ok {
		return r, nil
	}

	var list metav1.APIResourceList
	if _, err := k.do(ctx, http.MethodGet, groupVersionPath(apiVersion), nil, &list); err != nil {
		return metav1.APIResource{}, fmt.Errorf("discover %s: %w", apiVersion, err)
	}

	for _, r := range list.APIResources {
		if !strings.Contains(r.Name, "/") {
			k.resources[apiVersion+"/"+r.Kind] = r
		}
	}

	r, ok := k.resources[key]
	if !ok {
		return r, fmt.Errorf("the server has no kind %s in %s", kind, apiVersion)
	}

	return r, nil
}

// groupVersionPath is the URL path that serves apiVersion.
func groupVersionPath(apiVersion string) string {
	if !strings.Contains(apiVersion, "/") {
		return "/api/" + apiVersion
	}

	return "/apis/" + apiVersion
}

// collectionPath is the URL path of the collection that obj belongs in.
func (k *kubeAPI) collectionPath(ctx context.Context, obj object) (string, error) {
	r, err := k.resource(ctx, obj.apiVersion(), obj.kind())
	if err != nil {
		return "", err
	}

	path := groupVersionPath(obj.apiVersion())
	if r.Namespaced {
		path += "/namespaces/" + url.PathEscape(obj.namespace())
	}

	return path + "/" + r.Name, nil
}

// itemPath is the URL path of obj itself.
func (k *kubeAPI) itemPath(ctx context.Context, obj object) (string, error) {
	path, err := k.collectionPath(ctx, obj)
	if err != nil {
		return "", err
	}

	return path + "/" + url.PathEscape(obj.name()), nil
}

// namespaced reports whether obj's kind lives in a namespace.
func (k *kubeAPI) namespaced(ctx context.Context, obj object) (bool, error) {
	r, err := k.resource(ctx, obj.apiVersion(), obj.kind())

	return r.Namespaced, err
}

// create stores obj with strict field validation and returns the server's
// warnings.
func (k *kubeAPI) create(ctx context.Context, obj object) ([]string, error) {
	path, err := k.collectionPath(ctx, obj)
	if err != nil {
		return nil, err
	}

	return k.do(ctx, http.MethodPost, path+"?fieldValidation=Strict", obj, nil)
}

// get reads back the stored version of obj.
func (k *kubeAPI) get(ctx context.Context, obj object) (object, error) {
	path, err := k.itemPath(ctx, obj)
	if err != nil {
		return nil, err
	}

	var stored object
	_, err = k.do(ctx, http.MethodGet, path, nil, &stored)

	return stored, err
}

// delete removes obj, leaving its dependents to the garbage collector (which
// does not run here), and waits until it is gone.
func (k *kubeAPI) delete(ctx context.Context, obj object) error {
	path, err := k.itemPath(ctx, obj)
	if err != nil {
		return err
	}

	opts := map[string]string{"propagationPolicy": "Background"}
	_, err = k.do(ctx, http.MethodDelete, path, opts, nil)
	if err != nil && !isStatus(err, http.StatusNotFound) {
		return err
	}

	return k.waitGone(ctx, path)
}

// waitGone polls path until the server answers 404.
func (k *kubeAPI) waitGone(ctx context.Context, path string) error {
	for {
		_, err := k.do(ctx, http.MethodGet, path, nil, nil)
		if isStatus(err, http.StatusNotFound) {
			return nil
		}

		select {
		case <-ctx.Done():
			return fmt.Errorf("%s still exists: %w", path, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ensure creates obj unless an object of that name already exists.
func (k *kubeAPI) ensure(ctx context.Context, obj object) error {
	_, err := k.create(ctx, obj)
	if isStatus(err, http.StatusConflict) {
		return nil
	}

	return err
}

// ensureNamespace creates the namespace ns unless it exists.
func (k *kubeAPI) ensureNamespace(ctx context.Context, ns string) error {
	return k.ensure(ctx, object{
		"apiVersion": "v1",
		"kind":       "Namespace",
		"metadata":   map[string]any{"name": ns},
	})
}
