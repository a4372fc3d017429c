'use client';
// A dialog over the page; Escape or the × closes it (unless onClose is withheld while work runs).
import { useEffect, type ReactNode } from 'react';

interface Props {
  title: ReactNode;
  onClose?: () => void;
  testId: string;
  dataForm?: string;
  wide?: boolean;
  children: ReactNode;
}

export function Modal({ title, onClose, testId, dataForm, wide, children }: Props) {
  useEffect(() => {
    if (!onClose) return;
    const key = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', key);
    return () => document.removeEventListener('keydown', key);
  }, [onClose]);
  return (
    <div className="ed-overlay">
      <div
        className={`ed-dialog${wide ? ' wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={typeof title === 'string' ? title : undefined}
        data-testid={testId}
        data-form={dataForm}
      >
        <header className="ed-head">
          <h2>{title}</h2>
          {onClose && (
            <button type="button" className="close" aria-label="close" onClick={onClose}>
              ×
            </button>
          )}
        </header>
        <div className="ed-body">{children}</div>
      </div>
    </div>
  );
}
