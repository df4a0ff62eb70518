#!/bin/sh
# run_fuzzer.sh NAME SECONDS DIR: runs DIR/NAME_fuzz for SECONDS on a fresh
# copy of its seed corpus and prints one line of figures; on a crash prints
# the end of the log and the saved input, and fails.
set -u
name=$1 seconds=$2 dir=$3
corpus=$dir/corpus/$name
log=$dir/$name.log
rm -rf "$corpus" && mkdir -p "$corpus" || exit 1
"$dir/seed_corpus" "$name" "$corpus" || exit 1
seeds=$(ls "$corpus" | wc -l)
"$dir/${name}_fuzz" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$dir/$name-" "$corpus" >"$log" 2>&1
status=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
if [ $status -ne 0 ]; then
    tail -40 "$log"
    echo "fuzz $name: FAILED after ${execs:-?} execs; input saved as $(ls "$dir/$name-"* 2>/dev/null | head -1)"
    exit 1
fi
echo "fuzz $name: ${execs:-?} execs in ${secs:-?} s, $cov, corpus $seeds seeds -> $(ls "$corpus" | wc -l) inputs, no failures"
