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
# (sum.golang.org), so what is built is exactly the tagged release source. Needs Go >= 1.21:
# Helm v3.22 asks for Go 1.26, and an older go command fetches that toolchain through the same
# proxy (GOTOOLCHAIN=auto). Debian bookworm's golang-go (1.19) is too old; use go.dev/dl.
# The version string is stamped with -ldflags as Helm's own release build does.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
version="${HELM_VERSION:-v3.22.0}"
bin="${SITREP_TOOLS_BIN:-$repo/.cache/bin}"
helm="$bin/helm"

die() { echo "install-helm.sh: $*" >&2; exit 1; }

stamp="$bin/helm.build"
if [ -x "$helm" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ] \
   && [ "$("$helm" version --template '{{.Version}}' 2>/dev/null)" = "$version" ]; then
  echo "$helm"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "Go >= 1.21 is required to build Helm (https://go.dev/dl/)"
go_minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
[ "$go_minor" -ge 21 ] 2>/dev/null || die "$(go env GOVERSION) is too old to build Helm $version: install Go >= 1.21 (https://go.dev/dl/)"
mkdir -p "$bin"
echo "install-helm.sh: building helm $version with $(go version | awk '{print $3}') (first run only; takes minutes)" >&2
start=$(date +%s)
go mod download "helm.sh/helm/v3@$version" \
  || die "go mod download helm.sh/helm/v3@$version failed (is the Go module proxy reachable?)"
# Helm's Makefile stamps the Kubernetes version its client libraries speak (client-go v0.X ->
# Kubernetes 1.X); without it `helm template` assumes Kubernetes 1.20.
gomod="$(go env GOMODCACHE)/helm.sh/helm/v3@$version/go.mod"
client_go="$(awk '$1 == "k8s.io/client-go" {print $2; exit}' "$gomod")"
[ -n "$client_go" ] || die "cannot find k8s.io/client-go in $gomod"
k8s_minor="$(echo "$client_go" | cut -d. -f2)"
k8s_major=$(( $(echo "${client_go#v}" | cut -d. -f1) + 1 ))
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$version"
ldflags="$ldflags -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
  ldflags="$ldflags -X $pkg.k8sVersionMajor=$k8s_major -X $pkg.k8sVersionMinor=$k8s_minor"
done
GOBIN="$bin" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -buildvcs=false -trimpath" \
  go install -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$version" \
  || die "go install helm.sh/helm/v3/cmd/helm@$version failed (is the Go module proxy reachable?)"
got="$("$helm" version --template '{{.Version}}')"
[ "$got" = "$version" ] || die "built helm reports $got, expected $version"
echo "$version" > "$stamp"
echo "install-helm.sh: built in $(( $(date +%s) - start ))s (Kubernetes $k8s_major.$k8s_minor)" >&2
echo "$helm"
