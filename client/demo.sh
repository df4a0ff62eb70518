#!/usr/bin/env bash
# make demo: registry-http on http://localhost:5173/ and three ws-servers, as
# in the prototype's README, in one terminal. Ctrl+C (or SIGTERM) stops them
# all and waits for each, so every server has removed its registry entry
# before this script exits (it exits 1 and says so when one did not exit 0).
# The registry is the default one
# (~/.peer-plan/servers.json) unless PEER_PLAN_REGISTRY says otherwise;
# PEER_PLAN_DEMO_PORT changes the HTTP port, PEER_PLAN_DEMO_BIN the folder
# of the two programs (default: the checkout's root, where `make` puts them).
#
# Whatever the output goes to: when it is a pipe whose reader is gone
# (`| head -1`, or `| tee log` with tee killed first by Ctrl+C), the first
# echo that fails stops the demo the same way (SIGPIPE is trapped), and the
# stop itself ignores SIGPIPE and the errors of its own echoes.
set -u
cd "$(dirname "$0")/.."

bin=${PEER_PLAN_DEMO_BIN:-.}
port=${PEER_PLAN_DEMO_PORT:-5173}
servers=3
pids=()
readers=()
fifos=$(mktemp -d "${TMPDIR:-/tmp}/peer-plan-demo.XXXXXX")

# echo that can neither kill us nor complain when stdout is gone.
say() { echo "$@" 2>/dev/null; }

# Each server runs in a process group of its own (start), so a Ctrl+C in the
# terminal reaches this script alone and this is each server's one stop
# signal: a second one stops a server at once, cutting short its wait for the
# registry's lock (docs/protocol.md), and its entry would stay behind. A
# further Ctrl+C (or signal) while they stop is passed on: stop now.
stop() {
    trap '' PIPE
    trap 'kill -TERM "${pids[@]}" 2>/dev/null' INT TERM HUP QUIT
    say
    say "Stopping ${#pids[@]} processes..."
    kill -TERM "${pids[@]}" 2>/dev/null
    local code=${1:-0} pid status
    for pid in "${pids[@]}"; do
        # A trapped signal ends `wait` early (status over 128) while the
        # process may still run: then it is waited for again.
        while wait "$pid" 2>/dev/null; status=$?; ((status > 128)) && kill -0 "$pid" 2>/dev/null; do :; done
        ((status == 0)) || code=1
    done
    for pid in "${readers[@]}"; do kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    rm -rf "$fifos"
    if ((code == 0)); then
        say "All stopped; their registry entries are removed."
    else
        say "Stopped; one or more did not exit cleanly (see above): an entry left behind is dropped by the next server to start."
    fi
    exit "$code"
}
trap stop INT TERM HUP QUIT PIPE

# Runs a server and waits for its first stdout line, which it prints once it
# listens (and, for ws-server, once it is registered). Later output is passed on.
start() {
    local name=$1
    shift
    mkfifo "$fifos/$name"
    set -m  # job control for this one command: a process group of its own (see stop)
    "$@" >"$fifos/$name" &
    pids+=($!)
    set +m
    local fd line
    exec {fd}<"$fifos/$name"
    if ! IFS= read -r -u "$fd" line; then
        say "demo: $name did not start (see its message above)" >&2
        [[ $name == registry-http ]] &&
            say "demo: if port $port is taken (Vite uses 5173 too): PEER_PLAN_DEMO_PORT=$((port + 1)) scripts/demo.sh, or PEER_PLAN_DEMO_PORT=0 to let the system pick" >&2
        exec {fd}<&-
        stop 1
    fi
    echo "  $line"
    first_line=$line
    cat <&"$fd" &
    readers+=($!)
    exec {fd}<&-
}

echo "Registry: ${PEER_PLAN_REGISTRY:-$HOME/.peer-plan/servers.json}"
start registry-http "$bin/registry-http" --port "$port" --web web
# The port it really got (PEER_PLAN_DEMO_PORT=0 lets the system pick).
[[ $first_line =~ :([0-9]+)/ ]] && port=${BASH_REMATCH[1]}
for i in $(seq 1 "$servers"); do
    start "ws-server-$i" "$bin/ws-server"
done
echo
echo "Open http://localhost:$port/ in a browser. Ctrl+C stops everything."
echo "More servers: ./ws-server in another terminal; stop one with Ctrl+C there."

# Runs until Ctrl+C; a server stopped by hand just drops out of the wait.
wait
rm -rf "$fifos"
