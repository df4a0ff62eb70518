#!/usr/bin/env bash
# make bench-compare BASE=<commit>: ws-server of this tree against ws-server of
# BASE, as ratios to the plain TCP echo measured in the same round. Each round
# runs tcp, base and this tree's ws-server on fresh servers, one after the
# other (the order turns every round, so drift on a shared machine falls on
# each in turn), for each cell 100 connections x SIZE x 16 in flight. It prints
# every round and the median ws/tcp of each build. Single rounds on these
# machines swing a lot; compare medians of seven or more rounds.
#
#   BASE=<commit>       the build to compare against (required)
#   COMPARE_ROUNDS=7    rounds per cell (0: none, for the count below alone)
#   COMPARE_SIZES="16 1024 65536"
#   BENCH_DURATION=2s BENCH_WARMUP=500ms BENCH_CORE=0   as in run_bench.sh
#   COMPARE_INSTRUCTIONS=1  then, per size, each build once under callgrind:
#                       user-space instructions per echoed message (handshakes
#                       included), a count that does not swing with the
#                       machine as rates do (these VMs have no hardware counters)
#
# Only loopback; every process started here is stopped on exit.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$root/build/bench
base=${BASE:?"set BASE=<commit> (e.g. BASE=HEAD~5)"}
rounds=${COMPARE_ROUNDS:-7}
sizes=(${COMPARE_SIZES:-16 1024 65536})
duration=${BENCH_DURATION:-2s}
warmup=${BENCH_WARMUP:-500ms}
core=${BENCH_CORE:-0}

work=$(mktemp -d "${TMPDIR:-/tmp}/peer-plan-compare.XXXXXX")
server_pid=""
cleanup() {
    if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The base build: a worktree of BASE, built as the Makefile builds the release.
base_rev=$(git -C "$root" rev-parse --short "$base")
echo "compare: building ws-server at $base_rev" >&2
git -C "$root" worktree add --detach "$work/base" "$base" >/dev/null 2>&1
make -C "$work/base" -s -j2 ws-server >/dev/null
declare -A binary=([tcp]="$bin/tcp_echo" [base]="$work/base/ws-server" [head]="$root/ws-server")

start() {  # start NAME [RUNNER...]: sets server_pid and server_port (RUNNER default: taskset on the core)
    local name=$1 log="$work/$1.log" i port=""
    shift
    (($#)) || set -- taskset -c "$core"
    rm -f "$log"
    if [[ $name == tcp ]]; then
        "$@" "${binary[tcp]}" >"$log" 2>&1 &
    else
        "$@" "${binary[$name]}" --port 0 --registry "$work/registry/servers.json" \
            --max-connections 20000 >"$log" 2>&1 &
    fi
    server_pid=$!
    for ((i = 0; i < 400; i++)); do  # up to 10 s: under valgrind a start takes a second or two
        port=$(sed -n 's/.*listening on port \([0-9][0-9]*\).*/\1/p' "$log" 2>/dev/null | head -1) || true
        [[ -n $port ]] && break
        sleep 0.025
    done
    [[ -n $port ]] || { echo "compare: $name printed no port:" >&2; cat "$log" >&2; return 1; }
    server_port=$port
}
stop() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
rate() {  # rate NAME SIZE: messages per second of one run
    local mode=ws line
    [[ $1 == tcp ]] && mode=tcp
    start "$1"
    line=$(taskset -c "$core" "$bin/loadgen" --mode "$mode" --port "$server_port" --pid "$server_pid" \
        --warmup "$warmup" --duration "$duration" --connections 100 --size "$2" --inflight 16)
    stop
    sed -n 's/.*msgs_per_s=\([0-9]*\).*/\1/p' <<<"$line"
}
instructions() {  # instructions NAME SIZE: callgrind's instructions per message of one run
    local out="$work/cg.out" line msgs total
    rm -f "$out"
    start "$1" valgrind --tool=callgrind --callgrind-out-file="$out"
    line=$("$bin/loadgen" --mode ws --port "$server_port" --pid "$server_pid" --warmup 0ms --duration 3s \
        --connections 100 --size "$2" --inflight 16)
    stop
    msgs=$(sed -n 's/.* msgs=\([0-9]*\).*/\1/p' <<<"$line")
    total=$(callgrind_annotate "$out" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
    awk -v t="$total" -v m="$msgs" 'BEGIN { printf "%.0f", t / m }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

mkdir -p "$work/registry"
orders=("tcp base head" "head tcp base" "base head tcp")
printf 'bench-compare: %s (base) vs %s (this tree), 100 conns x SIZE x 16 in flight, core %s, %s per run\n' \
    "$base_rev" "$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo +changes)" "$core" "$duration"
printf '%-6s %-5s %10s %10s %10s %8s %8s\n' size round tcp base head base/tcp head/tcp
for size in "${sizes[@]}"; do
    : >"$work/base-$size" && : >"$work/head-$size"
    for ((round = 1; round <= rounds; round++)); do
        declare -A got=()
        for name in ${orders[$(( (round - 1) % 3 ))]}; do got[$name]=$(rate "$name" "$size"); done
        ratio_base=$(awk -v a="${got[base]}" -v b="${got[tcp]}" 'BEGIN { printf "%.3f", a / b }')
        ratio_head=$(awk -v a="${got[head]}" -v b="${got[tcp]}" 'BEGIN { printf "%.3f", a / b }')
        echo "$ratio_base" >>"$work/base-$size"
        echo "$ratio_head" >>"$work/head-$size"
        printf '%-6s %-5s %10s %10s %10s %8s %8s\n' "$size" "$round" "${got[tcp]}" "${got[base]}" "${got[head]}" \
            "$ratio_base" "$ratio_head"
    done
    ((rounds > 0)) && printf '%-6s median %31s %8s %8s\n' "$size" "" "$(median <"$work/base-$size")" "$(median <"$work/head-$size")"
done

[[ ${COMPARE_INSTRUCTIONS:-0} == 1 ]] || exit 0
printf '%-6s %-26s %10s %10s\n' size "instructions per message" base head
for size in "${sizes[@]}"; do
    printf '%-6s %-26s %10s %10s\n' "$size" callgrind "$(instructions base "$size")" "$(instructions head "$size")"
done
