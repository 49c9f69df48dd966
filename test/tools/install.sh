#!/usr/bin/env bash
# install.sh [TOOL...] installs what the end-to-end tests run, where missing:
#   bin/kustomize   the kustomize CLI, built with go install
#   podman, runc    from Debian packages, when run as root (container tests)
# kpt cannot be built from the Go module proxy; it must already be on PATH.
# With CI=true anything that cannot be installed is an error.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kustomize_version="v5.8.1"

fail_or_warn() {
	if [[ "${CI:-}" == "true" ]]; then
		echo "error: $*" >&2
		exit 1
	fi
	echo "warning: $* (tests that need it will be skipped)" >&2
}

install_kustomize() {
	local have=""
	[[ -x "${root}/bin/kustomize" ]] && have="$("${root}/bin/kustomize" version 2>/dev/null || true)"
	if [[ "${have}" == "${kustomize_version}" ]]; then
		return
	fi
	echo "installing bin/kustomize ${kustomize_version}" >&2
	GOBIN="${root}/bin" GOFLAGS=-buildvcs=false \
		go install "sigs.k8s.io/kustomize/kustomize/v5@${kustomize_version}"
}

install_podman() {
	if command -v podman >/dev/null && command -v runc >/dev/null; then
		:
	elif [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
		echo "installing podman and runc from Debian packages" >&2
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc >/dev/null
	else
		fail_or_warn "podman and runc are missing; install them (Debian: apt-get install podman runc)"
		return
	fi

	# runc, and no default rlimits: what rootful podman needs on hosts with
	# hybrid cgroups, where crun fails to start containers.
	if [[ "$(id -u)" == "0" && ! -f /etc/containers/containers.conf ]]; then
		mkdir -p /etc/containers
		printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' \
			>/etc/containers/containers.conf
	fi
}

check_kpt() {
	command -v kpt >/dev/null || fail_or_warn "kpt is not on PATH; install kpt 1.0.0-beta.56 or later"
}

# With arguments, only the named tools: kustomize, podman, kpt.
for tool in "${@:-kustomize podman kpt}"; do
	for t in ${tool}; do
		case "${t}" in
		kustomize) install_kustomize ;;
		podman) install_podman ;;
		kpt) check_kpt ;;
		*) echo "error: unknown tool ${t}; known: kustomize podman kpt" >&2; exit 2 ;;
		esac
	done
done
