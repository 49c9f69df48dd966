// Command coco-fn is a KRM function that generates the complete Confidential
// Containers install from a CocoConfig. It reads a ResourceList on stdin and
// writes one on stdout; problems go to the list's results, and also to
// stderr, and make it exit 1. See README.md.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	cocofn "github.com/coco-fn/coco-fn/fn"
)

const usage = `usage: coco-fn < resource-list.yaml > resource-list.yaml
       coco-fn --version

coco-fn is a KRM function: it reads a ResourceList on stdin and writes one on
stdout, with the install of every CocoConfig added. Run it through kustomize
(generators:) or kpt (fn render, fn eval); README.md has the field reference.
`

func main() {
	if len(os.Args) > 1 {
		os.Exit(command(os.Args[1:]))
	}

	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "coco-fn: read stdin: %v\n", err)
		os.Exit(1)
	}

	// A run is short and its heap is garbage at the end: collecting half as
	// often keeps lists of thousands of CocoConfigs from scaling worse than
	// linearly, for a fifth more peak memory.
	debug.SetGCPercent(200)

	if err := cocofn.RenderTo(os.Stdout, in); err != nil {
		printErrors(err)
		os.Exit(1)
	}
}

// printErrors writes each error result, or the error, on a line of its own.
func printErrors(err error) {
	results, ok := err.(fn.Results)
	if !ok {
		fmt.Fprintf(os.Stderr, "coco-fn: %v\n", err)
		return
	}

	for _, r := range results {
		fmt.Fprintf(os.Stderr, "coco-fn: %s\n", r)
	}
}

// command answers --help and --version; coco-fn takes no other arguments.
func command(args []string) int {
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Print(usage)
		return 0
	case "--version", "version":
		fmt.Println("coco-fn", version())
		return 0
	default:
		fmt.Fprintf(os.Stderr, "coco-fn: unknown argument %q\n\n%s", args[0], usage)
		return 2
	}
}

// version is the module version the binary was built from, or "(devel)".
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}

	return "(devel)"
}
