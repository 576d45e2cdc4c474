// The admin console for tenant and platform admins: contracts 003 (clients, agents), 002 (keys,
// model profiles, requeue) and 004 (system status and metrics). What an admin may see is decided by the
// server; a view it refuses says so and the rest of the console keeps working.
import '../shared/style.css';
import { api, ApiError } from '../shared/api';
import { announce, dateTime, fields, h, replace } from '../shared/dom';
import { signInCard } from '../shared/login';
import { Session } from '../shared/session';

interface Client { id: string; name: string; domain: string | null; active: boolean; settings: Record<string, unknown>; updated_at: string }
interface Agent { id: string; slug: string; name: string; description: string | null; client_id: string; enabled: boolean; system_prompt: string; allowed_tools: string[] }
interface Key { key_id: string; label: string; prefix: string; scopes: string[]; created_at: string; last_used_at: string | null; revoked_at: string | null; secret?: string | null }
interface Profile { role: string; deployment_mode: string; provider: string; model: string; base_url: string | null; has_api_key: boolean; updated_at: string }
interface RequeueItem { requeue_id: string; session_id: string; topic: string; attempts: number; last_error: string | null; created_at: string }

const VIEWS: Record<string, [string, (target: HTMLElement) => Promise<void>]> = {
  tenants: ['Tenants', tenantsView],
  agents: ['Agents', agentsView],
  keys: ['API keys', keysView],
  profiles: ['Model profiles', profilesView],
  requeue: ['Requeue', requeueView],
  system: ['System', systemView],
};
const KEY_SCOPES = ['chat', 'sessions', 'admin', 'realtime', 'transactions:ingest'];

const session = new Session('vb.admin');
const root = document.getElementById('app')!;

window.addEventListener('hashchange', () => session.signedIn && void showConsole());
if (session.signedIn) void showConsole();
else showLogin();

function showLogin(message?: string): void {
  replace(root,
    h('header', { class: 'bar' }, h('h1', {}, 'VirtualBanker admin')),
    h('main', {}, signInCard({
      title: 'Admin sign-in',
      emailField: 'email',
      refused: 'The email or password is not right, or this account is not an admin.',
      message,
      signIn: async (values) => {
        const result = await api<{ access_token: string }>('/api/v1/auth/login', { json: values });
        session.store(result.access_token);
        await showConsole();
      },
    })));
}

async function showConsole(): Promise<void> {
  const current = location.hash.slice(1) in VIEWS ? location.hash.slice(1) : 'tenants';
  const logout = h('button', { type: 'button' }, 'Sign out');
  logout.addEventListener('click', () => {
    session.clear();
    showLogin('You are signed out.');
  });
  const view = h('section', { class: 'card', 'data-testid': `view-${current}`, 'aria-labelledby': 'view-title' });
  replace(root,
    h('header', { class: 'bar' }, h('h1', {}, 'VirtualBanker admin'), logout),
    h('main', {},
      h('nav', { class: 'tabs', 'aria-label': 'Console sections' },
        Object.entries(VIEWS).map(([id, [label]]) => h('a', { href: `#${id}`, 'aria-current': id === current ? 'page' : null }, label))),
      view));
  await render(view, current);
}

async function render(view: HTMLElement, id: string): Promise<void> {
  const [title, build] = VIEWS[id];
  replace(view, h('h2', { id: 'view-title' }, title), h('p', { class: 'muted' }, 'Loading…'));
  try {
    await build(view);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.clear();
      showLogin('Your session has ended. Please sign in again.');
      return;
    }
    replace(view, h('h2', { id: 'view-title' }, title), h('p', { class: 'notice error', role: 'alert' }, (error as Error).message));
  }
}

/** The view's heading, then its content. */
function fill(view: HTMLElement, ...children: (Node | string | null)[]): void {
  replace(view, view.querySelector('h2')!, ...children);
}

/** Runs a change; on success the view is drawn again, on failure the message shows in the notice. */
function action(view: HTMLElement, id: string, notice: HTMLElement, change: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    try {
      await change();
      await render(view, id);
    } catch (error) {
      announce(notice, (error as Error).message, 'error');
    }
  };
}

function onSubmit(form: HTMLFormElement, handler: (values: Record<string, string>) => Promise<void>): HTMLFormElement {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void handler(fields(form));
  });
  return form;
}

function table(headers: string[], rows: (Node | string)[][], testid: string): HTMLTableElement {
  return h('table', {},
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))),
    h('tbody', {}, rows.map((cells) => h('tr', { 'data-testid': testid }, cells.map((c) => h('td', {}, c))))));
}

function button(label: string, onClick: () => void, kind = 'secondary'): HTMLButtonElement {
  const b = h('button', { type: 'button', class: kind }, label);
  b.addEventListener('click', onClick);
  return b;
}

async function tenantsView(view: HTMLElement): Promise<void> {
  const clients = await session.call<Client[]>('/api/v1/clients');
  const notice = h('div', { class: 'notice', role: 'alert' });
  fill(view, notice, ...clients.map((client) => {
    const editor = h('textarea', { name: 'settings', 'aria-label': `Settings of ${client.name}`, rows: 14 }, JSON.stringify(client.settings, null, 2));
    const form = onSubmit(h('form', { class: 'stack' }, editor, h('button', { type: 'submit' }, 'Save settings')), async (values) => {
      let settings: unknown;
      try {
        settings = JSON.parse(values.settings);
      } catch {
        announce(notice, `The settings of ${client.name} are not valid JSON.`, 'error');
        return;
      }
      await action(view, 'tenants', notice, () => session.call(`/api/v1/clients/${encodeURIComponent(client.id)}`, { method: 'PUT', json: { settings } }))();
    });
    return h('article', { 'data-testid': 'tenant', 'data-id': client.id },
      h('h3', {}, client.name, ' ', h('span', { class: 'badge' }, client.id), ' ', h('span', { class: 'badge' }, client.active ? 'active' : 'inactive')),
      h('p', { class: 'muted' }, 'Secret fields are shown as ********; leave them so to keep the stored secret.'),
      form);
  }));
}

async function agentsView(view: HTMLElement): Promise<void> {
  const agents = await session.call<Agent[]>('/api/v1/agents');
  const notice = h('div', { class: 'notice', role: 'alert' });
  const create = onSubmit(h('form', { class: 'stack', 'aria-label': 'New agent' },
    h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 200 })),
    h('label', {}, 'Slug', h('input', { name: 'slug', required: true, pattern: '[a-z0-9][a-z0-9\\-]*', maxlength: 64 })),
    h('label', {}, 'System prompt', h('textarea', { name: 'system_prompt', rows: 4 })),
    h('button', { type: 'submit' }, 'Create agent')), (values) =>
    action(view, 'agents', notice, () => session.call('/api/v1/agents', { json: { name: values.name, slug: values.slug, system_prompt: values.system_prompt || null } }))());
  fill(view, notice,
    table(['Name', 'Slug', 'Tenant', 'Status', 'Tools', ''], agents.map((a) => [
      a.name, a.slug, a.client_id, a.enabled ? 'enabled' : 'disabled', String(a.allowed_tools.length),
      button('Delete', action(view, 'agents', notice, () => session.call(`/api/v1/agents/${a.id}`, { method: 'DELETE' })), 'danger'),
    ]), 'agent'),
    h('h3', {}, 'New agent'), create);
}

async function keysView(view: HTMLElement): Promise<void> {
  const keys = await session.call<Key[]>('/v1/keys');
  const notice = h('div', { class: 'notice', role: 'alert' });
  const create = onSubmit(h('form', { class: 'stack', 'aria-label': 'New API key' },
    h('label', {}, 'Label', h('input', { name: 'label', required: true, maxlength: 100 })),
    h('fieldset', {}, h('legend', {}, 'Scopes'), KEY_SCOPES.map((s) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: `scope:${s}` }), s))),
    h('button', { type: 'submit' }, 'Create key')), async (values) => {
    const scopes = KEY_SCOPES.filter((s) => values[`scope:${s}`]);
    try {
      const key = await session.call<Key>('/v1/keys', { json: { label: values.label, scopes } });
      await render(view, 'keys');
      // The secret exists only in this answer; the server keeps a hash.
      view.querySelector('h2')!.after(h('div', { class: 'notice info', role: 'status', 'data-testid': 'new-key' }, h('p', {}, 'Copy this key now. It is not shown again.'),
        h('div', { class: 'secret', 'data-testid': 'key-secret' }, key.secret ?? '')));
    } catch (error) {
      announce(notice, (error as Error).message, 'error');
    }
  });
  fill(view, notice,
    table(['Label', 'Prefix', 'Scopes', 'Created', 'Last used', ''], keys.map((k) => [
      k.label, k.prefix, k.scopes.join(', '), dateTime(k.created_at), k.last_used_at ? dateTime(k.last_used_at) : '—',
      k.revoked_at ? 'revoked' : button('Revoke', action(view, 'keys', notice, () => session.call(`/v1/keys/${k.key_id}`, { method: 'DELETE' })), 'danger'),
    ]), 'key'),
    h('h3', {}, 'New key'), create);
}

async function profilesView(view: HTMLElement): Promise<void> {
  const profiles = await session.call<Profile[]>('/v1/model-profiles');
  const notice = h('div', { class: 'notice', role: 'alert' });
  const create = onSubmit(h('form', { class: 'stack', 'aria-label': 'New model profile' },
    h('label', {}, 'Role', h('input', { name: 'role', required: true, placeholder: 'assistant' })),
    h('label', {}, 'Deployment mode', h('input', { name: 'deployment_mode', required: true, placeholder: 'production' })),
    h('label', {}, 'Provider', h('select', { name: 'provider' }, h('option', { value: 'builtin' }, 'builtin (offline)'), h('option', { value: 'openai' }, 'openai (compatible endpoint)'))),
    h('label', {}, 'Model', h('input', { name: 'model', required: true, placeholder: 'builtin' })),
    h('label', {}, 'Base URL', h('input', { name: 'base_url', type: 'url', placeholder: 'https://api.openai.com/v1' })),
    h('label', {}, 'API key', h('input', { name: 'api_key', type: 'password', autocomplete: 'off' })),
    h('button', { type: 'submit' }, 'Save profile')), (values) =>
    action(view, 'profiles', notice, () => session.call('/v1/model-profiles', {
      json: { role: values.role, deployment_mode: values.deployment_mode, provider: values.provider, model: values.model, base_url: values.base_url || null, api_key: values.api_key || null },
    }))());
  fill(view, notice,
    profiles.length === 0 ? h('p', { class: 'muted' }, 'No profiles: every role uses the builtin provider.') :
      table(['Role', 'Mode', 'Provider', 'Model', 'Base URL', 'Key', ''], profiles.map((p) => [
        p.role, p.deployment_mode, p.provider, p.model, p.base_url ?? '—', p.has_api_key ? 'set' : '—',
        button('Delete', action(view, 'profiles', notice, () =>
          session.call(`/v1/model-profiles/${encodeURIComponent(p.role)}/${encodeURIComponent(p.deployment_mode)}`, { method: 'DELETE' })), 'danger'),
      ]), 'profile'),
    h('h3', {}, 'New profile'), create);
}

async function requeueView(view: HTMLElement): Promise<void> {
  const items = await session.call<RequeueItem[]>('/v1/requeue');
  const notice = h('div', { class: 'notice', role: 'alert' });
  fill(view, notice,
    items.length === 0 ? h('p', { class: 'muted', 'data-testid': 'requeue-empty' }, 'No failed runs are waiting.') :
      table(['Session', 'Topic', 'Attempts', 'Last error', 'Since', ''], items.map((r) => [
        r.session_id, r.topic, String(r.attempts), r.last_error ?? '—', dateTime(r.created_at),
        h('span', {},
          button('Run again', action(view, 'requeue', notice, () => session.call(`/v1/requeue/${r.requeue_id}/resolve?publish=true`, { method: 'POST' })), 'primary'), ' ',
          button('Resolve', action(view, 'requeue', notice, () => session.call(`/v1/requeue/${r.requeue_id}/resolve`, { method: 'POST' })))),
      ]), 'requeue-item'));
}

async function systemView(view: HTMLElement): Promise<void> {
  const [status, metrics] = await Promise.all([
    session.call<{ status: string; components: Record<string, { status: string; kind: string; latency_ms: number | null }> }>('/api/admin/system/status'),
    session.call<{ uptime_seconds: number; requests: Record<string, number>; cache: Record<string, number>; ai: Record<string, unknown> }>('/api/admin/system/metrics'),
  ]);
  fill(view,
    h('p', {}, 'Overall: ', h('strong', { 'data-testid': 'system-status' }, status.status)),
    table(['Component', 'Kind', 'Status', 'Latency'], Object.entries(status.components).map(([name, c]) =>
      [name, c.kind, c.status, c.latency_ms === null ? '—' : `${c.latency_ms} ms`]), 'component'),
    h('h3', {}, 'Metrics'),
    h('p', {}, `Up ${Math.round(metrics.uptime_seconds)} s · ${metrics.requests.total} requests · ${metrics.requests.error_rate_pct}% errors · cache hit ratio ${metrics.cache.hit_ratio_pct}%`),
    h('pre', { 'data-testid': 'metrics' }, JSON.stringify(metrics.ai, null, 2)));
}
