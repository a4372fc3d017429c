// A TextEncoderStream that costs what TextEncoder.encode costs. tRPC's SSE responses end in
// `.pipeThrough(new TextEncoderStream())`, and Node 20's TextEncoderStream handles a big chunk slowly:
// the 1.1 MB snapshot event of a host with 200 namespaces took 150–280 ms and about 70 MB of garbage
// (several 30–90 ms scavenges) to encode, against 1–4 ms for TextEncoder.encode of the same string.
// That delay came before every new page's first picture, and blocked every other request meanwhile.
//
// Same contract as the WHATWG TextEncoderStream: strings in (anything else goes through String()), UTF-8
// bytes out, a surrogate pair split across two chunks encoded as one character, a lone surrogate as
// U+FFFD (also one left pending at the end), and no empty chunk written.

import 'server-only';

const REPLACEMENT = new Uint8Array([0xef, 0xbf, 0xbd]);
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;

export class Utf8EncoderStream extends TransformStream<string, Uint8Array> {
  constructor() {
    const encoder = new TextEncoder();
    /** a high surrogate that ended the last chunk: its low half may start the next one */
    let pending = '';
    super({
      transform(chunk, controller) {
        let text = pending + String(chunk);
        pending = '';
        if (text.length && isHigh(text.charCodeAt(text.length - 1))) {
          pending = text.slice(-1);
          text = text.slice(0, -1);
        }
        if (text.length) controller.enqueue(encoder.encode(text));
      },
      flush(controller) {
        if (pending) controller.enqueue(REPLACEMENT.slice());
      },
    });
  }

  get encoding(): 'utf-8' {
    return 'utf-8';
  }
}

/**
 * Makes `new TextEncoderStream()` anywhere in this server process (tRPC's SSE responses) build a
 * Utf8EncoderStream. Once per process; later calls do nothing.
 */
export function installFastEncoderStream(): void {
  const g = globalThis as { TextEncoderStream?: unknown };
  if (g.TextEncoderStream === Utf8EncoderStream) return;
  g.TextEncoderStream = Utf8EncoderStream;
}
