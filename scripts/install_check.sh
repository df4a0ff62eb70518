#!/usr/bin/env bash
# `make install-check`: installs into a temporary DESTDIR, runs the installed
# programs from there (registry-http must find the installed web client with
# no flag), uninstalls, and checks that nothing is left. Exit 0 on success.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "install-check: $*" >&2; exit 1; }

make -s install DESTDIR="$tmp/root" PREFIX=/usr/local >/dev/null
bin=$tmp/root/usr/local/bin
for f in bin/peer-plan bin/ws-server bin/registry-http share/peer-plan/web/index.html \
         share/man/man1/peer-plan.1 share/man/man1/ws-server.1 share/man/man1/registry-http.1 \
         share/man/man5/peer-plan-registry.5; do
    [[ -e $tmp/root/usr/local/$f ]] || fail "missing $f after make install"
done
"$bin/peer-plan" --version | grep -qx 'peer-plan 1.0.0' || fail "installed peer-plan --version"

# From another folder (no ./web), through a symlink: the installed web client.
mkdir "$tmp/elsewhere" && ln -s "$bin/registry-http" "$tmp/elsewhere/rh"
cd "$tmp/elsewhere"
./rh --port 0 --registry "$tmp/reg/servers.json" >"$tmp/rh.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q 'listening on' "$tmp/rh.out" && break; read -r -t 0.05 <> <(:) || true; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/rh.out")
[[ -n $port ]] || fail "registry-http did not start: $(cat "$tmp/rh.out")"
grep -q "web $tmp/root/usr/local/bin/../share/peer-plan/web" "$tmp/rh.out" || fail "web folder: $(cat "$tmp/rh.out")"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
response=$(cat <&3)
exec 3>&-
[[ $response == "HTTP/1.1 200 OK"* ]] || fail "GET / gave: ${response%%$'\r'*}"
grep -qF "$(head -c 60 "$OLDPWD/web/index.html")" <<<"$response" || fail "GET / is not web/index.html"
"$bin/peer-plan" list --registry "$tmp/reg/servers.json" | grep -q 'no live servers' || fail "installed peer-plan list"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()
cd "$OLDPWD"

make -s uninstall DESTDIR="$tmp/root" PREFIX=/usr/local >/dev/null
left=$(find "$tmp/root" -type f -o -type l)
[[ -z $left ]] || fail "left after make uninstall: $left"
echo "install-check: installed, ran from $tmp/root/usr/local (GET / 200 from share/peer-plan/web), uninstalled, nothing left"
