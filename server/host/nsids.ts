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
import { parseJsonDoc, parseNsids, type ParsedNamespace } from '../ip/parse';
import { bulkReadable } from './bulk';
import { nsidQuestions, type NsidMaps, type NsidQuestion } from './resolve';
import type { Namespace } from './types';

/** The host namespace's nsids → namespace ids, by the names its `netns list-id` printed. */
export function rootNsidMap(namespaces: Namespace[], rootParsed: ParsedNamespace): Map<number, string> {
  const byName = new Map(namespaces.filter((n) => (n.source === 'named' || n.root) && n.name).map((n) => [n.name as string, n.id]));
  const out = new Map<number, string>();
  for (const e of rootParsed.nsids) {
    const id = e.name ? byName.get(e.name) : undefined;
    if (id) out.set(e.nsid, id);
  }
  return out;
}

/**
 * The batch that asks the questions: per namespace x, first `netns list-id nsid tx` (answers `tx`
 * without a current-nsid: marks whose answers follow), then one line per candidate (answers x's nsid
 * for y, with current-nsid ty). A line that fails prints nothing, so the answers place themselves.
 */
export function questionBatch(qs: NsidQuestion[]): string {
  const byX = new Map<number, Set<number>>();
  for (const q of qs) {
    const s = byX.get(q.tx) ?? new Set<number>();
    s.add(q.ty);
    byX.set(q.tx, s);
  }
  let out = '';
  for (const [tx, tys] of byX) {
    out += `netns list-id nsid ${tx}\n`;
    for (const ty of tys) out += `netns list-id target-nsid ${tx} nsid ${ty}\n`;
  }
  return out;
}

/** The answers (stdout of questionBatch's ip), as x → (nsid → y) for the questions they confirm. */
export function parseAnswers(stdout: string, qs: NsidQuestion[]): Map<string, Map<number, string>> {
  // (tx, ty) → x's nsid for y, as answered
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
    if (answered.get(`${q.tx}:${q.ty}`) !== q.k) continue;
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
  if (qs.length === 0) return out;
  let stdout: string;
  try {
    stdout = (await run(['ip', '-j', '-force', '-batch', '-'], { input: questionBatch(qs), timeoutMs: 10_000 })).stdout;
  } catch (e) {
    // -force: a namespace gone meanwhile fails its lines only; keep what the others answered
    if (e instanceof CommandError && !e.timedOut) stdout = e.stdout;
    else return out;
  }
  for (const [x, m] of parseAnswers(stdout, qs)) {
    const have = out.get(x) ?? new Map<number, string>();
    for (const [k, y] of m) have.set(k, y);
    out.set(x, have);
  }
  return out;
}

/** Does this parse name an nsid that `placed` does not place? */
function unplaced(p: ParsedNamespace | undefined, placed: ReadonlyMap<number, string> | undefined): boolean {
  return !!p && p.links.some((l) => l.lower.kind === 'index' && l.lower.nsid !== null && l.lower.nsid >= 0 && !placed?.has(l.lower.nsid));
}

/**
 * Give named namespaces without an nsid in the host's namespace one (`ip netns set NAME auto`, the
 * documented iproute2 way (ip-netns(8)); it changes nothing but that id), so askNsids can number them.
 * The watcher does the same for the root monitor. Returns whether any was assigned. Never throws.
 */
export async function assignRootNsids(run: Runner, namespaces: Namespace[]): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  const named = namespaces.filter((n) => !n.root && bulkReadable(n));
  if (named.length === 0) return false;
  try {
    const have = new Set(parseNsids(parseJsonDoc((await run(['ip', '-j', 'netns', 'list-id'])).stdout)).map((e) => e.name));
    const missing = named.filter((n) => !have.has(n.name));
    if (missing.length === 0) return false;
    await run(['ip', '-force', '-batch', '-'], { input: missing.map((n) => `netns set ${n.name} auto\n`).join('') }).catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}
