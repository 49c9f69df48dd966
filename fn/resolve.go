package fn

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

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
	checkScheduling(&errs, s)
	checkNodeScriptValues(&errs, s)

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
	dnsLabel     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
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

	longest := plan.ClusterRoleBindingName()
	if n := plan.ClusterRoleName(); len(n) > len(longest) {
		longest = n
	}
	if len(longest) > maxNameLength {
		errs.add("spec.name", s.Name, "with the multi-install suffix it makes the name %q, "+
			"%d characters long; at most %d allowed", longest, len(longest), maxNameLength)
	}
}

func checkPattern(errs *problems, path, value string, re *regexp.Regexp, want string) {
	if value != "" && !re.MatchString(value) {
		errs.add(path, value, "invalid value %q; must be %s", value, want)
	}
}

var (
	imageRepository = regexp.MustCompile(
		`^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$`)
	imageTag    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	imageDigest = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
)

func resolveImage(errs *problems, img ImageSpec, plan *generators.Plan) {
	checkPattern(errs, "spec.image.repository", img.Repository, imageRepository,
		"an image repository such as quay.io/kata-containers/kata-deploy")
	checkPattern(errs, "spec.image.tag", img.Tag, imageTag,
		"an image tag (letters, digits, '_', '.', '-'; at most 128)")
	checkPattern(errs, "spec.image.digest", img.Digest, imageDigest, "sha256: and 64 hex digits")

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

	for i, name := range img.PullSecrets {
		checkPattern(errs, fmt.Sprintf("spec.image.pullSecrets[%d]", i), name, dnsSubdomain,
			"the name of a Secret")
		if name == "" {
			errs.add(fmt.Sprintf("spec.image.pullSecrets[%d]", i), name, "must not be empty")
		}
	}
	plan.ImagePullSecrets = img.PullSecrets
}
