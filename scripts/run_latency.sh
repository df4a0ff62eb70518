#!/usr/bin/env bash
# How long after a child's listen() `peer-plan run` has its entry in the
# registry file. The child (python3) listens, notes the time, then reads the
# registry every millisecond until its port is there; N runs, then min,
# median and max in ms. Usage: scripts/run_latency.sh [N] [PEER_PLAN_BINARY]
set -euo pipefail
runs=${1:-20}
pp=${2:-./peer-plan}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
child='
import json, socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
t0 = time.monotonic(); port = s.getsockname()[1]
while time.monotonic() - t0 < 5:
    try:
        servers = json.load(open(sys.argv[1]))["servers"]
        if any(e.get("port") == port for e in servers): break
    except (OSError, ValueError): pass
    time.sleep(0.001)
print("%.1f" % ((time.monotonic() - t0) * 1000))
'
for _ in $(seq "$runs"); do
    "$pp" run --registry "$tmp/servers.json" -- python3 -c "$child" "$tmp/servers.json" 2>/dev/null
done | sort -n | awk '{v[NR] = $1} END {printf "listen() to entry, %d runs: min %s ms, median %s ms, max %s ms\n", NR, v[1], v[int((NR + 1) / 2)], v[NR]}'
