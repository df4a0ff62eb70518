#!/usr/bin/env bash
# make bench, the etcd registry (issue 14), run by run_bench.sh when etcd is
# there (build/etcd, from scripts/deps.sh test; or $PEER_PLAN_ETCD); can run
# alone. Starts its own etcd on loopback ports with a temporary data folder.
#   1. echo: ws-server on --registry etcd:// against the file, alternating
#      pairs (the echo path never touches the registry: the ratio is ~1);
#   2. registry-http GET /api/registry, 50 keep-alive connections, with three
#      entries from etcd against three from the file;
#   3. from a key written to etcd to the diff that names it on a watcher of
#      registry-http's /api/registry/watch (median and max of 20).
# Prints a small report on stdout and "kind=etcd_*" lines to $ETCD_BENCH_RESULTS.
#   BENCH_DURATION BENCH_WARMUP BENCH_CORE BENCH_PAIRS as for run_bench.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${BENCH_BIN:-$root/build/bench}
duration=${BENCH_DURATION:-2s}
warmup=${BENCH_WARMUP:-500ms}
core=${BENCH_CORE:-0}
other_core=$(( core == 0 ? 1 : 0 ))
pairs=${BENCH_PAIRS:-5}
rounds=${ETCD_BENCH_ROUNDS:-20}
results=${ETCD_BENCH_RESULTS:-/dev/null}
etcd=${PEER_PLAN_ETCD:-$root/build/etcd/usr/bin/etcd}
if [[ ! -x $etcd ]]; then
    echo "bench: no etcd at $etcd (scripts/deps.sh test puts it in build/etcd); etcd part skipped" >&2
    exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/peer-plan-etcd-bench.XXXXXX")
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

field() {
    local pair
    for pair in $2; do
        if [[ $pair == "$1="* ]]; then printf '%s' "${pair#*=}"; return; fi
    done
    printf -- '-'
}
wait_line() {  # wait_line LOG SED-EXPRESSION: what the expression prints, once it does (5 s at most)
    local got i
    for ((i = 0; i < 200; i++)); do
        got=$(sed -n "$2" "$1" 2>/dev/null | head -1) || true
        if [[ -n $got ]]; then printf '%s' "$got"; return 0; fi
        sleep 0.025
    done
    echo "bench: nothing after 5 s in $1:" >&2
    cat "$1" >&2
    return 1
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

client_port=$("$bin/loadgen" --free-port)
peer_port=$("$bin/loadgen" --free-port)
"$etcd" --name bench --data-dir "$work/etcd" \
    --listen-client-urls "http://127.0.0.1:$client_port" --advertise-client-urls "http://127.0.0.1:$client_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "bench=http://127.0.0.1:$peer_port" --unsafe-no-fsync --logger zap --log-level warn \
    >"$work/etcd.log" 2>&1 &
pids+=($!)
taskset -p -c "$other_core" "$!" >/dev/null
for ((i = 0; i < 400; i++)); do
    [[ $(curl -s "http://127.0.0.1:$client_port/health" 2>/dev/null || true) == *'"health":"true"'* ]] && break
    sleep 0.025
done
url="etcd://127.0.0.1:$client_port"
file="$work/registry/servers.json"
mkdir -p "$work/registry" "$work/web"
echo '<!doctype html>' >"$work/web/index.html"

echo "bench: etcd registry: echo with --registry etcd:// and the file, $pairs alternating pairs" >&2
for ((pair = 1; pair <= pairs; pair++)); do
    for registry in file etcd; do
        where=$file
        [[ $registry == etcd ]] && where=$url
        taskset -c "$core" "$root/ws-server" --port 0 --registry "$where" >"$work/ws.log" 2>&1 &
        pid=$!
        pids+=("$pid")
        port=$(wait_line "$work/ws.log" 's/.*listening on port \([0-9][0-9]*\).*/\1/p')
        line=$(taskset -c "$core" "$bin/loadgen" --mode ws --port "$port" --pid "$pid" --warmup "$warmup" \
            --duration "$duration" --connections 100 --size 1024 --inflight 16 2>"$work/loadgen.err") ||
            line="error=$(tail -1 "$work/loadgen.err" | tr ' =' '_:')"
        stop "$pid"
        echo "kind=etcd_echo registry=$registry pair=$pair $line" >>"$work/results"
    done
done

echo "bench: etcd registry: GET /api/registry, 50 keep-alive connections, three entries" >&2
for i in 1 2 3; do
    for where in "$file" "$url"; do
        taskset -c "$other_core" "$root/ws-server" --port 0 --registry "$where" >"$work/entry.log" 2>&1 &
        pids+=($!)
        wait_line "$work/entry.log" 's/.*listening on port \([0-9][0-9]*\).*/\1/p' >/dev/null
    done
done
for registry in file etcd; do
    where=$file
    [[ $registry == etcd ]] && where=$url
    taskset -c "$core" "$root/registry-http" --port 0 --registry "$where" --web "$work/web" >"$work/http.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    port=$(wait_line "$work/http.log" 's|.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\)/.*|\1|p')
    line=$(taskset -c "$core" "$bin/loadgen" --mode http --path /api/registry --port "$port" --pid "$pid" \
        --warmup "$warmup" --duration "$duration" --connections 50 --inflight 1 2>"$work/loadgen.err") ||
        line="error=$(tail -1 "$work/loadgen.err" | tr ' =' '_:')"
    echo "kind=etcd_http registry=$registry $line" >>"$work/results"
    if [[ $registry == etcd ]]; then
        echo "bench: etcd registry: key written -> diff on a watcher, $rounds rounds" >&2
        line=$(node "$here/etcd_watch_latency.js" "$client_port" "$port" "$rounds" 2>"$work/watch.err") ||
            line="error=$(tail -1 "$work/watch.err" | tr ' =' '_:')"
        echo "kind=etcd_watch $line" >>"$work/results"
    fi
    stop "$pid"
done

cat "$work/results" >>"$results"
awk '
    function f(name,   i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == name) return kv[2] } return "-" }
    f("kind") == "etcd_echo" && f("msgs_per_s") != "-" { rate[f("pair"), f("registry")] = f("msgs_per_s"); n = f("pair") > n ? f("pair") : n }
    f("kind") == "etcd_http" { http[f("registry")] = f("msgs_per_s") }
    f("kind") == "etcd_watch" { watch = $0; sub(/^kind=etcd_watch /, "", watch) }
    END {
        print "etcd registry (ws-server 100 conns x 1024 B x 16 in flight; etcd/file msgs/s per alternating pair):"
        m = 0
        for (p = 1; p <= n; p++) if ((p, "file") in rate && (p, "etcd") in rate) ratios[++m] = rate[p, "etcd"] / rate[p, "file"]
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (ratios[j] < ratios[i]) { t = ratios[i]; ratios[i] = ratios[j]; ratios[j] = t }
        line = "  echo etcd/file:"
        for (i = 1; i <= m; i++) line = line sprintf(" %.3f", ratios[i])
        if (m) line = line sprintf("  (median %.3f)", ratios[int((m + 1) / 2)])
        print line
        printf "  GET /api/registry, 50 conns: file %s requests/s, etcd %s requests/s\n", http["file"], http["etcd"]
        printf "  etcd key written -> watcher diff: %s\n", watch
    }' "$work/results"
