#!/usr/bin/env node
// linkscape's command line: `linkscape [serve] [flags]` (the default), `linkscape snapshot [-p]`,
// `linkscape --version`, `linkscape --help`. Serving needs the Next build (.next), made at pack time.
import { existsSync, readFileSync } from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { plainConsole } from './log-lines.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const [first, ...rest] = process.argv.slice(2);
// not on a terminal (systemd's journal, a pipe): one line per message, no colours (Next honours NO_COLOR)
if (!process.stdout.isTTY) {
  process.env.NO_COLOR ??= '1';
  plainConsole();
}

const usage = `usage: linkscape [serve] [--host 127.0.0.1] [--port 3000] [--read-only] [--token TOKEN] [...]
       linkscape snapshot [-p|--pretty]   the host as JSON (namespaces, links, routes), like ip -j
       linkscape --version
       linkscape serve --help             every flag of the server
linkscape ${pkg.version}: a live web dashboard of this host's network namespaces, links, VFs, addresses, routes.`;

const fail = (msg) => {
  console.error(`linkscape: ${msg}`);
  process.exit(2);
};

async function serve(args) {
  if (!existsSync(path.join(root, '.next', 'BUILD_ID')) && !args.includes('--help') && !args.includes('-h')) {
    fail(
      `no build in ${path.join(root, '.next')}: run \`npm run build\` there first (a packed linkscape carries its build)`,
    );
  }
  // an installed linkscape serves its built app: production mode (React's production build on the server too)
  // and no telemetry, unless the environment says otherwise; `--dev` (a checkout's) is left to Next
  if (!args.includes('--dev')) process.env.NODE_ENV ??= 'production';
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';
  // scripts/serve.mjs reads its flags from process.argv: hand it exactly what was given
  process.argv = [process.argv[0], path.join(root, 'scripts', 'serve.mjs'), ...args];
  await import(pathToFileURL(path.join(root, 'scripts', 'serve.mjs')).href);
}

async function snapshot(args) {
  const bundled = path.join(root, 'dist', 'snapshot.mjs');
  let mod;
  if (existsSync(bundled)) mod = await import(pathToFileURL(bundled).href);
  else {
    // a source checkout without `npm run build:cli`: run the TypeScript through tsx (a dev dependency)
    try {
      await import('tsx/esm');
    } catch {
      fail(`${bundled} is missing and tsx is not installed: run \`npm run build:cli\``);
    }
    // server modules import 'server-only', whose default entry throws: it is empty under the react-server
    // condition (Next's server bundle; build:cli maps it away). Resolve just that package with it here.
    const hook = `export const resolve = (s, c, next) =>
      next(s, s === 'server-only' ? { ...c, conditions: [...c.conditions, 'react-server'] } : c);`;
    register(`data:text/javascript,${encodeURIComponent(hook)}`);
    mod = await import(pathToFileURL(path.join(root, 'server', 'cli', 'snapshot.ts')).href);
  }
  try {
    await mod.printSnapshot(args);
  } catch (e) {
    console.error(`linkscape: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}

if (first === '--version' || first === '-V' || first === 'version') console.log(pkg.version);
else if (first === '--help' || first === '-h' || first === 'help') console.log(usage);
else if (first === 'snapshot') await snapshot(rest);
else if (first === 'serve') await serve(rest);
else if (first === undefined || first.startsWith('-')) await serve(process.argv.slice(2));
else fail(`unknown command ${JSON.stringify(first)}\n${usage}`);
