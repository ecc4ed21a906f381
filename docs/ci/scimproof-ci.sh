#!/usr/bin/env bash
# scimproof in any CI (the plain shell recipe; the GitHub Action runs this same script).
#
# Runs the conformance suites against $SCIM_BASE_URL and leaves, under $SCIMPROOF_OUT:
#   index.html (open it), run.json (the record), junit.xml (for the CI's test view), summary.md.
# Exits as scimproof does: 0 every required check passed, 1 a check failed, 2 the run could not
# be made (unreachable target, rejected token, bad suite file, no SCIM_BASE_URL), 3 the time budget
# ran out first. Reports are written once the run has started.
#
# Environment (all optional but the URL):
#   SCIM_BASE_URL       the SCIM base URL, e.g. https://staging.example.com/scim/v2
#   SCIM_TOKEN          bearer token (kept out of the command line and redacted from reports)
#   SCIMPROOF_SUITES    comma-separated suites (default: core,cursor,entra,okta,fuzz)
#   SCIMPROOF_BASELINE  baseline file of known failures to waive
#   SCIMPROOF_SHARD     i/n: this job's shard of n parallel jobs (join with `scimproof report --merge`)
#   SCIMPROOF_OUT       report directory (default reports/scimproof; a shard adds /shard-i)
#   SCIMPROOF_ARGS      further options, quoted as in a shell, e.g. "--dialect entra --header 'X-Tenant: a b'"
#   SCIMPROOF           how to call scimproof (default: npx --yes scimproof)
set -uo pipefail

out="${SCIMPROOF_OUT:-reports/scimproof}"
if [ -n "${SCIMPROOF_SHARD:-}" ]; then out="$out/shard-${SCIMPROOF_SHARD%%/*}"; fi

# On GitHub Actions: the step outputs, on every way out (a refusal below too: the action's upload
# step needs report-dir, and an empty one failed that step with "Input required and not supplied:
# path" above the one line that said what was wrong), and the summary on the job's page.
finish() {
  local code=$1
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    { echo "exit-code=$code"; echo "report-dir=$out"; echo "junit=$out/junit.xml"; } >> "$GITHUB_OUTPUT"
  fi
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -f "$out/summary.md" ]; then
    cat "$out/summary.md" >> "$GITHUB_STEP_SUMMARY"
  fi
  exit "$code"
}

if [ -z "${SCIM_BASE_URL:-}" ]; then
  echo "scimproof-ci: set SCIM_BASE_URL to the SCIM base URL to test (and SCIM_TOKEN to its token)" >&2
  finish 2
fi
read -r -a scimproof <<< "${SCIMPROOF:-npx --yes scimproof}"
args=(run --out "$out" --markdown "$out/summary.md")
if [ -n "${SCIMPROOF_SHARD:-}" ]; then args+=(--shard "$SCIMPROOF_SHARD"); fi
if [ -n "${SCIMPROOF_SUITES:-}" ]; then args+=(--suite "$SCIMPROOF_SUITES"); fi
if [ -n "${SCIMPROOF_BASELINE:-}" ]; then args+=(--baseline "$SCIMPROOF_BASELINE"); fi
# Split as a shell would ("--header 'X-Api-Key: k 1'" is two arguments), without running anything in
# it: xargs reads the quotes and backslashes, nothing expands $(…) or globs.
extra=()
if [ -n "${SCIMPROOF_ARGS:-}" ]; then
  if ! printf '%s' "$SCIMPROOF_ARGS" | xargs printf '' 2>/dev/null; then
    echo "scimproof-ci: SCIMPROOF_ARGS cannot be split into arguments (an unmatched quote?): $SCIMPROOF_ARGS" >&2
    finish 2
  fi
  while IFS= read -r -d '' word; do extra+=("$word"); done < <(printf '%s' "$SCIMPROOF_ARGS" | xargs printf '%s\0')
fi
# The report directory is this script's (its outputs and the upload name it): an --out among the
# extra options moved the report away from them.
for word in ${extra[@]+"${extra[@]}"}; do
  case "$word" in --out|--out=*)
    echo "scimproof-ci: give the report directory as SCIMPROOF_OUT (the action's report-dir), not --out in SCIMPROOF_ARGS" >&2
    finish 2 ;;
  esac
done

"${scimproof[@]}" "${args[@]}" ${extra[@]+"${extra[@]}"}
code=$?
# scimproof exits 1 only after a run, whose report it has written. A 1 without one came from what
# called it (npx could not fetch the package: a version not on the registry, no network), and
# read as "a check failed", blaming the server for a run that never happened.
if [ "$code" -eq 1 ] && [ ! -f "$out/run.json" ]; then
  echo "scimproof-ci: '${scimproof[*]}' exited 1 without writing $out/run.json, so scimproof did not run (could npx fetch it? see the lines above); exit 2" >&2
  code=2
fi
echo "scimproof-ci: exit code $code; report at $out/index.html"
finish "$code"
