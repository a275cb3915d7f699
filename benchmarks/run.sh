#!/usr/bin/env bash
# Runs the benchmark suite: benchmarks/run.sh [--quick] [BenchmarkDotNet args, e.g. --filter '*Exposition*'].
# Builds from a snapshot of the tree (so editing sources during a run cannot break it); results land in
# benchmarks/results/. The Redis classes start their own redis-server and stop it; nothing else is started.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
snap="$(mktemp -d /tmp/pytheus-bench.XXXXXX)"
trap 'rm -rf "$snap"' EXIT
tar -C "$root" --exclude=./.git --exclude='*/bin' --exclude='*/obj' --exclude=./benchmarks/results -cf - . | tar -C "$snap" -xf -
filter=()
if ! printf '%s\n' "$@" | grep -q -- '^--filter$'; then filter=(--filter '*'); fi
mkdir -p "$root/benchmarks/results"
# BenchmarkDotNet finds the project to build from the working directory: the snapshot's, not the tree being edited.
cd "$snap"
dotnet run -c Release --project "$snap/benchmarks/Pytheus.Benchmarks" -- "${filter[@]}" --artifacts "$root/benchmarks/results" "$@"
