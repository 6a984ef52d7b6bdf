#!/usr/bin/env bash
# Installs the Debian packages a fresh machine lacks for Recut's tests:
#  - chromium: the real browser the UI suite drives through playwright-core;
#  - mesa-vulkan-drivers from bookworm-backports (Mesa 25 lavapipe): a software Vulkan
#    adapter so Dawn (npm `webgpu`) can run the tfjs WebGPU backend without a GPU.
# Idempotent; does nothing that is already done. Needs root (CI and the dev machines run as root).
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# lavapipe from backports: Mesa >= 25 ships libvulkan_lvp.so and its ICD json.
if ! ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 || \
   ! dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q '^25'; then
  need+=(mesa-vulkan-drivers)
fi
dpkg-query -W libvulkan1 >/dev/null 2>&1 || need+=(libvulkan1)

if [ ${#need[@]} -eq 0 ]; then
  echo "system deps: all present"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "system deps missing (${need[*]}); run this script as root" >&2
  exit 1
fi

. /etc/os-release
if [ "${VERSION_CODENAME:-}" = bookworm ] && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/recut-backports.list
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core libvulkan1 >/dev/null
if [ "${VERSION_CODENAME:-}" = bookworm ]; then
  apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers >/dev/null
else
  apt-get install -y -qq --no-install-recommends mesa-vulkan-drivers >/dev/null
fi
echo "system deps: installed ${need[*]}"
