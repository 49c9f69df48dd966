package generators

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ServiceAccount is the identity the kata-deploy pods run as.
func ServiceAccount(p Plan) *corev1.ServiceAccount {
	return &corev1.ServiceAccount{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: p.objectMeta(p.ServiceAccountName(), ComponentRBAC),
	}
}

// ClusterRole grants the node script what it needs to label its node.
// RuntimeClasses are declared by coco-fn, so the role has no rule for them:
// the DaemonSet can neither create nor delete any RuntimeClass.
func ClusterRole(p Plan) *rbacv1.ClusterRole {
	return &rbacv1.ClusterRole{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"},
		ObjectMeta: p.clusterMeta(p.ClusterRoleName(), ComponentRBAC),
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{""},
			Resources: []string{"nodes"},
			Verbs:     []string{"get", "patch"},
		}},
	}
}

// ClusterRoleBinding binds the ClusterRole to the ServiceAccount.
func ClusterRoleBinding(p Plan) *rbacv1.ClusterRoleBinding {
	return &rbacv1.ClusterRoleBinding{
		TypeMeta: metav1.TypeMeta{
			APIVersion: "rbac.authorization.k8s.io/v1",
			Kind:       "ClusterRoleBinding",
		},
		ObjectMeta: p.clusterMeta(p.ClusterRoleBindingName(), ComponentRBAC),
		RoleRef: rbacv1.RoleRef{
			APIGroup: "rbac.authorization.k8s.io",
			Kind:     "ClusterRole",
			Name:     p.ClusterRoleName(),
		},
		Subjects: []rbacv1.Subject{{
			Kind:      "ServiceAccount",
			Name:      p.ServiceAccountName(),
			Namespace: p.Namespace,
		}},
	}
}
