// sriov.numvfs and sriov.vf: the exact steps (sysfs writes and ip argv) with their undos from the
// snapshot, the through-0 plan and its warning, the guard, and bad input naming the field.
import { describe, expect, it } from 'vitest';
import { ApplyInput, Edit } from '../../shared/edits/schema';
import { planEdits, PlanError, type Plan } from '../../server/edits/plan';
import { argvToShell, planToShell, SYSFS_WRITE } from '../../shared/edits/shell';
import { BLUE, SELF_PID } from './edit-fixture';
import { PF_DEV, sriovSnapshot } from './sriov-edit-fixture';

const NUMVFS = `/sys/bus/pci/devices/${PF_DEV}/sriov_numvfs`;
const NSIM_NUMVFS = '/sys/bus/netdevsim/devices/netdevsim10/sriov_numvfs';
const write = (p: string, v: number) => [SYSFS_WRITE, p, String(v)];
const vfSet = (n: number, ...words: string[]) => ['ip', 'link', 'set', 'dev', 'enp3s0f0', 'vf', String(n), ...words];

const plan = (edits: unknown[], o: { vfNetdevDefault?: boolean } = {}): Plan =>
  planEdits(
    edits.map((e) => Edit.parse(e)),
    sriovSnapshot('/sys', o),
    { selfPid: SELF_PID },
  );
const pairs = (p: Plan) => p.steps.map((s) => [s.argv, s.undo]);

function planError(edits: unknown[]): PlanError {
  try {
    plan(edits);
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error('expected a PlanError');
}

describe('sriov.numvfs', () => {
  it('0 → 3 on a device without sriov_totalvfs: one sysfs write, undone by writing 0; the unknown total is said', () => {
    const p = plan([{ op: 'sriov.numvfs', dev: 'eni0', numVfs: 3 }]);
    expect(pairs(p)).toEqual([[write(NSIM_NUMVFS, 3), write(NSIM_NUMVFS, 0)]]);
    expect(p.steps[0].description).toBe('enable 3 VFs on eni0 (sriov_numvfs 0 → 3)');
    expect(p.warnings).toEqual([
      "edit 1: eni0's device does not report sriov_totalvfs: the kernel decides whether 3 VFs are possible",
    ]);
    expect(p.guards).toEqual([]);
  });

  it('4 → 2 goes through 0, warns that the VFs and their settings go, and guards the VF netdevs', () => {
    const p = plan([{ op: 'sriov.numvfs', dev: 'enp3s0f0', numVfs: 2 }]);
    expect(pairs(p)).toEqual([
      [write(NUMVFS, 0), write(NUMVFS, 4)],
      [write(NUMVFS, 2), write(NUMVFS, 0)],
    ]);
    expect(p.steps.map((s) => s.description)).toEqual([
      'remove the 4 VFs of enp3s0f0 (sriov_numvfs 4 → 0)',
      'enable 2 VFs on enp3s0f0 (sriov_numvfs 0 → 2)',
    ]);
    const [through0, netdevs] = p.warnings;
    expect(through0).toMatch(
      /only through 0 \(EBUSY otherwise\), so enp3s0f0 goes 4 → 0 → 2: this removes the existing 4 VFs of enp3s0f0 \(vfs 0–3\) and everything set on them/,
    );
    expect(through0).toContain('vf 0: MAC 02:00:00:00:00:10, trust on');
    expect(through0).toContain('vf 1: VLAN 101 qos 2 802.1ad, max_tx_rate 1000, min_tx_rate 100');
    expect(through0).toContain('vf 3: state enable, netdev enp3s0f0v3');
    expect(through0).toMatch(
      /VFs made again get whatever the driver gives new VFs .* undo brings the count back, not necessarily those settings$/,
    );
    expect(netdevs).toBe(
      'edit 1: the VF netdevs enp3s0f0v2 (blue), enp3s0f0v3 (host) vanish with their VFs, with their addresses and routes',
    );
    expect(p.guards).toEqual([
      {
        edit: 0,
        link: 'enp3s0f0',
        ns: 'host',
        reason: expect.stringMatching(/deletes the VF netdevs enp3s0f0v2 \(blue\), enp3s0f0v3 \(host\)/),
      },
    ]);
    // a total is known here: no "decides" warning
    expect(p.warnings.join(' ')).not.toMatch(/sriov_totalvfs/);
  });

  it('the script and the preview spell a sysfs write as echo N > PATH', () => {
    const p = plan([{ op: 'sriov.numvfs', dev: 'enp3s0f0', numVfs: 2 }]);
    const sh = planToShell(p);
    expect(sh).toContain(`\necho 0 > ${NUMVFS}\n`);
    expect(sh).toContain(`#    undo: echo 4 > ${NUMVFS}\n`);
    expect(sh).toContain(`\necho 2 > ${NUMVFS}\n`);
    expect(argvToShell(write('/sys/a b/sriov_numvfs', 1))).toBe("echo 1 > '/sys/a b/sriov_numvfs'");
  });

  it('4 → 0: one write, undone by writing 4', () => {
    const p = plan([{ op: 'sriov.numvfs', dev: 'enp3s0f0', numVfs: 0 }]);
    expect(pairs(p)).toEqual([[write(NUMVFS, 0), write(NUMVFS, 4)]]);
    expect(p.warnings[0]).toMatch(/^edit 1: this removes the existing 4 VFs of enp3s0f0/);
  });

  it('the PF by namespace id works the same (the device path does not depend on the namespace)', () => {
    const p = planEdits(
      [Edit.parse({ op: 'sriov.numvfs', ns: undefined, dev: 'eni0', numVfs: 1 })],
      sriovSnapshot('/sys'),
      { selfPid: SELF_PID },
    );
    expect(p.steps[0].argv).toEqual(write(NSIM_NUMVFS, 1));
  });
});

describe('sriov.vf', () => {
  it('every setting is its own command, undone to the snapshot value', () => {
    const p = plan([
      {
        op: 'sriov.vf',
        dev: 'enp3s0f0',
        vf: 1,
        mac: '02:00:00:00:0a:01',
        vlan: { id: 42, qos: 3, proto: '802.1Q' },
        maxTxRate: 500,
        minTxRate: 50,
        spoofchk: false,
        trust: true,
        state: 'disable',
        queryRss: true,
      },
    ]);
    expect(pairs(p)).toEqual([
      [vfSet(1, 'mac', '02:00:00:00:0a:01'), vfSet(1, 'mac', '00:00:00:00:00:00')],
      [vfSet(1, 'vlan', '42', 'qos', '3', 'proto', '802.1Q'), vfSet(1, 'vlan', '101', 'qos', '2', 'proto', '802.1ad')],
      [vfSet(1, 'max_tx_rate', '500', 'min_tx_rate', '50'), vfSet(1, 'max_tx_rate', '1000', 'min_tx_rate', '100')],
      [vfSet(1, 'spoofchk', 'off'), vfSet(1, 'spoofchk', 'on')],
      [vfSet(1, 'trust', 'on'), vfSet(1, 'trust', 'off')],
      [vfSet(1, 'state', 'disable'), vfSet(1, 'state', 'auto')],
      [vfSet(1, 'query_rss', 'on'), vfSet(1, 'query_rss', 'off')],
    ]);
    expect(p.steps.map((s) => s.description)).toEqual([
      'set the MAC of enp3s0f0 vf 1 to 02:00:00:00:0a:01 (was 00:00:00:00:00:00)',
      'set the VLAN of enp3s0f0 vf 1 to 42 qos 3 802.1Q (was 101 qos 2 802.1ad)',
      'set the TX rates of enp3s0f0 vf 1: max 500 Mb/s, min 50 Mb/s (was max 1000 Mb/s, min 100 Mb/s)',
      'spoof checking off on enp3s0f0 vf 1 (was on)',
      'trust on on enp3s0f0 vf 1 (was off)',
      'set the link state of enp3s0f0 vf 1 to disable (was auto)',
      'RSS query on on enp3s0f0 vf 1 (was off)',
    ]);
    expect(p.warnings).toEqual([]);
    expect(p.guards).toEqual([]);
  });

  it('a VLAN set on an untagged VF is undone with vlan 0; vlan 0 removes one; 802.1ad is passed on', () => {
    expect(pairs(plan([{ op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, vlan: { id: 7, proto: '802.1ad' } }]))).toEqual([
      [vfSet(0, 'vlan', '7', 'proto', '802.1ad'), vfSet(0, 'vlan', '0')],
    ]);
    const p = plan([{ op: 'sriov.vf', dev: 'enp3s0f0', vf: 1, vlan: { id: 0 } }]);
    expect(pairs(p)).toEqual([[vfSet(1, 'vlan', '0'), vfSet(1, 'vlan', '101', 'qos', '2', 'proto', '802.1ad')]]);
    expect(p.steps[0].description).toBe('remove the VLAN of enp3s0f0 vf 1 (was 101 qos 2 802.1ad)');
  });

  it('clearing a MAC with all zeros is allowed and said so', () => {
    const p = plan([{ op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, mac: '00:00:00:00:00:00' }]);
    expect(pairs(p)).toEqual([[vfSet(0, 'mac', '00:00:00:00:00:00'), vfSet(0, 'mac', '02:00:00:00:00:10')]]);
    expect(p.steps[0].description).toBe('clear the MAC of enp3s0f0 vf 0 (was 02:00:00:00:00:10)');
  });

  it('one rate alone is sent alone (ip keeps the other), and undone as the pair', () => {
    expect(pairs(plan([{ op: 'sriov.vf', dev: 'enp3s0f0', vf: 1, minTxRate: 900 }]))).toEqual([
      [vfSet(1, 'min_tx_rate', '900'), vfSet(1, 'max_tx_rate', '1000', 'min_tx_rate', '100')],
    ]);
  });

  it("a second edit of the same VF is undone to the first edit's value", () => {
    const p = plan([
      { op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, trust: false, mac: '02:00:00:00:0b:01' },
      { op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, trust: true, mac: '02:00:00:00:0b:02' },
    ]);
    expect(p.steps.map((s) => s.undo)).toEqual([
      vfSet(0, 'mac', '02:00:00:00:00:10'),
      vfSet(0, 'trust', 'on'),
      vfSet(0, 'mac', '02:00:00:00:0b:01'),
      vfSet(0, 'trust', 'off'),
    ]);
  });

  it('a PF in another namespace is reached there', () => {
    const s = sriovSnapshot('/sys');
    const pf = s.links.find((l) => l.name === 'eni0')!;
    Object.assign(pf, { nsId: BLUE, id: `${BLUE}/21`, sriov: { ...pf.sriov!, numVfs: 2, vfs: [] } });
    const p = planEdits([Edit.parse({ op: 'sriov.vf', ns: 'blue', dev: 'eni0', vf: 1, trust: true })], s, {
      selfPid: SELF_PID,
    });
    // sysfs lists the VF but ip reported nothing for it: no value to restore
    expect(pairs(p)).toEqual([[['ip', '-n', 'blue', 'link', 'set', 'dev', 'eni0', 'vf', '1', 'trust', 'on'], null]]);
    expect(p.warnings).toEqual(["edit 1: eni0 does not report vf 1's settings, so these changes cannot be undone"]);
  });

  it('VFs the same plan creates can be set, without undo (their defaults are unknown); others do not exist yet', () => {
    const p = plan([
      { op: 'sriov.numvfs', dev: 'eni0', numVfs: 2 },
      { op: 'sriov.vf', dev: 'eni0', vf: 1, mac: '02:00:00:00:0c:01' },
    ]);
    expect(pairs(p)).toEqual([
      [write(NSIM_NUMVFS, 2), write(NSIM_NUMVFS, 0)],
      [['ip', 'link', 'set', 'dev', 'eni0', 'vf', '1', 'mac', '02:00:00:00:0c:01'], null],
    ]);
    expect(p.warnings[1]).toMatch(/^edit 2: eni0 vf 1 is created by this plan: .* no undo/);
    const e = (() => {
      try {
        plan([
          { op: 'sriov.numvfs', dev: 'eni0', numVfs: 2 },
          { op: 'sriov.vf', dev: 'eni0', vf: 2, trust: true },
        ]);
      } catch (x) {
        return x as PlanError;
      }
    })();
    expect(e?.issues).toEqual([{ path: ['edits', 1, 'vf'], message: 'eni0 has no vf 2: its VFs are vfs 0–1' }]);
  });

  it('the lock-out guard holds back MAC, VLAN and disable of a VF whose netdev carries the host default route', () => {
    const g = plan(
      [{ op: 'sriov.vf', dev: 'enp3s0f0', vf: 3, mac: '02:00:00:00:0d:01', vlan: { id: 5 }, state: 'disable' }],
      { vfNetdevDefault: true },
    ).guards;
    expect(g).toEqual([
      {
        edit: 0,
        link: 'enp3s0f0',
        ns: 'host',
        reason:
          "the MAC, the VLAN, disabling the link of enp3s0f0 vf 3, whose netdev enp3s0f0v3 carries the host's default route, can cut this host off",
      },
    ]);
    expect(
      plan([{ op: 'sriov.vf', dev: 'enp3s0f0', vf: 3, trust: true, state: 'enable' }], { vfNetdevDefault: true })
        .guards,
    ).toEqual([]);
    expect(plan([{ op: 'sriov.vf', dev: 'enp3s0f0', vf: 3, mac: '02:00:00:00:0d:01' }]).guards).toEqual([]);
  });
});

describe('a VF netdev moves with link.set netns like any link (guarded: it is a NIC)', () => {
  it('into a namespace, with what the kernel does spelled out, and back', () => {
    const p = plan([{ op: 'link.set', dev: 'enp3s0f0v3', netns: 'blue' }]);
    expect(p.steps.map((s) => s.argv)).toEqual([
      ['ip', 'link', 'set', 'dev', 'enp3s0f0v3', 'down'],
      ['ip', 'addr', 'del', '198.51.100.7/24', 'dev', 'enp3s0f0v3'],
      ['ip', 'link', 'set', 'dev', 'enp3s0f0v3', 'netns', 'blue'],
    ]);
    expect(p.steps[2].undo).toEqual([
      'ip',
      '-n',
      'blue',
      'link',
      'set',
      'dev',
      'enp3s0f0v3',
      'netns',
      `/proc/${SELF_PID}/ns/net`,
    ]);
    expect(p.guards[0]).toMatchObject({ link: 'enp3s0f0v3', reason: expect.stringMatching(/a physical NIC/) });
    const back = plan([{ op: 'link.set', ns: 'blue', dev: 'enp3s0f0v2', netns: '4026531840' }]);
    expect(back.steps.map((s) => s.argv)).toEqual([
      ['ip', '-n', 'blue', 'link', 'set', 'dev', 'enp3s0f0v2', 'down'],
      ['ip', '-n', 'blue', 'link', 'set', 'dev', 'enp3s0f0v2', 'netns', `/proc/${SELF_PID}/ns/net`],
    ]);
  });
});

describe('bad input → an error naming the field, and nothing planned', () => {
  const zodCases: [string, unknown, string, RegExp][] = [
    ['numVfs negative', { op: 'sriov.numvfs', dev: 'eni0', numVfs: -1 }, 'edits.0.numVfs', /numVfs must be 0–65535/],
    ['numVfs fractional', { op: 'sriov.numvfs', dev: 'eni0', numVfs: 1.5 }, 'edits.0.numVfs', /whole number/],
    ['numVfs missing', { op: 'sriov.numvfs', dev: 'eni0' }, 'edits.0.numVfs', /./],
    ['dev with a space', { op: 'sriov.numvfs', dev: 'eni0 x', numVfs: 1 }, 'edits.0.dev', /whitespace/],
    ['nothing to change', { op: 'sriov.vf', dev: 'enp3s0f0', vf: 0 }, 'edits.0.vf', /nothing to change/],
    ['vf index negative', { op: 'sriov.vf', dev: 'enp3s0f0', vf: -1, trust: true }, 'edits.0.vf', /vf must be 0–65534/],
    [
      'VLAN id 4096',
      { op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, vlan: { id: 4096 } },
      'edits.0.vlan.id',
      /VLAN id must be 0–4095/,
    ],
    [
      'QoS 8',
      { op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, vlan: { id: 5, qos: 8 } },
      'edits.0.vlan.qos',
      /QoS .* must be 0–7/,
    ],
    [
      'proto',
      { op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, vlan: { id: 5, proto: '802.1X' } },
      'edits.0.vlan.proto',
      /802.1Q or 802.1ad/,
    ],
    [
      'min above max',
      { op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, maxTxRate: 100, minTxRate: 200 },
      'edits.0.minTxRate',
      /minTxRate 200 must not exceed maxTxRate 100/,
    ],
    ['negative rate', { op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, maxTxRate: -5 }, 'edits.0.maxTxRate', /0–4294967295/],
    [
      'multicast MAC',
      { op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, mac: '03:00:00:00:00:01' },
      'edits.0.mac',
      /unicast .*00:00:00:00:00:00 clears/,
    ],
    ['state', { op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, state: 'up' }, 'edits.0.state', /auto, enable or disable/],
    ['unknown key', { op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, trust: true, guid: 'x' }, 'edits.0', /guid/],
  ];
  it.each(zodCases)('zod: %s', (_name, edit, path, message) => {
    const r = ApplyInput.safeParse({ edits: [edit] });
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path.join('.') === path);
    expect(issue, JSON.stringify(r.error!.issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it('min and max both 0 or one of them 0 are fine (0 = no limit)', () => {
    expect(
      ApplyInput.safeParse({ edits: [{ op: 'sriov.vf', dev: 'p', vf: 0, maxTxRate: 0, minTxRate: 200 }] }).success,
    ).toBe(true);
  });

  const planCases: [string, unknown[], string, string | RegExp][] = [
    [
      'a NIC without SR-IOV',
      [{ op: 'sriov.numvfs', dev: 'eth1', numVfs: 2 }],
      'edits.0.dev',
      'no SR-IOV on this device: eth1 (namespace host) reports no SR-IOV physical function',
    ],
    [
      'VF settings on a NIC without SR-IOV',
      [{ op: 'sriov.vf', dev: 'eth1', vf: 0, trust: true }],
      'edits.0.dev',
      /^no SR-IOV on this device/,
    ],
    [
      'a VF netdev as the PF',
      [{ op: 'sriov.numvfs', ns: 'blue', dev: 'enp3s0f0v2', numVfs: 1 }],
      'edits.0.dev',
      'no SR-IOV on this device: enp3s0f0v2 is a VF (vf 2 of enp3s0f0); change VF settings through its PF',
    ],
    [
      'no such link',
      [{ op: 'sriov.numvfs', dev: 'nope0', numVfs: 1 }],
      'edits.0.dev',
      'no interface nope0 in namespace host',
    ],
    [
      'more than sriov_totalvfs',
      [{ op: 'sriov.numvfs', dev: 'enp3s0f0', numVfs: 9 }],
      'edits.0.numVfs',
      'enp3s0f0 supports at most 8 VFs (its sriov_totalvfs); 9 is more, which the kernel refuses (ERANGE)',
    ],
    [
      'the same count',
      [{ op: 'sriov.numvfs', dev: 'enp3s0f0', numVfs: 4 }],
      'edits.0.numVfs',
      'enp3s0f0 already has 4 VFs: nothing to change',
    ],
    [
      'a VF index the PF lacks',
      [{ op: 'sriov.vf', dev: 'enp3s0f0', vf: 4, trust: true }],
      'edits.0.vf',
      'enp3s0f0 has no vf 4: its VFs are vfs 0–3',
    ],
    [
      'a VF on a PF with none',
      [{ op: 'sriov.vf', dev: 'eni0', vf: 0, trust: true }],
      'edits.0.vf',
      'eni0 has no VFs: set the number of VFs first',
    ],
    [
      'min above the current max',
      [{ op: 'sriov.vf', dev: 'enp3s0f0', vf: 1, minTxRate: 2000 }],
      'edits.0.minTxRate',
      /min_tx_rate 2000 would exceed max_tx_rate 1000/,
    ],
    [
      'max below the current min',
      [{ op: 'sriov.vf', dev: 'enp3s0f0', vf: 1, maxTxRate: 50 }],
      'edits.0.maxTxRate',
      /min_tx_rate 100 would exceed max_tx_rate 50 \(its current minimum\)/,
    ],
    [
      'a later edit on a VF an earlier one removed',
      [
        { op: 'sriov.numvfs', dev: 'enp3s0f0', numVfs: 0 },
        { op: 'sriov.vf', dev: 'enp3s0f0', vf: 0, trust: true },
      ],
      'edits.1.vf',
      'enp3s0f0 has no VFs: set the number of VFs first',
    ],
  ];
  it.each(planCases)('planner: %s', (_name, edits, path, message) => {
    const e = planError(edits);
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0].path.join('.')).toBe(path);
    expect(e.issues[0].message).toMatch(message);
  });
});
