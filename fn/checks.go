package fn

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// checkScheduling checks the fields that reach the DaemonSet's pod spec.
func checkScheduling(errs *problems, s CocoConfigSpec) {
	for _, key := range sortedKeys(s.NodeSelector) {
		path := join("spec.nodeSelector", key)
		for _, msg := range validation.IsQualifiedName(key) {
			errs.add(path, key, "invalid label name %q: %s", key, msg)
		}
		for _, msg := range validation.IsValidLabelValue(s.NodeSelector[key]) {
			errs.add(path, s.NodeSelector[key], "invalid label value %q: %s", s.NodeSelector[key], msg)
		}
	}

	for i, t := range s.Tolerations {
		checkToleration(errs, fmt.Sprintf("spec.tolerations[%d]", i), t)
	}

	checkPattern(errs, "spec.priorityClassName", s.PriorityClassName, dnsSubdomain,
		"the name of a PriorityClass")
}

var (
	operators = []string{"", "Exists", "Equal"}
	effects   = []string{"", "NoSchedule", "PreferNoSchedule", "NoExecute"}
)

func checkToleration(errs *problems, path string, t corev1.Toleration) {
	if !slices.Contains(operators, string(t.Operator)) {
		errs.add(path+".operator", t.Operator, "unknown operator %q; allowed: Exists, Equal",
			t.Operator)
	}
	if !slices.Contains(effects, string(t.Effect)) {
		errs.add(path+".effect", t.Effect, "unknown effect %q; allowed: NoSchedule, "+
			"PreferNoSchedule, NoExecute", t.Effect)
	}
	if t.Operator == corev1.TolerationOpExists && t.Value != "" {
		errs.add(path+".value", t.Value, "must be empty when operator is Exists")
	}
	if t.Key == "" && t.Operator != corev1.TolerationOpExists {
		errs.add(path+".operator", t.Operator, "must be Exists when key is empty")
	}
	if t.Key != "" {
		for _, msg := range validation.IsQualifiedName(t.Key) {
			errs.add(path+".key", t.Key, "invalid taint key %q: %s", t.Key, msg)
		}
	}
}

var (
	// annotationName is what a kata hypervisor annotation name looks like. The
	// node script writes each name into a sed expression and a TOML list.
	annotationName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	hostOS         = regexp.MustCompile(`^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$`)
	absolutePath   = regexp.MustCompile(`^(/[A-Za-z0-9._-]+)+/?$`)
)

// unsafeForScript lists what the node script cannot carry through its sed
// expressions and TOML strings: delimiters, quotes, escapes and white space.
const unsafeForScript = "|&\\'\"`$;<>"

// checkNodeScriptValues checks the values the node script pastes into the kata
// configuration: a value that breaks its sed or TOML quoting would corrupt the
// configuration on every node, so such values are refused here.
func checkNodeScriptValues(errs *problems, s CocoConfigSpec) {
	seen := map[string]bool{}
	for i, name := range s.AllowedHypervisorAnnotations {
		path := fmt.Sprintf("spec.allowedHypervisorAnnotations[%d]", i)
		checkPattern(errs, path, name, annotationName,
			"an annotation name (letters, digits, '_', '.', '-')")
		if name == "" {
			errs.add(path, name, "must not be empty")
		}
		if seen[name] {
			errs.add(path, name, "annotation %q is listed twice", name)
		}
		seen[name] = true
	}

	checkProxy(errs, "spec.agent.httpsProxy", s.Agent.HTTPSProxy)
	checkProxy(errs, "spec.agent.noProxy", s.Agent.NoProxy)

	if p := s.InstallationPrefix; p != "" &&
		(!absolutePath.MatchString(p) || strings.Contains(p, "/../") || strings.HasSuffix(p, "/..")) {
		errs.add("spec.installationPrefix", p, "invalid value %q; must be an absolute path "+
			"made of letters, digits, '_', '.', '-' and '/', without '..'", p)
	}

	checkPattern(errs, "spec.hostOS", s.HostOS, hostOS,
		"an OS name (lower-case letters, digits, '.', '_', '-')")
}

func checkProxy(errs *problems, path, v string) {
	for _, r := range v {
		if r <= ' ' || r == 0x7f || strings.ContainsRune(unsafeForScript, r) {
			errs.add(path, v, "invalid character %q in %q; white space, control characters "+
				"and %s are not allowed", r, v, unsafeForScript)
			return
		}
	}
}
