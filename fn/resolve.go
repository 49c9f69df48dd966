package fn

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"

	"github.com/coco-fn/coco-fn/generators"
)

// Defaults of the CocoConfig fields that are not taken from a profile.
const (
	DefaultName            = "kata-as-coco-runtime"
	DefaultNamespace       = "kube-system"
	DefaultArchitecture    = "x86_64"
	DefaultDistribution    = "k8s"
	DefaultPullPolicy      = corev1.PullAlways
	DefaultSnapshotter     = "nydus"
	DefaultPullType        = "guest-pull"
	maxNameLength          = 63
	maxRuntimeHandlerLabel = 63
)

var pullPolicies = []string{"Always", "IfNotPresent", "Never"}

// resolve validates a decoded CocoConfig and fills in every default, giving
// the Plan the generators take. All problems are reported at once.
func resolve(cfg *CocoConfig) (generators.Plan, problems) {
	var errs problems
	s := cfg.Spec

	if cfg.Metadata.Name == "" {
		errs.add("metadata.name", nil, "must be set")
	}
	checkPattern(&errs, "metadata.name", cfg.Metadata.Name, dnsSubdomain,
		"a DNS subdomain (lower-case letters, digits, '-' and '.'); it names a folder in kpt packages")
	if n := len(cfg.Metadata.Name); n > maxNameLength {
		errs.add("metadata.name", cfg.Metadata.Name, "is %d characters long; at most %d allowed, "+
			"since it is the app.kubernetes.io/instance label of every object", n, maxNameLength)
	}

	release, relOK := lookup(&errs, "spec.kataDeployVersion", s.KataDeployVersion,
		generators.DefaultRelease, generators.Releases, generators.ReleaseVersions())
	arch, archOK := lookup(&errs, "spec.architecture", s.Architecture,
		DefaultArchitecture, generators.Architectures, generators.ArchitectureNames())
	dist, _ := lookup(&errs, "spec.k8sDistribution", s.K8sDistribution,
		DefaultDistribution, generators.Distributions, generators.DistributionNames())

	plan := generators.Plan{
		Config:                       cfg.Metadata.Name,
		Name:                         or(s.Name, DefaultName),
		Suffix:                       s.MultiInstallSuffix,
		Namespace:                    or(s.Namespace, DefaultNamespace),
		Release:                      release,
		Architecture:                 arch,
		Distribution:                 dist,
		Debug:                        s.Debug,
		NodeSelector:                 s.NodeSelector,
		Tolerations:                  s.Tolerations,
		PriorityClassName:            s.PriorityClassName,
		CreateRuntimeClasses:         s.RuntimeClasses.Create == nil || *s.RuntimeClasses.Create,
		CreateDefaultRuntimeClass:    s.RuntimeClasses.CreateDefault,
		AllowedHypervisorAnnotations: s.AllowedHypervisorAnnotations,
		AgentHTTPSProxy:              s.Agent.HTTPSProxy,
		AgentNoProxy:                 s.Agent.NoProxy,
		InstallationPrefix:           s.InstallationPrefix,
		HostOS:                       s.HostOS,
	}

	checkNames(&errs, s, plan)
	resolveImage(&errs, s.Image, &plan)
	if relOK && archOK {
		resolveShims(&errs, s, &plan)
	}
	if relOK {
		resolveSnapshotters(&errs, s.SetupSnapshotters, &plan)
	}
	if relOK && archOK && !errs.fatal() {
		checkSetup(&errs, plan)
	}
	checkScheduling(&errs, s, arch)
	checkNodeScriptValues(&errs, s)
	checkDefaultClass(&errs, plan)

	return plan, errs
}

// lookup resolves a catalog name, reporting an unknown one with the allowed list.
func lookup[T any](errs *problems, path, name, def string, catalog map[string]T,
	allowed []string) (T, bool) {
	v, ok := catalog[or(name, def)]
	if !ok {
		errs.add(path, name, "unknown value %q; allowed: %s", name, strings.Join(allowed, ", "))
	}

	return v, ok
}

func or(v, def string) string {
	if v == "" {
		return def
	}

	return v
}

var (
	dnsLabel     = newLazyRegexp(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	dnsSubdomain = newLazyRegexp(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
)

// checkNames checks the names every generated object is built from.
func checkNames(errs *problems, s CocoConfigSpec, plan generators.Plan) {
	checkPattern(errs, "spec.name", s.Name, dnsLabel, "a DNS label (lower-case letters, digits and '-')")
	checkPattern(errs, "spec.namespace", s.Namespace, dnsLabel,
		"a DNS label (lower-case letters, digits and '-')")
	checkPattern(errs, "spec.multiInstallSuffix", s.MultiInstallSuffix, dnsLabel,
		"a DNS label (lower-case letters, digits and '-'), so that it can end object names")

	if len(s.Namespace) > maxNameLength {
		errs.add("spec.namespace", s.Namespace, "is %d characters long; at most %d allowed",
			len(s.Namespace), maxNameLength)
	}

	// The DaemonSet's name is also the value of its selector label.
	if ds := plan.DaemonSetName(); len(ds) > maxNameLength {
		errs.add("spec.name", s.Name, "with the multi-install suffix it makes the DaemonSet name %q, "+
			"%d characters long; at most %d allowed", ds, len(ds), maxNameLength)
	}
}

// checkDefaultClass warns where the kata alias is asked for but cannot be
// declared, as the node script would not create it either.
func checkDefaultClass(errs *problems, plan generators.Plan) {
	if !plan.CreateDefaultRuntimeClass {
		return
	}

	switch {
	case !plan.CreateRuntimeClasses:
		errs.warn("spec.runtimeClasses.createDefault", true,
			"ignored: no RuntimeClass is declared while spec.runtimeClasses.create is false")
	case plan.Suffix != "":
		errs.warn("spec.runtimeClasses.createDefault", true, "ignored: the kata alias is "+
			"never declared for an install with a multi-install suffix, which shares the cluster")
	}
}

func checkPattern(errs *problems, path, value string, re *lazyRegexp, want string) {
	if value != "" && !re.MatchString(value) {
		errs.add(path, value, "invalid value %q; must be %s", value, want)
	}
}

var (
	// imageRepository follows the image reference grammar: an optional
	// registry host (name, IPv4 or bracketed IPv6, and port), then lower-case
	// path components separated by '.', '_', '__' or dashes.
	imageRepository = newLazyRegexp(`^(` +
		`([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*` +
		`|\[[0-9a-fA-F:]+\])(:[0-9]{1,5})?/)?` +
		`[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$`)
	imageTag    = newLazyRegexp(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	imageDigest = newLazyRegexp(`^sha256:[a-f0-9]{64}$`)
)

func resolveImage(errs *problems, img ImageSpec, plan *generators.Plan) {
	checkPattern(errs, "spec.image.repository", img.Repository, imageRepository,
		"an image repository such as quay.io/kata-containers/kata-deploy")
	checkPattern(errs, "spec.image.tag", img.Tag, imageTag,
		"an image tag (letters, digits, '_', '.', '-'; at most 128)")
	checkPattern(errs, "spec.image.digest", img.Digest, imageDigest, "sha256: and 64 hex digits")

	checkLength(errs, "spec.image.repository", img.Repository, maxImageLength)
	plan.Image = or(img.Repository, generators.DefaultImageRepository) + ":" +
		or(img.Tag, plan.Release.Version)
	if img.Digest != "" {
		plan.Image += "@" + img.Digest
	}

	policy := or(img.PullPolicy, string(DefaultPullPolicy))
	if !slices.Contains(pullPolicies, policy) {
		errs.add("spec.image.pullPolicy", img.PullPolicy, "unknown value %q; allowed: %s",
			img.PullPolicy, strings.Join(pullPolicies, ", "))
	}
	plan.ImagePullPolicy = corev1.PullPolicy(policy)

	seen := map[string]bool{}
	for i, name := range img.PullSecrets {
		path := fmt.Sprintf("spec.image.pullSecrets[%d]", i)
		checkPattern(errs, path, name, dnsSubdomain, "the name of a Secret")
		checkLength(errs, path, name, maxSubdomainLength)
		if name == "" {
			errs.add(path, name, "must not be empty")
		}
		if seen[name] {
			errs.add(path, name, "Secret %q is listed twice", name)
		}
		seen[name] = true
	}
	plan.ImagePullSecrets = img.PullSecrets
}

// lazyRegexp is compiled on first use: a run needs few of the patterns, and
// compiling all of them when the process starts took 0.6 ms, a tenth of a
// run.
type lazyRegexp struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

func newLazyRegexp(expr string) *lazyRegexp { return &lazyRegexp{expr: expr} }

func (l *lazyRegexp) MatchString(s string) bool {
	l.once.Do(func() { l.re = regexp.MustCompile(l.expr) })
	return l.re.MatchString(s)
}
