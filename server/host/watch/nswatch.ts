// Namespaces coming and going: inotify on the directories that name them (/var/run/netns, Docker's),
// plus a slow re-scan for what no directory announces (processes that unshare or exit).
import 'server-only';
import fs from 'node:fs';

export interface NamespaceDirWatch {
  close(): void;
}

/**
 * Calls onChange when an entry appears in or leaves one of `dirs`, and onTick every `rescanMs`.
 * A directory that does not exist yet (Docker not installed, no `ip netns add` so far) is
 * watched from the tick on which it appears.
 */
export function watchNamespaceDirs(
  dirs: string[],
  onChange: (dir: string) => void,
  onTick: () => void,
  rescanMs: number,
): NamespaceDirWatch {
  const watchers = new Map<string, fs.FSWatcher>();
  /** `announce`: report right away (a directory that appeared may already hold entries) */
  const watchOne = (dir: string, announce: boolean) => {
    try {
      const w = fs.watch(dir, { persistent: false }, () => onChange(dir));
      w.on('error', () => {
        // the directory itself went away: drop the watch; a later tick re-arms it if it returns
        w.close();
        watchers.delete(dir);
        onChange(dir);
      });
      watchers.set(dir, w);
      if (announce) onChange(dir);
    } catch {
      /* not there (yet) */
    }
  };
  for (const dir of dirs) watchOne(dir, false); // the caller reads everything at start anyway
  const timer = setInterval(() => {
    for (const dir of dirs) if (!watchers.has(dir)) watchOne(dir, true);
    onTick();
  }, rescanMs);
  timer.unref?.();
  return {
    close() {
      clearInterval(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}

/**
 * A cheap summary of which processes hold which network namespaces (the first 8 pids of each, as
 * discovery lists them): readdir + readlink only, no stat or comm reads. When it has not changed since
 * the last tick, the full discovery can be skipped.
 */
export async function processFingerprint(procDir: string, ignore: { has(pid: number): boolean }): Promise<string> {
  let entries: string[];
  try {
    entries = await fs.promises.readdir(procDir);
  } catch {
    return '';
  }
  const byNs = new Map<string, number[]>();
  await Promise.all(
    entries.map(async (d) => {
      if (!/^\d+$/.test(d) || ignore.has(Number(d))) return;
      try {
        const target = await fs.promises.readlink(`${procDir}/${d}/ns/net`);
        const list = byNs.get(target);
        if (list) list.push(Number(d));
        else byNs.set(target, [Number(d)]);
      } catch {
        /* gone, or not ours to read */
      }
    }),
  );
  return [...byNs]
    .map(
      ([ns, pids]) =>
        `${ns}:${pids
          .sort((a, b) => a - b)
          .slice(0, 8)
          .join(',')}`,
    )
    .sort()
    .join(' ');
}
