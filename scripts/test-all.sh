#!/bin/bash
# Install what the tests need (Debian packages, npm packages), then run every test tier.
# Run as root: the kernel, lab VM and browser tiers need it (they skip loudly otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v ping >/dev/null || need+=(iputils-ping)
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v nsenter >/dev/null || need+=(util-linux)
command -v xargs >/dev/null || need+=(findutils)
command -v ip >/dev/null || need+=(iproute2)
command -v dockerd >/dev/null || need+=(docker.io)
command -v busybox >/dev/null || need+=(busybox-static)
[ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
command -v containerd >/dev/null || need+=(containerd)     # the CRI tier's runtime (test/kernel/owners-cri)
command -v runc >/dev/null || need+=(runc)
command -v podman >/dev/null || need+=(podman)                # the podman tier (test/kernel/owners-podman)
[ -x /usr/lib/podman/netavark ] || need+=(netavark)           # podman's network backend (a Recommends only)
command -v systemd-analyze >/dev/null || need+=(systemd)      # the unit file check (test/ship)
command -v debootstrap >/dev/null || need+=(debootstrap)     # the image test's local base image (test/ship)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "== installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "!! not root: cannot install ${need[*]}; the tiers that need them will say so"
  fi
fi
npm ci --no-audit --no-fund
npm test
