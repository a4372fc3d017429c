// What this kernel and iproute2 can do, probed once in a scratch namespace the server creates and
// removes: each link kind is actually created (and deleted), and a failure keeps the kernel's own words.
import 'server-only';
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { runSync, type Runner } from '../ip/run';
import { DEFAULT_DIRS } from './namespaces';
import { OWN_SCRATCH_PREFIX } from './ownprocs';
import { LINK_KINDS, type LinkKind } from '../../shared/edits/schema';

export interface KindSupport {
  /** null = not probed (not root, read-only, or no parent to probe on) */
  supported: boolean | null;
  /** the kernel's message when unsupported, or why it was not probed */
  reason: string | null;
}

export interface Capabilities {
  probed: boolean;
  probedAt: string | null;
  root: boolean;
  /** e.g. "6.1.0", from `ip -V` */
  iproute2: string | null;
  /** /proc/sys/kernel/osrelease */
  kernel: string | null;
  kinds: Record<LinkKind, KindSupport>;
  /** why nothing was probed, when it was not */
  note: string | null;
}

const PARENT = 'lscp0';
/** `ip link add` words per kind; veth comes first because it is the parent the children are made on */
const PROBES: { kind: LinkKind; name: string; words: string[]; needsParent: boolean }[] = [
  { kind: 'veth', name: PARENT, words: ['name', PARENT, 'type', 'veth', 'peer', 'name', 'lscp1'], needsParent: false },
  { kind: 'bridge', name: 'lscbr', words: ['name', 'lscbr', 'type', 'bridge'], needsParent: false },
  { kind: 'dummy', name: 'lscdu', words: ['name', 'lscdu', 'type', 'dummy'], needsParent: false },
  {
    kind: 'vxlan',
    name: 'lscvx',
    words: ['name', 'lscvx', 'type', 'vxlan', 'id', '42', 'dstport', '4789'],
    needsParent: false,
  },
  {
    kind: 'macvlan',
    name: 'lscmv',
    words: ['link', PARENT, 'name', 'lscmv', 'type', 'macvlan', 'mode', 'bridge'],
    needsParent: true,
  },
  {
    kind: 'macvtap',
    name: 'lscmt',
    words: ['link', PARENT, 'name', 'lscmt', 'type', 'macvtap', 'mode', 'bridge'],
    needsParent: true,
  },
  {
    kind: 'ipvlan',
    name: 'lsciv',
    words: ['link', PARENT, 'name', 'lsciv', 'type', 'ipvlan', 'mode', 'l3'],
    needsParent: true,
  },
  {
    kind: 'ipvtap',
    name: 'lscit',
    words: ['link', PARENT, 'name', 'lscit', 'type', 'ipvtap', 'mode', 'l3'],
    needsParent: true,
  },
  {
    kind: 'vlan',
    name: 'lscvl',
    words: ['link', PARENT, 'name', 'lscvl', 'type', 'vlan', 'id', '2'],
    needsParent: true,
  },
];

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function unprobed(reason: string): Record<LinkKind, KindSupport> {
  return Object.fromEntries(LINK_KINDS.map((k) => [k, { supported: null, reason }])) as Record<LinkKind, KindSupport>;
}

async function versions(run: Runner): Promise<{ iproute2: string | null; kernel: string | null }> {
  let iproute2: string | null = null;
  let kernel: string | null = null;
  try {
    const out = (await run(['ip', '-V'])).stdout;
    iproute2 = /iproute2-([\w.+~-]+)/.exec(out)?.[1]?.replace(/[.,]$/, '') ?? (out.trim() || null);
  } catch {
    /* reported as null */
  }
  try {
    kernel = (await fs.readFile('/proc/sys/kernel/osrelease', 'utf8')).trim();
  } catch {
    /* reported as null */
  }
  return { iproute2, kernel };
}

const PROBE_NAME = /^linkscape-probe-(\d+)-[0-9a-f]{6}$/;

/**
 * Scratch namespaces a probe left behind: ours by name, made by a server process that no longer runs
 * (one killed outright, with no chance to remove it). A live pid's namespace may be a probe under way.
 */
export function staleProbeNamespaces(names: string[], pidAlive: (pid: number) => boolean): string[] {
  return names.filter((n) => {
    const m = PROBE_NAME.exec(n);
    return m !== null && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]));
  });
}

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function removeStaleProbes(run: Runner, namedDir: string): Promise<void> {
  const names = await fs.readdir(namedDir).catch(() => [] as string[]);
  for (const n of staleProbeNamespaces(names, pidAlive)) {
    await run(['ip', 'netns', 'del', n]).then(
      () => console.warn(`[capabilities] removed ${n}, a probe namespace left by a server that is gone`),
      () => undefined,
    );
  }
}

export async function probeCapabilities(run: Runner, namedDir: string = DEFAULT_DIRS.named): Promise<Capabilities> {
  const v = await versions(run);
  const root = isRoot();
  if (!root)
    return {
      probed: false,
      probedAt: null,
      root,
      ...v,
      kinds: unprobed('not probed: the server is not root'),
      note: 'not running as root: link kinds were not probed',
    };
  await removeStaleProbes(run, namedDir);
  const scratch = `${OWN_SCRATCH_PREFIX}${randomBytes(3).toString('hex')}`;
  // a server stopped mid-probe (serve.mjs exits on SIGTERM) removes it on the way out
  const onExit = () => void runSync(['ip', 'netns', 'del', scratch]);
  process.once('exit', onExit);
  try {
    await run(['ip', 'netns', 'add', scratch]);
  } catch (e) {
    process.off('exit', onExit);
    const why = `could not create a scratch namespace: ${errText(e)}`;
    return { probed: false, probedAt: null, root, ...v, kinds: unprobed(why), note: why };
  }
  const kinds = unprobed('not probed');
  try {
    for (const p of PROBES) {
      if (p.needsParent && !kinds.veth.supported) {
        kinds[p.kind] = { supported: null, reason: 'not probed: no veth to use as parent' };
        continue;
      }
      try {
        await run(['ip', '-n', scratch, 'link', 'add', ...p.words]);
        kinds[p.kind] = { supported: true, reason: null };
        if (p.name !== PARENT) await run(['ip', '-n', scratch, 'link', 'del', 'dev', p.name]).catch(() => undefined);
      } catch (e) {
        kinds[p.kind] = { supported: false, reason: errText(e) };
      }
    }
  } finally {
    await run(['ip', 'netns', 'del', scratch]).catch(() => undefined);
    process.off('exit', onExit);
  }
  return { probed: true, probedAt: new Date().toISOString(), root, ...v, kinds, note: null };
}

let cached: Promise<Capabilities> | null = null;

/**
 * Probed once per server process and cached. With probe=false (read-only mode: probing creates a
 * namespace) an unprobed answer is returned unless a probe already ran.
 */
export async function getCapabilities(run: Runner, opts: { probe: boolean }): Promise<Capabilities> {
  if (cached) return cached;
  if (!opts.probe) {
    const v = await versions(run);
    return {
      probed: false,
      probedAt: null,
      root: isRoot(),
      ...v,
      kinds: unprobed('not probed: read-only mode (probing creates a namespace)'),
      note: 'read-only mode: link kinds were not probed',
    };
  }
  const p = probeCapabilities(run);
  cached = p;
  p.catch(() => {
    if (cached === p) cached = null;
  });
  return p;
}

/** for tests */
export function resetCapabilitiesCache(): void {
  cached = null;
}
