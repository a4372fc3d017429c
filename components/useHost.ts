'use client';
// The page's single copy of the host: one HostSnapshot, from host.watch (a snapshot, then diffs
// patched in with applyDiff) or, when the live feed is unavailable, host.snapshot. Refresh re-reads.
// Everything on the page is derived from it.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Activity, HostDiff, HostSnapshot, ReadProgress, WatchEvent } from '@/shared/host/types';
import { applyDiff } from '@/shared/host/diff';
import { SnapshotJoiner, type WireEvent } from '@/shared/host/parts';
import { errorText, trpc } from './trpc';

export type LiveState = 'connecting' | 'live' | 'off';

/**
 * The host as the page holds it (useHost): the latest HostSnapshot, kept current by host.watch's diffs (or
 * fleet.watch's, for a node of the fleet), with the feed's connection, load state and recent activity.
 */
export interface PageHost {
  /** the live feed's connection */
  live: LiveState;
  liveError: string | null;
  snapshot: HostSnapshot | null;
  /** the last load failed (the snapshot, if any, is the previous one) */
  error: string | null;
  loading: boolean;
  /** before the first snapshot: how far the server's first read of the host is (null: not told) */
  progress: ReadProgress | null;
  /** what changed lately, newest first (from diffs) */
  activity: Activity[];
  /** bumps on every new snapshot or diff, so views know the host (not the view) changed */
  version: number;
  refresh: () => Promise<void>;
  /** patch the snapshot with a diff (host.watch) */
  apply: (diff: HostDiff) => void;
  replace: (snapshot: HostSnapshot) => void;
}

const MAX_ACTIVITY = 50;
/** under a burst of changes, redraw at most this often (a single change still shows at once) */
const MIN_FLUSH_MS = 150;
/** no snapshot and no word of progress from the live feed for this long: read once the plain way */
const FALLBACK_MS = 4000;

/** `node`: a node of the hub's fleet (fleet.watch / fleet.snapshot) instead of this server's host */
export function useHost(node: string | null = null): PageHost {
  const [snapshot, setSnapshot] = useState<HostSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [activity, setActivity] = useState<Activity[]>([]);
  const [version, setVersion] = useState(0);
  const [live, setLive] = useState<LiveState>('connecting');
  const [liveError, setLiveError] = useState<string | null>(null);
  const [progress, setProgress] = useState<ReadProgress | null>(null);
  const inFlight = useRef(0);

  const replace = useCallback((s: HostSnapshot) => {
    setSnapshot(s);
    setVersion((v) => v + 1);
  }, []);

  // diffs wait here until the next flush, so a burst of 200 changes is a few redraws, not 200
  const pending = useRef<HostDiff[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFlush = useRef(0);

  const flush = useCallback(() => {
    timer.current = null;
    lastFlush.current = performance.now();
    const diffs = pending.current;
    pending.current = [];
    if (!diffs.length) return;
    setSnapshot((s) => (s ? diffs.reduce(applyDiff, s) : s));
    const news = diffs.flatMap((d) => d.activity);
    if (news.length) setActivity((a) => [...news.reverse(), ...a].slice(0, MAX_ACTIVITY));
    setVersion((v) => v + 1);
  }, []);

  const apply = useCallback(
    (d: HostDiff) => {
      pending.current.push(d);
      if (timer.current) return;
      timer.current = setTimeout(flush, Math.max(0, lastFlush.current + MIN_FLUSH_MS - performance.now()));
    },
    [flush],
  );

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const refresh = useCallback(async () => {
    const mine = ++inFlight.current;
    setLoading(true);
    try {
      const s = node ? await trpc.fleet.snapshot.query({ node }) : await trpc.host.snapshot.query();
      if (mine === inFlight.current) {
        replace(s);
        setError(null);
      }
    } catch (e) {
      if (mine === inFlight.current) setError(errorText(e));
    } finally {
      if (mine === inFlight.current) setLoading(false);
    }
  }, [replace, node]);

  useEffect(() => {
    let got = false;
    // no snapshot from the feed soon: read once the plain way, so the page is never empty; while the
    // feed reports progress on its first read, it is alive and a second full read would only slow it
    let fallback: ReturnType<typeof setTimeout> | null = null;
    const armFallback = () => {
      if (fallback) clearTimeout(fallback);
      fallback = setTimeout(() => {
        if (!got) void refresh();
      }, FALLBACK_MS);
    };
    armFallback();
    const joiner = new SnapshotJoiner(); // a big snapshot comes in parts (shared/host/parts.ts)
    const handlers = {
      onData: ({ data: wire }: { data: WireEvent }) => {
        let data: WatchEvent | null;
        try {
          data = joiner.take(wire);
        } catch (e) {
          setLiveError(errorText(e));
          void refresh();
          return;
        }
        if (!data) return;
        if (data.type === 'progress') {
          if (!got) {
            setProgress(data.progress);
            armFallback();
          }
          return;
        }
        if (data.type === 'snapshot') {
          got = true;
          setProgress(null);
          pending.current = []; // the feed starts over: older diffs are in this snapshot
          ++inFlight.current; // a slower host.snapshot answer must not overwrite this
          setLoading(false);
          replace(data.snapshot);
          setError(null);
        } else apply(data.diff);
        setLive('live');
        setLiveError(null);
      },
      onError: (e: unknown) => {
        setLive('off');
        setLiveError(errorText(e));
        if (!got) void refresh();
      },
      onConnectionStateChange: (st: { state: string; error?: unknown }) => {
        setLive(st.state === 'pending' ? 'live' : st.state === 'connecting' ? 'connecting' : 'off');
        if (st.error) setLiveError(errorText(st.error));
      },
    };
    const sub = node ? trpc.fleet.watch.subscribe({ node }, handlers) : trpc.host.watch.subscribe(undefined, handlers);
    return () => {
      if (fallback) clearTimeout(fallback);
      sub.unsubscribe();
    };
  }, [refresh, replace, apply, node]);

  return { live, liveError, snapshot, error, loading, progress, activity, version, refresh, apply, replace };
}
