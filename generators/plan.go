package generators

import corev1 "k8s.io/api/core/v1"

// Plan is one install with every value resolved: the input of Generate.
type Plan struct {
	// Config names the CocoConfig the plan came from; it becomes the
	// app.kubernetes.io/instance label.
	Config string

	// Name is the base name of every object (the chart's kata-as-coco-runtime).
	Name string

	// Suffix is the multi-install suffix, or empty for a single install.
	Suffix string

	Namespace    string
	Release      Release
	Architecture Architecture
	Distribution Distribution

	// Image is the full kata-deploy image reference.
	Image            string
	ImagePullPolicy  corev1.PullPolicy
	ImagePullSecrets []string

	Shims       []Shim
	DefaultShim string
	Debug       bool

	NodeSelector      map[string]string
	Tolerations       []corev1.Toleration
	PriorityClassName string

	// CreateRuntimeClasses declares one RuntimeClass per shim.
	CreateRuntimeClasses bool

	// CreateDefaultRuntimeClass also declares the kata alias of DefaultShim.
	CreateDefaultRuntimeClass bool

	AllowedHypervisorAnnotations []string
	AgentHTTPSProxy              string
	AgentNoProxy                 string
	InstallationPrefix           string
	HostOS                       string
	SetupSnapshotters            []string
}

// Shim is one runtime shim to install and how its images are handled.
type Shim struct {
	Name string

	// Snapshotter is the containerd snapshotter for the shim, or empty for
	// the runtime's default.
	Snapshotter string

	// PullType is how images are pulled for the shim, or empty for the default.
	PullType string

	// ForceGuestPull pulls images inside the guest even where the shim's
	// configuration would not.
	ForceGuestPull bool
}

// withSuffix appends the multi-install suffix to name, when there is one.
func (p Plan) withSuffix(name string) string {
	if p.Suffix == "" {
		return name
	}

	return name + "-" + p.Suffix
}

// DaemonSetName is the name of the kata-deploy DaemonSet.
func (p Plan) DaemonSetName() string { return p.withSuffix(p.Name) }

// ServiceAccountName is the name of the kata-deploy ServiceAccount.
func (p Plan) ServiceAccountName() string { return p.withSuffix(p.Name + "-sa") }

// ClusterRoleName is the name of the kata-deploy ClusterRole.
func (p Plan) ClusterRoleName() string { return p.withSuffix(p.Name + "-role") }

// ClusterRoleBindingName is the name of the kata-deploy ClusterRoleBinding.
func (p Plan) ClusterRoleBindingName() string { return p.withSuffix(p.Name + "-rb") }

// RuntimeClassName is the name, and the containerd handler, of a shim's RuntimeClass.
func (p Plan) RuntimeClassName(shim string) string { return p.withSuffix("kata-" + shim) }

// DefaultRuntimeClassName is the name of the alias class for the default shim.
const DefaultRuntimeClassName = "kata"
