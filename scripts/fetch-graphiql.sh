#!/usr/bin/env bash
# Fetches the four files the server's GraphiQL page needs, so it works without internet:
# graphiql.min.js, graphiql.min.css (GraphiQL 4, UMD build exposing the global `GraphiQL`),
# react.production.min.js and react-dom.production.min.js (React 18 UMD builds).
#
#   scripts/fetch-graphiql.sh [target folder]   # default: <repo>/assets/graphiql
#
# The server serves them from GRAPHIQL_ASSETS_DIR (default assets/graphiql, looked for in its
# working directory, beside its executable and two folders above it) and checks for them at
# startup, so restart it after fetching.
set -euo pipefail

# Exact versions (graphiql 4.1.2 is the newest 4.x; 5.x no longer ships the UMD bundle).
GRAPHIQL_VERSION=4.1.2
REACT_VERSION=18.3.1

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-$repo/assets/graphiql}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# npm pack downloads the published tarballs (integrity-checked) without installing anything.
npm pack --silent --pack-destination "$tmp" \
  "graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_VERSION" >/dev/null

# Each tarball unpacks under package/; take only the files we need.
extract() { # tarball, path inside the package, destination folder
  mkdir -p "$tmp/x" && tar -xzf "$tmp/$1" -C "$tmp/x" "package/$2"
  cp "$tmp/x/package/$2" "$3/"
}
mkdir -p "$target"
extract "graphiql-$GRAPHIQL_VERSION.tgz" graphiql.min.js "$target"
extract "graphiql-$GRAPHIQL_VERSION.tgz" graphiql.min.css "$target"
extract "react-$REACT_VERSION.tgz" umd/react.production.min.js "$target"
extract "react-dom-$REACT_VERSION.tgz" umd/react-dom.production.min.js "$target"

echo "GraphiQL $GRAPHIQL_VERSION and React $REACT_VERSION in $target:"
ls -l "$target"
