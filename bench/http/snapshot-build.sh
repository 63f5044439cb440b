#!/usr/bin/env bash
# Copies the current build of the auth-api and the workspace packages (dist, lua, package.json) to
# DIR, with a node_modules that points back at this checkout's dependencies, so that a later build
# can be measured against this one in the same interleaved run:
#   bash bench/http/snapshot-build.sh /tmp/sessiond-before
#   BENCH_SESSIOND_BUILDS=before=/tmp/sessiond-before/apps/auth-api/dist/main.js npm run bench:http
# Sequential runs on a shared machine are not comparable; rounds interleaved in one run are.
set -euo pipefail
dir=${1:?usage: snapshot-build.sh DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$dir"
mkdir -p "$dir/node_modules"
for entry in "$root"/node_modules/* "$root"/node_modules/.bin; do
  name=$(basename "$entry")
  [ "$name" = "@sessiond" ] || ln -s "$entry" "$dir/node_modules/$name"
done
# The workspace links are relative (../../packages/x): copied as links, they point into the copy.
cp -P -r "$root/node_modules/@sessiond" "$dir/node_modules/@sessiond"
for pkg in "$root"/packages/* "$root"/apps/*; do
  rel=${pkg#"$root"/}
  mkdir -p "$dir/$rel"
  cp "$pkg/package.json" "$dir/$rel/"
  for part in dist lua; do
    if [ -d "$pkg/$part" ]; then cp -r "$pkg/$part" "$dir/$rel/"; fi
  done
done
echo "$dir/apps/auth-api/dist/main.js"
