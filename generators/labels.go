package generators

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Label values shared by every generated object.
const (
	AppName   = "kata-deploy"
	PartOf    = "confidential-containers"
	ManagedBy = "coco-fn"
)

// Components, the app.kubernetes.io/component label of each object family.
const (
	ComponentRBAC         = "rbac"
	ComponentInstaller    = "runtime-installer"
	ComponentRuntimeClass = "runtime-class"
)

// labels returns the app.kubernetes.io labels of one object.
func (p Plan) labels(component string) map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":       AppName,
		"app.kubernetes.io/instance":   p.Config,
		"app.kubernetes.io/component":  component,
		"app.kubernetes.io/part-of":    PartOf,
		"app.kubernetes.io/managed-by": ManagedBy,
		"app.kubernetes.io/version":    p.Release.Version,
	}
}

// objectMeta returns the metadata of a namespaced object.
func (p Plan) objectMeta(name, component string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: p.Namespace, Labels: p.labels(component)}
}

// clusterMeta returns the metadata of a cluster-scoped object.
func (p Plan) clusterMeta(name, component string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Labels: p.labels(component)}
}
