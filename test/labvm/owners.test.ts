// Lab VM tier: the seed's Docker ipvlan L3 walkthrough runs for real in the VM (its kernel has ipvlan;
// this machine's has not) with ../shared/docker-sandbox: ipnet210 with two subnets, a container on each,
// a ping across. test/labvm/inside-owners.ts does it and reads the host; here the report is checked.
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import path from 'node:path';
import { DOCKER_SANDBOX, labvmTier, LABVM_DIR } from '../tiers';
import { cpSync, existsSync, rmSync } from 'node:fs';
import type { OwnersReport } from './inside-owners';
import { insideNode } from './inside';

const REPO = path.resolve(__dirname, '../..');
const BEGIN = '==LINKSCAPE-LABVM-BEGIN==';
const END = '==LINKSCAPE-LABVM-END==';
// dockerd runs inside the VM from this machine's files (read-only root): it must be installed here
const tier = !labvmTier.ok
  ? labvmTier
  : !existsSync('/usr/sbin/dockerd') && !existsSync('/usr/bin/dockerd')
    ? { ok: false, why: 'dockerd is not installed (apt-get install -y docker.io busybox-static)' }
    : !existsSync(path.join(DOCKER_SANDBOX, 'up'))
      ? { ok: false, why: `no docker sandbox at ${DOCKER_SANDBOX}` }
      : { ok: true, why: '' };
if (!tier.ok) console.warn(`!! SKIPPED lab VM owners test: ${tier.why}`);

describe.skipIf(!tier.ok)(
  'lab VM tier: Docker ipvlan L3 (ipnet210) containers are named, their children tied to the network',
  () => {
    let report: OwnersReport;

    beforeAll(async () => {
      // the VM shares only the current directory (the rest of / read-only, /tmp its own): the sandbox's
      // scripts go with the repository for the run, and are removed after it
      const copy = path.join(REPO, `.labvm-owners-${process.pid}`);
      cpSync(DOCKER_SANDBOX, path.join(copy, 'docker-sandbox'), { recursive: true });
      let r;
      try {
        r = await execa(
          path.join(LABVM_DIR, 'run'),
          ['--mem', '1024', '--cpus', '2', '--', ...insideNode('inside-owners.ts')],
          {
            cwd: REPO,
            reject: false,
            timeout: 12 * 60_000,
            all: true,
            env: { LABVM_DOCKER_SANDBOX: path.join(copy, 'docker-sandbox') },
          },
        );
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
      const out = r.stdout ?? '';
      const a = out.indexOf(BEGIN);
      const b = out.indexOf(END);
      if (r.exitCode !== 0 || a < 0 || b < 0)
        throw new Error(`lab VM run failed (exit ${r.exitCode}):\n${r.all?.slice(-4000)}`);
      report = JSON.parse(out.slice(a + BEGIN.length, b));
    }, 13 * 60_000);

    it('pings across the two subnets of the L3 network (both replies)', () => {
      expect(report.ping).toMatch(/2 packets transmitted, 2 packets received/);
    });

    it.each([
      ['ipv-a', '192.168.214.10/24'],
      ['ipv-b', '10.1.214.10/24'],
    ])('names %s and ties its ipvlan child to ipnet210', (name, cidr) => {
      const ns = report.snapshot.namespaces.find((n) => n.id === report.nsOf[name]);
      expect(ns?.label).toBe(`${name} · docker`);
      expect(ns?.owner?.networks).toEqual([
        expect.objectContaining({ name: 'ipnet210', driver: 'ipvlan', ips: [cidr] }),
      ]);
      const child = report.snapshot.links.find((l) => l.nsId === ns?.id && l.kind === 'ipvlan');
      expect(child?.mode).toMatch(/^l3\b/); // iproute2 prints the mode and its flags: 'l3 bridge'
      expect(child?.addresses.map((x) => x.cidr)).toContain(cidr);
      expect(child?.network).toMatchObject({
        runtime: 'docker',
        name: 'ipnet210',
        driver: 'ipvlan',
        subnets: ['192.168.214.0/24', '10.1.214.0/24'],
      });
      // its parent: the sandbox's eth0, in the daemon's namespace
      const parent = report.snapshot.links.find((l) => l.id === child?.parentId);
      expect(parent?.name).toBe('eth0');
      expect(parent?.nsId).not.toBe(ns?.id);
    });
  },
);
