// Lab VM tier: ONE boot of ../shared/lab-vm/run runs test/labvm/inside-edit.ts — the ipvlan L3
// walkthrough (two namespaces, ipvlan l3 children of eth1 in 192.168.10.0/24 and 192.168.20.0/24, default
// routes dev the ipvlan, a ping across), then 802.1Q/802.1ad vlans and a dummy, then undo — all through
// the tRPC router. This file checks the JSON report it prints.
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import path from 'node:path';
import { labvmTier, LABVM_DIR } from '../tiers';
import type { EditReport } from './inside-edit';
import { insideNode } from './inside';

const REPO = path.resolve(__dirname, '../..');
const BEGIN = '==LINKSCAPE-EDIT-BEGIN==';
const END = '==LINKSCAPE-EDIT-END==';

type IpAddrLink = {
  ifname: string;
  flags: string[];
  link?: string;
  link_index?: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
  addr_info: { family: string; local: string; prefixlen: number }[];
};

describe.skipIf(!labvmTier.ok)('lab VM tier: editing on a kernel with ipvlan, vlan, dummy', () => {
  let r: EditReport;

  beforeAll(async () => {
    // TCG is slow (about 3 minutes here): one boot for the whole walkthrough
    const out = await execa(path.join(LABVM_DIR, 'run'), ['--', ...insideNode('inside-edit.ts')], {
      cwd: REPO,
      reject: false,
      timeout: 12 * 60_000,
      all: true,
    });
    const s = out.stdout ?? '';
    const a = s.indexOf(BEGIN);
    const b = s.indexOf(END);
    if (out.exitCode !== 0 || a < 0 || b < 0)
      throw new Error(`lab VM run failed (exit ${out.exitCode}):\n${out.all?.slice(-4000)}`);
    r = JSON.parse(s.slice(a + BEGIN.length, b));
  }, 13 * 60_000);

  it('ran on the lab kernel, whose capabilities include every kind', () => {
    expect(r.kernel).toMatch(/^6\.1\./);
    for (const k of ['ipvlan', 'ipvtap', 'vlan', 'dummy', 'macvlan', 'veth', 'vxlan', 'bridge', 'macvtap']) {
      expect(r.kinds[k], k).toEqual({ supported: true, reason: null });
    }
  });

  it('the walkthrough applied as planned: ipvlan l3 children created straight into ns1 and ns2', () => {
    expect(r.walkthrough.error).toBeNull();
    expect(r.walkthrough.ok).toBe(true);
    expect(r.walkthrough.argv).toContainEqual([
      'ip',
      'link',
      'add',
      'link',
      'eth1',
      'name',
      'ipv1',
      'netns',
      'ns1',
      'type',
      'ipvlan',
      'mode',
      'l3',
    ]);
    expect(r.walkthrough.argv).toContainEqual(['ip', '-n', 'ns2', 'route', 'add', 'default', 'dev', 'ipv2']);
    const checks: [unknown, string, string][] = [
      [r.ns1Link, 'ipv1', '192.168.10.10'],
      [r.ns2Link, 'ipv2', '192.168.20.10'],
    ];
    for (const [doc, name, addr] of checks) {
      const [l] = doc as IpAddrLink[];
      expect(l.ifname).toBe(name);
      expect(l.linkinfo?.info_kind).toBe('ipvlan');
      expect(l.linkinfo?.info_data?.mode).toBe('l3');
      expect(l.flags).toContain('UP');
      expect(l.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)).toEqual([
        `${addr}/24`,
      ]);
    }
  });

  it('each namespace routes by default through its ipvlan', () => {
    expect(r.ns1Routes).toContainEqual(expect.objectContaining({ dst: 'default', dev: 'ipv1' }));
    expect(r.ns2Routes).toContainEqual(expect.objectContaining({ dst: 'default', dev: 'ipv2' }));
  });

  it('diag.ping from ns1 reaches ns2 across the subnets', () => {
    expect(r.ping.argv).toEqual([
      'nsenter',
      '--net=/var/run/netns/ns1',
      '--',
      'ping',
      '-n',
      '-c',
      '3',
      '-W',
      '1',
      '192.168.20.10',
    ]);
    expect(r.ping.exitCode, r.ping.lines.join('\n')).toBe(0);
    expect(r.ping.lines.join('\n')).toMatch(/3 packets transmitted, 3 received, 0% packet loss/);
  });

  it('802.1Q and 802.1ad vlans and a dummy were created with their addresses', () => {
    expect(r.vlanDummy.error).toBeNull();
    const one = (n: string) => (r.vlanDummyLinks[n] as IpAddrLink[])[0];
    expect(one('eth1.10').linkinfo).toMatchObject({ info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 10 } });
    expect(one('eth1.10').link).toBe('eth1');
    expect(one('eth1.10').flags).toContain('UP');
    expect(one('eth1.10').addr_info.map((a) => a.local)).toContain('192.168.30.1');
    expect(one('qinq20').linkinfo).toMatchObject({ info_kind: 'vlan', info_data: { protocol: '802.1ad', id: 20 } });
    expect(one('dm0').linkinfo?.info_kind).toBe('dummy');
    expect(one('dm0').addr_info.map((a) => `${a.local}/${a.prefixlen}`)).toContain('10.99.99.1/32');
  });

  it('undo removed the vlans and the dummy', () => {
    expect(r.undo.ok).toBe(true);
    for (const n of ['eth1.10', 'qinq20', 'dm0']) expect(r.undo.remaining).not.toContain(n);
    expect(r.undo.remaining).toContain('eth1');
  });

  it('the lock-out guard refuses taking eth1 down without force', () => {
    expect(r.guard).toMatch(/refused without force: taking down eth1, a physical NIC/);
  });
});
