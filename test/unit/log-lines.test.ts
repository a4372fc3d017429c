// bin/log-lines.mjs: what the CLI prints under systemd is one line per message, without colour codes.
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const mod = path.resolve(import.meta.dirname, '../../bin/log-lines.mjs');
const { oneLine, plainConsole } = (await import(mod)) as {
  oneLine: (s: string) => string;
  plainConsole: (c: Record<string, (...a: unknown[]) => void>) => void;
};

describe('oneLine', () => {
  it.each([
    ['linkscape on http://127.0.0.1:3000/', 'linkscape on http://127.0.0.1:3000/'],
    ['\x1b[32m✓\x1b[39m Ready in 1s', '✓ Ready in 1s'],
    ['Error: boom\n    at f (x.js:1:2)\n    at g (y.js:3:4)\n', 'Error: boom | at f (x.js:1:2) | at g (y.js:3:4)'],
    ['a\r\nb', 'a | b'],
    ['\x1b[1m\x1b[31m⨯\x1b[39m\x1b[22m failed', '⨯ failed'],
  ])('%j → %j', (input, want) => {
    expect(oneLine(input)).toBe(want);
    expect(oneLine(input)).not.toMatch(/\n|\x1b/);
  });
});

describe('plainConsole', () => {
  it('formats like console does, then prints one line', () => {
    const lines: unknown[][] = [];
    const c = {
      log: (...a: unknown[]) => lines.push(a),
      info: () => {},
      warn: () => {},
      error: (...a: unknown[]) => lines.push(a),
      debug: () => {},
    };
    plainConsole(c);
    c.log('n=%d', 3, { a: [1, 2] });
    c.error(new Error('kernel said no'));
    expect(lines[0]).toEqual(['n=3 { a: [ 1, 2 ] }']);
    expect(lines[1]).toHaveLength(1);
    expect(String(lines[1][0])).toMatch(/^Error: kernel said no \| at /);
    expect(String(lines[1][0])).not.toMatch(/\n/);
  });
});
