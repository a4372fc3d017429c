// Find every network namespace of the host: the server's own, named ones, Docker's, and the unnamed
// ones processes hold. Identity is the inode; names, pids and paths are ways in.
import 'server-only';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Namespace, NamespaceSource } from '../../shared/host/types';
import { isOwnScratchNamespace, ownPids } from './ownprocs';

export interface NamespaceDirs {
  proc: string;
  named: string;
  docker: string;
}

export const DEFAULT_DIRS: NamespaceDirs = {
  proc: '/proc',
  named: process.env.LINKSCAPE_NETNS_DIR ?? '/var/run/netns',
  docker: process.env.LINKSCAPE_DOCKER_NETNS_DIR ?? '/var/run/docker/netns',
};

const MAX_PIDS = 8;

export interface Discovery {
  namespaces: Namespace[];
  /** what could not be looked at, said plainly for the banner */
  hidden: string[];
}

function inodeOfLink(target: string): string | null {
  const m = /^net:\[(\d+)\]$/.exec(target);
  return m ? m[1] : null;
}

async function listBindMounts(
  dir: string,
  nsfsDev: number,
  hidden: string[],
): Promise<{ name: string; ino: string; path: string }[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch {
    return [];
  }
  const out: { name: string; ino: string; path: string }[] = [];
  await Promise.all(
    entries.map(async (name) => {
      const p = path.join(dir, name);
      try {
        const st = await fs.stat(p);
        // An unmounted placeholder (left by a crashed `ip netns add`) lives on tmpfs, not nsfs: st.dev tells.
        if (st.dev !== nsfsDev) {
          hidden.push(`${p} is not a mounted namespace (stale entry)`);
          return;
        }
        out.push({ name, ino: String(st.ino), path: p });
      } catch {
        /* vanished while we looked */
      }
    }),
  );
  return out;
}

export async function discoverNamespaces(dirs: NamespaceDirs = DEFAULT_DIRS): Promise<Discovery> {
  const hidden: string[] = [];
  const selfTarget = await fs.readlink(path.join(dirs.proc, 'self/ns/net'));
  const rootId = inodeOfLink(selfTarget);
  const nsfsDev = (await fs.stat(path.join(dirs.proc, 'self/ns/net'))).dev;
  if (!rootId) throw new Error(`cannot read own network namespace (${selfTarget})`);

  const byId = new Map<string, Namespace>();
  const make = (id: string, source: NamespaceSource, name: string | null, p: string | null): Namespace => ({
    id,
    name,
    root: id === rootId,
    source,
    pids: [],
    comms: [],
    label: '',
    path: p,
    error: null,
    owner: null,
  });
  byId.set(rootId, make(rootId, 'root', null, null));

  // Processes: readlink is cheap and needs no open(); PID 1 may refuse even root (EACCES).
  let pids: string[] = [];
  try {
    pids = (await fs.readdir(/*turbopackIgnore: true*/ dirs.proc)).filter(
      (d) => /^\d+$/.test(d) && !ownPids.has(Number(d)),
    );
  } catch {
    hidden.push(`${dirs.proc} is not readable: processes' namespaces are not shown`);
  }
  let denied = 0;
  const procNs = new Map<string, number[]>();
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const id = inodeOfLink(await fs.readlink(path.join(dirs.proc, pid, 'ns/net')));
        if (!id) return;
        const list = procNs.get(id) ?? [];
        list.push(Number(pid));
        procNs.set(id, list);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EPERM') denied++;
      }
    }),
  );
  if (denied > 0)
    hidden.push(
      `${denied} process(es) whose network namespace cannot be read (permission denied); namespaces only they hold are not shown`,
    );

  for (const e of await listBindMounts(dirs.named, nsfsDev, hidden)) {
    // the capability probe's scratch namespace comes and goes at start: the server's doing, not the user's
    if (isOwnScratchNamespace(e.name)) continue;
    const ns = byId.get(e.ino);
    if (ns && ns.root) {
      ns.name ??= e.name; // the host's namespace bind-mounted under a name: keep it the root
      continue;
    }
    byId.set(e.ino, make(e.ino, 'named', e.name, e.path));
  }
  for (const e of await listBindMounts(dirs.docker, nsfsDev, hidden)) {
    if (byId.has(e.ino)) continue;
    byId.set(e.ino, make(e.ino, 'docker', e.name, e.path));
  }
  for (const [id, list] of procNs) {
    list.sort((a, b) => a - b);
    let ns = byId.get(id);
    if (!ns) {
      ns = make(id, 'process', null, path.join(dirs.proc, String(list[0]), 'ns/net'));
      byId.set(id, ns);
    }
    ns.pids = list.slice(0, MAX_PIDS);
  }
  await Promise.all(
    [...byId.values()].map(async (ns) => {
      const gone = new Set<number>();
      const comms = await Promise.all(
        ns.pids.slice(0, 3).map(async (pid) => {
          try {
            return (await fs.readFile(path.join(dirs.proc, String(pid), 'comm'), 'utf8')).trim();
          } catch (e) {
            // ended since its ns/net link was read: not a holder (a short-lived process, e.g. someone's `ip -n`)
            if ((e as NodeJS.ErrnoException).code === 'ENOENT') gone.add(pid);
            return '?';
          }
        }),
      );
      const kept = ns.pids.map((pid, i) => [pid, i] as const).filter(([pid]) => !gone.has(pid));
      ns.comms = kept.filter(([, i]) => i < 3).map(([, i]) => comms[i]);
      ns.pids = kept.map(([pid]) => pid);
      if (ns.source === 'process') {
        if (ns.pids.length) ns.path = path.join(dirs.proc, String(ns.pids[0]), 'ns/net');
        else byId.delete(ns.id); // only processes that have ended held it
      }
      ns.label = labelOf(ns);
    }),
  );
  const order: Record<NamespaceSource, number> = { root: 0, named: 1, docker: 2, process: 3 };
  const namespaces = [...byId.values()].sort(
    (a, b) =>
      order[a.source] - order[b.source] || (a.name ?? '').localeCompare(b.name ?? '') || Number(a.id) - Number(b.id),
  );
  return { namespaces, hidden };
}

export function labelOf(ns: Namespace): string {
  if (ns.root) return ns.name ? `host (${ns.name})` : 'host';
  if (ns.source === 'named') return ns.name ?? ns.id;
  if (ns.source === 'docker') return `docker ${ns.name}`;
  const pid = ns.pids[0];
  return pid ? `pid ${pid} (${ns.comms[0] ?? '?'})` : `ns ${ns.id}`;
}
