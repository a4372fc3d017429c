// Runs INSIDE the lab VM (../shared/lab-vm/run sets LABVM=1): the ipvlan L3 walkthrough, then vlan and
// dummy creation, all through the tRPC router (edit.applyEdits / edit.undo / diag.ping / host.capabilities)
// — the same code the server runs. Prints one JSON report between markers for test/labvm/edit.test.ts.
// It changes the VM's eth1 and root namespace: never run it on a real host.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { appRouter } from '../../server/api/root';
import { run } from '../../server/ip/run';
import type { PingEvent } from '../../server/api/diag';

const BEGIN = '==LINKSCAPE-EDIT-BEGIN==';
const END = '==LINKSCAPE-EDIT-END==';

export interface EditReport {
  kernel: string;
  kinds: Record<string, { supported: boolean | null; reason: string | null }>;
  walkthrough: { ok: boolean; error: string | null; argv: string[][] };
  ns1Link: unknown;
  ns2Link: unknown;
  ns1Routes: unknown;
  ns2Routes: unknown;
  ping: { exitCode: number | null; lines: string[]; argv: string[] };
  vlanDummy: { ok: boolean; error: string | null; argv: string[][] };
  vlanDummyLinks: Record<string, unknown>;
  undo: { ok: boolean; remaining: string[] };
  guard: string;
}

function ipj(args: string[]): unknown {
  const out = execFileSync('ip', ['-j', ...args], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

async function main(): Promise<void> {
  if (process.env.LABVM !== '1') {
    console.error('inside-edit.ts changes eth1 and the root namespace: it runs only inside the lab VM (LABVM=1)');
    process.exit(2);
  }
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
  const caps = await caller.host.capabilities();

  // the ipvlan L3 walkthrough: two namespaces, ipvlan l3 children of eth1 in two subnets, default routes
  const walk = await caller.edit.applyEdits({
    edits: [
      { op: 'link.set', dev: 'eth1', up: true },
      { op: 'netns.add', name: 'ns1' },
      { op: 'netns.add', name: 'ns2' },
      {
        op: 'link.add',
        kind: 'ipvlan',
        parent: 'eth1',
        name: 'ipv1',
        mode: 'l3',
        netns: 'ns1',
        addresses: ['192.168.10.10/24'],
        up: true,
      },
      {
        op: 'link.add',
        kind: 'ipvlan',
        parent: 'eth1',
        name: 'ipv2',
        mode: 'l3',
        netns: 'ns2',
        addresses: ['192.168.20.10/24'],
        up: true,
      },
      { op: 'route.add', ns: 'ns1', dst: 'default', dev: 'ipv1' },
      { op: 'route.add', ns: 'ns2', dst: 'default', dev: 'ipv2' },
    ],
  });
  const walkthrough = {
    ok: walk.ok,
    error: walk.ok ? null : walk.dryRun ? null : walk.error,
    argv: walk.plan.steps.map((s) => s.argv),
  };

  const lines: string[] = [];
  let exitCode: number | null = null;
  let argv: string[] = [];
  for await (const ev of (await caller.diag.ping({
    nsId: 'ns1',
    target: '192.168.20.10',
    count: 3,
  })) as AsyncIterable<PingEvent>) {
    if (ev.type === 'start') argv = ev.argv;
    if (ev.type === 'line') lines.push(ev.line);
    if (ev.type === 'exit') exitCode = ev.exitCode;
  }

  const vd = await caller.edit.applyEdits({
    edits: [
      {
        op: 'link.add',
        kind: 'vlan',
        parent: 'eth1',
        name: 'eth1.10',
        id: 10,
        addresses: ['192.168.30.1/24'],
        up: true,
      },
      { op: 'link.add', kind: 'vlan', parent: 'eth1', name: 'qinq20', id: 20, protocol: '802.1ad' },
      { op: 'link.add', kind: 'dummy', name: 'dm0', addresses: ['10.99.99.1/32'], up: true },
    ],
  });
  const vlanDummyLinks: Record<string, unknown> = {};
  for (const n of ['eth1.10', 'qinq20', 'dm0']) vlanDummyLinks[n] = ipj(['-d', 'addr', 'show', 'dev', n]);

  // one-click undo of the last plan: the vlans and the dummy go
  const u = await caller.edit.undo();
  const remaining = (ipj(['link', 'show']) as { ifname: string }[]).map((l) => l.ifname);

  let guard = '';
  try {
    await caller.edit.applyEdits({ edits: [{ op: 'link.set', dev: 'eth1', up: false }] });
    guard = 'not refused';
  } catch (e) {
    guard = e instanceof Error ? e.message : String(e);
  }

  const report: EditReport = {
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
    kinds: caps.kinds,
    walkthrough,
    ns1Link: ipj(['-n', 'ns1', '-d', 'addr', 'show', 'dev', 'ipv1']),
    ns2Link: ipj(['-n', 'ns2', '-d', 'addr', 'show', 'dev', 'ipv2']),
    ns1Routes: ipj(['-n', 'ns1', 'route', 'show']),
    ns2Routes: ipj(['-n', 'ns2', 'route', 'show']),
    ping: { exitCode, lines, argv },
    vlanDummy: { ok: vd.ok, error: vd.ok ? null : vd.dryRun ? null : vd.error, argv: vd.plan.steps.map((s) => s.argv) },
    vlanDummyLinks,
    undo: { ok: u.ok, remaining },
    guard,
  };
  console.log(BEGIN + JSON.stringify(report) + END);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
