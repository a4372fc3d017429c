// Pure: what a process's /proc/PID/cgroup says about who runs it. kubelet puts every pod under a
// `kubepods` cgroup named after the pod's UID and each container under its id; Podman uses
// `libpod-<id>.scope` (`libpod_parent/libpod-<id>` with
// --cgroup-manager=cgroupfs); systemd a `<unit>.service`. Both cgroup drivers (cgroupfs paths, systemd
// slices) and both hierarchies (v1 `N:controller:/path` lines, v2 `0::/path`) are read.

export interface CgroupFacts {
  /** a Kubernetes pod: its UID (dashes, as the API writes it), QoS class, the container's id */
  pod?: { uid: string; qos: string | null; containerId: string | null };
  /** a Podman container (libpod-<id>.scope) and, in a pod, the pod's id (its parent cgroup) */
  podman?: { id: string; pod?: string };
  /** a systemd unit (`foo.service`) and the cgroup path it is in (v2 path, or v1 name=systemd path) */
  service?: { unit: string; path: string; v2: boolean };
}

const UUID = /pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?(?:\/|$)/;
// a container's cgroup: the bare id (cgroupfs) or a runtime's scope (systemd driver)
const CONTAINER = /^(?:cri-containerd-|crio-|docker-|containerd-)?([0-9a-f]{64})(?:\.scope)?$/;
const LIBPOD = /(?:^|\/)libpod-([0-9a-f]{64})(?:\.scope)?(?:\/|$)/;
// a pod's containers sit under the pod's cgroup: `libpod_parent/<pod id>/` (cgroupfs), `machine-libpod_pod_<pod id>.slice/` (systemd)
const LIBPOD_POD = /(?:^|\/)(?:machine-libpod_pod_)?([0-9a-f]{64})(?:\.slice)?\/libpod-[0-9a-f]{64}/;
const QOS = /kubepods[-/.](?:slice\/kubepods-)?(besteffort|burstable)/;

export function parseCgroupLines(text: string): { hierarchy: string; controllers: string; path: string }[] {
  const out: { hierarchy: string; controllers: string; path: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (m) out.push({ hierarchy: m[1], controllers: m[2], path: m[3] });
  }
  return out;
}

export function parseCgroup(text: string): CgroupFacts {
  const facts: CgroupFacts = {};
  const lines = parseCgroupLines(text);
  for (const { path } of lines) {
    if (facts.pod || !path.includes('kubepods')) continue;
    const m = UUID.exec(path);
    if (!m) continue;
    const after = path
      .slice(m.index + m[0].length)
      .split('/')
      .filter(Boolean);
    const last = after.length ? CONTAINER.exec(after[after.length - 1]) : null;
    const q = QOS.exec(path);
    facts.pod = { uid: m[1].replace(/_/g, '-'), qos: q ? q[1] : 'guaranteed', containerId: last ? last[1] : null };
  }
  for (const { path } of lines) {
    const m = LIBPOD.exec(path);
    if (m) {
      const pod = LIBPOD_POD.exec(path)?.[1];
      facts.podman = pod ? { id: m[1], pod } : { id: m[1] };
      break;
    }
  }
  // the unit: cgroup v2's line, else v1's name=systemd hierarchy (other v1 controllers may be flat)
  const unified = lines.find((l) => l.hierarchy === '0' && l.controllers === '');
  const named = lines.find((l) => l.controllers === 'name=systemd');
  for (const l of [unified, named]) {
    if (!l) continue;
    const seg = l.path.split('/').filter(Boolean).pop() ?? '';
    if (/^[\w@:.\\-]+\.service$/.test(seg)) {
      facts.service = { unit: seg, path: l.path, v2: l === unified };
      break;
    }
  }
  return facts;
}
