// Kernel tier: the capability probe's scratch namespace never outlives the server. A server stopped
// mid-probe (SIGTERM, as serve.mjs handles it) removes it on the way out; one killed outright leaves it,
// and the next probe removes it. The namespaces here carry the probe's own name pattern (that is what is
// tested) with pids that are certainly dead or are this test's own child; all are removed in afterAll.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { kernelTier } from '../tiers';
import { probeCapabilities, staleProbeNamespaces } from '../../server/host/capabilities';
import { run } from '../../server/ip/run';
import { discoverNamespaces } from '../../server/host/namespaces';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NETNS = '/var/run/netns';
const listProbes = (pid: number) => readdirSync(NETNS).filter((n) => n.startsWith(`linkscape-probe-${pid}-`));
const made: string[] = [];
const children: ChildProcess[] = [];

describe('staleProbeNamespaces', () => {
  it('picks only probe-named namespaces of pids that are gone, never this process or a live pid', () => {
    const alive = new Set([100, 200]);
    const names = [
      'linkscape-probe-100-abcdef', // live pid: a probe under way
      'linkscape-probe-300-0a1b2c', // gone
      `linkscape-probe-${process.pid}-aaaaaa`, // this process
      'linkscape-probe-300-xyz123', // not the pattern (hex suffix)
      'linkscape-probe-300-abcdef-more',
      'lse12345-a',
      'linkscape-probe--abcdef',
    ];
    expect(staleProbeNamespaces(names, (p) => alive.has(p))).toEqual(['linkscape-probe-300-0a1b2c']);
  });
});

describe.skipIf(!kernelTier.ok)('kernel tier: the capability probe cleans up after itself', () => {
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const n of made) await execa('ip', ['netns', 'del', n], { reject: false });
  });

  it("a probe removes what a dead server left, and leaves a live one's namespace alone", async () => {
    const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    const dead = `linkscape-probe-${pidMax + 1}-a1b2c3`;
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(sleeper);
    const live = `linkscape-probe-${sleeper.pid}-d4e5f6`;
    for (const n of [dead, live]) {
      made.push(n);
      await execa('ip', ['netns', 'add', n]);
    }
    const caps = await probeCapabilities(run);
    expect(caps.probed).toBe(true);
    const now = readdirSync(NETNS);
    expect(now).not.toContain(dead);
    expect(now).toContain(live);
    // and its own scratch namespace is gone too
    expect(listProbes(process.pid)).toEqual([]);
  });

  it("the host as read leaves out this server's own probe namespace, and only its own", async () => {
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(sleeper);
    const own = `linkscape-probe-${process.pid}-0f0f0f`;
    const other = `linkscape-probe-${sleeper.pid}-0e0e0e`; // another server's probe: a namespace like any
    for (const n of [own, other]) {
      made.push(n);
      await execa('ip', ['netns', 'add', n]);
    }
    const names = (await discoverNamespaces()).namespaces.map((n) => n.name);
    expect(names).not.toContain(own);
    expect(names).toContain(other);
  });

  it('a server stopped by SIGTERM mid-probe removes its scratch namespace on the way out', async () => {
    // the child: serve.mjs's SIGTERM handling, and a probe that lingers after creating its namespace
    const script = `
      process.on('SIGTERM', () => process.exit(0));
      const { probeCapabilities } = await import(${JSON.stringify(path.join(ROOT, 'server/host/capabilities.ts'))});
      const { run } = await import(${JSON.stringify(path.join(ROOT, 'server/ip/run.ts'))});
      const slow = async (argv, o) => {
        const r = await run(argv, o);
        if (argv[1] === 'netns' && argv[2] === 'add') await new Promise((res) => setTimeout(res, 20000));
        return r;
      };
      await probeCapabilities(slow);
    `;
    const child = spawn(
      process.execPath,
      ['--conditions=react-server', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const pid = child.pid!;
    const deadline = Date.now() + 20_000;
    while (!listProbes(pid).length) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`the child never made its probe namespace: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    made.push(...listProbes(pid));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(listProbes(pid)).toEqual([]);
  }, 40_000);
});
