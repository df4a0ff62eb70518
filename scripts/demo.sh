#!/usr/bin/env bash
# The README's demo command: installs what is missing (compiler, make,
# Emscripten), builds everything, then runs `make demo`: registry-http on
# http://localhost:5173/ and three ws-servers until Ctrl+C. Port 5173 taken
# (Vite's default too)? PEER_PLAN_DEMO_PORT=5174 scripts/demo.sh, or =0 for any.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh client
exec make -j"$(nproc)" demo
