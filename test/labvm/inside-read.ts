// Runs INSIDE the lab VM (../shared/lab-vm/run sets LABVM=1): builds ipvlan/vlan/dummy/macvlan and a
// netdevsim PF with VFs in the VM's own kernel, reads it with readHost, changes the VFs step by step and
// re-reads, and prints every reading (plus ip's and sysfs's own) as one JSON document between markers.
// It touches the VM's root namespace and eth0/eth1: never run it on a real host.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readHost } from '../../server/host/read';
import { run } from '../../server/ip/run';
import type { HostSnapshot } from '../../shared/host/types';

const BEGIN = '==LINKSCAPE-LABVM-BEGIN==';
const END = '==LINKSCAPE-LABVM-END==';

export interface Step {
  step: string;
  snapshot: Pick<HostSnapshot, 'namespaces' | 'links' | 'warnings' | 'hidden'>;
  /** `ip -j -d link show` of each netdevsim PF, by name */
  ipPf: Record<string, unknown>;
  /** sysfs sriov_numvfs of each netdevsim PF, by name */
  sysfsNumVfs: Record<string, number>;
  readMs: number;
}
export interface LabvmReport {
  kernel: string;
  pf: string;
  pf2: string;
  /** the independent reading of the first step: ip -j -d link show per namespace */
  ipLinks: Record<string, unknown[]>;
  /** what writing 2 to sriov_numvfs while 4 are enabled said */
  numvfsBusy: string;
  steps: Step[];
}

if (process.env.LABVM !== '1') {
  console.error('inside-read.ts builds links in the root namespace: it only runs inside the lab VM (LABVM=1)');
  process.exit(2);
}

const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8' });
const ipJson = (...args: string[]) => {
  const out = ip('-j', ...args).trim();
  return (out ? JSON.parse(out) : []) as unknown[];
};
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
const numvfsPath = (pf: string) => `/sys/class/net/${pf}/device/sriov_numvfs`;
const setNumVfs = (pf: string, n: number) => writeFileSync(numvfsPath(pf), String(n));

async function main(): Promise<LabvmReport> {
  // ipvlan mode belongs to the parent: one child per parent, each parent its own mode
  ip('link', 'add', 'd0', 'type', 'dummy');
  ip('link', 'add', 'd1', 'type', 'dummy');
  ip('link', 'add', 'ipv-l2', 'link', 'eth0', 'type', 'ipvlan', 'mode', 'l2');
  ip('link', 'add', 'ipv-l3', 'link', 'eth1', 'type', 'ipvlan', 'mode', 'l3', 'private');
  ip('link', 'add', 'ipv-l3s', 'link', 'd0', 'type', 'ipvlan', 'mode', 'l3s', 'vepa');
  ip('link', 'add', 'vl100', 'link', 'eth1', 'type', 'vlan', 'id', '100');
  ip('link', 'add', 'vl200ad', 'link', 'eth0', 'type', 'vlan', 'proto', '802.1ad', 'id', '200');
  ip('link', 'add', 'mv0', 'link', 'd1', 'type', 'macvlan', 'mode', 'vepa');
  ip('netns', 'add', 'red');
  ip('link', 'set', 'mv0', 'netns', 'red');
  ip('link', 'set', 'ipv-l3', 'netns', 'red');
  ip('-n', 'red', 'addr', 'add', '192.168.50.2/24', 'dev', 'ipv-l3');
  ip('-n', 'red', 'link', 'set', 'ipv-l3', 'up');
  for (const d of ['d0', 'ipv-l3s', 'vl100']) ip('link', 'set', d, 'up');

  const pf = await netdevsim(10);
  setNumVfs(pf, 4);
  ip('link', 'set', pf, 'vf', '0', 'mac', '02:00:00:00:00:10');
  ip('link', 'set', pf, 'vf', '1', 'vlan', '101', 'qos', '2');
  ip('link', 'set', pf, 'vf', '2', 'trust', 'on', 'spoofchk', 'off', 'state', 'enable');
  ip('link', 'set', pf, 'vf', '3', 'max_tx_rate', '1000', 'min_tx_rate', '100');

  const pfs = [pf];
  const steps: Step[] = [];
  const read = async (step: string) => {
    const t = performance.now();
    const s = await readHost(run);
    const readMs = Math.round(performance.now() - t);
    const ipPf: Record<string, unknown> = {};
    const sysfsNumVfs: Record<string, number> = {};
    for (const p of pfs) {
      ipPf[p] = ipJson('-d', 'link', 'show', p)[0];
      sysfsNumVfs[p] = Number(readFileSync(numvfsPath(p), 'utf8').trim());
    }
    steps.push({
      step,
      snapshot: { namespaces: s.namespaces, links: s.links, warnings: s.warnings, hidden: s.hidden },
      ipPf,
      sysfsNumVfs,
      readMs,
    });
  };

  await read('built');
  const ipLinks = { root: ipJson('-d', 'link', 'show'), red: ipJson('-n', 'red', '-d', 'link', 'show') };

  let numvfsBusy = 'no error';
  try {
    setNumVfs(pf, 2);
  } catch (e) {
    numvfsBusy = (e as NodeJS.ErrnoException).code ?? String(e);
  }
  setNumVfs(pf, 0);
  await read('numvfs 0');
  setNumVfs(pf, 2);
  await read('numvfs 2');
  ip('link', 'set', pf, 'vf', '0', 'mac', '02:00:00:00:0a:01');
  await read('vf 0 mac');
  ip('link', 'set', pf, 'vf', '0', 'vlan', '42', 'qos', '3', 'proto', '802.1ad');
  await read('vf 0 vlan');
  ip('link', 'set', pf, 'vf', '1', 'max_tx_rate', '500', 'min_tx_rate', '50');
  await read('vf 1 rate');
  ip('link', 'set', pf, 'vf', '1', 'trust', 'on');
  await read('vf 1 trust');
  ip('link', 'set', pf, 'vf', '1', 'spoofchk', 'on');
  await read('vf 1 spoofchk');
  ip('link', 'set', pf, 'vf', '0', 'state', 'disable');
  await read('vf 0 state');

  // a second PF whose VF reuses vf 0's MAC
  const pf2 = await netdevsim(11);
  pfs.push(pf2);
  setNumVfs(pf2, 2);
  ip('link', 'set', pf2, 'vf', '1', 'mac', '02:00:00:00:0a:01');
  await read('duplicate mac');

  return { kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(), pf, pf2, ipLinks, numvfsBusy, steps };
}

main().then(
  (report) => {
    process.stdout.write(`${BEGIN}\n${JSON.stringify(report)}\n${END}\n`);
  },
  (e) => {
    console.error('inside-read failed:', e instanceof Error ? e.stack : e);
    process.exit(1);
  },
);
