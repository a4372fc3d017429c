// Debian's chromium driven by playwright-core, in a throwaway profile.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM } from '../tiers';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export interface Browser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** `netns`: run the browser in that named namespace (a test's), to reach a server that runs there */
export async function launchBrowser(
  viewport = { width: 1280, height: 800 },
  extraArgs: string[] = [],
  o: { netns?: string } = {},
): Promise<Browser> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linkscape-chromium-'));
  let executablePath = CHROMIUM;
  if (o.netns) {
    // playwright starts the executable with its own flags and talks to it over fds 3/4: a wrapper that
    // execs chromium through nsenter keeps both (nsenter execs, it does not fork)
    executablePath = path.join(dir, 'chromium-in-netns');
    writeFileSync(executablePath, `#!/bin/sh\nexec nsenter --net=/run/netns/${o.netns} -- ${CHROMIUM} "$@"\n`, {
      mode: 0o755,
    });
  }
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
