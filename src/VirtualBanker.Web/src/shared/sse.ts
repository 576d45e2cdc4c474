// Server-Sent Events read with fetch: the browser's EventSource cannot send the Authorization header the staff API needs.
// Calls onEvent for each event until the stream ends, the signal aborts it, or the server refuses it (an ApiError).
import { refusal, safeParse } from './api';

export interface ServerEvent {
  event: string;
  data: string;
  id?: string;
}

export async function readEvents(path: string, token: string | null, onEvent: (e: ServerEvent) => void, signal: AbortSignal): Promise<void> {
  const response = await fetch(path, { headers: { Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, signal });
  if (!response.ok || !response.body) {
    throw refusal(response, safeParse(await response.text()));
  }

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const e: ServerEvent = { event: 'message', data: '' };
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue; // a comment (heartbeat)
        const field = colon < 0 ? line : line.slice(0, colon);
        const content = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') e.event = content;
        else if (field === 'data') e.data += (e.data ? '\n' : '') + content;
        else if (field === 'id') e.id = content;
      }
      if (e.data) onEvent(e);
    }
  }
}
