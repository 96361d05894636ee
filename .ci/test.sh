#!/usr/bin/env bash
# Runs every test of the solution — core, components, provisioning, and the browser tests in Debian's
# Chromium — on a fresh machine: installs what is missing, then prints one closing line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium fonts-liberation)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
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

echo "== docker-compose.yml syntax"
if docker-compose -f docker-compose.yml config -q; then compose_ok=1; else compose_ok=0; status=1; fi

echo "== build"
dotnet build Calico.Wizard.sln -nologo -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

echo "== test"
log=$(mktemp)
dotnet test Calico.Wizard.sln --no-build -nologo 2>&1 | tee "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# dotnet test prints one "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S" line per test project.
read -r passed failed skipped projects < <(grep -E '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+' "$log" \
  | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3; n++} END {print p+0, f+0, s+0, n+0}')
rm -f "$log"
expected=$(ls tests/*/*.csproj | wc -l)
if [ "$projects" -ne "$expected" ]; then
  echo "only $projects of $expected test projects reported results"
  status=1; failed=$((failed + expected - projects))
fi
[ "$compose_ok" = 1 ] && passed=$((passed + 1)) || failed=$((failed + 1)) # the compose check counts as a test
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
