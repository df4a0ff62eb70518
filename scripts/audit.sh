#!/usr/bin/env bash
# `make audit`: what someone auditing the build wants in one place.
#   1. the three binaries: ldd, size, sha256 (built here, `make`)
#   2. product line counts by folder (server/*, client/, web/ by hand)
#   3. reproducibility: two clean clones of HEAD in two different folders,
#      built with the same command, must give bit-identical binaries
# Exit 1 when the two builds differ.
set -euo pipefail
cd "$(dirname "$0")/.."
bins=(peer-plan ws-server registry-http)
jobs=${JOBS:-2}

nice make -s -j"$jobs" "${bins[@]}"
echo "== binaries (make, $(${CXX:-g++} --version | head -1))"
for b in "${bins[@]}"; do
    printf '%-14s %9s bytes  sha256 %s\n' "$b" "$(wc -c <"$b")" "$(sha256sum "$b" | cut -d' ' -f1)"
done
for b in "${bins[@]}"; do
    echo "-- ldd $b"
    ldd "$b" | sed 's/ (0x[0-9a-f]*)//; s/^\t/  /'
done

echo "== product lines (wc -l of .cpp .h .js .html .css, generated files excluded)"
count() { find "$@" -maxdepth 1 -type f \( -name '*.cpp' -o -name '*.h' -o -name '*.html' -o -name '*.css' \) \
              -print0 | xargs -0r cat | wc -l; }
total=0
for dir in server server/* client web; do
    [[ -d $dir ]] || continue
    n=$(count "$dir")
    ((n)) || continue
    printf '  %-20s %6d\n' "$dir/" "$n"
    total=$((total + n))
done
printf '  %-20s %6d\n' "total" "$total"

echo "== reproducible build: two clones of HEAD ($(git rev-parse --short HEAD)) in different folders"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head=$(git rev-parse HEAD)
for side in a b; do
    dest=$tmp/$side-$RANDOM/src
    git clone -q --no-local . "$dest"
    git -C "$dest" checkout -q "$head"
done
status=0
sums=()
for src in "$tmp"/*/src; do
    nice make -s -C "$src" -j"$jobs" "${bins[@]}" >/dev/null
    sums+=("$(cd "$src" && sha256sum "${bins[@]}")")
done
dirs=("$tmp"/*/src)
for b in "${bins[@]}"; do
    a=$(grep " $b\$" <<<"${sums[0]}" | cut -d' ' -f1)
    c=$(grep " $b\$" <<<"${sums[1]}" | cut -d' ' -f1)
    if [[ $a == "$c" ]]; then printf '  %-14s identical  %s\n' "$b" "$a"
    else printf '  %-14s DIFFERENT  %s (%s) vs %s (%s)\n' "$b" "$a" "${dirs[0]}" "$c" "${dirs[1]}"; status=1; fi
done
if grep -q "$tmp" "${dirs[0]}/peer-plan"; then echo "  the build folder still appears in peer-plan"; status=1; fi
((status == 0)) && echo "audit: reproducible" || echo "audit: NOT reproducible"
exit $status
