#!/usr/bin/env bash
# run.sh times coco-fn as a whole process, the way a GitOps pipeline runs it,
# prints the figures and the ratios, and checks the budgets of BENCHMARKS.md.
# It exits 1 when a budget is broken, 2 when it cannot measure.
#
#   make bench              # installs bin/kustomize first if it is missing
#   test/bench/run.sh       # the same, once bin/kustomize is there
#
# Every case runs after warm-up runs; cases that are compared with each other
# run in alternation, so that they share the machine's ups and downs. Run it
# on an idle machine: other load moves the figures by a fifth or more. It
# takes about 40 s when the budgets hold, and at most about 2 minutes when
# they do not: the runs of the fleet cases stop once they have taken a minute.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "${root}"

# The budgets.
one_ms_max=5          # one CocoConfig: median wall time, ms
one_rss_mib_max=20    # one CocoConfig: peak RSS, MiB
fleet_ms_max=1500     # 1,000 CocoConfigs in one ResourceList: median wall time, ms
scale_ratio_max=11    # 10,000 CocoConfigs: at most this many times the 1,000 figure
kustomize_ratio_max=1.5 # kustomize build with the function / with static YAML

if [[ ! -x bin/kustomize ]]; then
	echo "error: bin/kustomize is missing; run make tools, or make bench" >&2
	exit 2
fi
# bin/coco-fn, from the source as it is.
"${MAKE:-make}" --no-print-directory -s build

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

go build -o "${work}/measure" ./test/bench/measure
measure="${work}/measure"

# The inputs.
for n in 0 1 1000 10000; do
	"${measure}" gen -n "${n}" >"${work}/in-${n}.yaml"
done

# A copy of the layouts with the binary beside them, as in a checkout: the
# CocoConfig of bases/ runs ../../bin/coco-fn from overlays/<name>/.
mkdir -p "${work}/ws/bin" "${work}/static"
cp bin/coco-fn "${work}/ws/bin/coco-fn"
cp -R bases overlays "${work}/ws/"
cp testdata/golden/x86_64.yaml "${work}/static/install.yaml"
printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- install.yaml\n' \
	>"${work}/static/kustomization.yaml"
kustomize="${root}/bin/kustomize"

# The floor of the kustomize comparison: the same overlay run with an exec
# function that does no work, a shell script that prints coco-fn's output.
cp -R "${work}/ws" "${work}/floor"
{
	printf 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n'
	sed 's/^/  /' bases/cococonfig.yaml
} >"${work}/floor-input.yaml"
bin/coco-fn <"${work}/floor-input.yaml" >"${work}/floor-output.yaml"
printf '#!/bin/sh\ncat >/dev/null\nexec cat %s\n' "${work}/floor-output.yaml" >"${work}/floor/bin/coco-fn"

# field NAME LINE prints the value of NAME=VALUE in a line of measure run.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
# line NAME OUTPUT prints the line of measure run for case NAME.
line() { grep "^$1 " <<<"$2"; }
# calc EXPR evaluates EXPR with awk, to 2 decimals.
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
# count_daemonsets FILE counts the DaemonSets of a ResourceList or a stream.
count_daemonsets() { grep -Ec '^  kind: DaemonSet$|^kind: DaemonSet$' "$1" || true; }

echo "coco-fn benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
	"$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory," \
	"Linux $(uname -r), $(go version | cut -d' ' -f3), kustomize $("${kustomize}" version)"
echo

echo "measuring: process start and one CocoConfig ..."
small="$("${measure}" run -warmup 5 -runs 60 -- \
	bare "${measure}" noop --- \
	stdin="${work}/in-0.yaml" empty bin/coco-fn --- \
	stdin="${work}/in-1.yaml" save="${work}/out-1.yaml" one bin/coco-fn)" || exit 2

echo "measuring: 1,000 CocoConfigs in one ResourceList ..."
fleet="$("${measure}" run -warmup 1 -runs 5 -max-time 60s -timeout 150s -- \
	stdin="${work}/in-1000.yaml" save="${work}/out-1000.yaml" fleet bin/coco-fn)" || exit 2

echo "measuring: 10,000 CocoConfigs in one ResourceList ..."
big="$("${measure}" run -warmup 0 -runs 3 -max-time 60s -timeout 150s -- \
	stdin="${work}/in-10000.yaml" save="${work}/out-10000.yaml" big bin/coco-fn)" || exit 2

echo "measuring: kustomize build, static YAML and exec function ..."
kust="$("${measure}" run -warmup 3 -runs 30 -- \
	save="${work}/out-static.yaml" static "${kustomize}" build "${work}/static" --- \
	save="${work}/out-fn.yaml" fn "${kustomize}" build --enable-alpha-plugins --enable-exec \
	"${work}/ws/overlays/x86_64" --- \
	save="${work}/out-floor.yaml" floor "${kustomize}" build --enable-alpha-plugins --enable-exec \
	"${work}/floor/overlays/x86_64")" || exit 2
echo

# The runs must have produced the install, not merely exited 0.
for n in 1 1000 10000; do
	got="$(count_daemonsets "${work}/out-${n}.yaml")"
	if [[ "${got}" != "${n}" ]]; then
		echo "error: ${n} CocoConfigs gave ${got} DaemonSets" >&2
		exit 2
	fi
done
if ! cmp -s "${work}/out-static.yaml" "${work}/out-floor.yaml"; then
	echo "error: kustomize build with the fixed-output function differs from the golden file" >&2
	exit 2
fi
if ! cmp -s "${work}/out-static.yaml" "${work}/out-fn.yaml"; then
	echo "error: kustomize build of overlays/x86_64 differs from testdata/golden/x86_64.yaml" >&2
	diff "${work}/out-static.yaml" "${work}/out-fn.yaml" | head -20 >&2
	exit 2
fi

row() {
	local label="$1" l="$2"
	printf '%-46s %5s %10s %10s %10s %9s\n' "${label}" "$(field runs "${l}")" \
		"$(field median_ms "${l}")" "$(field min_ms "${l}")" "$(field max_ms "${l}")" \
		"$(calc "$(field peak_rss_kib "${l}") / 1024")"
}

printf '%-46s %5s %10s %10s %10s %9s\n' "case" "runs" "median ms" "min ms" "max ms" "RSS MiB"
row "bare Go process (baseline)" "$(line bare "${small}")"
row "coco-fn, empty ResourceList (start-up)" "$(line empty "${small}")"
row "coco-fn, 1 CocoConfig" "$(line one "${small}")"
row "coco-fn, 1,000 CocoConfigs in one list" "$(line fleet "${fleet}")"
row "coco-fn, 10,000 CocoConfigs in one list" "$(line big "${big}")"
row "kustomize build, static YAML" "$(line static "${kust}")"
row "kustomize build, coco-fn exec function" "$(line fn "${kust}")"
row "kustomize build, exec function doing no work" "$(line floor "${kust}")"
echo "(peak RSS is that of the process timed: for kustomize, without the function it runs)"
echo

bare_ms="$(field median_ms "$(line bare "${small}")")"
empty_ms="$(field median_ms "$(line empty "${small}")")"
one_ms="$(field median_ms "$(line one "${small}")")"
one_rss_mib="$(calc "$(field peak_rss_kib "$(line one "${small}")") / 1024")"
fleet_ms="$(field median_ms "$(line fleet "${fleet}")")"
big_ms="$(field median_ms "$(line big "${big}")")"
static_ms="$(field median_ms "$(line static "${kust}")")"
fn_ms="$(field median_ms "$(line fn "${kust}")")"
floor_ms="$(field median_ms "$(line floor "${kust}")")"

scale_ratio="$(calc "${big_ms} / ${fleet_ms}")"
kustomize_ratio="$(calc "${fn_ms} / ${static_ms}")"

echo "ratios"
printf '  %-58s %8s\n' \
	"1 CocoConfig / bare Go process" "$(calc "${one_ms} / ${bare_ms}")x" \
	"start-up over a bare Go process, ms" "$(calc "${empty_ms} - ${bare_ms}")" \
	"cost of one more CocoConfig, ms ((1,000 - 1) / 999)" "$(calc "(${fleet_ms} - ${one_ms}) / 999")" \
	"10,000 / 1,000 CocoConfigs" "${scale_ratio}x" \
	"kustomize build: exec function / static YAML" "${kustomize_ratio}x" \
	"kustomize build: function doing no work / static YAML" "$(calc "${floor_ms} / ${static_ms}")x"
echo

failed=0
# check LABEL VALUE LIMIT UNIT: VALUE must not exceed LIMIT.
check() {
	local verdict=ok
	if awk "BEGIN { exit !($2 > $3) }"; then
		verdict=BROKEN
		failed=1
	fi
	printf '  %-46s %10s %-4s <= %6s %-4s %s\n' "$1" "$2" "$4" "$3" "$4" "${verdict}"
}

echo "budgets"
check "1 CocoConfig, median wall" "${one_ms}" "${one_ms_max}" ms
check "1 CocoConfig, peak RSS" "${one_rss_mib}" "${one_rss_mib_max}" MiB
check "1,000 CocoConfigs, median wall" "${fleet_ms}" "${fleet_ms_max}" ms
check "10,000 / 1,000 CocoConfigs" "${scale_ratio}" "${scale_ratio_max}" x
check "kustomize build, function / static" "${kustomize_ratio}" "${kustomize_ratio_max}" x

if ((failed)); then
	echo "FAIL: a budget is broken"
	exit 1
fi
echo "PASS: every budget holds"
