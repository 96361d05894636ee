#!/usr/bin/env bash
# What the Network step would cost drawn with the browser's own controls instead of MudBlazor's form components
# (issue 16's heap, CPU and latency rows; docs/performance.md, "What meeting the last rows would take").
#
#   tests/Calico.Wizard.Benchmarks/Browser/experiments/controls-study.sh radios [side-by-side options]
#   tests/Calico.Wizard.Benchmarks/Browser/experiments/controls-study.sh all    [side-by-side options]
#
# Clones HEAD into a throwaway directory, rewrites the step there with native_controls.py (this checkout is never
# touched) and runs the browser benchmark's side-by-side phase in the clone: floor and rewritten wizard alternating,
# as in the main run. The rewrite is an experiment, not the product: it keeps every data-testid, state and handler,
# not MudBlazor's look. radios: the step's eight MudRadioGroups as <input type="radio">; all: that, and
# WizardTextField's MudTextField as a labelled <input> with its helper text.
set -euo pipefail
variant=${1:?"usage: $0 radios|all [side-by-side options, e.g. --side-runs 2]"}
shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$root" "$work/repo"
cd "$work/repo"
python3 "$here/native_controls.py" "$variant"
echo "== the Network step with native controls ($variant), on $(git rev-parse --short HEAD), in $work/repo"
dotnet run -c Release --project tests/Calico.Wizard.Benchmarks/Browser -- --only sidebyside "$@"
# the clone goes with the trap: keep its results beside this checkout's own
mkdir -p "$root/artifacts/perf"
cp artifacts/perf/browser-results.json "$root/artifacts/perf/controls-study-$variant.json"
echo "results kept: $root/artifacts/perf/controls-study-$variant.json"
