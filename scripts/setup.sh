#!/usr/bin/env bash
# Installs what NetVirt needs on a Debian host, only when it is missing, and builds it.
# Sourced by demo.sh and test.sh; safe to run again.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
configuration="${NETVIRT_CONFIGURATION:-Release}"

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "netvirt: this needs root (network namespaces, bridges, nftables); run it as root" >&2
    exit 1
  fi
}

install_packages() {
  # Debian package -> a file that proves it is installed
  local missing=()
  [ -e /usr/sbin/ip ] || missing+=(iproute2)
  [ -e /usr/sbin/tc ] || missing+=(iproute2)
  [ -e /usr/sbin/nft ] || missing+=(nftables)
  ls /usr/lib/*/libpcap.so.0.8 >/dev/null 2>&1 || ls /usr/lib/libpcap.so.0.8 >/dev/null 2>&1 || missing+=(libpcap0.8)
  [ -e /usr/bin/tcpdump ] || missing+=(tcpdump)
  [ -e /usr/bin/tshark ] || missing+=(tshark) # reads audit evidence (pcapng) back in the integration tests
  [ -e /usr/bin/iperf3 ] || missing+=(iperf3)
  [ -e /usr/bin/ping ] || missing+=(iputils-ping)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql) # the store's tests and the many-hosts lab run a throwaway cluster
  [ -e /usr/bin/chromium ] || missing+=(chromium)        # the dashboard's end-to-end test (Playwright drives it)
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm) # Redocly's lint of the OpenAPI document
  [ -e /usr/bin/zsh ] || missing+=(zsh)                   # 'netvirt completion zsh|fish' is tested in those shells
  [ -e /usr/bin/fish ] || missing+=(fish)
  [ -e /usr/bin/time ] || missing+=(time)                 # the benchmarks read a whole process's peak memory from GNU time
  # The CNI plugin is published with Native AOT, which links with the C toolchain and zlib.
  command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
  [ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
  # Container runtimes the CNI tests and benchmark drive (offline: a busybox rootfs), and the reference plugins they
  # are measured against (bridge + host-local in /usr/lib/cni).
  [ -e /usr/bin/podman ] || missing+=(podman)
  [ -e /usr/bin/containerd ] || missing+=(containerd)
  [ -e /usr/sbin/runc ] || missing+=(runc)
  [ -e /bin/busybox ] || missing+=(busybox-static)
  [ -e /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
  [ -e /usr/bin/strace ] || missing+=(strace)              # a CNI test checks the plugin never reads the mount table
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "netvirt: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
  fi
}

install_dotnet() {
  if command -v dotnet >/dev/null 2>&1 && dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
    return
  fi
  echo "netvirt: the .NET 10 SDK is missing; installing it with Microsoft's dotnet-install.sh" >&2
  command -v curl >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq curl ca-certificates >/dev/null; }
  curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh
  bash /tmp/dotnet-install.sh --channel 10.0 --install-dir /usr/share/dotnet >/dev/null
  ln -sf /usr/share/dotnet/dotnet /usr/bin/dotnet
}

build() {
  echo "netvirt: building ($configuration)" >&2
  dotnet build "$repo/NetVirt.sln" -c "$configuration" -v quiet -nologo -clp:NoSummary
  build_cni_plugin
  publish_cli
}

# The CNI plugin (netvirt-cni), which runtimes execute once per container call, is published with Native AOT: it starts
# in milliseconds and needs no .NET runtime. Publishing costs about a minute, so it runs only when the plugin's sources
# changed since the last publish (a hash of them is kept beside the binary); the binary goes beside netvirt.dll, where
# 'netvirt cni install' and the tests find it.
build_cni_plugin() {
  local out="$repo/artifacts/cni" bin="$repo/src/NetVirt.Cli/bin/$configuration/net10.0" sources
  sources="$(cd "$repo" && find src/NetVirt.Cni src/NetVirt.Cni.Plugin Directory.Build.props Directory.Packages.props global.json -type f \
    \( -name '*.cs' -o -name '*.c' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) -not -path '*/bin/*' -not -path '*/obj/*' | sort | xargs sha256sum | sha256sum)"
  if [ ! -x "$out/netvirt-cni" ] || [ "$(cat "$out/sources.sha256" 2>/dev/null)" != "$sources" ]; then
    echo "netvirt: publishing the CNI plugin netvirt-cni (Native AOT)" >&2
    dotnet publish "$repo/src/NetVirt.Cni.Plugin" -c Release -r linux-x64 -o "$out" -v quiet -nologo -clp:NoSummary
    echo "$sources" > "$out/sources.sha256"
  fi
  cp "$out/netvirt-cni" "$bin/netvirt-cni"
}

# The CLI and every assembly it loads compiled ahead of time (ReadyToRun) into src/NetVirt.Cli/bin/<configuration>/
# publish; only the CLI project itself compiles again (for this machine's runtime), the libraries are the build's.
# bin/netvirt runs it while no assembly of the build is newer than the stamp (docs/performance.md, issue 14). The CNI
# plugin goes beside it too, where 'netvirt cni install' looks for it.
publish_cli() {
  local publish="$repo/src/NetVirt.Cli/bin/$configuration/publish" bin="$repo/src/NetVirt.Cli/bin/$configuration/net10.0"
  echo "netvirt: publishing the CLI ahead-of-time compiled (ReadyToRun)" >&2
  dotnet publish "$repo/src/NetVirt.Cli" -c "$configuration" -v quiet -nologo -clp:NoSummary
  if [ -x "$bin/netvirt-cni" ]; then
    cp "$bin/netvirt-cni" "$publish/netvirt-cni"
  fi
  touch "$publish/.published"
}

# The OpenAPI document clients generate from (docs/openapi.json, kept equal to what the server serves by a unit
# test), checked against Redocly's recommended rules with the CLI version pinned in scripts/openapi-lint.
lint_openapi() {
  echo "netvirt: linting docs/openapi.json (Redocly, recommended rules)" >&2
  (cd "$repo/scripts/openapi-lint" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npx --no-install redocly lint "$repo/docs/openapi.json" --config "$repo/scripts/openapi-lint/redocly.yaml")
}

netvirt() {
  NETVIRT_CONFIGURATION="$configuration" "$repo/bin/netvirt" "$@"
}
