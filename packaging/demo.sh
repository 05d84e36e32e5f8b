#!/usr/bin/env bash
# Builds everything needed and runs the main job on the demo workspace: the
# breast-cancer pipeline (validation, stratified 5-fold CV + holdout test, XGBoost),
# tracked in the workspace, result JSON on stdout.
# Installs missing Debian packages first. Usage: packaging/demo.sh [workspace-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/install-deps.sh
cmake --preset default
cmake --build --preset default --target modelbench-cli
workspace="${1:-${MODELBENCH_DEMO_WORKSPACE:-$HOME/ModelBench/demo}}"
mkdir -p "$workspace"
build/default/bin/modelbench-cli run resources/demo/pipelines/breast_cancer.json --workspace "$workspace"
echo "Workspace: $workspace  (try: build/default/bin/modelbench-cli runs list --workspace \"$workspace\")" >&2
