#!/usr/bin/env bash
# Runs the supervision benchmarks (each Baton benchmark against stock Pekko in the same run) and
# writes, under benchmarks/results/ (git-ignored):
#   supervision-<stamp>.json   JMH's own results
#   supervision-<stamp>.md     the command, the machine, and a markdown table with Baton/Pekko ratios
# then prints the table.
#
# Usage: benchmarks/run-supervision.sh [benchmark regexp ...]
#   default regexp: every benchmark in io.baton.benchmarks.supervision
#   JMH_OPTS overrides the run settings, e.g. for a smoke run:
#     JMH_OPTS="-f 1 -wi 1 -i 1 -w 1s -r 1s" benchmarks/run-supervision.sh RestartLatency
#
# The default settings (1 fork, 5 x 2 s warm-up, 10 x 2 s measurement per benchmark) take about
# 4 minutes. Run on an otherwise idle machine: the benchmarks compare two sides of the same run,
# but other load still widens both distributions.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/baton-benchmarks-all.jar"
jmh_opts="${JMH_OPTS:--f 1 -wi 5 -w 2s -i 10 -r 2s}"

# Build when the jar is missing or older than any source or pom it is made from.
if [[ ! -f "$jar" ]] || [[ -n "$(find "$root/pom.xml" "$root/supervision" "$root/benchmarks" \
    \( -path '*/target' -o -path '*/results' \) -prune -o -type f -newer "$jar" -print -quit)" ]]; then
  echo "building $jar ..."
  (cd "$root" && mvn -B -q install -DskipTests)
fi

patterns=("$@")
if [[ ${#patterns[@]} -eq 0 ]]; then
  patterns=('io\.baton\.benchmarks\.supervision\..*')
fi

mkdir -p "$here/results"
stamp="$(date +%Y%m%d-%H%M%S)"
json="$here/results/supervision-$stamp.json"
md="$here/results/supervision-$stamp.md"

# shellcheck disable=SC2086  # jmh_opts is a list of options
java -jar "$jar" "${patterns[@]}" $jmh_opts -rf json -rff "$json"

{
  echo "# Supervision benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- Command: \`benchmarks/run-supervision.sh ${patterns[*]}\` with JMH options \`$jmh_opts\`"
  echo "- Commit: \`$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)\`$(
    git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "- Java: $(java -version 2>&1 | head -n 1); CPUs: $(nproc)"
  echo
  java -cp "$jar" io.baton.benchmarks.report.ComparisonTable "$json"
} > "$md"

echo
cat "$md"
echo
echo "results: $json"
echo "table:   $md"
