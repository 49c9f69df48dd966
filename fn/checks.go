package fn

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/coco-fn/coco-fn/generators"
)

// checkScheduling checks the fields that reach the DaemonSet's pod spec.
func checkScheduling(errs *problems, s CocoConfigSpec, arch generators.Architecture) {
	if v, set := s.NodeSelector[generators.ArchLabel]; set && arch.NodeArch != "" {
		errs.add(join("spec.nodeSelector", generators.ArchLabel), v, "the %s profile already "+
			"selects %s nodes, and its RuntimeClasses too; choose the profile with spec.architecture",
			arch.Name, arch.NodeArch)
	}
	if v, set := s.NodeSelector[generators.RuntimeLabel]; set {
		errs.add(join("spec.nodeSelector", generators.RuntimeLabel), v, "the node script sets this "+
			"label itself once a node is ready; select nodes with another label")
	}
	if n := len(s.NodeSelector); n > maxSelectorEntries {
		errs.add("spec.nodeSelector", n, "has %d entries; at most %d allowed", n, maxSelectorEntries)
		return
	}
	if n := len(s.Tolerations); n > maxSelectorEntries {
		errs.add("spec.tolerations", n, "has %d entries; at most %d allowed", n, maxSelectorEntries)
		return
	}

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
	checkLength(errs, "spec.priorityClassName", s.PriorityClassName, maxSubdomainLength)
}

// checkLength reports a value longer than max bytes.
func checkLength(errs *problems, path, v string, max int) {
	if len(v) > max {
		errs.add(path, len(v), "is %d characters long; at most %d allowed", len(v), max)
	}
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
		errs.add(path+".value", t.Value, "must be empty when operator is Exists, not %q", t.Value)
	}
	if t.Key == "" && t.Operator != corev1.TolerationOpExists {
		errs.add(path+".operator", t.Operator, "must be Exists when key is empty")
	}
	if t.Key != "" {
		for _, msg := range validation.IsQualifiedName(t.Key) {
			errs.add(path+".key", t.Key, "invalid taint key %q: %s", t.Key, msg)
		}
	}
	for _, msg := range validation.IsValidLabelValue(t.Value) {
		errs.add(path+".value", t.Value, "invalid taint value %q: %s", t.Value, msg)
	}
	if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
		errs.add(path+".tolerationSeconds", *t.TolerationSeconds,
			"only allowed with effect NoExecute, not %q", t.Effect)
	}
}

var (
	// annotationName is what a kata hypervisor annotation name looks like. The
	// node script writes each name into a sed expression and a TOML list.
	annotationName = newLazyRegexp(`^[A-Za-z0-9_.-]{1,128}$`)
	hostOS         = newLazyRegexp(`^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$`)
	absolutePath   = newLazyRegexp(`^(/[A-Za-z0-9._-]+)+/?$`)
)

// unsafeForScript lists what the node script cannot carry through its sed
// expressions and TOML strings, besides white space and anything that is not
// printable ASCII: delimiters, quotes and escapes.
const unsafeForScript = "|&\\'\"`$;<>"

// Length limits of the values the node script writes into the kata
// configuration of every node.
const (
	maxProxyLength       = 2048
	maxNoProxyLength     = 8192
	maxPathLength        = 256
	maxAnnotations       = 64
	maxHostOSLength      = 63
	maxSelectorEntries   = 100
	maxSubdomainLength   = 253
	maxImageLength       = 255
	firstPrintable, last = '!', '~'
)

// checkNodeScriptValues checks the values the node script pastes into the kata
// configuration: a value that breaks its sed or TOML quoting would corrupt the
// configuration on every node, so such values are refused here.
func checkNodeScriptValues(errs *problems, s CocoConfigSpec) {
	if n := len(s.AllowedHypervisorAnnotations); n > maxAnnotations {
		errs.add("spec.allowedHypervisorAnnotations", n, "lists %d annotations; at most %d allowed",
			n, maxAnnotations)
	}

	seen := map[string]bool{}
	for i, name := range s.AllowedHypervisorAnnotations {
		path := fmt.Sprintf("spec.allowedHypervisorAnnotations[%d]", i)
		checkPattern(errs, path, name, annotationName,
			"an annotation name (letters, digits, '_', '.', '-'; at most 128)")
		if name == "" {
			errs.add(path, name, "must not be empty")
		}
		if seen[name] {
			errs.add(path, name, "annotation %q is listed twice", name)
		}
		seen[name] = true
	}

	checkProxy(errs, "spec.agent.httpsProxy", s.Agent.HTTPSProxy, maxProxyLength)
	checkProxy(errs, "spec.agent.noProxy", s.Agent.NoProxy, maxNoProxyLength)

	if p := s.InstallationPrefix; p != "" && (len(p) > maxPathLength || !absolutePath.MatchString(p) ||
		strings.Contains(p, "/../") || strings.HasSuffix(p, "/..")) {
		errs.add("spec.installationPrefix", p, "invalid value %q; must be an absolute path "+
			"made of letters, digits, '_', '.', '-' and '/', without '..', at most %d long",
			p, maxPathLength)
	}

	checkPattern(errs, "spec.hostOS", s.HostOS, hostOS,
		"an OS name (lower-case letters, digits, '.', '_', '-')")
	if n := len(s.HostOS); n > maxHostOSLength {
		errs.add("spec.hostOS", s.HostOS, "is %d characters long; at most %d allowed", n, maxHostOSLength)
	}
}

// checkProxy allows printable ASCII but for the characters the node script
// cannot carry, up to max bytes.
func checkProxy(errs *problems, path, v string, max int) {
	if len(v) > max {
		errs.add(path, len(v), "is %d characters long; at most %d allowed", len(v), max)
		return
	}

	for _, r := range v {
		if r < firstPrintable || r > last || strings.ContainsRune(unsafeForScript, r) {
			errs.add(path, v, "invalid character %q in %q; only printable ASCII without "+
				"white space and %s is allowed", r, v, unsafeForScript)
			return
		}
	}
}
