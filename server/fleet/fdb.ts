// A node's vxlan FDB entries with a remote `dst` (flannel's and EVPN's way to reach other nodes): one
// `bridge -j fdb show dev VXLAN` per vxlan link, in its namespace, through the one process door (ip/run.ts).
// Only namespaces that hold a vxlan are asked, so a host with hundreds of pods pays nothing for it.
import type { Runner } from '../ip/run';
import type { HostSnapshot } from '../../shared/host/types';
import { inNamespace, type NsEntry } from '../ip/netns';
import type { FdbEntry } from '../../shared/fleet/types';

export function bridgeArgvIn(ns: NsEntry, args: string[]): string[] {
  return inNamespace(ns, ['bridge', ...args]);
}

/** `bridge -j fdb show dev X` output → entries that carry a `dst` (the others are local MACs). */
export function parseFdb(linkId: string, dev: string, stdout: string): FdbEntry[] {
  const text = stdout.trim();
  if (!text) return [];
  const rows = JSON.parse(text) as Record<string, unknown>[];
  const out: FdbEntry[] = [];
  for (const r of rows) {
    if (typeof r.dst !== 'string' || typeof r.mac !== 'string') continue;
    out.push({ linkId, dev, mac: r.mac, dst: r.dst, vni: typeof r.vni === 'number' ? r.vni : null });
  }
  return out;
}

export interface FdbRead {
  entries: FdbEntry[];
  /** per vxlan link that could not be read: the command's words */
  errors: { linkId: string; message: string }[];
}

export async function readFdb(run: Runner, snapshot: HostSnapshot): Promise<FdbRead> {
  const nsById = new Map(snapshot.namespaces.map((n) => [n.id, n]));
  const out: FdbRead = { entries: [], errors: [] };
  await Promise.all(
    snapshot.links
      .filter((l) => l.kind === 'vxlan')
      .map(async (l) => {
        const ns = nsById.get(l.nsId);
        if (!ns) return;
        try {
          const r = await run(bridgeArgvIn(ns, ['-j', 'fdb', 'show', 'dev', l.name]), { timeoutMs: 5000 });
          out.entries.push(...parseFdb(l.id, l.name, r.stdout));
        } catch (e) {
          out.errors.push({ linkId: l.id, message: e instanceof Error ? e.message : String(e) });
        }
      }),
  );
  return out;
}
