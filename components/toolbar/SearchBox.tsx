'use client';
import { useEffect, useState } from 'react';

/** Search by name, IP or CIDR, MAC, namespace; applied after a short pause in typing. */
export function SearchBox({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const [text, setText] = useState(value);
  // a new value from outside (a cleared search, a jump) replaces what was typed, in the same render
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setText(value);
  }
  useEffect(() => {
    if (text === value) return;
    const t = setTimeout(() => onChange(text), 180);
    return () => clearTimeout(t);
  }, [text, value, onChange]);
  return (
    <input
      type="search"
      className="search"
      placeholder="search: name, IP, MAC, ns"
      title="name, IP address or CIDR (matches addresses inside it), MAC, namespace; several words must all match"
      aria-label="search"
      data-testid="search"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter') onChange(text);
        if (e.key === 'Escape') setText('');
      }}
    />
  );
}
