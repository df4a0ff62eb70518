#!/usr/bin/env bash
# `make man-check`: every flag that PROGRAM --help lists (and, for a program
# with a "Commands:" section, every `PROGRAM COMMAND --help`) appears in PAGE
# as the reader sees it, with its argument placeholder (SIZE, DURATION, N...;
# VALUE is generic and not asked for). The page is rendered on one line per
# paragraph with hyphenation off, so no flag is split across lines.
#   scripts/man_flags.sh ./ws-server docs/man/ws-server.1
set -euo pipefail  # (grep -q reads here-strings: in a pipe its early exit would fail the pipe)

if [ $# -ne 2 ]; then
  echo "usage: $0 PROGRAM PAGE" >&2
  exit 2
fi
program=$1
page=$2
name=$(basename "$program")

help=$("$program" --help) || { echo "$name --help failed" >&2; exit 1; }
helps=$help
# The commands of a "Commands:" section: its lines that start with two spaces and a word.
commands=$(printf '%s\n' "$help" | sed -n '/^Commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p')
for command in $commands; do
  sub=$("$program" "$command" --help) || { echo "$name $command --help failed" >&2; exit 1; }
  helps+=$'\n'$sub
done

text=$(LC_ALL=C groff -man -Tascii -rLL=5000n -rHY=0 -P-c -P-b -P-u -P-o "$page" 2>&1)

failed=0
flags=$(printf '%s\n' "$helps" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
for flag in $flags; do
  if ! grep -qE -- "(^|[^a-z0-9-])$flag([^a-z0-9-]|\$)" <<< "$text"; then
    echo "$page: $flag (in $name's --help) is missing" >&2
    failed=1
    continue
  fi
  # Its placeholders in the help texts; the page must show one of them after it.
  placeholders=$(printf '%s\n' "$helps" | grep -oE -- "$flag [A-Z][A-Z=]*([^a-zA-Z]|\$)" |
                 sed -E "s/^$flag ([A-Z=]+).*/\1/" | grep -vx VALUE | sort -u || true)
  [ -z "$placeholders" ] && continue
  found=0
  for placeholder in $placeholders; do
    if grep -qE -- "$flag $placeholder([^A-Za-z]|\$)" <<< "$text"; then found=1; fi
  done
  if [ "$found" -eq 0 ]; then
    echo "$page: $flag is not shown with its placeholder ($(echo $placeholders | tr ' ' '/'), as in $name's --help)" >&2
    failed=1
  fi
done
exit "$failed"
