'use client';
// A recipe as a form: its parameters with defaults (the host's first NIC the kernel accepts as parent),
// its items straight into the draft — or previewed and applied at once like any form.
import { RECIPES, recipeDefaults, type Recipe, type RecipeId } from '@/shared/edits/recipes';
import type { Edit } from '@/shared/edits/schema';
import { SelectField, TextField } from '../Field';
import { nsLabel, parentChoices, parentProblem, rootNs } from './choices';
import type { EditForm, FieldsProps, FormHost } from './types';

type Values = Record<string, string>;

/** the child kind a recipe's parent must accept */
function parentKind(r: Recipe): string {
  if (r.id === 'macvlan-bridge') return 'macvlan';
  if (r.id.startsWith('ipvlan')) return 'ipvlan';
  return 'vlan'; // any non-loopback link
}

function firstParent(host: FormHost, r: Recipe): string | null {
  const root = rootNs(host);
  const links = host.snapshot.links.filter((l) => l.nsId === root.id && l.kind !== 'loopback');
  const ok = (l: (typeof links)[number]) => parentProblem(host, parentKind(r), l) === null && l.linkType === 'ether';
  if (r.id === 'sriov-vf')
    return links.find((l) => (l.sriov?.numVfs ?? 0) > 0)?.name ?? links.find((l) => l.sriov)?.name ?? null;
  return (
    (links.find((l) => l.kind === 'physical' && l.up && ok(l)) ?? links.find((l) => l.kind === 'physical' && ok(l)))
      ?.name ?? null
  );
}

function Fields(r: Recipe) {
  return function RecipeFields({ values: v, set, host }: FieldsProps<Values>) {
    const root = rootNs(host);
    const named = host.snapshot.namespaces.filter((n) => n.name && !n.root);
    // a parent lives in the recipe's chosen namespace (vxlan's underlay), else in the host's
    const parentNs = (v.ns ? named.find((n) => n.name === v.ns)?.id : undefined) ?? root.id;
    return (
      <>
        <p className="muted">{r.summary}</p>
        {r.params.map((p) =>
          p.kind === 'parent' ? (
            <SelectField
              key={p.key}
              label={p.label}
              path={`recipe.${p.key}`}
              value={v[p.key]}
              onChange={(x) => set({ [p.key]: x })}
              choices={parentChoices(host, parentNs, parentKind(r), { value: '', label: '(choose)' })}
              hint={p.hint}
            />
          ) : p.kind === 'namespace' ? (
            <SelectField
              key={p.key}
              label={p.label}
              path={`recipe.${p.key}`}
              value={v[p.key]}
              onChange={(x) => set({ [p.key]: x })}
              choices={[
                { value: '', label: nsLabel(root) },
                ...named.map((n) => ({ value: n.name!, label: nsLabel(n) })),
              ]}
              hint={p.hint}
            />
          ) : (
            <TextField
              key={p.key}
              label={p.label}
              path={`recipe.${p.key}`}
              value={v[p.key]}
              onChange={(x) => set({ [p.key]: x })}
              hint={p.hint}
            />
          ),
        )}
      </>
    );
  };
}

export function recipeForm(host: FormHost, id: RecipeId): EditForm<Values> {
  const r = RECIPES[id];
  const initial = recipeDefaults(r);
  const parent = firstParent(host, r);
  for (const p of r.params) if (p.kind === 'parent' && parent) initial[p.key] = parent;
  if (id === 'sriov-vf' && parent) {
    const pf = host.snapshot.links.find((l) => l.name === parent && l.nsId === rootNs(host).id);
    const vf = host.snapshot.links.find((l) => l.vf?.pfId === pf?.id && l.nsId === pf?.nsId);
    if (vf) {
      initial.vfDev = vf.name;
      initial.vf = String(vf.vf?.index ?? 0);
    }
  }
  const items = (v: Values) => {
    const missing = r.params.filter((p) => p.kind === 'parent' && !v[p.key]);
    if (missing.length) throw new Error(`choose the ${missing.map((p) => p.label).join(', ')}`);
    return r.build(v);
  };
  return {
    key: `recipe-${id}`,
    title: `Recipe: ${r.title}`,
    initial,
    Fields: Fields(r),
    toEdits: (v): Edit[] => items(v).flatMap((i) => i.edits),
    toDraftItems: (v) => items(v),
  };
}
