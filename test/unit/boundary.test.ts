// The client/server boundary (shared/README.md): ESLint refuses a client file that imports a server module
// (the block in eslint.config.mjs, linted against examples here, and applied by the real config where it
// should be); server modules that touch the host carry `import 'server-only'`, whose default entry throws;
// shared/ imports nothing but shared/ and zod.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RULE = '@typescript-eslint/no-restricted-imports';

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}
/** every module an import/export statement names, side-effect imports included */
const importsOf = (src: string) =>
  [...src.matchAll(/^(?:import|export)\s(?:[^;']*?\sfrom\s)?'([^']+)'/gm)].map((m) => m[1]);
const firstImport = (src: string) => /^import .*$/m.exec(src)?.[0];

describe('ESLint: client code imports no server module', () => {
  let eslint: ESLint;
  let boundary: Linter.Config;
  beforeAll(async () => {
    // a variable path: tsc does not type the config file, vitest loads it as is
    const configFile = pathToFileURL(path.join(ROOT, 'eslint.config.mjs')).href;
    ({ clientBoundary: boundary } = (await import(configFile)) as { clientBoundary: Linter.Config });
    eslint = new ESLint({
      cwd: ROOT,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ['**/*.ts', '**/*.tsx'],
          languageOptions: { parser: tseslint.parser },
          plugins: { '@typescript-eslint': tseslint.plugin },
        },
        boundary,
      ],
    });
  });
  const refusals = async (file: string, code: string) =>
    (await eslint.lintText(code, { filePath: path.join(ROOT, file) }))[0].messages.map((m) => m.ruleId);

  it.each([
    ['components/x.ts', "import { run } from '@/server/ip/run';"],
    ['components/edit/x.tsx', "import { planEdits } from '../../server/edits/plan';"],
    ['components/x.ts', "import type { Plan } from '@/server/edits/plan';"],
    ['components/x.ts', "import { appRouter } from '@/server/api/root';"],
    ['components/x.ts', "import { type AppRouter, appRouter } from '@/server/api/root';"],
    ['app/page.tsx', "export { readHost } from '@/server/host/read';"],
    ['app/fleet/page.tsx', "import '@/server/host/watch';"],
  ])('%s: %s is refused', async (file, code) => {
    expect(await refusals(file, code)).toEqual([RULE]);
  });

  it.each([
    ['components/trpc.ts', "import type { AppRouter } from '@/server/api/root';"],
    ['components/x.ts', "import { type AppRouter } from '@/server/api/root';"],
    ['components/x.ts', "import { argvToShell } from '@/shared/edits/shell';"],
    ['components/x.ts', "import { serverLabel } from '@/components/serverLabel';"],
    ['app/api/trpc/[trpc]/route.ts', "import { appRouter } from '@/server/api/root';"],
    ['server/api/host.ts', "import { readHost } from '../host/read';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await refusals(file, code)).toEqual([]);
  });

  it('the real config applies the block to client files and not to route handlers or the server', async () => {
    const real = new ESLint({ cwd: ROOT });
    const ruleFor = async (file: string) =>
      ((await real.calculateConfigForFile(path.join(ROOT, file))) as Linter.Config).rules?.[RULE];
    const options = (boundary.rules?.[RULE] as Linter.RuleEntry[])[1];
    expect(options).toBeDefined();
    const expected = [2, options]; // the config as ESLint computes it: severity "error" is 2
    for (const file of ['components/trpc.ts', 'components/edit/Editor.tsx', 'app/page.tsx'])
      expect(await ruleFor(file), file).toEqual(expected);
    for (const file of ['app/api/trpc/[trpc]/route.ts', 'server/api/root.ts', 'shared/host/types.ts'])
      expect(await ruleFor(file), file).not.toEqual(expected);
  });
});

describe("server-only: server modules that touch the host can't reach the browser", () => {
  it("every server module using a Node API, execa or the Kubernetes client, and every API module, imports 'server-only' first", () => {
    const files = tsFiles('server');
    const needs = files.filter((f) => {
      const specs = importsOf(readFileSync(path.join(ROOT, f), 'utf8'));
      return f.startsWith('server/api/') || specs.some((s) => /^(node:|execa$|@kubernetes\/client-node$)/.test(s));
    });
    expect(needs.length).toBeGreaterThan(15);
    const unmarked = needs.filter(
      (f) => firstImport(readFileSync(path.join(ROOT, f), 'utf8')) !== "import 'server-only';",
    );
    expect(unmarked).toEqual([]);
  });

  it('the package throws in plain node and is empty under react-server (what Next bundles the server with)', () => {
    const load = (...flags: string[]) =>
      spawnSync(process.execPath, [...flags, '--input-type=module', '-e', "await import('server-only')"], {
        cwd: ROOT,
        encoding: 'utf8',
      });
    const plain = load();
    expect(plain.status).not.toBe(0);
    expect(plain.stderr).toContain('cannot be imported from a Client Component module');
    expect(load('--conditions=react-server').status).toBe(0);
  });
});

describe('shared/ is pure', () => {
  it('imports only shared/ files and zod: no Node API, no server module, no server-only', () => {
    const bad: string[] = [];
    for (const f of tsFiles('shared'))
      for (const s of importsOf(readFileSync(path.join(ROOT, f), 'utf8'))) {
        const inShared =
          s.startsWith('.') && path.resolve(ROOT, path.dirname(f), s).startsWith(path.join(ROOT, 'shared'));
        if (!inShared && s !== 'zod') bad.push(`${f}: ${s}`);
      }
    expect(tsFiles('shared').length).toBeGreaterThan(10);
    expect(bad).toEqual([]);
  });
});
