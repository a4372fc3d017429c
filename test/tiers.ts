// Which test tiers can run here. scripts/test.mjs prints one loud line per skipped tier;
// under CI=true a missing tier is a failure, not a skip.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Tier {
  ok: boolean;
  why: string;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const which = (bin: string) => (process.env.PATH ?? '').split(':').some((d) => d && existsSync(path.join(d, bin)));

export const LABVM_DIR = process.env.LINKSCAPE_LABVM_DIR ?? path.resolve(here, '../../shared/lab-vm');
export const CHROMIUM = process.env.LINKSCAPE_CHROMIUM ?? '/usr/bin/chromium';

export const kernelTier: Tier = !isRoot
  ? { ok: false, why: 'needs root (it makes network namespaces)' }
  : !which('ip') || !which('nsenter') || !which('unshare')
    ? { ok: false, why: 'needs ip, nsenter and unshare' }
    : { ok: true, why: '' };

export const labvmTier: Tier = !kernelTier.ok
  ? { ok: false, why: kernelTier.why }
  : !existsSync(path.join(LABVM_DIR, 'run')) || !existsSync(path.join(LABVM_DIR, 'bzImage'))
    ? { ok: false, why: `no lab VM at ${LABVM_DIR}` }
    : !which('qemu-system-x86_64')
      ? { ok: false, why: 'qemu-system-x86_64 is missing (apt-get install -y --no-install-recommends qemu-system-x86)' }
      : { ok: true, why: '' };

export const browserTier: Tier = !kernelTier.ok
  ? { ok: false, why: kernelTier.why }
  : !existsSync(CHROMIUM)
    ? { ok: false, why: `no chromium at ${CHROMIUM} (apt-get install -y chromium)` }
    : { ok: true, why: '' };

export const pingAvailable = which('ping');

export const DOCKER_SANDBOX = process.env.LINKSCAPE_DOCKER_SANDBOX ?? path.resolve(here, '../../shared/docker-sandbox');
/** a real dockerd in a namespace of its own (../shared/docker-sandbox); scripts/test-all.sh installs docker.io and busybox-static */
export const dockerTier: Tier = !kernelTier.ok
  ? { ok: false, why: kernelTier.why }
  : !existsSync(path.join(DOCKER_SANDBOX, 'up'))
    ? { ok: false, why: `no docker sandbox at ${DOCKER_SANDBOX}` }
    : !which('dockerd') || !which('docker') || !which('busybox')
      ? {
          ok: false,
          why: 'dockerd, docker or busybox is missing (apt-get install -y --no-install-recommends docker.io busybox-static)',
        }
      : { ok: true, why: '' };

export const CNI_BIN = process.env.LINKSCAPE_CNI_BIN ?? '/usr/lib/cni';
/** Debian's real CNI plugins, for a pod made as kubelet and containerd make one (../shared/cni-pod) */
export const cniTier: Tier = !kernelTier.ok
  ? { ok: false, why: kernelTier.why }
  : !existsSync(path.join(CNI_BIN, 'bridge')) || !existsSync(path.join(CNI_BIN, 'host-local'))
    ? {
        ok: false,
        why: `no CNI plugins in ${CNI_BIN} (apt-get install -y --no-install-recommends containernetworking-plugins)`,
      }
    : { ok: true, why: '' };

/** a real containerd with its CRI plugin, confined to a namespace of ours (test/kernel/containerd.ts); runc, ctr, the CNI plugins, busybox */
export const containerdTier: Tier = !cniTier.ok
  ? cniTier
  : !which('containerd') || !which('ctr') || !which('containerd-shim-runc-v2') || !which('runc') || !which('busybox')
    ? {
        ok: false,
        why: 'containerd, ctr, runc or busybox is missing (apt-get install -y --no-install-recommends containerd runc busybox-static)',
      }
    : { ok: true, why: '' };

/** a real rootful podman with netavark, confined by test/kernel/podman-sandbox.ts; scripts/test-all.sh installs them */
export const podmanTier: Tier = !kernelTier.ok
  ? { ok: false, why: kernelTier.why }
  : !which('podman') || !existsSync('/usr/lib/podman/netavark') || !which('busybox')
    ? {
        ok: false,
        why: 'podman, netavark or busybox is missing (apt-get install -y --no-install-recommends podman netavark busybox-static)',
      }
    : { ok: true, why: '' };

// Shipping (test/ship): the packed tarball installed and started, the systemd unit, the container image.
export const packTier: Tier = !which('npm')
  ? { ok: false, why: 'needs npm (it packs linkscape and installs the tarball into an empty folder)' }
  : { ok: true, why: '' };

export const systemdTier: Tier = !which('systemd-analyze')
  ? { ok: false, why: 'systemd-analyze is missing (apt-get install -y --no-install-recommends systemd)' }
  : { ok: true, why: '' };

/** the image built and run by the docker sandbox's dockerd, from a base image made locally by debootstrap */
export const imageTier: Tier = !dockerTier.ok
  ? dockerTier
  : !which('debootstrap')
    ? { ok: false, why: 'debootstrap is missing (apt-get install -y --no-install-recommends debootstrap)' }
    : { ok: true, why: '' };
