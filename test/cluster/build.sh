#!/usr/bin/env bash
# build.sh builds, into bin/, etcd and the Kubernetes control plane
# (kube-apiserver, kube-controller-manager, kube-scheduler) from the Go
# modules beside it, and installs kwok, for the end-to-end tests that run a
# real API server, or a whole simulated cluster, on loopback.
#
# A binary is built only when it is missing or older than its module's
# go.mod or go.sum or its package's main.go, and kwok is installed only when
# missing or of another version, so a second run is instant. Run it from
# anywhere.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
bin="${root}/bin"

# kwokModule is the kwok release that simulates nodes and Pods; the tests
# read its Stage files from the module cache.
kwokModule="sigs.k8s.io/kwok"
kwokVersion="v0.8.0"

# stale reports whether binary $1 is missing or older than the go.mod and
# go.sum of module dir $2 or the main.go of its package dir $3.
stale() {
	local out="$1" mod="$2" pkg="$3" f
	[[ -x "${out}" ]] || return 0
	for f in "${mod}/go.mod" "${mod}/go.sum" "${pkg}/main.go"; do
		[[ "${f}" -nt "${out}" ]] && return 0
	done
	return 1
}

# build compiles package dir $3 (relative to module test/cluster/$2) into
# bin/$1, with extra linker flags $4.
build() {
	local name="$1" mod="${here}/$2" pkg="${here}/$2/$3" out="${bin}/$1"
	local ldflags="-s -w ${4:-}"
	if ! stale "${out}" "${mod}" "${pkg}"; then
		echo "bin/${name} is up to date"
		return
	fi
	echo "building bin/${name} (this takes a few minutes the first time)"
	local start=${SECONDS}
	mkdir -p "${bin}"
	GOWORK=off CGO_ENABLED=0 go build -C "${mod}" -trimpath -buildvcs=false \
		-ldflags="${ldflags}" -o "${out}.tmp" "./$3"
	mv -f "${out}.tmp" "${out}"
	echo "built bin/${name} in $((SECONDS - start))s"
}

# kubeVersion is the k8s.io/kubernetes version that the kubernetes module
# requires, stamped into the binaries so that --version and /version report
# it.
kubeVersion() {
	GOWORK=off go list -C "${here}/kubernetes" -m -f '{{.Version}}' k8s.io/kubernetes
}

# buildKube builds bin/$1 from its package dir of the kubernetes module,
# which holds the main packages of the whole control plane.
buildKube() {
	local ldflags=""
	if stale "${bin}/$1" "${here}/kubernetes" "${here}/kubernetes/$1"; then
		ldflags="-X k8s.io/component-base/version.gitVersion=$(kubeVersion)"
	fi
	build "$1" kubernetes "$1" "${ldflags}"
}

# installedKwok reports whether bin/kwok is the kwokVersion release.
installedKwok() {
	local info
	[[ -x "${bin}/kwok" ]] || return 1
	info="$(go version -m "${bin}/kwok")" || return 1
	grep -qE "^[[:space:]]mod[[:space:]]+${kwokModule}[[:space:]]+${kwokVersion}([[:space:]]|$)" <<<"${info}"
}

# installKwok installs bin/kwok unless it is already the wanted release, and
# makes sure the module (with the Stage files the tests read) is in the
# module cache.
installKwok() {
	GOWORK=off GOFLAGS=-mod=mod go mod download "${kwokModule}@${kwokVersion}"
	if installedKwok; then
		echo "bin/kwok is up to date"
		return
	fi
	echo "installing bin/kwok ${kwokVersion} (this takes a few minutes the first time)"
	local start=${SECONDS}
	mkdir -p "${bin}"
	GOWORK=off CGO_ENABLED=0 GOBIN="${bin}" go install -trimpath -buildvcs=false \
		-ldflags="-s -w" "${kwokModule}/cmd/kwok@${kwokVersion}"
	echo "installed bin/kwok in $((SECONDS - start))s"
}

build etcd etcd .
buildKube kube-apiserver
buildKube kube-controller-manager
buildKube kube-scheduler
installKwok
