#!/usr/bin/env bash
# Packs every library (src/*) into artifacts/ and checks each package: a .nupkg and a .snupkg, with id, description,
# license expression and README. Exit code is non-zero when a package or one of those is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-artifacts}
rm -rf "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
for project in src/*/*.csproj; do
  dotnet pack "$project" -c Release -o "$out" --nologo -v quiet
done
status=0
for project in src/*/*.csproj; do
  id=$(basename "$project" .csproj)
  nupkg=$(ls "$out/$id".[0-9]*.nupkg 2>/dev/null | head -1 || true)
  snupkg=$(ls "$out/$id".[0-9]*.snupkg 2>/dev/null | head -1 || true)
  if [ -z "$nupkg" ] || [ -z "$snupkg" ]; then echo "FAIL $id: missing .nupkg or .snupkg"; status=1; continue; fi
  ok=1
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  for field in "<id>$id</id>" "<description>" "<license type=\"expression\">MIT</license>" "<readme>README.md</readme>"; do
    grep -qF "$field" <<<"$nuspec" || { echo "FAIL $id: nuspec lacks $field"; ok=0; }
  done
  files=$(unzip -Z1 "$nupkg"); symbols=$(unzip -Z1 "$snupkg")
  grep -qx "README.md" <<<"$files" || { echo "FAIL $id: README.md not in the package"; ok=0; }
  grep -q "\.pdb$" <<<"$symbols" || { echo "FAIL $id: no symbols in the .snupkg"; ok=0; }
  if [ "$ok" -eq 1 ]; then echo "ok   $id: $(basename "$nupkg") + $(basename "$snupkg")"; else status=1; fi
done
exit "$status"
