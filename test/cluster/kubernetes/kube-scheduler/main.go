// Command kube-scheduler is the upstream Kubernetes scheduler, built from
// source so the end-to-end tests can schedule Pods onto simulated nodes.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func main() {
	os.Exit(cli.Run(app.NewSchedulerCommand()))
}
