// SR-IOV from sysfs, reached through the device (bus/devices/ADDR), which does not depend on the
// namespace a netdev lives in. The sysfs root can be pointed at a fake tree for tests.
import 'server-only';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Link, VfInfo } from '../../shared/host/types';

export const SYSFS_ROOT = process.env.LINKSCAPE_SYSFS ?? '/sys';

async function readInt(p: string): Promise<number | null> {
  try {
    const n = Number.parseInt((await fs.readFile(p, 'utf8')).trim(), 10);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

async function linkBase(p: string): Promise<string | null> {
  try {
    return path.basename(await fs.readlink(p));
  } catch {
    return null;
  }
}

export function deviceDir(sysRoot: string, link: Pick<Link, 'parentBus' | 'parentDev'>): string | null {
  if (!link.parentBus || !link.parentDev) return null;
  if (link.parentBus.includes('/') || link.parentDev.includes('/') || link.parentDev.startsWith('.')) return null;
  return path.join(sysRoot, 'bus', link.parentBus, 'devices', link.parentDev);
}

interface DeviceFacts {
  totalVfs: number | null;
  numVfs: number | null;
  /** VF index → the VF's device address (virtfnN) and the driver it is bound to */
  virtfn: Map<number, { addr: string; driver: string | null }>;
  /** for a VF: its PF's device address */
  physfn: string | null;
}

async function readDevice(dir: string): Promise<DeviceFacts> {
  let entries: string[] = [];
  try {
    entries = await fs.readdir(dir);
  } catch {
    /* no device dir */
  }
  const virtfn = new Map<number, { addr: string; driver: string | null }>();
  await Promise.all(
    entries
      .filter((e) => /^virtfn\d+$/.test(e))
      .map(async (e) => {
        const addr = await linkBase(path.join(dir, e));
        if (addr) virtfn.set(Number(e.slice(6)), { addr, driver: await linkBase(path.join(dir, e, 'driver')) });
      }),
  );
  return {
    totalVfs: entries.includes('sriov_totalvfs') ? await readInt(path.join(dir, 'sriov_totalvfs')) : null,
    numVfs: entries.includes('sriov_numvfs') ? await readInt(path.join(dir, 'sriov_numvfs')) : null,
    virtfn,
    physfn: entries.includes('physfn') ? await linkBase(path.join(dir, 'physfn')) : null,
  };
}

function unreportedVf(index: number): VfInfo {
  return {
    index,
    mac: null,
    vlans: [],
    maxTxRate: null,
    minTxRate: null,
    spoofchk: null,
    trust: null,
    linkState: null,
    queryRss: null,
    netdevId: null,
    netdevName: null,
    device: null,
    driver: null,
  };
}

/** Fill in PF totals, VF netdevs (wherever they live) and each VF netdev's PF. Mutates the links. */
export async function enrichSriov(links: Link[], sysRoot: string = SYSFS_ROOT): Promise<void> {
  const withDev = links.filter((l) => l.parentBus && l.parentDev && l.kind !== 'loopback');
  const facts = new Map<Link, DeviceFacts>();
  await Promise.all(
    withDev.map(async (l) => {
      const dir = deviceDir(sysRoot, l);
      if (dir) facts.set(l, await readDevice(dir));
    }),
  );
  const byDev = new Map<string, Link>();
  for (const l of withDev) if (l.parentDev) byDev.set(`${l.parentBus}/${l.parentDev}`, l);
  for (const [l, f] of facts) {
    const isPf = f.numVfs !== null || f.totalVfs !== null || l.sriov !== null;
    if (isPf) {
      const dir = deviceDir(sysRoot, l);
      l.sriov ??= { totalVfs: null, numVfs: null, vfs: [], device: null };
      l.sriov.totalVfs = f.totalVfs;
      l.sriov.numVfs = f.numVfs ?? l.sriov.numVfs;
      l.sriov.device = dir;
      // a VF sysfs lists but `ip` did not report (not root, or a driver without vfinfo): still a VF
      const listed = new Set(l.sriov.vfs.map((vf) => vf.index));
      for (const index of f.virtfn.keys()) if (!listed.has(index)) l.sriov.vfs.push(unreportedVf(index));
      l.sriov.vfs.sort((a, b) => a.index - b.index);
      for (const vf of l.sriov.vfs) {
        const fn = f.virtfn.get(vf.index);
        if (!fn) continue;
        vf.device = fn.addr;
        vf.driver = fn.driver;
        const netdev = byDev.get(`${l.parentBus}/${fn.addr}`);
        if (netdev) {
          vf.netdevId = netdev.id;
          vf.netdevName = netdev.name;
          netdev.vf = { pfId: l.id, pfName: l.name, index: vf.index };
        }
      }
    }
    if (f.physfn && !l.vf) {
      const pf = byDev.get(`${l.parentBus}/${f.physfn}`);
      l.vf = { pfId: pf?.id ?? null, pfName: pf?.name ?? null, index: null };
    }
  }
  for (const l of links) if (l.vf && l.kind === 'physical') l.kind = 'vf';
}
