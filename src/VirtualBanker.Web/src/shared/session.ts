import { api, ApiError, type RequestOptions } from './api';

// A signed-in person's tokens for one browser tab (sessionStorage: gone when the tab closes).
// When the access token expires, the refresh token (contract 001 rotates it) gets a new pair once.

interface Tokens {
  access: string;
  refresh?: string;
}

export class Session {
  constructor(private readonly key: string, private readonly refreshPath?: string) {}

  get signedIn(): boolean {
    return this.tokens() !== null;
  }

  get accessToken(): string | null {
    return this.tokens()?.access ?? null;
  }

  store(access: string, refresh?: string): void {
    sessionStorage.setItem(this.key, JSON.stringify({ access, refresh } satisfies Tokens));
  }

  clear(): void {
    sessionStorage.removeItem(this.key);
  }

  async call<T>(path: string, options: RequestOptions = {}): Promise<T> {
    try {
      return await api<T>(path, { ...options, token: this.accessToken });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401 || !(await this.refresh())) throw error;
      return api<T>(path, { ...options, token: this.accessToken });
    }
  }

  private async refresh(): Promise<boolean> {
    const refresh = this.tokens()?.refresh;
    if (!refresh || !this.refreshPath) return false;
    try {
      const next = await api<{ access_token: string; refresh_token: string }>(this.refreshPath, { json: { refresh_token: refresh } });
      this.store(next.access_token, next.refresh_token);
      return true;
    } catch {
      this.clear();
      return false;
    }
  }

  private tokens(): Tokens | null {
    const raw = sessionStorage.getItem(this.key);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  }
}
