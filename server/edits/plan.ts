// Edits → Plan: the exact argv lists that will run, each with the argv that undoes it. PURE: it reads a
// HostSnapshot (through PlanModel) and never touches the host. The same plan is shown (dry run), copied
// (planToShell) and applied (apply.ts).
import type { HostSnapshot } from '../../shared/host/types';
import { PlanModel, type LinkState, type NsState } from './model';
import { ipIn, netnsTarget } from './argv';
import type { Edit, EditOp } from '../../shared/edits/schema';
import { PLANNERS } from './ops';
import { familyOf, l3RouteHint } from '../../shared/edits/guidance';
export { planToShell } from '../../shared/edits/shell';

export interface PlanStep {
  argv: string[];
  /** argv that reverses this step; null when it cannot be undone (the plan's warnings say so) */
  undo: string[] | null;
  description: string;
  /** index of the edit this step comes from */
  edit: number;
}

/** A step the lock-out guard holds back until the request says `force: true`. */
export interface PlanGuard {
  edit: number;
  /** the link's name: what the UI makes the user type */
  link: string;
  ns: string;
  reason: string;
}

export interface Plan {
  steps: PlanStep[];
  warnings: string[];
  guards: PlanGuard[];
  /** names of links this plan leaves in the host namespace (the guard trusts them later) */
  createsHostLinks: string[];
}

export interface Issue {
  path: (string | number)[];
  message: string;
}

/** A bad edit, found before anything runs; `issues` have the same shape as zod's, paths from the request root. */
export class PlanError extends Error {
  readonly issues: Issue[];
  constructor(issues: Issue[]) {
    super(issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    this.name = 'PlanError';
    this.issues = issues;
  }
}

export interface KindSupport {
  supported: boolean | null;
  reason: string | null;
}

export interface PlanOptions {
  /** pid whose /proc/PID/ns/net is the host's namespace: the server's own */
  selfPid?: number;
  /** link ids (nsId/ifindex) linkscape created earlier: the guard lets these go without force */
  createdByLinkscape?: (linkId: string) => boolean;
  /** from host.capabilities; a kind marked unsupported is refused with the kernel's reason */
  kinds?: Record<string, KindSupport> | null;
  kernel?: string | null;
}

/** What an op planner gets: the model as of its edit, and ways to add steps, warnings, guards, or refuse. */
export class PlanContext {
  readonly steps: PlanStep[] = [];
  readonly warnings: string[] = [];
  readonly guards: PlanGuard[] = [];
  edit = 0;

  constructor(
    readonly model: PlanModel,
    readonly opts: Required<Pick<PlanOptions, 'selfPid'>> & PlanOptions,
    /** the host as read, for facts the model does not carry (SR-IOV) */
    readonly snapshot: HostSnapshot,
  ) {}

  step(argv: string[], undo: string[] | null, description: string): void {
    this.steps.push({ argv, undo, description, edit: this.edit });
  }

  warn(message: string): void {
    this.warnings.push(`edit ${this.edit + 1}: ${message}`);
  }

  guard(link: LinkState, reason: string): void {
    this.guards.push({ edit: this.edit, link: link.name, ns: link.ns.label, reason });
  }

  /** Refuse the edit; path is relative to the edit (e.g. ['parent']). */
  fail(path: (string | number)[], message: string): never {
    throw new PlanError([{ path: ['edits', this.edit, ...path], message }]);
  }

  ip(ns: NsState, args: string[]): string[] {
    return ipIn(ns, args);
  }

  netns(ns: NsState): string {
    return netnsTarget(ns, this.opts.selfPid);
  }

  /** Resolve a namespace reference or refuse, naming the field. */
  ns(ref: string | undefined, field: string): NsState {
    const ns = this.model.resolveNs(ref);
    if (!ns)
      this.fail(
        [field],
        `no namespace ${JSON.stringify(ref)} (give a namespace id from the snapshot, or the name of a named namespace)`,
      );
    return ns;
  }

  /** Resolve a link by name in ns or refuse, naming the field. */
  link(ns: NsState, name: string, field: string): LinkState {
    const l = this.model.link(ns, name);
    if (!l) this.fail([field], `no interface ${name} in namespace ${ns.label}`);
    return l;
  }

  /** The lock-out guard for taking down / deleting / moving / enslaving a link. */
  guardLink(l: LinkState, action: string, opts: { notCreatedRule: boolean }): void {
    if (l.physical) this.guard(l, `${action} ${l.name}, a physical NIC, can cut this host off`);
    else if (this.model.carriesHostDefault(l))
      this.guard(l, `${action} ${l.name}, which carries the host's default route, can cut this host off`);
    else if (opts.notCreatedRule && l.ns.root && !l.created && l.kind !== 'loopback')
      this.guard(
        l,
        `${action} ${l.name}, a host-namespace link linkscape did not create, may break something that relies on it`,
      );
    if (l.kind === 'loopback' && l.ns.root) this.guard(l, `${action} the host's loopback breaks local services`);
  }
}

export type OpPlanner<E> = (edit: E, ctx: PlanContext) => void;
export type Planners = { [K in EditOp]: OpPlanner<Extract<Edit, { op: K }>> };

export function planEdits(edits: Edit[], snapshot: HostSnapshot, opts: PlanOptions = {}): Plan {
  const model = PlanModel.fromSnapshot(snapshot, opts.createdByLinkscape);
  const ctx = new PlanContext(model, { selfPid: opts.selfPid ?? process.pid, ...opts }, snapshot);
  edits.forEach((e, i) => {
    ctx.edit = i;
    (PLANNERS[e.op] as OpPlanner<Edit>)(e, ctx);
  });
  // guidance over the whole plan: a route a later edit adds counts
  for (const l of model.links) {
    if (l.id !== null || familyOf(l.kind) !== 'ipvlan') continue;
    const routed = model.routes.some(
      (r) => r.ns === l.ns && (r.dst === 'default' || (r.dev === l && r.protocol !== 'kernel')),
    );
    const hint = l3RouteHint({
      name: l.name,
      mode: (l.mode ?? 'l3').split(' ')[0] /* 'l3 bridge' → l3; l3 is the kernel's default */,
      nsLabel: l.ns.label,
      addresses: l.addresses.map((a) => a.cidr),
      routed,
    });
    if (hint) ctx.warnings.push(hint);
  }
  const createsHostLinks = model.links.filter((l) => l.ns.root && l.id === null && l.created).map((l) => l.name);
  return { steps: ctx.steps, warnings: ctx.warnings, guards: ctx.guards, createsHostLinks };
}
