'use client';
// The lock-out guard: the server holds back a change that can cut the host off until the user types
// the name of each link concerned (then the request goes again with force: true).
import { useEffect, useState } from 'react';

interface Props {
  /** why, in the server's words */
  reasons: string[];
  /** what must be typed */
  names: string[];
  onChange: (confirmed: boolean) => void;
}

export function GuardConfirm({ reasons, names, onChange }: Props) {
  const [typed, setTyped] = useState<Record<string, string>>({});
  const ok = names.every((n) => typed[n] === n);
  useEffect(() => {
    onChange(ok);
  }, [ok, onChange]);
  return (
    <section className="ed-guard" data-testid="guard">
      <h3>Lock-out guard: this can cut the host off</h3>
      <ul>
        {reasons.map((r, i) => (
          <li key={i}>{r}</li>
        ))}
      </ul>
      {names.map((n) => (
        <label key={n} className="ed-guard-input">
          Type <b className="mono">{n}</b> to confirm:
          <input
            type="text"
            className="mono"
            autoComplete="off"
            spellCheck={false}
            value={typed[n] ?? ''}
            onChange={(e) => setTyped((t) => ({ ...t, [n]: e.target.value }))}
            data-testid="guard-input"
            data-name={n}
          />
          {typed[n] === n && <span className="state-up">✓</span>}
        </label>
      ))}
    </section>
  );
}
