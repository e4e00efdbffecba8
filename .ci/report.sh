#!/usr/bin/env bash
# CI hook: `cargo xtask report --json` over the real beta pages and the seed pages.
# Fails (exit 1) when the command crashes or panics, when a request example stops matching
# (requests_matched < requests), or when fewer response examples pass than the committed
# baseline in .ci/report-baseline.json, or fewer `$filter` examples are rebuilt typed (raise
# the baseline when the figures improve).
set -uo pipefail
cd "$(dirname "$0")/.."
baseline=.ci/report-baseline.json
command -v jq >/dev/null || { echo "report.sh: jq is required" >&2; exit 1; }
status=0
for docs in ../shared/graph-docs/beta ../shared/seeds; do
  out=$(mktemp) err=$(mktemp)
  cargo xtask report --docs "$docs" --json >"$out" 2>"$err"
  rc=$?
  if [ $rc -ne 0 ] || grep -q "panicked" "$err"; then
    echo "report.sh: \`cargo xtask report --docs $docs --json\` failed (exit $rc):" >&2
    tail -n 20 "$err" >&2
    status=1; rm -f "$out" "$err"; continue
  fi
  if ! jq -e . "$out" >/dev/null 2>&1; then
    echo "report.sh: $docs: output is not one JSON object" >&2
    status=1; rm -f "$out" "$err"; continue
  fi
  read -r pages requests matched responses ok < <(jq -r '[.pages.read, .examples.requests, .examples.requests_matched, .examples.responses, .examples.responses_ok] | @tsv' "$out")
  want_ok=$(jq -r --arg d "$docs" '.[$d].responses_ok // 0' "$baseline")
  want_requests=$(jq -r --arg d "$docs" '.[$d].requests // 0' "$baseline")
  want_pages=$(jq -r --arg d "$docs" '.[$d].pages_read // 0' "$baseline")
  echo "report $docs: pages $pages, requests $matched/$requests matched, responses $ok/$responses ok (baseline: $want_ok ok)"
  if [ "$matched" -lt "$requests" ]; then
    echo "report.sh: $docs: $((requests - matched)) request example(s) do not match:" >&2
    jq -r '.diagnostics[] | select(.code | startswith("example-path") or startswith("example-method") or startswith("example-request") or startswith("example-query")) | select(.severity == "error") | "  \(.file):\(.line):\(.col): \(.code): \(.message)"' "$out" >&2
    status=1
  fi
  if [ "$requests" -lt "$want_requests" ] || [ "$pages" -lt "$want_pages" ]; then
    echo "report.sh: $docs: fewer pages ($pages < $want_pages) or request examples ($requests < $want_requests) than the baseline" >&2
    status=1
  fi
  if [ "$ok" -lt "$want_ok" ]; then
    echo "report.sh: $docs: responses_ok dropped to $ok (baseline $want_ok)" >&2
    status=1
  fi
  read -r typed filters < <(jq -r '[.examples.filters_typed, .examples.filters] | @tsv' "$out")
  want_typed=$(jq -r --arg d "$docs" '.[$d].filters_typed // 0' "$baseline")
  echo "report $docs: \$filter rebuilt typed $typed/$filters (baseline: $want_typed)"
  if [ "$typed" -lt "$want_typed" ]; then
    echo "report.sh: $docs: typed \$filter examples dropped to $typed (baseline $want_typed):" >&2
    jq -r '.diagnostics[] | select(.code | startswith("example-filter")) | "  \(.file):\(.line):\(.col): \(.code): \(.message)"' "$out" >&2
    status=1
  fi
  rm -f "$out" "$err"
done

# The calls of the requests fixture (2020 corpus) against the v1.0 metadata and Microsoft's
# permissions data: one run checks the permissions pass at full scale and `report --requests`.
fixture=xtask/tests/fixtures/requests-2020.txt
if [ -f ../shared/csdl/graph-v1.0.csdl.xml ] && [ -f ../shared/permissions/permissions.json ]; then
  out=$(mktemp) err=$(mktemp)
  if ! cargo xtask report --requests "$fixture" --csdl ../shared/csdl/graph-v1.0.csdl.xml \
      --permissions ../shared/permissions/permissions.json --json >"$out" 2>"$err" || grep -q panicked "$err"; then
    echo "report.sh: \`report --requests $fixture\` failed:" >&2; tail -n 20 "$err" >&2; status=1
  else
    read -r calls covered with < <(jq -r '[.requests, .covered, .with_permissions] | @tsv' "$out")
    want=$(jq -r '.["requests-2020"].with_permissions // 0' "$baseline")
    echo "report --requests $fixture: $covered/$calls covered, $with with permissions (baseline: $want)"
    if [ "$with" -lt "$want" ]; then
      echo "report.sh: calls with permissions dropped to $with (baseline $want)" >&2; status=1
    fi
  fi
  rm -f "$out" "$err"
fi

# The 2020 v1.0 corpus with the v1.0 metadata (docs + CSDL: the metadata is the authority).
# Real pages have real errors, so every figure is held to a floor, not to 100%: a drop below
# the committed baseline fails; raise the baseline when the figures improve.
corpus=../shared/graph-docs-2020/v1.0 csdl=../shared/csdl/graph-v1.0.csdl.xml
if [ -d "$corpus" ] && [ -f "$csdl" ]; then
  out=$(mktemp) err=$(mktemp)
  cargo xtask report --docs "$corpus" --csdl "$csdl" --json >"$out" 2>"$err"
  rc=$?
  if [ $rc -ne 0 ] || grep -q "panicked" "$err" || ! jq -e . "$out" >/dev/null 2>&1; then
    echo "report.sh: \`cargo xtask report --docs $corpus --csdl $csdl --json\` failed (exit $rc):" >&2
    tail -n 20 "$err" >&2
    status=1
  else
    read -r matched requests ok responses unresolved lines < <(jq -r '[.examples.requests_matched, .examples.requests, .examples.responses_ok, .examples.responses, .request_lines.unresolved, .request_lines.documented] | @tsv' "$out")
    echo "report $corpus + metadata: requests $matched/$requests matched, responses $ok/$responses ok, $unresolved/$lines request lines unresolved"
    key="$corpus+metadata"
    want_matched=$(jq -r --arg d "$key" '.[$d].requests_matched // 0' "$baseline")
    want_ok=$(jq -r --arg d "$key" '.[$d].responses_ok // 0' "$baseline")
    max_unresolved=$(jq -r --arg d "$key" '.[$d].unresolved_max // 1000000' "$baseline")
    if [ "$matched" -lt "$want_matched" ] || [ "$ok" -lt "$want_ok" ] || [ "$unresolved" -gt "$max_unresolved" ]; then
      echo "report.sh: corpus figures below the baseline ($want_matched matched, $want_ok ok, at most $max_unresolved unresolved)" >&2
      status=1
    fi
  fi
  rm -f "$out" "$err"
fi
exit $status
