// Command etcd is the upstream etcd server, built from source so the
// end-to-end tests can back a real kube-apiserver with it on loopback.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
