// Command kube-controller-manager is the upstream Kubernetes controller
// manager, built from source so the end-to-end tests can run the DaemonSet
// and node controllers against a loopback API server.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	os.Exit(cli.Run(app.NewControllerManagerCommand()))
}
