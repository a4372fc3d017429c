#!/usr/bin/env node
// `npm pack` / `npm publish` run this first: the Next build (.next) and the CLI's bundle (dist/snapshot.mjs)
// go into the tarball, so an installed linkscape starts without building. A .next newer than every source
// file is kept (the same rule as the browser tests'); LINKSCAPE_REBUILD=1 builds anyway.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_INPUTS = [
  'app',
  'components',
  'server',
  'shared',
  'instrumentation.ts',
  'next.config.js',
  'package.json',
  'tsconfig.json',
];
const newest = (p) => {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(p).map((n) => newest(path.join(p, n))));
};
const id = statSync(path.join(root, '.next', 'BUILD_ID'), { throwIfNoEntry: false });
const fresh =
  id &&
  process.env.LINKSCAPE_REBUILD !== '1' &&
  Math.max(...BUILD_INPUTS.map((p) => newest(path.join(root, p)))) < id.mtimeMs;
const sh = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
if (fresh) console.log('prepack: .next is newer than every source file: kept');
else sh('npx', ['next', 'build']);
sh('npm', ['run', '--silent', 'build:cli']);
