// components/graph/dirtyStyle.ts must forget exactly the style caches cytoscape's own dirtyStyleCache
// forgets, for any graph (nested namespaces, edges to boxes, loops) and any elements asked.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import cytoscape, { type Collection, type Core, type ElementDefinition } from 'cytoscape';
import { dirtyStyleCache, installDirtyStyleCache } from '../../components/graph/dirtyStyle';

type Forget = (this: Collection) => Collection;
const probe = cytoscape({ headless: true });
const original = (Object.getPrototypeOf(probe.collection()) as { dirtyStyleCache: Forget }).dirtyStyleCache;
probe.destroy();

interface Shape {
  /** for node i > 0: its parent among nodes 0..i-1, or none */
  parents: (number | null)[];
  edges: [number, number][];
  asked: number[];
}

const shape: fc.Arbitrary<Shape> = fc.integer({ min: 1, max: 14 }).chain((n) =>
  fc.record({
    parents: fc.tuple(
      fc.constant(null),
      ...Array.from({ length: n - 1 }, (_, i) => fc.option(fc.integer({ min: 0, max: i }), { freq: 2 })),
    ),
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 12 }),
    asked: fc.array(fc.nat(n - 1 + 12), { minLength: 1, maxLength: 4 }),
  }),
);

function build(s: Shape): Core {
  const els: ElementDefinition[] = s.parents.map((p, i) => ({
    group: 'nodes',
    data: { id: `n${i}`, ...(p === null ? {} : { parent: `n${p}` }) },
  }));
  s.edges.forEach(([a, b], i) => els.push({ group: 'edges', data: { id: `e${i}`, source: `n${a}`, target: `n${b}` } }));
  return cytoscape({ headless: true, styleEnabled: true, elements: els });
}

/** the ids whose cache `forget` drops, when every element had one */
function forgotten(cy: Core, asked: number[], forget: Forget): string[] {
  const all = cy.elements();
  all.forEach((e) => void ((e as unknown as { _private: { styleCache: unknown } })._private.styleCache = ['kept']));
  const eles = cy.collection();
  for (const k of asked) if (all[k % all.length]) eles.merge(all[k % all.length]);
  forget.call(eles);
  return all
    .filter((e) => (e as unknown as { _private: { styleCache: unknown } })._private.styleCache === null)
    .map((e) => e.id())
    .sort();
}

describe('dirtyStyleCache without collections', () => {
  it('forgets the same caches as cytoscape’s, with and without compound nodes', () => {
    fc.assert(
      fc.property(shape, fc.boolean(), (s, flat) => {
        const cy = build(flat ? { ...s, parents: s.parents.map(() => null) } : s);
        try {
          const want = forgotten(cy, s.asked, original);
          expect(want.length).toBeGreaterThan(0);
          expect(forgotten(cy, s.asked, dirtyStyleCache as unknown as Forget)).toEqual(want);
        } finally {
          cy.destroy();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a namespace forgets its links and their edges; a link forgets its namespace, not its siblings', () => {
    const cy = build({ parents: [null, 0, 0, null, 3], edges: [[1, 4]], asked: [] });
    try {
      const f = (ids: string[]) =>
        forgotten(
          cy,
          ids.map((id) =>
            cy
              .elements()
              .toArray()
              .findIndex((e) => e.id() === id),
          ),
          dirtyStyleCache as unknown as Forget,
        );
      expect(f(['n0'])).toEqual(['e0', 'n0', 'n1', 'n2']);
      expect(f(['n1'])).toEqual(['e0', 'n0', 'n1']);
      expect(f(['e0'])).toEqual(['e0']);
    } finally {
      cy.destroy();
    }
  });

  it('installs on the prototype every collection shares', () => {
    const cy = cytoscape({ headless: true });
    const proto = Object.getPrototypeOf(cy.collection()) as { dirtyStyleCache: unknown };
    try {
      installDirtyStyleCache(cy);
      expect(proto.dirtyStyleCache).toBe(dirtyStyleCache);
      expect((cy.collection() as unknown as { dirtyStyleCache: unknown }).dirtyStyleCache).toBe(dirtyStyleCache);
    } finally {
      proto.dirtyStyleCache = original;
      cy.destroy();
    }
  });
});
