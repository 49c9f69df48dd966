package generators

import (
	"maps"
	"slices"
)

// Release is one kata-deploy release line whose image coco-fn knows how to drive.
type Release struct {
	// Version is the kata-deploy version, which is also the default image tag.
	Version string

	// PerArchEnv is true for releases whose node script reads the
	// SHIMS_<ARCH>, DEFAULT_SHIM_<ARCH> and EXPERIMENTAL_* variables.
	PerArchEnv bool

	// Overheads maps each shim the release's image ships to the pod overhead of
	// its RuntimeClass, in canonical quantity form.
	Overheads map[string]Overhead
}

// Overhead is the fixed pod overhead of one RuntimeClass.
type Overhead struct {
	Memory string
	CPU    string
}

// Shims lists the shims the release ships, sorted.
func (r Release) Shims() []string { return slices.Sorted(maps.Keys(r.Overheads)) }

// DefaultRelease is the kata-deploy release used when a CocoConfig names none.
const DefaultRelease = "3.22.0"

// DefaultImageRepository is where the kata-deploy image is pulled from by default.
const DefaultImageRepository = "quay.io/kata-containers/kata-deploy"

// Releases lists every kata-deploy release coco-fn renders for, by version.
// Only the flat-env releases are known; 3.23.0 and later drive the node
// script with structured values and are refused.
var Releases = map[string]Release{
	"3.21.0": {Version: "3.21.0", PerArchEnv: false, Overheads: overheads(false)},
	"3.22.0": {Version: "3.22.0", PerArchEnv: true, Overheads: overheads(true)},
}

// ReleaseVersions lists the known releases, sorted.
func ReleaseVersions() []string { return slices.Sorted(maps.Keys(Releases)) }

// overheads is the RuntimeClass catalog of the kata-deploy image. Quantities
// are written the way the API server stores them (2Gi, not 2048Mi; "1", not
// "1.0"), so a GitOps diff against the live object settles.
func overheads(withCCA bool) map[string]Overhead {
	small := Overhead{Memory: "160Mi", CPU: "250m"}
	tee := Overhead{Memory: "2Gi", CPU: "1"}
	gpu := Overhead{Memory: "4Gi", CPU: "1"}
	light := Overhead{Memory: "130Mi", CPU: "250m"}

	m := map[string]Overhead{
		"qemu-coco-dev":       small,
		"qemu":                small,
		"qemu-runtime-rs":     small,
		"qemu-se-runtime-rs":  small,
		"qemu-snp":            tee,
		"qemu-tdx":            tee,
		"qemu-se":             tee,
		"qemu-nvidia-gpu":     gpu,
		"qemu-nvidia-gpu-snp": gpu,
		"qemu-nvidia-gpu-tdx": gpu,
		"clh":                 light,
		"cloud-hypervisor":    light,
		"dragonball":          light,
		"fc":                  light,
		"stratovirt":          light,
		"remote":              {Memory: "120Mi", CPU: "250m"},
	}
	if withCCA {
		m["qemu-cca"] = tee
	}

	return m
}

// Architecture is a CoCo install profile: the node architecture it targets
// and the shims it installs by default.
type Architecture struct {
	// Name is the profile name used in CocoConfig (x86_64, s390x, aarch64, remote).
	Name string

	// NodeArch is the kubernetes.io/arch label value of the nodes the profile
	// targets; empty for peer-pods, which run on any architecture.
	NodeArch string

	// DefaultShims are the shims installed when a CocoConfig lists none.
	DefaultShims []string
}

// Architectures lists the install profiles by name.
var Architectures = map[string]Architecture{
	"x86_64": {
		Name:     "x86_64",
		NodeArch: "amd64",
		DefaultShims: []string{
			"qemu-coco-dev", "qemu-snp", "qemu-tdx", "qemu-nvidia-gpu-snp", "qemu-nvidia-gpu-tdx",
		},
	},
	"s390x":   {Name: "s390x", NodeArch: "s390x", DefaultShims: []string{"qemu-coco-dev", "qemu-se"}},
	"aarch64": {Name: "aarch64", NodeArch: "arm64", DefaultShims: []string{"qemu-coco-dev"}},
	"remote":  {Name: "remote", DefaultShims: []string{"remote"}},
}

// ArchitectureNames lists the profiles, sorted.
func ArchitectureNames() []string { return slices.Sorted(maps.Keys(Architectures)) }

// shimArchitectures lists the profiles each shim is built for. The remote
// shim runs its VMs off the node, so every profile may add it.
var shimArchitectures = map[string][]string{
	"qemu-coco-dev":       {"x86_64", "s390x", "aarch64"},
	"qemu":                {"x86_64", "s390x", "aarch64"},
	"qemu-runtime-rs":     {"x86_64", "s390x", "aarch64"},
	"qemu-snp":            {"x86_64"},
	"qemu-tdx":            {"x86_64"},
	"qemu-nvidia-gpu":     {"x86_64"},
	"qemu-nvidia-gpu-snp": {"x86_64"},
	"qemu-nvidia-gpu-tdx": {"x86_64"},
	"qemu-se":             {"s390x"},
	"qemu-se-runtime-rs":  {"s390x"},
	"qemu-cca":            {"aarch64"},
	"clh":                 {"x86_64", "aarch64"},
	"cloud-hypervisor":    {"x86_64", "aarch64"},
	"dragonball":          {"x86_64", "aarch64"},
	"fc":                  {"x86_64", "aarch64"},
	"stratovirt":          {"x86_64", "aarch64"},
	"remote":              {"x86_64", "s390x", "aarch64", "remote"},
}

// ShimsFor lists the shims a release offers on an architecture profile, sorted.
func ShimsFor(r Release, arch string) []string {
	var out []string
	for _, shim := range r.Shims() {
		if slices.Contains(shimArchitectures[shim], arch) {
			out = append(out, shim)
		}
	}

	return out
}

// Distribution is a Kubernetes distribution and where its containerd keeps
// its configuration on the host.
type Distribution struct {
	Name              string
	ContainerdConfDir string
}

// Distributions lists the supported Kubernetes distributions by name.
var Distributions = map[string]Distribution{
	"k8s":      {Name: "k8s", ContainerdConfDir: "/etc/containerd/"},
	"k3s":      {Name: "k3s", ContainerdConfDir: "/var/lib/rancher/k3s/agent/etc/containerd/"},
	"rke2":     {Name: "rke2", ContainerdConfDir: "/var/lib/rancher/rke2/agent/etc/containerd/"},
	"k0s":      {Name: "k0s", ContainerdConfDir: "/etc/k0s/"},
	"microk8s": {Name: "microk8s", ContainerdConfDir: "/var/snap/microk8s/current/args/"},
}

// DistributionNames lists the supported distributions, sorted.
func DistributionNames() []string { return slices.Sorted(maps.Keys(Distributions)) }

// Snapshotters the node script can set up and map shims to.
var Snapshotters = []string{"erofs", "nydus"}

// PullTypes the node script understands.
var PullTypes = []string{"guest-pull"}

// IsSnapshotter tells whether s is a snapshotter the node script knows.
func IsSnapshotter(s string) bool { return slices.Contains(Snapshotters, s) }
