#!/usr/bin/env bash
# Installs what a make target needs and is missing. Debian/Ubuntu: apt-get
# (through sudo when not root). Elsewhere: prints the exact command to run.
#   scripts/deps.sh build   compilers and make
#   scripts/deps.sh test    + GoogleTest, clang's sanitizer runtime, groff (man page check)
#   scripts/deps.sh client  + Emscripten
#   scripts/deps.sh e2e     + Chromium and playwright-core (npm)
#   scripts/deps.sh bench   + nginx, wrk, gnuplot, valgrind and node for `make bench`
#   scripts/deps.sh all     everything `make check` uses
set -euo pipefail
want=${1:-all}

packages=()
need() {  # need <command, or file glob> <debian package>
    if [[ $1 == /* ]]; then compgen -G "$1" >/dev/null || packages+=("$2")
    else command -v "$1" >/dev/null 2>&1 || packages+=("$2"); fi
}

need g++ g++
need make make
case $want in test|e2e|all) need /usr/include/gtest/gtest.h libgtest-dev
                            need clang++-14 clang-14
                            need groff groff-base  # priority important: absent from minimal images
                            need '/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a' libclang-rt-14-dev ;; esac
case $want in client|e2e|all) need em++ emscripten ;; esac
case $want in e2e|all) need chromium chromium ;; esac
case $want in e2e|all|bench) need node nodejs
                             need npm npm ;; esac
case $want in bench) need nginx nginx-light
                     need wrk wrk
                     need gnuplot gnuplot-nox
                     need taskset util-linux
                     need callgrind_annotate valgrind ;; esac

if ((${#packages[@]})); then
    if command -v apt-get >/dev/null 2>&1; then
        sudo=""
        [[ $(id -u) == 0 ]] || sudo="sudo"
        echo "deps: installing ${packages[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
    else
        echo "deps: missing ${packages[*]}; install them with your package manager, e.g." >&2
        echo "  brew install llvm emscripten googletest chromium node" >&2
        exit 1
    fi
fi

# etcd for the etcd registry tests: Debian's etcd-server and etcd-client
# unpacked into build/etcd. Never `apt-get install etcd-server`: its postinst
# starts a system etcd on port 2379; the tests start their own.
case $want in test|e2e|all)
    etcd_dir="$(cd "$(dirname "$0")/.." && pwd)/build/etcd"
    if [[ ! -x $etcd_dir/usr/bin/etcd ]]; then
        if command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1; then
            echo "deps: etcd-server and etcd-client into build/etcd (apt-get download + dpkg-deb -x: no service starts)"
            debs=$(mktemp -d)
            chmod 755 "$debs"  # apt's sandbox user must be able to write there
            if ! (cd "$debs" && apt-get download -qq etcd-server etcd-client 2>/dev/null); then
                sudo=""
                [[ $(id -u) == 0 ]] || sudo="sudo"
                $sudo apt-get update -qq
                (cd "$debs" && apt-get download -qq etcd-server etcd-client) || { rm -rf "$debs"; exit 1; }
            fi
            mkdir -p "$etcd_dir"
            for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$etcd_dir"; done
            rm -rf "$debs"
        else
            echo "deps: no apt-get: put etcd 3.4+ in build/etcd/usr/bin/etcd or set PEER_PLAN_ETCD (the etcd tests skip without it)" >&2
        fi
    fi ;;
esac

case $want in e2e|all)
    if [[ ! -d node_modules/playwright-core || ! -d node_modules/ws ]]; then
        echo "deps: npm ci (playwright-core, which never downloads a browser, and ws for the interop tests)"
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null
    fi ;;
esac
