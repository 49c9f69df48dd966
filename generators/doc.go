// Package generators builds the Kubernetes objects of one CoCo install from a
// fully resolved Plan: RBAC, the kata-deploy DaemonSet and the RuntimeClasses.
//
// Every function here is pure: it takes a Plan, in which no field is optional
// any more, and returns typed k8s.io/api objects. Decoding, defaults,
// validation and ResourceList handling live in package fn.
//
//	objects := generators.Generate(plan)
//	for _, o := range objects {
//		fmt.Println(o.File, o.Object.GetObjectKind())
//	}
package generators
