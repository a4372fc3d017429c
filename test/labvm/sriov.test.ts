// Lab VM tier: ONE boot of ../shared/lab-vm/run runs test/labvm/inside-sriov.ts, which makes two netdevsim
// PFs and changes their VFs only through edit.applyEdits / edit.undo (sysfs writes included), recording
// after each step what the kernel itself says (ip -j -d link show PF, sriov_numvfs). This file checks it.
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import path from 'node:path';
import { labvmTier, LABVM_DIR } from '../tiers';
import type { IpVf, SriovReport, SriovStep } from './inside-sriov';
import { insideNode } from './inside';

const REPO = path.resolve(__dirname, '../..');
const BEGIN = '==LINKSCAPE-SRIOV-BEGIN==';
const END = '==LINKSCAPE-SRIOV-END==';
const W = 'sysfs-write';

describe.skipIf(!labvmTier.ok)('lab VM tier: SR-IOV edits on netdevsim through edit.applyEdits', () => {
  let r: SriovReport;

  beforeAll(async () => {
    // TCG is slow (about 5 minutes here): one boot for every step
    const out = await execa(path.join(LABVM_DIR, 'run'), ['--', ...insideNode('inside-sriov.ts')], {
      cwd: REPO,
      reject: false,
      timeout: 14 * 60_000,
      all: true,
    });
    const s = out.stdout ?? '';
    const a = s.indexOf(BEGIN);
    const b = s.indexOf(END);
    if (out.exitCode !== 0 || a < 0 || b < 0)
      throw new Error(`lab VM run failed (exit ${out.exitCode}):\n${out.all?.slice(-4000)}`);
    r = JSON.parse(s.slice(a + BEGIN.length, b));
  }, 15 * 60_000);

  const step = (name: string): SriovStep => {
    const s = r.steps.find((x) => x.step === name);
    if (!s) throw new Error(`no step ${name}`);
    return s;
  };
  const before = (name: string): SriovStep => r.steps[r.steps.findIndex((x) => x.step === name) - 1];
  const vfOf = (s: SriovStep, n: number, pf = r.pf): IpVf => {
    const v = s.ip[pf].find((x) => x.vf === n);
    if (!v) throw new Error(`${s.step}: no vf ${n} on ${pf}`);
    return v;
  };
  const ok = (s: SriovStep) => {
    expect(s.refused, s.step).toBeNull();
    expect(s.error, s.step).toBeNull();
    expect(s.ok, s.step).toBe(true);
  };

  it('ran every step on the lab kernel; sysfs and ip agree on the number of VFs after each', () => {
    expect(r.kernel).toMatch(/^6\.1\./);
    expect(r.steps.map((s) => s.step)).toEqual([
      'start',
      'numvfs 4 preview',
      'numvfs 4',
      'settings on 4',
      'numvfs 2',
      'mac',
      'vlan 802.1ad',
      'vlan 802.1Q',
      'rates',
      'trust',
      'spoofchk',
      'state',
      'query_rss',
      'combo',
      'combo undone',
      'numvfs 1',
      'numvfs 1 undone',
      'numvfs 5 fails',
      'vf then bad route',
      'rate refused before running',
      'no sr-iov',
      'no such vf',
      'pf2 numvfs 2',
      'duplicate mac',
    ]);
    for (const s of r.steps)
      for (const pf of [r.pf, r.pf2]) expect(s.ip[pf].length, `${s.step} ${pf}`).toBe(s.numvfs[pf]);
  });

  it('a preview writes nothing and shows the sysfs write as echo N > sriov_numvfs', () => {
    const s = step('numvfs 4 preview');
    expect(s.dryRun).toBe(true);
    expect(s.argv).toEqual([[W, r.numvfsPath, '4']]);
    expect(s.shell).toContain(`\necho 4 > ${r.numvfsPath}\n`);
    expect(s.warnings).toEqual([
      `edit 1: ${r.pf}'s device does not report sriov_totalvfs: the kernel decides whether 4 VFs are possible`,
    ]);
    expect(s.numvfs[r.pf]).toBe(0);
  });

  it('numvfs 0 → 4 is one sysfs write; the kernel then lists 4 VFs', () => {
    const s = step('numvfs 4');
    ok(s);
    expect(s.argv).toEqual([[W, r.numvfsPath, '4']]);
    expect(s.undo).toEqual([[W, r.numvfsPath, '0']]);
    expect(s.numvfs[r.pf]).toBe(4);
    expect(step('settings on 4').ip[r.pf].map((v) => [v.address, v.vlan_list, v.trust])).toEqual([
      ['02:00:00:00:00:10', [{}], false],
      ['00:00:00:00:00:00', [{ vlan: 101, qos: 2 }], false],
      ['00:00:00:00:00:00', [{}], false],
      ['00:00:00:00:00:00', [{}], true],
    ]);
  });

  it('numvfs 4 → 2 goes through 0, with the warning naming what was set on the VFs it removes', () => {
    const s = step('numvfs 2');
    ok(s);
    expect(s.argv).toEqual([
      [W, r.numvfsPath, '0'],
      [W, r.numvfsPath, '2'],
    ]);
    expect(s.undo).toEqual([
      [W, r.numvfsPath, '4'],
      [W, r.numvfsPath, '0'],
    ]);
    expect(s.warnings[0]).toMatch(
      new RegExp(
        `only through 0 \\(EBUSY otherwise\\), so ${r.pf} goes 4 → 0 → 2: this removes the existing 4 VFs of ${r.pf} \\(vfs 0–3\\) and everything set on them`,
      ),
    );
    expect(s.warnings[0]).toContain('vf 0: MAC 02:00:00:00:00:10; vf 1: VLAN 101 qos 2; vf 3: trust on');
    expect(s.numvfs[r.pf]).toBe(2);
    expect(s.ip[r.pf].map((v) => v.vf)).toEqual([0, 1]);
  });

  it.each([
    ['mac', 0, { address: '02:00:00:00:0a:01' }, ['mac', '02:00:00:00:0a:01']],
    [
      'vlan 802.1ad',
      0,
      { vlan_list: [{ vlan: 42, qos: 3, protocol: '802.1ad' }] },
      ['vlan', '42', 'qos', '3', 'proto', '802.1ad'],
    ],
    ['vlan 802.1Q', 1, { vlan_list: [{ vlan: 7, qos: 5 }] }, ['vlan', '7', 'qos', '5']],
    ['rates', 1, { rate: { max_tx: 500, min_tx: 50 } }, ['max_tx_rate', '500', 'min_tx_rate', '50']],
    ['trust', 1, { trust: true }, ['trust', 'on']],
    ['spoofchk', 1, { spoofchk: true }, ['spoofchk', 'on']],
    ['state', 0, { link_state: 'disable' }, ['state', 'disable']],
    ['query_rss', 1, { query_rss_en: true }, ['query_rss', 'on']],
  ] as [string, number, Partial<IpVf>, string[]][])(
    '%s: ip link set dev PF vf %i … — and the kernel shows it, and did not before',
    (name, n, want, words) => {
      const s = step(name);
      ok(s);
      expect(s.argv).toEqual([['ip', 'link', 'set', 'dev', r.pf, 'vf', String(n), ...words]]);
      expect(vfOf(s, n)).toMatchObject(want);
      expect(vfOf(before(name), n)).not.toMatchObject(want);
      // nothing else changed
      expect(s.ip[r.pf].filter((v) => v.vf !== n)).toEqual(before(name).ip[r.pf].filter((v) => v.vf !== n));
    },
  );

  it('several settings at once, then undo: the VF is exactly as before', () => {
    const s = step('combo');
    ok(s);
    expect(s.argv).toHaveLength(7);
    expect(vfOf(s, 1)).toMatchObject({
      address: '02:00:00:00:0b:01',
      vlan_list: [{}],
      rate: { max_tx: 800, min_tx: 200 },
      spoofchk: false,
      trust: false,
      link_state: 'enable',
      query_rss_en: false,
    });
    const u = step('combo undone');
    ok(u);
    expect(u.argv[0]).toEqual(['ip', 'link', 'set', 'dev', r.pf, 'vf', '1', 'query_rss', 'on']);
    expect(u.ip[r.pf]).toEqual(step('query_rss').ip[r.pf]);
  });

  it('undo of a numvfs change writes the old count back (through 0)', () => {
    expect(step('numvfs 1').numvfs[r.pf]).toBe(1);
    const u = step('numvfs 1 undone');
    ok(u);
    expect(u.argv).toEqual([
      [W, r.numvfsPath, '0'],
      [W, r.numvfsPath, '2'],
    ]);
    expect(u.numvfs[r.pf]).toBe(2);
  });

  it("more VFs than netdevsim allows: the kernel's errno verbatim, and the write of 0 is rolled back", () => {
    const s = step('numvfs 5 fails');
    expect(s.refused).toBeNull();
    expect(s.ok).toBe(false);
    expect(s.failedStep).toBe(2);
    expect(s.error).toBe(`echo 5 > ${r.numvfsPath}: ENOMEM: not enough memory, write`);
    expect(s.rolledBack).toEqual([{ step: 1, argv: [W, r.numvfsPath, '2'], ok: true, error: null }]);
    expect(s.numvfs[r.pf]).toBe(2);
    expect(s.ip[r.pf]).toEqual(before('numvfs 5 fails').ip[r.pf]);
  });

  it("a later step the kernel refuses rolls the VF changes back, with the kernel's message verbatim", () => {
    const s = step('vf then bad route');
    expect(s.ok).toBe(false);
    expect(s.failedStep).toBe(3);
    expect(s.error).toBe('Error: Nexthop has invalid gateway.');
    expect(s.rolledBack.map((x) => [x.step, x.ok, x.argv.slice(-2)])).toEqual([
      [2, true, ['trust', 'off']],
      [1, true, ['mac', '02:00:00:00:0a:01']],
    ]);
    expect(s.ip[r.pf]).toEqual(before('vf then bad route').ip[r.pf]);
  });

  it.each([
    [
      'rate refused before running',
      'edits.0.minTxRate',
      /min_tx_rate 5000 would exceed max_tx_rate 500 \(its current maximum\)/,
    ],
    ['no sr-iov', 'edits.0.dev', /^no SR-IOV on this device: eth0 \(namespace host\)/],
    ['no such vf', 'edits.0.vf', /has no vf 7: its VFs are vfs 0–1/],
  ])('%s: refused naming %s, and nothing changed', (name, path, message) => {
    const s = step(name);
    expect(s.refused?.issues).toEqual([{ path, message: expect.stringMatching(message) }]);
    expect(s.ip).toEqual(before(name).ip);
    expect(s.numvfs).toEqual(before(name).numvfs);
  });

  it('the same MAC set on VFs of two PFs through applyEdits is a duplicate-MAC warning naming both', () => {
    ok(step('pf2 numvfs 2'));
    const s = step('duplicate mac');
    ok(s);
    expect(vfOf(s, 1, r.pf2).address).toBe(vfOf(s, 0).address);
    expect(r.warnings).toEqual([
      {
        code: 'vf-duplicate-mac',
        message: `VF MAC ${vfOf(s, 0).address} is set on 2 VFs: ${r.pf} vf 0, ${r.pf2} vf 1`,
        ids: [r.pfIds[r.pf], r.pfIds[r.pf2]],
      },
    ]);
  });

  it("at the end host.snapshot shows the PF's VFs as ip does", () => {
    const last = r.steps.at(-1)!;
    const snap = r.snapshotVfs as {
      numVfs: number;
      totalVfs: number | null;
      vfs: {
        index: number;
        mac: string;
        vlans: unknown[];
        maxTxRate: number;
        minTxRate: number;
        spoofchk: boolean;
        trust: boolean;
        linkState: string;
        queryRss: boolean;
      }[];
    };
    expect(snap.numVfs).toBe(last.numvfs[r.pf]);
    expect(snap.totalVfs).toBeNull();
    expect(
      snap.vfs.map((v) => [v.index, v.mac, v.maxTxRate, v.minTxRate, v.spoofchk, v.trust, v.linkState, v.queryRss]),
    ).toEqual(
      last.ip[r.pf].map((v) => [
        v.vf,
        v.address,
        v.rate?.max_tx,
        v.rate?.min_tx,
        v.spoofchk,
        v.trust,
        v.link_state,
        v.query_rss_en,
      ]),
    );
  });
});
