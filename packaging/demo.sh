#!/usr/bin/env bash
# Builds everything needed and runs the main job on the demo workspace: the
# breast-cancer pipeline (validation, stratified 5-fold CV + holdout test, XGBoost),
# tracked in the workspace, result JSON on stdout.
# Installs missing Debian packages first. Usage: packaging/demo.sh [workspace-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
# Build output goes to stderr: stdout carries only the result JSON.
packaging/install-deps.sh >&2
cmake --preset default >&2
cmake --build --preset default --target modelbench-cli >&2
workspace="${1:-${MODELBENCH_DEMO_WORKSPACE:-$HOME/ModelBench/demo}}"
mkdir -p "$workspace"
build/default/bin/modelbench-cli run resources/demo/pipelines/breast_cancer.json --workspace "$workspace"
echo "Workspace: $workspace  (try: build/default/bin/modelbench-cli runs list --workspace \"$workspace\")" >&2
