package fn

import (
	"fmt"
	"strings"
	"testing"

	"github.com/coco-fn/coco-fn/generators"
)

// The Go benchmarks of a render, in-process: from the ResourceList bytes to
// the ResourceList bytes, as fn.AsMain does it. test/bench/run.sh times the
// binary as a whole process and checks the budgets; see BENCHMARKS.md.
//
//	go test -run '^$' -bench . -benchmem ./fn/

// benchFleetSize is the number of CocoConfigs in the fleet benchmark.
const benchFleetSize = 1000

// BenchmarkRender renders the default install of each architecture profile
// from one CocoConfig.
func BenchmarkRender(b *testing.B) {
	for _, arch := range generators.ArchitectureNames() {
		b.Run(arch, func(b *testing.B) {
			input := benchResourceList([]benchConfig{{name: "coco", arch: arch}})
			benchRun(b, input, 1)
		})
	}
}

// BenchmarkRenderFleet renders one ResourceList holding 1,000 CocoConfigs,
// each with its own name and multi-install suffix, cycling through the
// architecture profiles.
func BenchmarkRenderFleet(b *testing.B) {
	input := benchResourceList(benchFleet(benchFleetSize))
	benchRun(b, input, benchFleetSize)
}

// benchRun checks that input renders without error into one DaemonSet per
// CocoConfig, then times Render on it and reports the time per CocoConfig.
func benchRun(b *testing.B, input []byte, configs int) {
	b.Helper()

	out, err := Render(input)
	if err != nil {
		b.Fatalf("render: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "\n  kind: DaemonSet\n"); n != configs {
		b.Fatalf("render: got %d DaemonSets, want %d", n, configs)
	}

	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(input); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(configs), "ns/config")
}

type benchConfig struct {
	name, arch, suffix string
}

// benchFleet returns n CocoConfigs named coco-n00000, coco-n00001, ... with
// suffixes n00000, n00001, ...: short enough for every RuntimeClass handler,
// kata-<shim>-<suffix>, to stay within 63 characters.
func benchFleet(n int) []benchConfig {
	archs := generators.ArchitectureNames()
	configs := make([]benchConfig, n)
	for i := range configs {
		suffix := fmt.Sprintf("n%05d", i)
		configs[i] = benchConfig{name: "coco-" + suffix, arch: archs[i%len(archs)], suffix: suffix}
	}

	return configs
}

// benchResourceList writes a ResourceList whose items are the CocoConfigs.
func benchResourceList(configs []benchConfig) []byte {
	var sb strings.Builder
	sb.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for _, c := range configs {
		fmt.Fprintf(&sb, "- apiVersion: %s\n  kind: %s\n  metadata:\n    name: %s\n"+
			"  spec:\n    architecture: %s\n", APIVersion, Kind, c.name, c.arch)
		if c.suffix != "" {
			fmt.Fprintf(&sb, "    multiInstallSuffix: %s\n", c.suffix)
		}
	}

	return []byte(sb.String())
}
