'use client';
// Labelled form controls that show the server's message for their own field, right beside it.
// Each field claims its path, so the dialog lists only the issues no field shows.
import { createContext, useContext, useLayoutEffect, type ReactNode } from 'react';
import type { FieldIssue } from './api';
import { issuesFor } from './issues';

export interface IssuesState {
  issues: FieldIssue[];
  claim: (path: string) => () => void;
}

export const IssuesContext = createContext<IssuesState>({ issues: [], claim: () => () => {} });

function useFieldIssues(path: string): string[] {
  const { issues, claim } = useContext(IssuesContext);
  useLayoutEffect(() => claim(path), [claim, path]);
  return issuesFor(issues, path);
}

interface FieldProps {
  label: string;
  /** the field's path inside the edits array, e.g. "0.name" */
  path: string;
  hint?: ReactNode;
  children: ReactNode;
}

export function Field({ label, path, hint, children }: FieldProps) {
  const errs = useFieldIssues(path);
  return (
    <label className={`ed-field${errs.length ? ' has-error' : ''}`} data-field={path}>
      <span className="ed-label">{label}</span>
      <span className="ed-control">
        {children}
        {hint && <span className="ed-hint">{hint}</span>}
        {errs.map((m, i) => (
          <span key={i} className="ed-error" role="alert" data-testid="field-error" data-field={path}>
            {m}
          </span>
        ))}
      </span>
    </label>
  );
}

interface TextProps {
  label: string;
  path: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  hint?: ReactNode;
  mono?: boolean;
  multiline?: boolean;
  autoFocus?: boolean;
}

export function TextField(p: TextProps) {
  const common = {
    value: p.value,
    placeholder: p.placeholder,
    autoFocus: p.autoFocus,
    spellCheck: false,
    'data-testid': `input-${p.path}`,
    className: p.mono === false ? undefined : 'mono',
  };
  return (
    <Field label={p.label} path={p.path} hint={p.hint}>
      {p.multiline ? (
        <textarea rows={2} {...common} onChange={(e) => p.onChange(e.target.value)} />
      ) : (
        <input type="text" autoComplete="off" {...common} onChange={(e) => p.onChange(e.target.value)} />
      )}
    </Field>
  );
}

export interface Choice {
  value: string;
  label: string;
  /** why it cannot be chosen */
  disabled?: string | null;
}

interface SelectProps {
  label: string;
  path: string;
  value: string;
  onChange: (v: string) => void;
  choices: Choice[];
  hint?: ReactNode;
}

export function SelectField(p: SelectProps) {
  return (
    <Field label={p.label} path={p.path} hint={p.hint}>
      <select value={p.value} onChange={(e) => p.onChange(e.target.value)} data-testid={`input-${p.path}`}>
        {p.choices.map((c) => (
          <option key={c.value} value={c.value} disabled={!!c.disabled} title={c.disabled ?? undefined}>
            {c.label}
            {c.disabled ? ` — ${c.disabled}` : ''}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function CheckField({
  label,
  path,
  checked,
  onChange,
}: {
  label: string;
  path: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  const errs = useFieldIssues(path);
  return (
    <label className={`ed-check${errs.length ? ' has-error' : ''}`} data-field={path}>
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        data-testid={`input-${path}`}
      />
      {label}
      {errs.map((m, i) => (
        <span key={i} className="ed-error" role="alert" data-testid="field-error" data-field={path}>
          {m}
        </span>
      ))}
    </label>
  );
}

/** the server's messages for a path, without a control of their own (e.g. under a list of choices) */
export function FieldIssues({ path }: { path: string }) {
  const errs = useFieldIssues(path);
  return (
    <>
      {errs.map((m, i) => (
        <span key={i} className="ed-error" role="alert" data-testid="field-error" data-field={path}>
          {m}
        </span>
      ))}
    </>
  );
}
