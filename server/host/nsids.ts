// Each namespace numbers the others with nsids of its own (what `link_netnsid` means). `ip netns
// list-id` in a namespace names its nsids by asking the kernel about every file in /var/run/netns: O(N)
// per namespace, O(N²) for a host (7 ms a call at 1,000 namespaces, in each of them). Instead, one `ip`
// in the host's namespace asks only what the links need: for a namespace x the host numbers tx and a
// candidate y it numbers ty, `netns list-id target-nsid tx nsid ty` answers x's nsid for y (RTM_GETNSID,
// a lookup, not a dump: in `-batch` mode ip does not ask for strict dump checking, and the kernel then
// ignores a dump's target-nsid). Candidates come from the links (resolve.ts nsidQuestions), so the work
// grows with the links, not with the square of the namespaces.
import type { Runner } from '../ip/run';
import { CommandError } from '../ip/run';
import { parseJsonDoc, parseNetnsList, parseNsids, type ParsedNamespace } from '../ip/parse';
import { nsidQuestions, type NsidMaps, type NsidQuestion } from './resolve';
import type { Namespace } from '../../shared/host/types';
import { inNamespace, ipKnowsByName } from '../ip/netns';

/** The host namespace's nsids → namespace ids, by the names its `netns list-id` printed. */
export function rootNsidMap(namespaces: Namespace[], rootParsed: ParsedNamespace): Map<number, string> {
  const byName = new Map(
    namespaces.filter((n) => (n.source === 'named' || n.root) && n.name).map((n) => [n.name as string, n.id]),
  );
  const out = new Map<number, string>();
  for (const e of rootParsed.nsids) {
    const id = e.name ? byName.get(e.name) : undefined;
    if (id) out.set(e.nsid, id);
  }
  return out;
}

/**
 * The batch that asks the questions: per namespace x, first `netns list-id nsid tx` (answers `tx`
 * without a current-nsid: marks whose answers follow), then one line per namespace asked about
 * (answers x's nsid for it, with current-nsid its root nsid). A line that fails prints nothing, so the
 * answers place themselves.
 *
 * Which way a veth pair is asked matters: ip names each answer's current-nsid from a cache it drops
 * the entry from once used, and then finds it again by asking about every name in /var/run/netns. So
 * a namespace asked about many times (a hub, a bridge's namespace) would make the batch O(N²) again;
 * each pair is asked once, about the side asked about least so far.
 */
export function questionBatch(qs: NsidQuestion[]): string {
  const asked = new Set<string>();
  const uses = new Map<number, number>();
  const countUse = (t: number) => uses.set(t, (uses.get(t) ?? 0) + 1);
  const byTarget = new Map<number, number[]>();
  const ask = (t: number, about: number) => {
    asked.add(`${t}:${about}`);
    const list = byTarget.get(t);
    if (list) list.push(about);
    else {
      byTarget.set(t, [about]);
      countUse(t); // its marker line
    }
    countUse(about);
  };
  for (const q of qs) {
    if (asked.has(`${q.tx}:${q.ty}`) || (q.m !== null && asked.has(`${q.ty}:${q.tx}`))) continue;
    if (q.m !== null && (uses.get(q.ty) ?? 0) > (uses.get(q.tx) ?? 0)) ask(q.ty, q.tx);
    else ask(q.tx, q.ty);
  }
  let out = '';
  for (const [t, abouts] of byTarget) {
    out += `netns list-id nsid ${t}\n`;
    for (const a of abouts) out += `netns list-id target-nsid ${t} nsid ${a}\n`;
  }
  return out;
}

/** The answers (stdout of questionBatch's ip), as x → (nsid → y) for the questions they confirm. */
export function parseAnswers(stdout: string, qs: NsidQuestion[]): Map<string, Map<number, string>> {
  // (target, about) → the target's nsid for it, as answered (null: it has none)
  const answered = new Map<string, number | null>();
  let tx: number | null = null;
  for (const line of stdout.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    let doc: unknown[];
    try {
      doc = parseJsonDoc(t);
    } catch {
      continue;
    }
    const e = doc[0] as Record<string, unknown> | undefined;
    if (!e || typeof e !== 'object') continue;
    const current = e['current-nsid'];
    if (typeof current === 'number') {
      if (tx !== null) answered.set(`${tx}:${current}`, typeof e.nsid === 'number' ? e.nsid : null);
    } else tx = typeof e.nsid === 'number' ? e.nsid : null;
  }
  const out = new Map<string, Map<number, string>>();
  for (const q of qs) {
    const direct = answered.get(`${q.tx}:${q.ty}`) === q.k;
    const mirrored = q.m !== null && answered.get(`${q.ty}:${q.tx}`) === q.m;
    if (!direct && !mirrored) continue;
    const m = out.get(q.x) ?? new Map<number, string>();
    m.set(q.k, q.y);
    out.set(q.x, m);
  }
  return out;
}

/**
 * The exact nsid maps the links need, asked of the kernel: `known` (kept while both namespaces are
 * present: an nsid stays its namespace's until that namespace is gone) plus the answers to what it
 * does not place. Needs root and the host namespace's parse (with its list-id); otherwise just what is
 * known. Never throws: what it cannot ask is left to the resolver's inference.
 */
export async function askNsids(
  run: Runner,
  namespaces: Namespace[],
  parsed: Map<string, ParsedNamespace>,
  known?: NsidMaps,
  /** only these namespaces' links can name nsids `known` does not place (the watcher: the ones just re-read) */
  changed?: ReadonlySet<string>,
): Promise<Map<string, Map<number, string>>> {
  const present = new Set(namespaces.map((n) => n.id));
  const out = new Map<string, Map<number, string>>();
  for (const [x, m] of known ?? []) {
    if (!present.has(x)) continue;
    const kept = new Map([...m].filter(([, y]) => present.has(y)));
    if (kept.size) out.set(x, kept);
  }
  const root = namespaces.find((n) => n.root);
  const rootParsed = root && parsed.get(root.id);
  if (!rootParsed || process.getuid?.() !== 0) return out;
  if (changed && ![...changed].some((x) => x !== root.id && unplaced(parsed.get(x), out.get(x)))) return out; // nothing new: no index, no ip
  const qs = nsidQuestions(namespaces, parsed, rootNsidMap(namespaces, rootParsed), out);
  let stdout = '';
  if (qs.length) {
    try {
      stdout = (await run(['ip', '-j', '-force', '-batch', '-'], { input: questionBatch(qs), timeoutMs: 10_000 }))
        .stdout;
    } catch (e) {
      // -force: a namespace gone meanwhile fails its lines only; keep what the others answered
      if (e instanceof CommandError && !e.timedOut) stdout = e.stdout;
    }
  }
  for (const [x, m] of parseAnswers(stdout, qs)) {
    const have = out.get(x) ?? new Map<number, string>();
    for (const [k, y] of m) have.set(k, y);
    out.set(x, have);
  }
  await listOwnNsids(run, namespaces, parsed, out);
  return out;
}

/**
 * A namespace the host has no nsid for (a container's, held by a process) cannot be asked about from the
 * host's namespace. Where such a namespace holds a child whose parent only an nsid can place (a macvlan,
 * ipvlan, vlan or vxlan whose lower device lives elsewhere; veth pairs are placed by what both ends agree
 * on), it lists its own nsids by name, as every namespace once did: O(N) each, but only for these.
 */
async function listOwnNsids(
  run: Runner,
  namespaces: Namespace[],
  parsed: Map<string, ParsedNamespace>,
  out: Map<string, Map<number, string>>,
): Promise<void> {
  const byName = new Map(namespaces.filter((n) => n.source === 'named' && n.name).map((n) => [n.name as string, n.id]));
  const stuck = namespaces.filter((n) => !n.root && onlyNsidsPlace(parsed.get(n.id), out.get(n.id)));
  for (let i = 0; i < stuck.length; i += 4) {
    await Promise.all(
      stuck.slice(i, i + 4).map(async (n) => {
        try {
          const stdout = (await run(inNamespace(n, ['ip', '-j', 'netns', 'list-id']), { timeoutMs: 10_000 })).stdout;
          const have = out.get(n.id) ?? new Map<number, string>();
          for (const e of parseNsids(parseJsonDoc(stdout))) {
            const y = e.name ? byName.get(e.name) : undefined;
            if (y && y !== n.id && !have.has(e.nsid)) have.set(e.nsid, y);
          }
          if (have.size) out.set(n.id, have);
        } catch {
          /* gone meanwhile, or no way in: left to the resolver's inference */
        }
      }),
    );
  }
}

/** Does this parse hold a non-veth link whose lower device's nsid `placed` does not place? */
function onlyNsidsPlace(p: ParsedNamespace | undefined, placed: ReadonlyMap<number, string> | undefined): boolean {
  return (
    !!p &&
    p.links.some(
      (l) =>
        l.link.kind !== 'veth' &&
        l.lower.kind === 'index' &&
        l.lower.nsid !== null &&
        l.lower.nsid >= 0 &&
        !placed?.has(l.lower.nsid),
    )
  );
}

/** Does this parse name an nsid that `placed` does not place? */
export function unplaced(p: ParsedNamespace | undefined, placed: ReadonlyMap<number, string> | undefined): boolean {
  return (
    !!p &&
    p.links.some(
      (l) => l.lower.kind === 'index' && l.lower.nsid !== null && l.lower.nsid >= 0 && !placed?.has(l.lower.nsid),
    )
  );
}

/**
 * Give named namespaces without an nsid in the host's namespace one (`ip netns set NAME auto`, the
 * documented iproute2 way (ip-netns(8)); it changes nothing but that id), so askNsids can number them.
 * The watcher does the same for the root monitor. Returns whether any was assigned. Never throws.
 */
export async function assignRootNsids(run: Runner, namespaces: Namespace[]): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  const named = namespaces.filter((n) => !n.root && ipKnowsByName(n));
  if (named.length === 0) return false;
  try {
    // `netns list`, not `list-id`: a dump some kernels cut short (parse.ts NAMESPACE_BATCH)
    const have = new Set(
      parseNetnsList(parseJsonDoc((await run(['ip', '-j', 'netns', 'list'])).stdout)).map((e) => e.name),
    );
    const missing = named.filter((n) => !have.has(n.name as string));
    if (missing.length === 0) return false;
    await run(['ip', '-force', '-batch', '-'], {
      input: missing.map((n) => `netns set ${n.name} auto\n`).join(''),
    }).catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}
