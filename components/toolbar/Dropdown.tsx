'use client';
import { useEffect, useRef, useState, type ReactNode } from 'react';

/** A toolbar button that opens a small panel; closes on outside click or Escape. The panel's
 *  content is only rendered while open (a namespace list can be hundreds of rows). */
export function Dropdown({
  label,
  active,
  children,
  testId,
}: {
  label: ReactNode;
  active: boolean;
  children: ReactNode;
  testId: string;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  const [open, setOpen] = useState(false);
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
    <details
      ref={ref}
      className={`dropdown${active ? ' active' : ''}`}
      data-testid={testId}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary className="btn">{label}</summary>
      <div className="dropdown-body">{open ? children : null}</div>
    </details>
  );
}
