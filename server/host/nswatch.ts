// Namespaces coming and going: inotify on the directories that name them (/var/run/netns, Docker's),
// plus a slow re-scan for what no directory announces (processes that unshare or exit).
import fs from 'node:fs';

export interface NamespaceDirWatch {
  close(): void;
}

/**
 * Calls onChange when an entry appears in or leaves one of `dirs`, and onTick every `rescanMs`.
 * A directory that does not exist yet (Docker not installed, no `ip netns add` so far) is
 * watched from the tick on which it appears.
 */
export function watchNamespaceDirs(dirs: string[], onChange: (dir: string) => void, onTick: () => void, rescanMs: number): NamespaceDirWatch {
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
