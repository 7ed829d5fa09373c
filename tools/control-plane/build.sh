#!/usr/bin/env bash
# Builds the pinned test control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kwok) into a version-keyed cache and
# prints the directory holding the binaries. A second call with the same pins
# prints the same directory at once; changing any go.mod/go.sum, this script or
# the Go version changes the key, so a stale binary is never reused.
#
#   tools/control-plane/build.sh            # build or reuse, print bin dir
#   GAMEDAY_CACHE_DIR=/somewhere build.sh   # cache root (default ~/.cache/gameday)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kubernetes_version=v1.37.2
cache_root="${GAMEDAY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gameday}/control-plane"

# Go's default install directory, for shells whose PATH lacks it.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then export PATH="$PATH:/usr/local/go/bin"; fi
if ! command -v go >/dev/null 2>&1; then
  echo "control-plane build: the go command is not on PATH; install Go 1.26 (https://go.dev/dl) or put /usr/local/go/bin on PATH" >&2
  exit 3
fi

key="$( { go version; cat "$here/build.sh" "$here/go.mod" "$here/go.sum" "$here/etcd/go.mod" "$here/etcd/go.sum" "$here/kwok/go.mod" "$here/kwok/go.sum"; } | sha256sum | cut -c1-16)"
bin_dir="$cache_root/$kubernetes_version-$key/bin"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

complete() { for b in "${binaries[@]}"; do [[ -x "$bin_dir/$b" ]] || return 1; done; }
if complete; then echo "$bin_dir"; exit 0; fi

mkdir -p "$cache_root"
# One builder at a time per cache: a second caller waits, then reuses.
exec 9>"$cache_root/.build.lock"
flock 9
if complete; then echo "$bin_dir"; exit 0; fi

staging="$(mktemp -d "$cache_root/.staging.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
log() { echo "control-plane build: $*" >&2; }
started=$SECONDS
step() { # name, then the command
  local name=$1 t0=$SECONDS; shift
  log "building $name ..."
  "$@" >&2
  log "built $name in $((SECONDS - t0)) s"
}

version_flags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_flags+=" -X $pkg.gitVersion=$kubernetes_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=37 -X $pkg.gitTreeState=clean"
done

step etcd bash -c "cd '$here/etcd' && go build -trimpath -ldflags '-s -w' -o '$staging/etcd' go.etcd.io/etcd/server/v3"
step kwok bash -c "cd '$here/kwok' && go build -trimpath -ldflags '-s -w' -o '$staging/kwok' sigs.k8s.io/kwok/cmd/kwok"
step "kube-apiserver, kube-controller-manager, kube-scheduler" bash -c "cd '$here' && go build -trimpath -ldflags '$version_flags' -o '$staging/' k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler"

mkdir -p "$(dirname "$bin_dir")"
rm -rf "$bin_dir"
mv "$staging" "$bin_dir"
trap - EXIT
# Keep the three newest builds (other checkouts may pin other versions); older ones are ~400 MB each.
ls -1dt "$cache_root"/v*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
log "control plane $kubernetes_version ready in $((SECONDS - started)) s: $bin_dir"
echo "$bin_dir"
