// Docker tier: a real dockerd (../shared/docker-sandbox: in a namespace of its own, --iptables=false, a
// busybox image imported locally) runs `web-1` on the default bridge and `legacy-app` on a macvlan
// network whose parent is the sandbox's own veth `eth0` (inside the sandbox namespace, never the
// machine's). readHost names their namespaces and ties docker0, the veths and the macvlan child to
// their networks; the watcher, with its /proc re-scan turned off, hears a container start and stop
// through the Docker event stream alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import path from 'node:path';
import { DOCKER_SANDBOX, dockerTier } from '../tiers';
import { readHost } from '../../server/host/read';
import { HostWatcher } from '../../server/host/watch';
import { applyDiff } from '../../shared/host/diff';
import { run } from '../../server/ip/run';
import type { HostSnapshot } from '../../shared/host/types';
import type { DockerSocket } from '../../server/host/owners/docker';

const SANDBOX = 'lsO2';
const sock: DockerSocket = { path: `/run/${SANDBOX}-docker/docker.sock`, explicit: true };
const docker = (...args: string[]) =>
  execa('docker', args, { env: { DOCKER_HOST: `unix://${sock.path}` } }).then((r) => r.stdout.trim());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!dockerTier.ok) console.warn(`!! SKIPPED docker tier (owners-docker): ${dockerTier.why}`);

describe.skipIf(!dockerTier.ok)('docker tier: containers and networks name namespaces and devices', () => {
  let snap: HostSnapshot;
  let daemonNs = '';

  beforeAll(async () => {
    await execa(path.join(DOCKER_SANDBOX, 'down'), [SANDBOX], { reject: false });
    await execa(path.join(DOCKER_SANDBOX, 'up'), [SANDBOX]);
    daemonNs = (await execa('stat', ['-L', '-c', '%i', `/run/netns/${SANDBOX}`])).stdout.trim();
    await docker('run', '-d', '--name', 'web-1', 'busybox:local', 'sleep', '1d');
    await docker(
      'network',
      'create',
      '-d',
      'macvlan',
      '--subnet',
      '192.168.163.0/24',
      '-o',
      'parent=eth0',
      '-o',
      'macvlan_mode=bridge',
      'macnet',
    );
    await docker(
      'run',
      '-d',
      '--name',
      'legacy-app',
      '--net',
      'macnet',
      '--ip',
      '192.168.163.10',
      'busybox:local',
      'sleep',
      '1d',
    );
    snap = await readHost(run, { owners: { docker: sock } });
  }, 180_000);

  afterAll(async () => {
    await execa(path.join(DOCKER_SANDBOX, 'down'), [SANDBOX], { reject: false });
  }, 120_000);

  const nsOf = (s: HostSnapshot, name: string) =>
    s.namespaces.find((n) => n.owner?.runtime === 'docker' && n.owner.name === name);

  it('labels each container namespace with its name and says what runs there', async () => {
    const web = nsOf(snap, 'web-1');
    const legacy = nsOf(snap, 'legacy-app');
    expect(web?.label).toBe('web-1 · docker');
    expect(legacy?.label).toBe('legacy-app · docker');
    const id = await docker('inspect', '-f', '{{.Id}}', 'web-1');
    expect(web?.owner).toMatchObject({ kind: 'container', id, image: 'busybox:local', state: 'running' });
    const ip = await docker('inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'web-1');
    expect(web?.owner?.networks).toEqual([
      expect.objectContaining({
        name: 'bridge',
        driver: 'bridge',
        ips: [expect.stringMatching(new RegExp(`^${ip.replace(/\./g, '\\.')}/\\d+$`))],
      }),
    ]);
    expect(legacy?.owner?.networks).toEqual([
      expect.objectContaining({ name: 'macnet', driver: 'macvlan', ips: ['192.168.163.10/24'] }),
    ]);
    // the namespace is matched by inode: it is the one the container's process is in
    const pid = await docker('inspect', '-f', '{{.State.Pid}}', 'web-1');
    expect(web?.id).toBe((await execa('stat', ['-L', '-c', '%i', `/proc/${pid}/ns/net`])).stdout.trim());
  });

  it("ties docker0 (in the daemon's namespace), its ports and the container's veth to the network `bridge`", () => {
    const docker0 = snap.links.find((l) => l.nsId === daemonNs && l.name === 'docker0');
    expect(docker0?.network).toMatchObject({
      runtime: 'docker',
      name: 'bridge',
      driver: 'bridge',
      subnets: [expect.stringMatching(/\/\d+$/)],
    });
    const web = nsOf(snap, 'web-1');
    const eth0 = snap.links.find((l) => l.nsId === web?.id && l.name === 'eth0');
    expect(eth0?.network?.name).toBe('bridge');
    const hostEnd = snap.links.find((l) => l.id === eth0?.peerId);
    expect(hostEnd?.masterId).toBe(docker0?.id);
    expect(hostEnd?.network?.name).toBe('bridge');
  });

  it("ties legacy-app's macvlan child to macnet, its parent the sandbox's eth0", () => {
    const legacy = nsOf(snap, 'legacy-app');
    const child = snap.links.find((l) => l.nsId === legacy?.id && l.kind === 'macvlan');
    expect(child?.network).toMatchObject({
      runtime: 'docker',
      name: 'macnet',
      driver: 'macvlan',
      subnets: ['192.168.163.0/24'],
    });
    const parent = snap.links.find((l) => l.id === child?.parentId);
    expect(parent).toMatchObject({ nsId: daemonNs, name: 'eth0' });
    expect(parent?.network).toBeNull();
  });

  it('sees a container start and stop through the event stream (no /proc re-scan)', async () => {
    const w = new HostWatcher({
      run,
      owners: { docker: sock },
      rescanMs: 600_000,
      fullRescanEvery: 1000,
      lingerMs: 0,
      log: () => {},
    });
    const ac = new AbortController();
    let state: HostSnapshot | null = null;
    let failed: Error | null = null;
    const loop = (async () => {
      try {
        for await (const item of w.subscribe(null, ac.signal)) {
          if (item.event.type === 'snapshot') state = item.event.snapshot;
          else if (item.event.type === 'diff' && state) state = applyDiff(state, item.event.diff);
        }
      } catch (e) {
        failed = e instanceof Error ? e : new Error(String(e));
      }
    })();
    const waitFor = async (what: string, pred: (s: HostSnapshot) => boolean) => {
      for (let i = 0; i < 3000; i++) {
        if (failed) throw failed;
        if (state && pred(state)) return state;
        await sleep(10);
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    try {
      await waitFor('the first snapshot', (s) => !!nsOf(s, 'web-1'));
      await docker('run', '-d', '--name', 'live-1', 'busybox:local', 'sleep', '1d');
      const s = await waitFor('live-1 to appear', (x) => !!nsOf(x, 'live-1'));
      const live = nsOf(s, 'live-1');
      expect(live?.label).toBe('live-1 · docker');
      expect(s.links.find((l) => l.nsId === live?.id && l.name === 'eth0')?.network?.name).toBe('bridge');
      await docker('rm', '-f', 'live-1');
      await waitFor('live-1 to go', (x) => !nsOf(x, 'live-1') && !x.namespaces.some((n) => n.id === live?.id));
    } finally {
      ac.abort();
      w.stop();
      await loop;
    }
  });

  it('names an unreadable socket in the banner, with the reason', async () => {
    const s = await readHost(run, {
      owners: { docker: { path: `/run/${SANDBOX}-docker/nothing.sock`, explicit: true } },
    });
    expect(s.hidden).toContain(
      `Docker (/run/${SANDBOX}-docker/nothing.sock): no such socket — containers are not named`,
    );
    expect(s.namespaces.some((n) => n.owner?.runtime === 'docker')).toBe(false);
  });
});
