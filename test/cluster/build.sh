#!/usr/bin/env bash
# build.sh builds bin/kube-apiserver and bin/etcd from the Go modules beside
# it, for the end-to-end tests that run a real API server on loopback.
#
# A binary is built only when it is missing or older than its module's
# go.mod, go.sum or main.go, so a second run is instant. Run it from anywhere.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
bin="${root}/bin"

# stale reports whether binary $1 is missing or older than module dir $2.
stale() {
	local out="$1" dir="$2" f
	[[ -x "${out}" ]] || return 0
	for f in go.mod go.sum main.go; do
		[[ "${dir}/${f}" -nt "${out}" ]] && return 0
	done
	return 1
}

# build compiles the module in test/cluster/$1 into bin/$1, with extra
# linker flags $2.
build() {
	local name="$1" dir="${here}/$1" out="${bin}/$1" ldflags="-s -w ${2:-}"
	if ! stale "${out}" "${dir}"; then
		echo "bin/${name} is up to date"
		return
	fi
	echo "building bin/${name} (this takes a few minutes the first time)"
	local start=${SECONDS}
	mkdir -p "${bin}"
	GOWORK=off CGO_ENABLED=0 go build -C "${dir}" -trimpath -buildvcs=false \
		-ldflags="${ldflags}" -o "${out}.tmp" .
	mv -f "${out}.tmp" "${out}"
	echo "built bin/${name} in $((SECONDS - start))s"
}

# kubeVersion is the k8s.io/kubernetes version that the kube-apiserver module
# requires, stamped into the binary so that --version and /version report it.
kubeVersion() {
	GOWORK=off go list -C "${here}/kube-apiserver" -m -f '{{.Version}}' k8s.io/kubernetes
}

build etcd
if stale "${bin}/kube-apiserver" "${here}/kube-apiserver"; then
	v="$(kubeVersion)"
	build kube-apiserver "-X k8s.io/component-base/version.gitVersion=${v}"
else
	build kube-apiserver
fi
