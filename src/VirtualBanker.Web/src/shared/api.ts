// A small client for the server's JSON APIs. Every surface has its own error shape (RFC 9457 problem,
// {error, message}, {detail}, {error: {code, message}}); ApiError carries the human message of any of them.

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface RequestOptions {
  method?: string;
  token?: string | null;
  json?: unknown;
  form?: Record<string, string>;
  base?: string;
  /** Extra headers, such as an Idempotency-Key. */
  headers?: Record<string, string>;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = new URLSearchParams(options.form);
  }

  const response = await fetch(`${options.base ?? ''}${path}`, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body });
  const text = await response.text();
  const data: unknown = text ? safeParse(text) : null;
  if (!response.ok) throw refusal(response, data);
  return data as T;
}

/** A refused answer as an ApiError with the message its contract's error shape carries. */
export function refusal(response: Response, data: unknown): ApiError {
  return new ApiError(response.status, errorMessage(data) ?? `${response.status} ${response.statusText}`);
}

/** The body as JSON, or the text itself when it is not JSON. */
export function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function errorMessage(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (d.error && typeof d.error === 'object') return String((d.error as Record<string, unknown>).message ?? '');
  if (typeof d.message === 'string') return d.message;
  if (typeof d.detail === 'string') return d.detail;
  if (typeof d.title === 'string') return d.title;
  return null;
}
