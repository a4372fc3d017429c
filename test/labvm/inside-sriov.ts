// Runs INSIDE the lab VM (../shared/lab-vm/run sets LABVM=1): makes netdevsim PFs and changes their VFs
// only through the tRPC router (edit.applyEdits / edit.undo / host.snapshot) — the server's own code path,
// sysfs writes included — and after every step records what the kernel says (`ip -j -d link show PF`
// and sriov_numvfs). Prints one JSON report between markers for test/labvm/sriov.test.ts.
// It makes netdevsim devices in the VM's kernel: never run it on a real host.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { appRouter } from '../../server/api/root';
import { run } from '../../server/ip/run';
import type { Edit } from '../../shared/edits/schema';
import type { HostWarning } from '../../shared/host/types';

const BEGIN = '==LINKSCAPE-SRIOV-BEGIN==';
const END = '==LINKSCAPE-SRIOV-END==';

export interface IpVf {
  vf: number;
  address: string;
  vlan_list?: { vlan?: number; qos?: number; protocol?: string }[];
  rate?: { max_tx: number; min_tx: number };
  spoofchk?: boolean;
  trust?: boolean;
  link_state?: string;
  query_rss_en?: boolean;
}

export interface SriovStep {
  step: string;
  /** the call threw (a refused request): its message and field issues */
  refused: { message: string; issues: { path: string; message: string }[] } | null;
  ok: boolean | null;
  dryRun: boolean;
  argv: string[][];
  undo: (string[] | null)[];
  warnings: string[];
  shell: string;
  failedStep: number | null;
  error: string | null;
  rolledBack: { step: number; argv: string[]; ok: boolean; error: string | null }[];
  /** after the step: the kernel's own readings */
  ip: Record<string, IpVf[]>;
  numvfs: Record<string, number>;
}

export interface SriovReport {
  kernel: string;
  pf: string;
  pf2: string;
  /** sysfs path of the first PF's sriov_numvfs, as a shell would write it */
  numvfsPath: string;
  steps: SriovStep[];
  /** host.snapshot's warnings after the duplicate MAC, with the PFs' link ids */
  warnings: HostWarning[];
  pfIds: Record<string, string>;
  /** host.snapshot's view of the first PF at the end, next to ip's */
  snapshotVfs: unknown;
}

if (process.env.LABVM !== '1') {
  console.error('inside-sriov.ts makes netdevsim devices: it only runs inside the lab VM (LABVM=1)');
  process.exit(2);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function netdevsim(id: number): Promise<string> {
  writeFileSync('/sys/bus/netdevsim/new_device', `${id} 1`);
  for (let i = 0; i < 100; i++) {
    try {
      const names = readdirSync(`/sys/bus/netdevsim/devices/netdevsim${id}/net`);
      if (names.length) return names[0];
    } catch {
      /* not yet */
    }
    await sleep(20);
  }
  throw new Error(`netdevsim${id} has no netdev`);
}

function ipVfs(pf: string): IpVf[] {
  const out = execFileSync('ip', ['-j', '-d', 'link', 'show', 'dev', pf], { encoding: 'utf8' });
  return (JSON.parse(out) as { vfinfo_list?: IpVf[] }[])[0].vfinfo_list ?? [];
}
const numvfsOf = (pf: string) => Number(readFileSync(`/sys/class/net/${pf}/device/sriov_numvfs`, 'utf8').trim());

async function main(): Promise<SriovReport> {
  const caller = appRouter.createCaller({
    run,
    config: {
      host: '127.0.0.1',
      port: 0,
      readOnly: false,
      auth: 'token',
      trustProxy: false,
      auditLog: '/tmp/linkscape-audit.jsonl',
      journal: '/tmp/linkscape-journal.jsonl',
    },
    headers: new Headers(),
    remote: 'labvm',
  });
  const pf = await netdevsim(10);
  const pf2 = await netdevsim(11);
  const pfs = [pf, pf2];
  const steps: SriovStep[] = [];

  const record = (step: string, r: Partial<SriovStep>) => {
    const ip: Record<string, IpVf[]> = {};
    const numvfs: Record<string, number> = {};
    for (const p of pfs) {
      ip[p] = ipVfs(p);
      numvfs[p] = numvfsOf(p);
    }
    steps.push({
      step,
      refused: null,
      ok: null,
      dryRun: false,
      argv: [],
      undo: [],
      warnings: [],
      shell: '',
      failedStep: null,
      error: null,
      rolledBack: [],
      ...r,
      ip,
      numvfs,
    });
  };

  type Result = Awaited<ReturnType<typeof caller.edit.applyEdits>>;
  const fromResult = (r: Result): Partial<SriovStep> => ({
    ok: r.ok,
    dryRun: r.dryRun,
    argv: r.plan.steps.map((s) => s.argv),
    undo: r.plan.steps.map((s) => s.undo),
    warnings: r.plan.warnings,
    shell: r.shell,
    ...(r.dryRun || r.ok ? {} : { failedStep: r.failedStep, error: r.error, rolledBack: r.rolledBack }),
  });
  const apply = async (step: string, edits: Edit[], opts: { dryRun?: boolean } = {}) => {
    try {
      record(step, fromResult(await caller.edit.applyEdits({ edits, ...opts })));
    } catch (e) {
      const cause = (e as { cause?: { issues?: { path: PropertyKey[]; message: string }[] } }).cause;
      const issues = (cause?.issues ?? []).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      record(step, { refused: { message: e instanceof Error ? e.message : String(e), issues } });
    }
  };
  const undo = async (step: string) => record(step, fromResult(await caller.edit.undo()));
  const vf = (n: number, change: Omit<Extract<Edit, { op: 'sriov.vf' }>, 'op' | 'dev' | 'vf'>, dev = pf): Edit => ({
    op: 'sriov.vf',
    dev,
    vf: n,
    ...change,
  });

  record('start', {});
  await apply('numvfs 4 preview', [{ op: 'sriov.numvfs', dev: pf, numVfs: 4 }], { dryRun: true });
  await apply('numvfs 4', [{ op: 'sriov.numvfs', dev: pf, numVfs: 4 }]);
  await apply('settings on 4', [
    vf(0, { mac: '02:00:00:00:00:10' }),
    vf(1, { vlan: { id: 101, qos: 2 } }),
    vf(3, { trust: true }),
  ]);
  await apply('numvfs 2', [{ op: 'sriov.numvfs', dev: pf, numVfs: 2 }]);
  await apply('mac', [vf(0, { mac: '02:00:00:00:0a:01' })]);
  await apply('vlan 802.1ad', [vf(0, { vlan: { id: 42, qos: 3, proto: '802.1ad' } })]);
  await apply('vlan 802.1Q', [vf(1, { vlan: { id: 7, qos: 5 } })]);
  await apply('rates', [vf(1, { maxTxRate: 500, minTxRate: 50 })]);
  await apply('trust', [vf(1, { trust: true })]);
  await apply('spoofchk', [vf(1, { spoofchk: true })]);
  await apply('state', [vf(0, { state: 'disable' })]);
  await apply('query_rss', [vf(1, { queryRss: true })]);
  await apply('combo', [
    vf(1, {
      mac: '02:00:00:00:0b:01',
      vlan: { id: 0 },
      maxTxRate: 800,
      minTxRate: 200,
      spoofchk: false,
      trust: false,
      state: 'enable',
      queryRss: false,
    }),
  ]);
  await undo('combo undone');
  await apply('numvfs 1', [{ op: 'sriov.numvfs', dev: pf, numVfs: 1 }]);
  await undo('numvfs 1 undone');
  await apply('numvfs 5 fails', [{ op: 'sriov.numvfs', dev: pf, numVfs: 5 }]);
  await apply('vf then bad route', [
    vf(0, { mac: '02:00:00:00:0e:01', trust: true }),
    { op: 'route.add', dst: '10.77.0.0/16', via: '10.66.0.1' },
  ]);
  await apply('rate refused before running', [vf(1, { minTxRate: 5000 })]);
  await apply('no sr-iov', [{ op: 'sriov.numvfs', dev: 'eth0', numVfs: 2 }]);
  await apply('no such vf', [vf(7, { trust: true })]);
  // the same MAC on VFs of two PFs
  await apply('pf2 numvfs 2', [{ op: 'sriov.numvfs', dev: pf2, numVfs: 2 }]);
  const mac = ipVfs(pf)[0].address;
  await apply('duplicate mac', [vf(1, { mac }, pf2)]);

  const snap = await caller.host.snapshot();
  const pfIds: Record<string, string> = {};
  for (const p of pfs)
    pfIds[p] = snap.links.find((l) => l.name === p && snap.namespaces.find((n) => n.id === l.nsId)?.root)!.id;
  return {
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
    pf,
    pf2,
    numvfsPath: '/sys/bus/netdevsim/devices/netdevsim10/sriov_numvfs',
    steps,
    warnings: snap.warnings,
    pfIds,
    snapshotVfs: snap.links.find((l) => l.id === pfIds[pf])?.sriov,
  };
}

main().then(
  (report) => {
    process.stdout.write(`${BEGIN}\n${JSON.stringify(report)}\n${END}\n`);
  },
  (e) => {
    console.error('inside-sriov failed:', e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
