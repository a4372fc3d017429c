'use client';
// "Ping from this namespace": the command's output streamed line by line from diag.ping (SSE), with a
// stop button. Changes nothing on the host, so it is there in read-only mode too.
import { useEffect, useMemo, useRef, useState } from 'react';
import { argvToShell } from '@/shared/edits/shell';
import { trpc } from '../trpc';
import { callError } from './api';
import { nsOf } from './forms/choices';
import type { FormHost } from './forms/types';

type State = 'idle' | 'running' | 'done';

export function PingPanel({ nsId, host, onClose }: { nsId: string; host: FormHost; onClose: () => void }) {
  const ns = host.ix.nsById.get(nsId);
  const [target, setTarget] = useState('');
  const [count, setCount] = useState('4');
  const [lines, setLines] = useState<string[]>([]);
  const [argv, setArgv] = useState<string[] | null>(null);
  const [exit, setExit] = useState<string | null>(null);
  const [state, setState] = useState<State>('idle');
  const sub = useRef<{ unsubscribe: () => void } | null>(null);
  const out = useRef<HTMLPreElement>(null);

  // addresses on the host as suggestions, nearest (this namespace's neighbours) first
  const suggestions = useMemo(() => {
    const list: { ip: string; where: string }[] = [];
    for (const l of host.snapshot.links) {
      if (l.kind === 'loopback') continue;
      for (const a of l.addresses)
        if (a.scope !== 'link')
          list.push({ ip: a.cidr.split('/')[0], where: `${l.name} @ ${host.ix.nsById.get(l.nsId)?.label ?? l.nsId}` });
    }
    return list.slice(0, 200);
  }, [host]);

  const stop = () => {
    sub.current?.unsubscribe();
    sub.current = null;
    setState((s) => (s === 'running' ? 'done' : s));
    setExit((e) => e ?? 'stopped');
  };
  useEffect(() => () => sub.current?.unsubscribe(), []);
  useEffect(() => {
    out.current?.scrollTo({ top: out.current.scrollHeight });
  }, [lines]);

  const start = () => {
    stop();
    setLines([]);
    setArgv(null);
    setExit(null);
    setState('running');
    const n = Number(count);
    sub.current = trpc.diag.ping.subscribe(
      { ...(ns && !ns.root ? { nsId: ns.id } : {}), target: target.trim(), count: Number.isInteger(n) ? n : 4 },
      {
        onData: (ev) => {
          if (ev.type === 'start') setArgv(ev.argv);
          else if (ev.type === 'line') setLines((l) => [...l, ev.line].slice(-500));
          else {
            setExit(`exit ${ev.exitCode ?? 'killed'}${ev.stderr ? `: ${ev.stderr}` : ''}`);
            setState('done');
          }
        },
        onError: (e) => {
          const ce = callError(e);
          setExit(ce.issues.length ? ce.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : ce.message);
          setState('done');
          sub.current = null;
        },
        onComplete: () => {
          setState('done');
          sub.current = null;
        },
      },
    );
  };

  return (
    <div className="ed-ping" data-testid="ping-panel" data-ns={nsId}>
      <header className="ed-head">
        <h2>ping from {ns ? nsOf(host, nsId).label : nsId}</h2>
        <button
          type="button"
          className="close"
          aria-label="close"
          onClick={() => {
            stop();
            onClose();
          }}
        >
          ×
        </button>
      </header>
      <form
        className="ed-ping-form"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        <input
          type="text"
          className="mono"
          list="ed-ping-targets"
          placeholder="address, e.g. 10.0.0.2"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          data-testid="ping-target"
          autoFocus
          spellCheck={false}
        />
        <datalist id="ed-ping-targets">
          {suggestions.map((s, i) => (
            <option key={i} value={s.ip}>
              {s.where}
            </option>
          ))}
        </datalist>
        <label className="muted">
          count{' '}
          <input
            type="number"
            min={1}
            max={10}
            value={count}
            onChange={(e) => setCount(e.target.value)}
            className="ed-count"
            data-testid="ping-count"
          />
        </label>
        {state === 'running' ? (
          <button type="button" className="btn danger" onClick={stop} data-testid="ping-stop">
            Stop
          </button>
        ) : (
          <button type="submit" className="btn primary" disabled={!target.trim()} data-testid="ping-start">
            Ping
          </button>
        )}
      </form>
      {argv && <code className="ed-argv">{argvToShell(argv)}</code>}
      <pre ref={out} className="ed-ping-out" data-testid="ping-output">
        {lines.join('\n')}
      </pre>
      {exit && (
        <div className={`ed-ping-exit ${exit.startsWith('exit 0') ? 'state-up' : 'warn-text'}`} data-testid="ping-exit">
          {exit}
        </div>
      )}
    </div>
  );
}
