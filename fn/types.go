package fn

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The identity of the CocoConfig API.
const (
	Group      = "coco-fn.dev"
	Version    = "v1alpha1"
	APIVersion = Group + "/" + Version
	Kind       = "CocoConfig"
)

// CocoConfig describes one Confidential Containers install: which shims the
// kata-deploy DaemonSet puts on which nodes, and how.
type CocoConfig struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   metav1.ObjectMeta `json:"metadata"`
	Spec       CocoConfigSpec    `json:"spec"`
}

// CocoConfigSpec holds every setting of the install. All fields are optional.
type CocoConfigSpec struct {
	// Name is the base name of the generated objects. The default is the Helm
	// chart's, kata-as-coco-runtime, so that an install can move from the chart
	// to coco-fn without a second DaemonSet.
	Name string `json:"name,omitempty"`

	// Namespace receives the DaemonSet and its ServiceAccount (default kube-system).
	Namespace string `json:"namespace,omitempty"`

	// Architecture selects the profile: x86_64 (default), s390x, aarch64 or remote.
	Architecture string `json:"architecture,omitempty"`

	// KataDeployVersion is the kata-deploy release: 3.22.0 (default) or 3.21.0.
	KataDeployVersion string `json:"kataDeployVersion,omitempty"`

	// Image is the kata-deploy image.
	Image ImageSpec `json:"image,omitempty"`

	// Shims are the runtime shims to install; the default is the profile's list.
	Shims []ShimSpec `json:"shims,omitempty"`

	// DefaultShim is the shim behind the kata alias RuntimeClass (default: the first shim).
	DefaultShim string `json:"defaultShim,omitempty"`

	// Debug turns on debug logging of the node script and the kata runtime.
	Debug bool `json:"debug,omitempty"`

	// K8sDistribution is k8s (default), k3s, rke2, k0s or microk8s.
	K8sDistribution string `json:"k8sDistribution,omitempty"`

	// NodeSelector restricts the nodes the DaemonSet runs on.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`

	// Tolerations let the DaemonSet run on tainted nodes.
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`

	// PriorityClassName is the priority class of the DaemonSet's pods.
	PriorityClassName string `json:"priorityClassName,omitempty"`

	// RuntimeClasses controls which RuntimeClasses are declared.
	RuntimeClasses RuntimeClassesSpec `json:"runtimeClasses,omitempty"`

	// AllowedHypervisorAnnotations are the hypervisor annotations pods may set.
	AllowedHypervisorAnnotations []string `json:"allowedHypervisorAnnotations,omitempty"`

	// Agent configures the kata agent inside the guest.
	Agent AgentSpec `json:"agent,omitempty"`

	// InstallationPrefix is where kata is installed on the host (an absolute path).
	InstallationPrefix string `json:"installationPrefix,omitempty"`

	// MultiInstallSuffix lets several installs share a cluster; it is appended
	// to every object name and RuntimeClass handler.
	MultiInstallSuffix string `json:"multiInstallSuffix,omitempty"`

	// HostOS tells the node script about a host OS that needs special handling.
	HostOS string `json:"hostOS,omitempty"`

	// SetupSnapshotters are the snapshotters the node script sets up on each
	// node (nydus, erofs). Unset means the profile's [nydus]; [] means none.
	SetupSnapshotters []string `json:"setupSnapshotters,omitempty"`
}

// ImageSpec names the kata-deploy image.
type ImageSpec struct {
	// Repository defaults to quay.io/kata-containers/kata-deploy.
	Repository string `json:"repository,omitempty"`

	// Tag defaults to the kata-deploy version.
	Tag string `json:"tag,omitempty"`

	// Digest pins the image, as sha256:<64 hex digits>.
	Digest string `json:"digest,omitempty"`

	// PullPolicy is Always (default), IfNotPresent or Never.
	PullPolicy string `json:"pullPolicy,omitempty"`

	// PullSecrets name Secrets in the install namespace used to pull the image.
	PullSecrets []string `json:"pullSecrets,omitempty"`
}

// ShimSpec is one runtime shim and how its container images are handled.
type ShimSpec struct {
	Name string `json:"name"`

	// Snapshotter is nydus or erofs (default nydus); "" maps the shim to none.
	Snapshotter *string `json:"snapshotter,omitempty"`

	// PullType is guest-pull (default); "" maps the shim to none.
	PullType *string `json:"pullType,omitempty"`

	// ForceGuestPull pulls the shim's images in the guest whatever the
	// snapshotter (kata-deploy 3.22.0 and later).
	ForceGuestPull bool `json:"forceGuestPull,omitempty"`
}

// RuntimeClassesSpec controls the declared RuntimeClasses.
type RuntimeClassesSpec struct {
	// Create declares one RuntimeClass per shim (default true).
	Create *bool `json:"create,omitempty"`

	// CreateDefault also declares the kata alias of the default shim.
	CreateDefault bool `json:"createDefault,omitempty"`
}

// AgentSpec configures the kata agent's proxy.
type AgentSpec struct {
	HTTPSProxy string `json:"httpsProxy,omitempty"`
	NoProxy    string `json:"noProxy,omitempty"`
}
