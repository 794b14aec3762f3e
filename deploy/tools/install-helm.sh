#!/usr/bin/env bash
# Build Helm from source through the Go module proxy into a cache folder (idempotent).
#
#   deploy/tools/install-helm.sh       build when missing or another version, print the path
#
# Settings (environment):
#   SITREP_TOOLS_BIN   where the binary goes (default <repo>/.cache/bin); add it to PATH
#   HELM_VERSION       the helm.sh/helm/v3 module version (default pinned below)
#
# `go install helm.sh/helm/v3/cmd/helm@<version>` fetches the module and its dependencies from
# GOPROXY (proxy.golang.org by default) and verifies them against the Go checksum database
# (sum.golang.org), so what is built is exactly the tagged release source. Needs Go >= 1.24.
# The version string is stamped with -ldflags as Helm's own release build does.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version="${HELM_VERSION:-v3.22.0}"
bin="${SITREP_TOOLS_BIN:-$repo/.cache/bin}"
helm="$bin/helm"

die() { echo "install-helm.sh: $*" >&2; exit 1; }

if [ -x "$helm" ] && [ "$("$helm" version --template '{{.Version}}' 2>/dev/null)" = "$version" ]; then
  echo "$helm"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "Go is required to build Helm (https://go.dev/dl/, or apt-get install golang-go >= 1.24)"
mkdir -p "$bin"
echo "install-helm.sh: building helm $version with $(go version | awk '{print $3}') (first run only; takes minutes)" >&2
start=$(date +%s)
GOBIN="$bin" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false -trimpath" \
  go install -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
  "helm.sh/helm/v3/cmd/helm@$version" \
  || die "go install helm.sh/helm/v3/cmd/helm@$version failed (is the Go module proxy reachable?)"
got="$("$helm" version --template '{{.Version}}')"
[ "$got" = "$version" ] || die "built helm reports $got, expected $version"
echo "install-helm.sh: built in $(( $(date +%s) - start ))s" >&2
echo "$helm"
