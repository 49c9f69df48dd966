// Command coco-fn is a KRM function that generates the complete Confidential
// Containers install from a CocoConfig. It reads a ResourceList on stdin and
// writes one on stdout; see README.md.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	cocofn "github.com/coco-fn/coco-fn/fn"
)

func main() {
	if err := fn.AsMain(fn.ResourceListProcessorFunc(cocofn.Process)); err != nil {
		os.Exit(1)
	}
}
