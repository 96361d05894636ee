#!/usr/bin/env bash
# Runs every test of the solution — core, components, provisioning, and the browser tests in Debian's
# Chromium — on a fresh machine: installs what is missing, then prints one closing line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium fonts-liberation)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
# deploy/kubernetes is rendered by the tests with `kubectl kustomize` (offline; Debian's kubectl is 1.20)
[ -n "${KUBECTL:-}" ] || command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing ${need[*]} from Debian's packages…"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
      || { echo "apt-get could not install ${need[*]}"; exit 1; }
  else
    echo "Missing ${need[*]}: run as root once, or: sudo apt-get install ${need[*]}"; exit 1
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
status=0

# A real PostgreSQL on 127.0.0.1 for the store tests (the second store provider) and the two-replica test.
if [ -z "${CALICO_WIZARD_POSTGRES:-}" ] && [ "$(id -u)" = 0 ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  pg_lsclusters -h 2>/dev/null | grep -q "^$version main" || pg_createcluster "$version" main >/dev/null
  pg_ctlcluster "$version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do su postgres -c "pg_isready -q -h 127.0.0.1" && break; sleep 1; done
  su postgres -c "psql -q -c \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='calico_ci') THEN CREATE ROLE calico_ci LOGIN CREATEDB PASSWORD 'calico_ci'; END IF; END\\\$\\\$;\"" \
    && export CALICO_WIZARD_POSTGRES="Host=127.0.0.1;Port=5432;Username=calico_ci;Password=calico_ci;Database=postgres"
fi
[ -n "${CALICO_WIZARD_POSTGRES:-}" ] && echo "PostgreSQL: ready on 127.0.0.1" || echo "PostgreSQL: not available (its tests will say they were skipped and why)"

echo "== docker-compose.yml syntax"
if docker-compose -f docker-compose.yml config -q; then compose_ok=1; else compose_ok=0; status=1; fi

echo "== build"
dotnet build Calico.Wizard.sln -nologo -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

# Layout as .editorconfig sets it: the one thing the build does not check. The build already holds the code style and
# every analyzer (EnforceCodeStyleInBuild, warnings as errors) on the real compilation; `dotnet format style` and
# `analyzers` would run them again, at ~40 s more, on an IDE-like compilation (a design-time build).
echo "== dotnet format"
format_log=$(mktemp)
if dotnet format whitespace Calico.Wizard.sln --verify-no-changes --no-restore >"$format_log" 2>&1; then format_ok=1; else
  format_ok=0; status=1
  echo "dotnet format would change these files (fix them with: dotnet format Calico.Wizard.sln --no-restore):"
  sed -nE 's/^(.+\.cs)\([0-9]+,[0-9]+\): .*/\1/p' "$format_log" | sort -u | sed "s|^$PWD/|  |"
  grep -qE '\.cs\([0-9]+,[0-9]+\): ' "$format_log" || tail -n 20 "$format_log" # it failed before checking a file
fi
rm -f "$format_log"

echo "== test"
log=$(mktemp)
results=$(mktemp -d)
dotnet test Calico.Wizard.sln --no-build -nologo --logger trx --results-directory "$results" 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# The console names a skipped test but not why, and scatters failures through the log: every skip says why and
# every failure is named again here, just above the closing line (from the TRX results).
python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
results = [r for trx in sorted(glob.glob(sys.argv[1] + "/*.trx")) for r in ET.parse(trx).getroot().iterfind(".//t:UnitTestResult", ns)]
for r in results:
    if r.get("outcome") == "NotExecuted":
        reason = r.findtext("t:Output/t:ErrorInfo/t:Message", default="(no reason given)", namespaces=ns).strip()
        print(f"skipped: {r.get('testName')}: {reason}")
for r in results:
    if r.get("outcome") == "Failed":
        first = (r.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=ns).strip().splitlines() or [""])[0]
        print(f"FAILED: {r.get('testName')}: {first[:2000]}")
PY
rm -rf "$results"

# dotnet test prints one "Passed!/Failed!/Skipped!  - Failed: F, Passed: P, Skipped: S" line per test project.
read -r passed failed skipped projects < <(grep -E '(Passed|Failed|Skipped)! +- Failed: +[0-9]+, Passed: +[0-9]+' "$log" \
  | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3; n++} END {print p+0, f+0, s+0, n+0}')
rm -f "$log"
# tests/Calico.Wizard.Benchmarks is a console (BenchmarkDotNet), not a test project: dotnet test skips it.
expected=$(grep -L "<IsTestProject>false</IsTestProject>" tests/*/*.csproj | wc -l)
if [ "$projects" -ne "$expected" ]; then
  echo "only $projects of $expected test projects reported results"
  status=1; failed=$((failed + expected - projects))
fi
[ "$compose_ok" = 1 ] && passed=$((passed + 1)) || failed=$((failed + 1)) # the compose check counts as a test
[ "$format_ok" = 1 ] && passed=$((passed + 1)) || failed=$((failed + 1)) # and so does the format check
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
