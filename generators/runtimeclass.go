package generators

import (
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RuntimeLabel is the node label the node script sets once a node is ready to
// run kata pods; every RuntimeClass schedules onto nodes that carry it.
const RuntimeLabel = "katacontainers.io/kata-runtime"

// ArchLabel is the well-known node label of the CPU architecture.
const ArchLabel = "kubernetes.io/arch"

// RuntimeClasses declares one RuntimeClass per shim, in the plan's shim order,
// followed by the kata alias of the default shim when asked for. The alias
// keeps the default shim's handler, and is never declared with a suffix.
func RuntimeClasses(p Plan) []*nodev1.RuntimeClass {
	if !p.CreateRuntimeClasses {
		return nil
	}

	classes := make([]*nodev1.RuntimeClass, 0, len(p.Shims)+1)
	for _, shim := range p.Shims {
		classes = append(classes, runtimeClass(p, p.RuntimeClassName(shim.Name), shim.Name))
	}

	if p.CreateDefaultRuntimeClass && p.Suffix == "" {
		classes = append(classes, runtimeClass(p, DefaultRuntimeClassName, p.DefaultShim))
	}

	return classes
}

func runtimeClass(p Plan, name, shim string) *nodev1.RuntimeClass {
	overhead := p.Release.Overheads[shim]

	return &nodev1.RuntimeClass{
		TypeMeta:   metav1.TypeMeta{APIVersion: "node.k8s.io/v1", Kind: "RuntimeClass"},
		ObjectMeta: p.clusterMeta(name, ComponentRuntimeClass),
		Handler:    p.RuntimeClassName(shim),
		Overhead: &nodev1.Overhead{PodFixed: corev1.ResourceList{
			corev1.ResourceMemory: resource.MustParse(overhead.Memory),
			corev1.ResourceCPU:    resource.MustParse(overhead.CPU),
		}},
		Scheduling: &nodev1.Scheduling{NodeSelector: p.runtimeNodeSelector(shim)},
	}
}

// runtimeNodeSelector selects the nodes where the node script installed the
// shim: labelled by the script, and of the profile's architecture unless the
// shim runs its VMs off the node (peer-pods).
func (p Plan) runtimeNodeSelector(shim string) map[string]string {
	selector := map[string]string{RuntimeLabel: "true"}
	if p.Architecture.NodeArch != "" && shim != "remote" {
		selector[ArchLabel] = p.Architecture.NodeArch
	}

	return selector
}
