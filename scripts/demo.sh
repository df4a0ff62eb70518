#!/usr/bin/env bash
# The README's demo command: installs what is missing (compiler, make,
# Emscripten), builds everything, then runs `make demo`: registry-http on
# http://localhost:5173/ and three ws-servers until Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh client
exec make -j"$(nproc)" demo
