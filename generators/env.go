package generators

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// perArchSuffixes are the node architectures the 3.22 node script reads
// SHIMS_<ARCH> and DEFAULT_SHIM_<ARCH> for, in the order the chart lists them.
var perArchSuffixes = []string{"X86_64", "AARCH64", "S390X", "PPC64LE"}

// Env is the environment of the node script, in the order the upstream chart
// writes it. Every value is a plain string; user values reach the script only
// through these variables, never through the command line.
//
// RuntimeClasses are declared as objects by coco-fn, so the script is always
// told not to create them, nor the kata alias.
func Env(p Plan) []corev1.EnvVar {
	env := []corev1.EnvVar{
		{Name: "NODE_NAME", ValueFrom: &corev1.EnvVarSource{
			FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"},
		}},
		value("DEBUG", strconv.FormatBool(p.Debug)),
		value("SHIMS", strings.Join(p.shimNames(), " ")),
	}
	env = append(env, p.perArch("SHIMS_")...)
	env = append(env, value("DEFAULT_SHIM", p.DefaultShim))
	env = append(env, p.perArch("DEFAULT_SHIM_")...)
	env = append(env,
		value("CREATE_RUNTIMECLASSES", "false"),
		value("CREATE_DEFAULT_RUNTIMECLASS", "false"),
		value("ALLOWED_HYPERVISOR_ANNOTATIONS", strings.Join(p.AllowedHypervisorAnnotations, " ")),
		value("SNAPSHOTTER_HANDLER_MAPPING", p.mapping(func(s Shim) string { return s.Snapshotter })),
		value("AGENT_HTTPS_PROXY", p.AgentHTTPSProxy),
		value("AGENT_NO_PROXY", p.AgentNoProxy),
		value("PULL_TYPE_MAPPING", p.mapping(func(s Shim) string { return s.PullType })),
		value("INSTALLATION_PREFIX", p.InstallationPrefix),
		value("MULTI_INSTALL_SUFFIX", p.Suffix),
	)

	if p.Release.PerArchEnv {
		env = append(env,
			value("EXPERIMENTAL_SETUP_SNAPSHOTTER", strings.Join(p.SetupSnapshotters, ",")),
			value("EXPERIMENTAL_FORCE_GUEST_PULL", strings.Join(p.forceGuestPull(), ",")),
		)
	}

	if p.HostOS != "" {
		env = append(env, value("HOST_OS", p.HostOS))
	}

	return env
}

func value(name, v string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: v} }

// perArch returns the per-architecture variables of releases that read them,
// left empty so that every node falls back to SHIMS and DEFAULT_SHIM.
func (p Plan) perArch(prefix string) []corev1.EnvVar {
	if !p.Release.PerArchEnv {
		return nil
	}

	env := make([]corev1.EnvVar, 0, len(perArchSuffixes))
	for _, arch := range perArchSuffixes {
		env = append(env, value(prefix+arch, ""))
	}

	return env
}

func (p Plan) shimNames() []string {
	names := make([]string, 0, len(p.Shims))
	for _, s := range p.Shims {
		names = append(names, s.Name)
	}

	return names
}

// mapping joins shim:value pairs with commas, leaving out shims with no value.
func (p Plan) mapping(field func(Shim) string) string {
	pairs := make([]string, 0, len(p.Shims))
	for _, s := range p.Shims {
		if v := field(s); v != "" {
			pairs = append(pairs, s.Name+":"+v)
		}
	}

	return strings.Join(pairs, ",")
}

func (p Plan) forceGuestPull() []string {
	var names []string
	for _, s := range p.Shims {
		if s.ForceGuestPull {
			names = append(names, s.Name)
		}
	}

	return names
}
