#!/usr/bin/env bash
# Installs what Haven needs to build, run and test, and nothing that is already there.
# Debian 12 packages through apt; npm packages from the committed lockfile.
# Usage: scripts/install-deps.sh [--fuzz]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ make cmake pkg-config git curl ca-certificates
  libboost1.81-dev libssl-dev libsodium-dev libsqlite3-dev nlohmann-json3-dev
  libtomlplusplus-dev libgtest-dev libgmock-dev libbenchmark-dev libsrtp2-dev libqrencode-dev
  libcrack2-dev cracklib-runtime
  chromium
)
[ "${1:-}" = "--fuzz" ] && packages+=(clang libclang-rt-14-dev)
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The web client's toolchain (Vite 8) needs Node.js 20.19 or newer.
node_version=$(node -p 'process.versions.node')
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "Node.js $node_version is too old: Haven's client build needs Node.js 20.19 or newer." >&2
  echo "Install a current Node.js LTS (Debian 12 ships 18; use the NodeSource 20.x repository)." >&2
  exit 1
fi

# npm ci only when the lockfile changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
