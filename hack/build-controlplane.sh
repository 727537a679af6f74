#!/usr/bin/env bash
# Builds the control-plane binaries from Go modules (no downloads of prebuilt binaries: only the
# Go module proxy is reachable) and caches them in $BIN_DIR. A binary already there is kept.
#
#   hack/build-controlplane.sh [binary ...]   default: kube-apiserver etcd
#
# Known binaries: kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok.
# K8S_MODULE picks the module the Kubernetes binaries come from: hack/controlplane (default, the
# version the operator is built against) or hack/controlplane-oldest (the oldest it supports).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
k8s_module=$root/${K8S_MODULE:-hack/controlplane}
version() { grep -oE "$1 v[0-9][^ ]*" "$2" | head -n1 | cut -d' ' -f2; }
k8s_version=$(version k8s.io/kubernetes "$k8s_module/go.mod")
etcd_version=$(version go.etcd.io/etcd/server/v3 "$root/hack/etcd/go.mod")
BIN_DIR=${BIN_DIR:-$root/bin/controlplane-$k8s_version-etcd-$etcd_version}
mkdir -p "$BIN_DIR"

# Stamp the version kube-apiserver and kubectl report, as a release build would.
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$k8s_version \
  -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$k8s_version" | cut -d. -f2) \
  -X k8s.io/component-base/version.gitTreeState=clean"

build() {
  local name=$1 module_dir pkg
  case "$name" in
    kube-apiserver|kube-controller-manager|kube-scheduler|kubectl)
      module_dir=$k8s_module; pkg=k8s.io/kubernetes/cmd/$name ;;
    etcd)
      module_dir=$root/hack/etcd; pkg=go.etcd.io/etcd/server/v3 ;;
    kwok)
      module_dir=$root/hack/kwok; pkg=sigs.k8s.io/kwok/cmd/kwok ;;
    *) echo "unknown binary: $name" >&2; exit 2 ;;
  esac
  if [[ -x "$BIN_DIR/$name" ]]; then return; fi
  echo "building $name ($pkg) into $BIN_DIR (first time only; kube-apiserver takes several minutes)" >&2
  (cd "$module_dir" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/$name.tmp" "$pkg")
  mv "$BIN_DIR/$name.tmp" "$BIN_DIR/$name"
}

for name in "${@:-kube-apiserver etcd}"; do
  for n in $name; do build "$n"; done
done
echo "$BIN_DIR"
