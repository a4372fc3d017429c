import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { installFastEncoderStream, Utf8EncoderStream } from '../../server/api/encoderStream';

const NativeEncoderStream = globalThis.TextEncoderStream;

async function encodeChunks(
  stream: TransformStream<string, Uint8Array>,
  chunks: unknown[],
): Promise<{ bytes: number[]; chunkCount: number }> {
  const writer = stream.writable.getWriter();
  const reading = (async () => {
    const out: Uint8Array[] = [];
    let chunkCount = 0;
    const reader = stream.readable.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { bytes: [...Buffer.concat(out)], chunkCount };
      expect(value).toBeInstanceOf(Uint8Array);
      expect(value.length).toBeGreaterThan(0);
      chunkCount++;
      out.push(value);
    }
  })();
  for (const c of chunks) await writer.write(c as string);
  await writer.close();
  return reading;
}

/** UTF-16 code units of any value, surrogates included (paired, lone, reversed), cut into chunks */
const chunked = fc
  .tuple(
    fc.array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0xd7f0, max: 0xe010 })), {
      maxLength: 60,
    }),
    fc.array(fc.nat(60), { maxLength: 8 }),
  )
  .map(([units, cuts]) => {
    const text = String.fromCharCode(...units);
    const at = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b);
    const parts: string[] = [];
    let from = 0;
    for (const c of [...at, text.length]) {
      parts.push(text.slice(from, c));
      from = c;
    }
    return { text, parts };
  });

describe('Utf8EncoderStream', () => {
  afterEach(() => {
    globalThis.TextEncoderStream = NativeEncoderStream;
  });

  it('writes the same bytes as the platform TextEncoderStream for any text cut anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(chunked, async ({ text, parts }) => {
        const ours = await encodeChunks(new Utf8EncoderStream(), parts);
        const native = await encodeChunks(new NativeEncoderStream(), parts);
        expect(ours.bytes).toEqual(native.bytes);
        // a stream of pieces encodes like the whole text at once
        expect(ours.bytes).toEqual([...new TextEncoder().encode(text)]);
      }),
      { numRuns: 300 },
    );
  });

  it('joins a surrogate pair split across chunks, and ends a dangling high surrogate as U+FFFD', async () => {
    const smile = '\u{1F600}';
    const split = await encodeChunks(new Utf8EncoderStream(), ['a', smile[0], smile[1] + 'b']);
    expect(split.bytes).toEqual([0x61, 0xf0, 0x9f, 0x98, 0x80, 0x62]);
    // the high half alone wrote nothing: no empty chunk
    expect(split.chunkCount).toBe(2);
    const dangling = await encodeChunks(new Utf8EncoderStream(), ['x', '\ud83d']);
    expect(dangling.bytes).toEqual([0x78, 0xef, 0xbf, 0xbd]);
    const lowFirst = await encodeChunks(new Utf8EncoderStream(), ['\ude00', 'y']);
    expect(lowFirst.bytes).toEqual([0xef, 0xbf, 0xbd, 0x79]);
  });

  it('takes what is not a string through String(), like the platform stream', async () => {
    const ours = await encodeChunks(new Utf8EncoderStream(), [42, null, { toString: () => 'é' }]);
    expect(ours.bytes).toEqual([...new TextEncoder().encode('42nullé')]);
    expect(new Utf8EncoderStream().encoding).toBe('utf-8');
  });

  it('once installed, is what new TextEncoderStream() builds (how tRPC makes its SSE bodies)', async () => {
    installFastEncoderStream();
    installFastEncoderStream();
    const s = new TextEncoderStream();
    expect(s).toBeInstanceOf(Utf8EncoderStream);
    const big = `data: ${'{"k":"v\u00e9\u{1F600}"},'.repeat(50_000)}\n`;
    const out = await encodeChunks(s, [big]);
    expect(Buffer.from(out.bytes).toString('utf8')).toBe(big);
  });
});
