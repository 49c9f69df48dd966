// Package e2e runs coco-fn through the real tools its users run it with:
// the kustomize and kpt CLIs, and a kube-apiserver backed by etcd on loopback,
// alone or with a controller manager, a scheduler and kwok's simulated Nodes.
//
// Each test looks for its tool under the repository's bin/ directory (where
// `make tools` installs them). With CI=true a missing tool fails the test;
// elsewhere the test is skipped with a message naming the make target to run.
package e2e
