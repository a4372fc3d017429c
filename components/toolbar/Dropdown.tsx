'use client';
import { useEffect, useRef, type ReactNode } from 'react';

/** A toolbar button that opens a small panel; closes on outside click or Escape. */
export function Dropdown({ label, active, children, testId }: { label: ReactNode; active: boolean; children: ReactNode; testId: string }) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const close = (e: Event) => {
      const d = ref.current;
      if (!d?.open) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !d.contains(e.target as Node)) d.open = false;
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);
  return (
    <details ref={ref} className={`dropdown${active ? ' active' : ''}`} data-testid={testId}>
      <summary className="btn">{label}</summary>
      <div className="dropdown-body">{children}</div>
    </details>
  );
}
