#!/usr/bin/env bash
# End-to-end proof: three copies of samples/LegacyApp (prometheus-net + PatchClient()) on one Redis, scraped by a real
# Prometheus server; a known load; a graceful restart; exact totals everywhere; then a SIGKILL and the loss it costs.
# Then (e2e/native.py) three processes share a native histogram through Redis and a Prometheus with native histograms
# enabled checks histogram_count, histogram_sum and histogram_quantile against the exact figures of the data; and
# (e2e/legacy_native.py) three unchanged LegacyApp copies gain native histograms from PYTHEUS_NATIVE_HISTOGRAMS alone.
# Starts everything on free loopback ports and stops every process it started. Prints a summary; exits 1 on a mismatch.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if ((${#need[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

work=$(mktemp -d -t pytheus-e2e-XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "e2e: publishing samples/LegacyApp…"
dotnet publish samples/LegacyApp -c Release -o "$work/app" -nodeReuse:false -v:q >"$work/publish.log" 2>&1 || { cat "$work/publish.log"; exit 1; }
# E2E_STRATEGIES: the PatchClient strategies to prove, one run each on the same published app (default: the one
# PYTHEUS_PATCH_STRATEGY names, else auto).
status=0
echo "e2e: native histograms shared through Redis…"
dotnet build tests/Pytheus.RedisWorker -c Release -nodeReuse:false -v:q >"$work/worker-build.log" 2>&1 || { cat "$work/worker-build.log"; exit 1; }
mkdir -p "$work/native"
python3 e2e/native.py --worker tests/Pytheus.RedisWorker/bin/Release/net10.0/Pytheus.RedisWorker.dll --work "$work/native" || status=1
echo "e2e: native histograms in an unchanged prometheus-net application…"
mkdir -p "$work/legacy-native"
python3 e2e/legacy_native.py --app "$work/app/LegacyApp.dll" --work "$work/legacy-native" || status=1
for strategy in ${E2E_STRATEGIES:-${PYTHEUS_PATCH_STRATEGY:-auto}}; do
  echo "e2e: PatchClient strategy $strategy"
  mkdir -p "$work/$strategy"
  PYTHEUS_PATCH_STRATEGY=$strategy python3 e2e/e2e.py --app "$work/app/LegacyApp.dll" --work "$work/$strategy" || status=1
done
exit "$status"
