package generators

import (
	"testing"

	"github.com/stretchr/testify/assert"
	corev1 "k8s.io/api/core/v1"

	_ "github.com/coco-fn/coco-fn/internal/testutil" // the -update flag of go test ./...
)

func plan(change func(*Plan)) Plan {
	p := Plan{
		Config:               "coco",
		Name:                 "kata-as-coco-runtime",
		Namespace:            "kube-system",
		Release:              Releases["3.22.0"],
		Architecture:         Architectures["x86_64"],
		Distribution:         Distributions["k8s"],
		Image:                "quay.io/kata-containers/kata-deploy:3.22.0",
		ImagePullPolicy:      corev1.PullAlways,
		Shims:                []Shim{{Name: "qemu-coco-dev", Snapshotter: "nydus", PullType: "guest-pull"}},
		DefaultShim:          "qemu-coco-dev",
		CreateRuntimeClasses: true,
		SetupSnapshotters:    []string{"nydus"},
	}
	if change != nil {
		change(&p)
	}

	return p
}

func envMap(env []corev1.EnvVar) map[string]string {
	m := map[string]string{}
	for _, e := range env {
		m[e.Name] = e.Value
	}

	return m
}

func TestNames(t *testing.T) {
	tests := map[string]struct {
		plan                     Plan
		ds, sa, role, rb, rcName string
	}{
		"without a suffix the names are the chart's": {
			plan: plan(nil),
			ds:   "kata-as-coco-runtime", sa: "kata-as-coco-runtime-sa",
			role: "kata-as-coco-runtime-role", rb: "kata-as-coco-runtime-rb",
			rcName: "kata-qemu-coco-dev",
		},
		"a multi-install suffix ends every name and RuntimeClass": {
			plan: plan(func(p *Plan) { p.Suffix = "blue" }),
			ds:   "kata-as-coco-runtime-blue", sa: "kata-as-coco-runtime-sa-blue",
			role: "kata-as-coco-runtime-role-blue", rb: "kata-as-coco-runtime-rb-blue",
			rcName: "kata-qemu-coco-dev-blue",
		},
		"another base name replaces kata-as-coco-runtime": {
			plan: plan(func(p *Plan) { p.Name = "coco" }),
			ds:   "coco", sa: "coco-sa", role: "coco-role", rb: "coco-rb",
			rcName: "kata-qemu-coco-dev",
		},
	}

	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.ds, DaemonSet(tc.plan).Name)
			assert.Equal(t, tc.sa, ServiceAccount(tc.plan).Name)
			assert.Equal(t, tc.role, ClusterRole(tc.plan).Name)
			assert.Equal(t, tc.rb, ClusterRoleBinding(tc.plan).Name)
			assert.Equal(t, tc.role, ClusterRoleBinding(tc.plan).RoleRef.Name)
			assert.Equal(t, tc.sa, DaemonSet(tc.plan).Spec.Template.Spec.ServiceAccountName)

			rc := RuntimeClasses(tc.plan)[0]
			assert.Equal(t, tc.rcName, rc.Name)
			assert.Equal(t, tc.rcName, rc.Handler)
		})
	}
}

func TestRuntimeClasses(t *testing.T) {
	tests := map[string]struct {
		plan     Plan
		names    []string
		handlers []string
	}{
		"one class per shim, in shim order": {
			plan: plan(func(p *Plan) {
				p.Shims = []Shim{{Name: "qemu-tdx"}, {Name: "qemu-snp"}}
			}),
			names:    []string{"kata-qemu-tdx", "kata-qemu-snp"},
			handlers: []string{"kata-qemu-tdx", "kata-qemu-snp"},
		},
		"the kata alias keeps the default shim's handler": {
			plan: plan(func(p *Plan) {
				p.Shims = []Shim{{Name: "qemu-tdx"}, {Name: "qemu-snp"}}
				p.DefaultShim = "qemu-snp"
				p.CreateDefaultRuntimeClass = true
			}),
			names:    []string{"kata-qemu-tdx", "kata-qemu-snp", "kata"},
			handlers: []string{"kata-qemu-tdx", "kata-qemu-snp", "kata-qemu-snp"},
		},
		"the kata alias is never declared with a suffix": {
			plan: plan(func(p *Plan) {
				p.Suffix = "x"
				p.CreateDefaultRuntimeClass = true
			}),
			names:    []string{"kata-qemu-coco-dev-x"},
			handlers: []string{"kata-qemu-coco-dev-x"},
		},
		"nothing is declared when RuntimeClasses are not wanted": {
			plan: plan(func(p *Plan) {
				p.CreateRuntimeClasses = false
				p.CreateDefaultRuntimeClass = true
			}),
		},
	}

	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var names, handlers []string
			for _, rc := range RuntimeClasses(tc.plan) {
				names = append(names, rc.Name)
				handlers = append(handlers, rc.Handler)
			}

			assert.Equal(t, tc.names, names)
			assert.Equal(t, tc.handlers, handlers)
		})
	}
}

func TestSchedulingSelectors(t *testing.T) {
	tests := map[string]struct {
		plan     Plan
		daemon   map[string]string
		runtime  map[string]string
		shimName string
	}{
		"an architecture profile pins DaemonSet and RuntimeClasses to its nodes": {
			plan:    plan(nil),
			daemon:  map[string]string{ArchLabel: "amd64"},
			runtime: map[string]string{RuntimeLabel: "true", ArchLabel: "amd64"},
		},
		"peer-pods run on every architecture": {
			plan: plan(func(p *Plan) {
				p.Architecture = Architectures["remote"]
				p.Shims = []Shim{{Name: "remote"}}
			}),
			runtime: map[string]string{RuntimeLabel: "true"},
		},
		"the user's node selector is kept beside the architecture": {
			plan: plan(func(p *Plan) {
				p.Architecture = Architectures["s390x"]
				p.NodeSelector = map[string]string{"pool": "tee"}
			}),
			daemon:  map[string]string{ArchLabel: "s390x", "pool": "tee"},
			runtime: map[string]string{RuntimeLabel: "true", ArchLabel: "s390x"},
		},
	}

	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.daemon, DaemonSet(tc.plan).Spec.Template.Spec.NodeSelector)
			assert.Equal(t, tc.runtime, RuntimeClasses(tc.plan)[0].Scheduling.NodeSelector)
		})
	}
}

func TestEnv(t *testing.T) {
	tests := map[string]struct {
		plan  Plan
		names []string
		want  map[string]string
	}{
		"3.22.0 writes the full list in the chart's order": {
			plan: plan(nil),
			names: []string{"NODE_NAME", "DEBUG", "SHIMS", "SHIMS_X86_64", "SHIMS_AARCH64",
				"SHIMS_S390X", "SHIMS_PPC64LE", "DEFAULT_SHIM", "DEFAULT_SHIM_X86_64",
				"DEFAULT_SHIM_AARCH64", "DEFAULT_SHIM_S390X", "DEFAULT_SHIM_PPC64LE",
				"CREATE_RUNTIMECLASSES", "CREATE_DEFAULT_RUNTIMECLASS",
				"ALLOWED_HYPERVISOR_ANNOTATIONS", "SNAPSHOTTER_HANDLER_MAPPING", "AGENT_HTTPS_PROXY",
				"AGENT_NO_PROXY", "PULL_TYPE_MAPPING", "INSTALLATION_PREFIX", "MULTI_INSTALL_SUFFIX",
				"EXPERIMENTAL_SETUP_SNAPSHOTTER", "EXPERIMENTAL_FORCE_GUEST_PULL"},
			want: map[string]string{"CREATE_RUNTIMECLASSES": "false", "EXPERIMENTAL_SETUP_SNAPSHOTTER": "nydus"},
		},
		"3.21.0 has neither per-architecture nor experimental variables": {
			plan: plan(func(p *Plan) {
				p.Release = Releases["3.21.0"]
				p.SetupSnapshotters = nil
			}),
			names: []string{"NODE_NAME", "DEBUG", "SHIMS", "DEFAULT_SHIM", "CREATE_RUNTIMECLASSES",
				"CREATE_DEFAULT_RUNTIMECLASS", "ALLOWED_HYPERVISOR_ANNOTATIONS",
				"SNAPSHOTTER_HANDLER_MAPPING", "AGENT_HTTPS_PROXY", "AGENT_NO_PROXY",
				"PULL_TYPE_MAPPING", "INSTALLATION_PREFIX", "MULTI_INSTALL_SUFFIX"},
		},
		"shims map to their snapshotter and pull type, and none where unset": {
			plan: plan(func(p *Plan) {
				p.Shims = []Shim{
					{Name: "qemu-tdx", Snapshotter: "erofs", PullType: "guest-pull", ForceGuestPull: true},
					{Name: "qemu-snp"},
					{Name: "qemu-coco-dev", Snapshotter: "nydus", ForceGuestPull: true},
				}
			}),
			want: map[string]string{
				"SHIMS":                         "qemu-tdx qemu-snp qemu-coco-dev",
				"SNAPSHOTTER_HANDLER_MAPPING":   "qemu-tdx:erofs,qemu-coco-dev:nydus",
				"PULL_TYPE_MAPPING":             "qemu-tdx:guest-pull",
				"EXPERIMENTAL_FORCE_GUEST_PULL": "qemu-tdx,qemu-coco-dev",
			},
		},
		"HOST_OS comes last, and only when set": {
			plan: plan(func(p *Plan) {
				p.HostOS = "cbl-mariner"
				p.Debug = true
				p.AllowedHypervisorAnnotations = []string{"default_vcpus", "default_memory"}
			}),
			want: map[string]string{
				"HOST_OS":                        "cbl-mariner",
				"DEBUG":                          "true",
				"ALLOWED_HYPERVISOR_ANNOTATIONS": "default_vcpus default_memory",
			},
		},
	}

	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			env := Env(tc.plan)
			if tc.names != nil {
				var names []string
				for _, e := range env {
					names = append(names, e.Name)
				}
				assert.Equal(t, tc.names, names)
			}

			got := envMap(env)
			for k, v := range tc.want {
				assert.Equal(t, v, got[k], k)
			}
			if tc.plan.HostOS != "" {
				assert.Equal(t, "HOST_OS", env[len(env)-1].Name)
			}
		})
	}
}

func TestCatalogQuantitiesAreCanonical(t *testing.T) {
	for version, release := range Releases {
		for _, rc := range RuntimeClasses(plan(func(p *Plan) {
			p.Release = release
			p.Architecture = Architecture{Name: "any"}
			p.Shims = nil
			for _, shim := range release.Shims() {
				p.Shims = append(p.Shims, Shim{Name: shim})
			}
		})) {
			for res, q := range rc.Overhead.PodFixed {
				want := release.Overheads[rc.Handler[len("kata-"):]]
				written := map[corev1.ResourceName]string{"cpu": want.CPU, "memory": want.Memory}[res]
				assert.Equal(t, q.String(), written, "%s %s %s", version, rc.Name, res)
			}
		}
	}
}
