// Reading a tRPC SSE stream (text/event-stream) from fetch: Node 20 has no EventSource, and an agent's
// token must ride in a header, which EventSource cannot send anyway.

export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

/** Splits a byte stream into events (blank-line separated `field: value` lines, per the SSE spec). */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buf = '';
  let ev: SseEvent = { event: 'message', data: '', id: null };
  let hasData = false;
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        let line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (line === '') {
          if (hasData || ev.event !== 'message') yield ev;
          ev = { event: 'message', data: '', id: null };
          hasData = false;
          continue;
        }
        if (line.startsWith(':')) continue;
        const c = line.indexOf(':');
        const field = c < 0 ? line : line.slice(0, c);
        let value = c < 0 ? '' : line.slice(c + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') {
          ev.data = hasData ? `${ev.data}\n${value}` : value;
          hasData = true;
        } else if (field === 'event') ev.event = value;
        else if (field === 'id') ev.id = value;
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
