package generators

import "k8s.io/apimachinery/pkg/runtime"

// Files generated objects are grouped into, in a kpt package.
const (
	FileRBAC           = "rbac.yaml"
	FileRuntimeClasses = "runtimeclasses.yaml"
	FileDaemonSet      = "daemonset.yaml"
)

// Object is one generated object and the file it belongs in.
type Object struct {
	File   string
	Object runtime.Object
}

// Generate returns every object of the install in apply order: RBAC first,
// then the RuntimeClasses, then the DaemonSet that uses both.
func Generate(p Plan) []Object {
	objects := []Object{
		{File: FileRBAC, Object: ServiceAccount(p)},
		{File: FileRBAC, Object: ClusterRole(p)},
		{File: FileRBAC, Object: ClusterRoleBinding(p)},
	}

	for _, rc := range RuntimeClasses(p) {
		objects = append(objects, Object{File: FileRuntimeClasses, Object: rc})
	}

	return append(objects, Object{File: FileDaemonSet, Object: DaemonSet(p)})
}
