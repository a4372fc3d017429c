// Read just what a plan needs: every namespace's identity (cheap: /proc and /var/run/netns), but the
// contents (one `ip -batch` each) only of the host's namespace and of the namespaces the edits name.
// On a host with hundreds of namespaces a full snapshot takes seconds; an edit should not.
import type { Runner } from '../ip/run';
import type { HostSnapshot } from '../../shared/host/types';
import { discoverNamespaces, DEFAULT_DIRS, type NamespaceDirs } from '../host/namespaces';
import { assembleHost, readNamespaces } from '../host/read';
import { askNsids } from '../host/nsids';
import { nsRefsOf, type Edit } from '../../shared/edits/schema';

/** Every namespace reference in the edits, as written (each op says where it holds them: shared/edits/ops/table.ts). */
export function namespaceRefs(edits: Edit[]): Set<string> {
  return new Set(edits.flatMap(nsRefsOf));
}

export async function readForEdits(
  run: Runner,
  edits: Edit[],
  dirs: NamespaceDirs = DEFAULT_DIRS,
): Promise<HostSnapshot> {
  const { namespaces, hidden } = await discoverNamespaces(dirs);
  const refs = namespaceRefs(edits);
  const wanted = namespaces.filter((n) => n.root || refs.has(n.id) || (n.name !== null && refs.has(n.name)));
  // a plan's read changes nothing (no root nsids assigned): the few namespaces it reads list their own nsids
  const reads = await readNamespaces(run, wanted, { listNsids: true });
  const root = wanted.find((n) => n.root);
  if (root && reads.errors.has(root.id))
    throw new Error(`cannot read the host namespace: ${reads.errors.get(root.id)}`);
  for (const n of wanted) {
    const err = reads.errors.get(n.id);
    if (err) throw new Error(`cannot read namespace ${n.label}: ${err}`);
  }
  const present = namespaces.filter((n) => !reads.gone.has(n.id));
  return (
    await assembleHost(present, reads.parsed, hidden, undefined, undefined, await askNsids(run, present, reads.parsed))
  ).snapshot;
}
