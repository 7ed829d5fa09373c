#!/usr/bin/env bash
# Builds the pinned actionlint (go.mod) into a version-keyed cache and prints the binary's path. A
# second call with the same pins prints it at once; changing go.mod/go.sum, this script or the Go
# version changes the key, so a stale binary is never reused.
#
#   tools/actionlint/build.sh               # build or reuse, print the binary
#   GAMEDAY_CACHE_DIR=/somewhere build.sh   # cache root (default ~/.cache/gameday)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${GAMEDAY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gameday}/actionlint"

if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then export PATH="$PATH:/usr/local/go/bin"; fi
if ! command -v go >/dev/null 2>&1; then
  echo "actionlint build: the go command is not on PATH; install Go 1.26 (https://go.dev/dl) or put /usr/local/go/bin on PATH" >&2
  exit 3
fi

key="$( { go version; cat "$here/build.sh" "$here/go.mod" "$here/go.sum"; } | sha256sum | cut -c1-16)"
binary="$cache_root/$key/actionlint"
if [[ -x "$binary" ]]; then echo "$binary"; exit 0; fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.build.lock"
flock 9
if [[ -x "$binary" ]]; then echo "$binary"; exit 0; fi

staging="$(mktemp -d "$cache_root/.staging.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
echo "actionlint build: building github.com/rhysd/actionlint (pinned in tools/actionlint/go.mod) ..." >&2
(cd "$here" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags '-s -w' -o "$staging/actionlint" github.com/rhysd/actionlint/cmd/actionlint) >&2
mkdir -p "$(dirname "$binary")"
mv "$staging/actionlint" "$binary"
echo "$binary"
