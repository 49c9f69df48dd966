package generators

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Fixed parts of the kata-deploy pod.
const (
	ContainerName = "kube-kata"
	InstallScript = "/opt/kata-artifacts/scripts/kata-deploy.sh install"
)

// DaemonSet runs the kata-deploy node script on every selected node. Its
// selector keeps the chart's `name` label, so an install made by the Helm
// chart can be taken over in place (a DaemonSet's selector is immutable).
func DaemonSet(p Plan) *appsv1.DaemonSet {
	selector := map[string]string{"name": p.DaemonSetName()}

	podLabels := p.labels(ComponentInstaller)
	podLabels["name"] = p.DaemonSetName()

	return &appsv1.DaemonSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: p.objectMeta(p.DaemonSetName(), ComponentInstaller),
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: selector},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels},
				Spec:       podSpec(p),
			},
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{
				Type: appsv1.RollingUpdateDaemonSetStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDaemonSet{
					MaxUnavailable: ptrTo(intstr.FromInt32(1)),
				},
			},
		},
	}
}

func podSpec(p Plan) corev1.PodSpec {
	privileged := true

	return corev1.PodSpec{
		ServiceAccountName: p.ServiceAccountName(),
		HostPID:            true,
		NodeSelector:       p.nodeSelector(),
		Tolerations:        p.Tolerations,
		PriorityClassName:  p.PriorityClassName,
		ImagePullSecrets:   pullSecrets(p.ImagePullSecrets),
		Containers: []corev1.Container{{
			Name:            ContainerName,
			Image:           p.Image,
			ImagePullPolicy: p.ImagePullPolicy,
			Command:         []string{"bash", "-c", InstallScript},
			Env:             Env(p),
			SecurityContext: &corev1.SecurityContext{Privileged: &privileged},
			VolumeMounts: []corev1.VolumeMount{
				{Name: "crio-conf", MountPath: "/etc/crio/"},
				{Name: "containerd-conf", MountPath: "/etc/containerd/"},
				{Name: "host", MountPath: "/host/"},
			},
		}},
		Volumes: []corev1.Volume{
			hostPathVolume("crio-conf", "/etc/crio/"),
			hostPathVolume("containerd-conf", p.Distribution.ContainerdConfDir),
			hostPathVolume("host", "/"),
		},
	}
}

// nodeSelector is the user's selector plus, for a profile tied to one CPU
// architecture, that architecture: the node script would otherwise install
// shims built for another architecture on every node of a mixed cluster.
func (p Plan) nodeSelector() map[string]string {
	if len(p.NodeSelector) == 0 && p.Architecture.NodeArch == "" {
		return nil
	}

	selector := make(map[string]string, len(p.NodeSelector)+1)
	if p.Architecture.NodeArch != "" {
		selector[ArchLabel] = p.Architecture.NodeArch
	}
	for k, v := range p.NodeSelector {
		selector[k] = v
	}

	return selector
}

func pullSecrets(names []string) []corev1.LocalObjectReference {
	if len(names) == 0 {
		return nil
	}

	refs := make([]corev1.LocalObjectReference, 0, len(names))
	for _, name := range names {
		refs = append(refs, corev1.LocalObjectReference{Name: name})
	}

	return refs
}

func hostPathVolume(name, path string) corev1.Volume {
	return corev1.Volume{
		Name:         name,
		VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: path}},
	}
}

func ptrTo[T any](v T) *T { return &v }
