// What a form is: initial values, fields to edit them, and the edits they stand for. The dialog
// (EditDialog) does the rest the same way for every form: the plan inline, errors by field, guard, apply.
import type { ComponentType, ReactNode } from 'react';
import type { Edit } from '@/shared/edits/schema';
import type { HostSnapshot } from '@/shared/host/types';
import type { HostLookup } from '../../host/lookup';
import type { Capabilities } from '../api';

/**
 * The host as an edit form sees it: the page's latest snapshot (PageHost's, from host.watch), its lookups
 * (HostLookup, built once per snapshot) and what the kernel can do (host.capabilities; null until known).
 */
export interface FormHost {
  snapshot: HostSnapshot;
  ix: HostLookup;
  caps: Capabilities | null;
}

export interface FieldsProps<V> {
  values: V;
  set: (patch: Partial<V>) => void;
  host: FormHost;
}

export interface EditForm<V> {
  /** stable name, for tests (data-form) */
  key: string;
  title: string;
  initial: V;
  /** none: nothing to fill in, the plan is made as the dialog opens */
  Fields?: ComponentType<FieldsProps<V>>;
  /** above the fields: what the user should know first (processes in a namespace, …) */
  intro?: (host: FormHost) => ReactNode;
  /** may throw an Error whose message is shown (e.g. the object is gone from the host) */
  toEdits: (values: V, host: FormHost) => Edit[];
  /** into the draft as several items (a recipe's steps); default one item: the title and toEdits */
  toDraftItems?: (values: V, host: FormHost) => { title: string; edits: Edit[] }[];
}

// The dialog holds forms of any value type; each factory fixes its own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyForm = EditForm<any>;
