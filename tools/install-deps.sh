#!/usr/bin/env bash
# Installs the Debian 12 packages Tiercel builds and tests with. Idempotent and
# non-interactive: packages already present are skipped without touching apt.
set -euo pipefail

packages=(
  cmake ninja-build ccache make pkg-config
  clang-19 llvm-19-dev lld-19 libclang-rt-19-dev
  libcapstone-dev libzstd-dev zlib1g-dev
  libgtest-dev libgmock-dev
  libsdl2-dev libfdt-dev
  libpng-dev xvfb xdotool
  gcc-riscv64-linux-gnu g++-riscv64-linux-gnu libc6-dev-riscv64-cross
  gcc-riscv64-unknown-elf
  qemu-user
  python3
  chromium
  gdb-multiarch
  linux-source-6.1 bc flex bison cpio xz-utils dpkg-dev file
  opensbi qemu-system-misc
  libslirp-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
