// Property-based: hostile names and values never reach argv and always give an error naming the field;
// valid edits never put an option-looking word into argv where a value belongs.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ApplyInput, Edit, ifNameProblem, nsNameProblem } from '../../shared/edits/schema';
import { EditSession } from '../../server/edits/apply';
import { planEdits } from '../../server/edits/plan';
import type { Runner } from '../../server/ip/run';
import { fixtureSnapshot, SELF_PID } from './edit-fixture';

const HOSTILE_CHARS = [
  ' ',
  '\t',
  '\n',
  '/',
  ':',
  '\0',
  'é',
  '中',
  '😀',
  '\u2028',
  '\u00a0',
  ';',
  '$',
  '`',
  '"',
  "'",
  '*',
  '\\',
];

/** strings that are invalid for every string field of every op */
const hostileCore = fc.oneof(
  fc.constantFrom(
    '',
    '.',
    '..',
    '-x',
    '--help',
    '-n',
    '-6',
    ' ',
    '-',
    'a b',
    'a/b',
    'a:b',
    'a\0b',
    'eth0 ; reboot',
    '$(reboot)',
    '../../etc',
  ),
  fc
    .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...HOSTILE_CHARS), fc.string({ maxLength: 6 }))
    .map(([a, c, b]) => a + c + b),
  fc.string({ maxLength: 10 }).map((s) => '-' + s),
);
const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
const overlongIf = fc.array(alnum, { minLength: 16, maxLength: 40 }).map((a) => 'x' + a.join(''));
const overlongNs = fc.array(alnum, { minLength: 65, maxLength: 100 }).map((a) => 'x' + a.join(''));

type Field = { name: string; edit: Record<string, unknown>; path: (string | number)[]; kind: 'if' | 'ns' | 'value' };
const base = {
  veth: { op: 'link.add', kind: 'veth', name: 'va', peer: { name: 'vb' } },
  macvlan: {
    op: 'link.add',
    kind: 'macvlan',
    name: 'mv',
    parent: 'eth1',
    mode: 'source',
    macaddrs: ['02:00:00:00:00:01'],
    addresses: ['10.0.0.1/24'],
    mac: '02:00:00:00:00:02',
  },
  set: { op: 'link.set', dev: 'vroot', up: true },
  route: { op: 'route.add', dst: '10.5.0.0/16', via: '10.1.0.1', dev: 'vroot' },
  addr: { op: 'addr.add', dev: 'vroot', cidr: '10.3.0.1/24' },
};
function withValue(edit: Record<string, unknown>, p: (string | number)[], v: unknown): Record<string, unknown> {
  const copy = structuredClone(edit);
  let cur: Record<string | number, unknown> = copy;
  for (const k of p.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  cur[p.at(-1)!] = v;
  return copy;
}
const fields: Field[] = [
  { name: 'netns.add name', edit: { op: 'netns.add', name: 'ok' }, path: ['name'], kind: 'ns' },
  { name: 'netns.del ns', edit: { op: 'netns.del', ns: 'blue' }, path: ['ns'], kind: 'ns' },
  { name: 'link.add name', edit: base.macvlan, path: ['name'], kind: 'if' },
  { name: 'link.add parent', edit: base.macvlan, path: ['parent'], kind: 'if' },
  { name: 'link.add ns', edit: base.macvlan, path: ['ns'], kind: 'ns' },
  { name: 'link.add netns', edit: base.macvlan, path: ['netns'], kind: 'ns' },
  { name: 'link.add mac', edit: base.macvlan, path: ['mac'], kind: 'value' },
  { name: 'link.add addresses', edit: base.macvlan, path: ['addresses', 0], kind: 'value' },
  { name: 'link.add macaddrs', edit: base.macvlan, path: ['macaddrs', 0], kind: 'value' },
  { name: 'veth peer name', edit: base.veth, path: ['peer', 'name'], kind: 'if' },
  { name: 'veth peer netns', edit: base.veth, path: ['peer', 'netns'], kind: 'ns' },
  { name: 'link.del dev', edit: { op: 'link.del', dev: 'vroot' }, path: ['dev'], kind: 'if' },
  { name: 'link.set dev', edit: base.set, path: ['dev'], kind: 'if' },
  { name: 'link.set name', edit: base.set, path: ['name'], kind: 'if' },
  { name: 'link.set master', edit: base.set, path: ['master'], kind: 'if' },
  { name: 'link.set netns', edit: base.set, path: ['netns'], kind: 'ns' },
  { name: 'link.set mac', edit: base.set, path: ['mac'], kind: 'value' },
  { name: 'addr.add dev', edit: base.addr, path: ['dev'], kind: 'if' },
  { name: 'addr.add cidr', edit: base.addr, path: ['cidr'], kind: 'value' },
  { name: 'route.add dst', edit: base.route, path: ['dst'], kind: 'value' },
  { name: 'route.add via', edit: base.route, path: ['via'], kind: 'value' },
  { name: 'route.add dev', edit: base.route, path: ['dev'], kind: 'if' },
  {
    name: 'vxlan remote',
    edit: { op: 'link.add', kind: 'vxlan', name: 'vx', vni: 1, remote: '192.0.2.2' },
    path: ['remote'],
    kind: 'value',
  },
];

describe('hostile values never reach argv', () => {
  it("the base edits are valid (so each failure below is the hostile value's)", () => {
    for (const f of fields) expect(ApplyInput.safeParse({ edits: [f.edit] }).success, f.name).toBe(true);
  });

  it.each(fields)('$name: a validation error naming the field, and no command runs', async (f) => {
    const gen =
      f.kind === 'if'
        ? fc.oneof(hostileCore, overlongIf)
        : f.kind === 'ns'
          ? fc.oneof(hostileCore, overlongNs)
          : hostileCore;
    const calls: string[][] = [];
    const run: Runner = async (argv) => {
      calls.push(argv);
      return { argv, stdout: '', stderr: '', exitCode: 0 };
    };
    let reads = 0;
    const session = new EditSession({
      readSnapshot: async () => (reads++, fixtureSnapshot()),
      capabilities: async () => ({
        probed: false,
        probedAt: null,
        root: true,
        iproute2: null,
        kernel: null,
        kinds: {} as never,
        note: null,
      }),
      selfPid: SELF_PID,
    });
    await fc.assert(
      fc.asyncProperty(gen, async (v) => {
        const input = { edits: [withValue(f.edit, f.path, v)] };
        const parsed = ApplyInput.safeParse(input);
        expect(parsed.success).toBe(false);
        if (parsed.success) return;
        const want = ['edits', 0, ...f.path].join('.');
        expect(parsed.error.issues.map((i) => i.path.join('.'))).toContain(want);
        for (const i of parsed.error.issues) expect(i.message.length).toBeGreaterThan(8);
        await expect(
          session.apply({ run, auditLog: '/nonexistent/never-written', remote: 't', readOnly: false }, input),
        ).rejects.toThrow();
      }),
      { numRuns: 150 },
    );
    expect(calls).toEqual([]);
    expect(reads).toBe(0);
  });
});

describe('valid values: names are always the value of a keyword, never an option', () => {
  // a leading letter keeps values from equalling numeric words (a vlan id "5") in the indexOf check below
  const first = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_'.split(''));
  const rest = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_.-'.split(''));
  // values equal to an argv keyword would make indexOf below find the keyword instead
  const KEYWORDS = new Set([
    'ip',
    'netns',
    'add',
    'del',
    'set',
    'link',
    'name',
    'dev',
    'type',
    'veth',
    'peer',
    'up',
    'down',
    'addr',
    'route',
    'via',
    'mtu',
    'master',
    'nomaster',
    'mode',
    'bridge',
    'macvlan',
    'vlan',
    'protocol',
    'id',
    'lo',
  ]);
  const ifname = fc
    .tuple(first, fc.array(rest, { maxLength: 14 }))
    .map(([a, b]) => a + b.join(''))
    .filter(
      (s) =>
        ifNameProblem(s) === null && !KEYWORDS.has(s) && !['eth0', 'eth1', 'vroot', 'br0', 'ifb0', 'vblue'].includes(s),
    );
  const nsname = fc
    .tuple(fc.constantFrom(...'abcxyz'.split('')), fc.array(rest, { maxLength: 20 }))
    .map(([a, b]) => a + b.join(''))
    .filter((s) => nsNameProblem(s) === null && !KEYWORDS.has(s) && s !== 'blue');
  const octet = fc.integer({ min: 1, max: 254 });
  const OPTIONS = new Set(['-n', '-6', '-j', '--']);

  it('every argv word starting with "-" is one of ours', () => {
    fc.assert(
      fc.property(nsname, ifname, ifname, octet, octet, fc.integer({ min: 1, max: 4094 }), (ns, a, b, o1, o2, vid) => {
        fc.pre(a !== b && b !== `m${vid}` && b !== `r${vid}`);
        const edits = [
          { op: 'netns.add', name: ns },
          {
            op: 'link.add',
            kind: 'veth',
            ns,
            name: a,
            peer: { name: b, netns: 'blue' },
            addresses: [`10.${o1}.${o2}.1/24`],
            up: true,
          },
          { op: 'link.add', kind: 'macvlan', ns, name: `m${vid}`, parent: a, mode: 'bridge', netns: 'blue' },
          { op: 'link.add', kind: 'vlan', name: `v${vid}`, parent: 'eth1', id: vid },
          { op: 'route.add', ns, dst: `10.${o2}.0.0/16`, via: `10.${o1}.${o2}.254`, dev: a },
          { op: 'link.set', ns: 'blue', dev: b, name: `r${vid}`, mtu: 1400, master: null },
        ].map((e) => Edit.parse(e));
        const plan = planEdits(edits, fixtureSnapshot(), { selfPid: SELF_PID });
        for (const s of plan.steps) {
          for (const argv of [s.argv, s.undo ?? []]) {
            for (const w of argv) {
              if (w.startsWith('-'))
                expect(OPTIONS.has(w) || w.startsWith('--net=/'), `${w} in ${argv.join(' ')}`).toBe(true);
            }
            // a user value always follows a keyword: name, dev, link, peer name, netns, master
            for (const v of [a, b, ns]) {
              const i = argv.indexOf(v);
              if (i > 0 && argv[0] === 'ip' && argv[1] !== 'netns' && argv[i - 1] !== '-n') {
                expect(
                  ['name', 'dev', 'link', 'netns', 'master'],
                  `${v} after ${argv[i - 1]} in ${argv.join(' ')}`,
                ).toContain(argv[i - 1]);
              }
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
