// The admin console for tenant and platform admins: contracts 003 (clients, agents), 002 (keys,
// model profiles, requeue) and 004 (system status and metrics). What an admin may see is decided by the
// server; a view it refuses says so and the rest of the console keeps working.
import '../shared/style.css';
import { api, ApiError } from '../shared/api';
import { announce, dateTime, h, replace, skipLink } from '../shared/dom';
import { checkedForm, confirmDanger, type Control, copyButton, field } from '../shared/forms';
import { signInCard } from '../shared/login';
import { Session } from '../shared/session';

interface Client { id: string; name: string; domain: string | null; active: boolean; settings: Record<string, unknown>; updated_at: string }
interface Agent { id: string; slug: string; name: string; description: string | null; client_id: string; enabled: boolean; system_prompt: string; allowed_tools: string[] }
interface Key { key_id: string; label: string; prefix: string; scopes: string[]; created_at: string; last_used_at: string | null; revoked_at: string | null; secret?: string | null }
interface Profile { role: string; deployment_mode: string; provider: string; model: string; base_url: string | null; has_api_key: boolean; updated_at: string }
interface Capsule { id: string; name: string; tools: string[] }
interface PortalAuth { type: string; issuer: string; audience: string; secret?: string | null; public_key?: string | null; jwks_url?: string | null }
interface Settings {
  theme: Record<string, string>; greeting: string; avatar_enabled: boolean; allowed_tools: string[]; portal_auth?: PortalAuth | null;
  policy: { max_session_duration_minutes: number; rate_limit_per_minute: number; require_consent: boolean; daily_transfer_limit: number };
  handoff?: { sla_seconds: number };
}
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
    skipLink(),
    h('header', { class: 'bar' }, h('h1', {}, 'VirtualBanker admin')),
    h('main', { id: 'main' }, signInCard({
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
    skipLink(),
    h('header', { class: 'bar' }, h('h1', {}, 'VirtualBanker admin'), logout),
    h('main', { id: 'main' },
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

function table(headers: string[], rows: (Node | string)[][], testid: string): HTMLTableElement {
  return h('table', {},
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))),
    h('tbody', {}, rows.map((cells) => h('tr', { 'data-testid': testid }, cells.map((c, i) => h('td', { 'data-label': headers[i] }, c))))));
}

function button(label: string, onClick: () => void, kind = 'secondary', name?: string): HTMLButtonElement {
  const b = h('button', { type: 'button', class: kind, 'aria-label': name ?? null }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** A button that asks, naming the object, before it runs a destructive change. */
function dangerButton(label: string, name: string, question: string, consequence: string, run: () => Promise<void>): HTMLButtonElement {
  return button(label, async () => {
    if (await confirmDanger(question, consequence, label)) await run();
  }, 'danger', `${label} ${name}`);
}

function input(attributes: Record<string, string | number | boolean | null>): HTMLInputElement {
  return h('input', attributes);
}

async function tenantsView(view: HTMLElement): Promise<void> {
  const [clients, capsules, me] = await Promise.all([
    session.call<Client[]>('/api/v1/clients'),
    // Tenant admins without the gateway's admin scope still edit their settings; the tools then come from the settings alone.
    session.call<Capsule[]>('/v1/capsules').catch(() => [] as Capsule[]),
    session.call<{ roles: string[]; tenant_id: string }>('/api/v1/staff/me'),
  ]);
  const notice = h('div', { class: 'notice', role: 'alert' });
  const platform = me.roles.includes('platform_admin');
  fill(view, notice,
    ...clients.map((client) => tenantCard(view, notice, client, capsules, platform && client.id !== me.tenant_id)),
    platform ? newTenantForm(view, notice) : null);
}

function tenantCard(view: HTMLElement, notice: HTMLElement, client: Client, capsules: Capsule[], canSwitch: boolean): HTMLElement {
  const settings = client.settings as unknown as Settings;
  const save = (json: unknown) => action(view, 'tenants', notice, () => session.call(`/api/v1/clients/${encodeURIComponent(client.id)}`, { method: 'PUT', json }))();
  const status = !canSwitch ? null : client.active
    ? dangerButton('Disable tenant', `${client.name} (${client.id})`, `Disable the tenant “${client.name}” (${client.id})?`,
      'Its customers, staff and API keys can no longer sign in until the tenant is enabled again.', () => save({ active: false }))
    : button('Enable tenant', () => void save({ active: true }), 'secondary', `Enable tenant ${client.name} (${client.id})`);

  const advanced = h('textarea', { name: 'settings', 'aria-label': `Settings of ${client.name} as JSON`, rows: 14 }, JSON.stringify(client.settings, null, 2));
  const raw = h('form', { class: 'stack', 'aria-label': `Advanced settings of ${client.name}` }, advanced, h('button', { type: 'submit' }, 'Save JSON'));
  raw.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      void save({ settings: JSON.parse(advanced.value) });
    } catch {
      announce(notice, `The settings of ${client.name} are not valid JSON.`, 'error');
    }
  });

  return h('article', { 'data-testid': 'tenant', 'data-id': client.id },
    h('h3', {}, client.name, ' ', h('span', { class: 'badge' }, client.id), ' ', h('span', { class: 'badge' }, client.active ? 'active' : 'inactive'), ' ', status),
    settingsForm(client, settings, capsules, (json) => save({ settings: json })),
    h('details', {}, h('summary', {}, 'Advanced: the settings as JSON'),
      h('p', { class: 'muted' }, 'Secret fields are shown as ********; leave them so to keep the stored secret.'), raw));
}

/** The settings a bank changes most, as fields; everything else (integrations, other theme keys) is kept as it is. */
function settingsForm(client: Client, settings: Settings, capsules: Capsule[], save: (json: unknown) => Promise<void>): HTMLFormElement {
  const colourKey = 'primary_color' in settings.theme && !('primaryColor' in settings.theme) ? 'primary_color' : 'primaryColor';
  const stored = settings.theme[colourKey];
  const colour = input({ type: 'color', name: 'accent', value: /^#[0-9a-f]{6}$/i.test(stored ?? '') ? stored : '#0066cc' });
  const greeting = h('textarea', { name: 'greeting', required: true, maxlength: 500, rows: 3 }, settings.greeting);
  const avatar = input({ type: 'checkbox', name: 'avatar_enabled', checked: settings.avatar_enabled });
  const preview = widgetPreview(client.name);
  const show = () => preview.show(colour.value, greeting.value, avatar.checked);
  [colour, greeting, avatar].forEach((control) => control.addEventListener('input', show));
  show();

  // Every tool a capsule offers, plus any the settings allow that no capsule lists, so saving never drops one.
  const allowed = new Set(settings.allowed_tools);
  const groups = capsules.map((c) => [c.name, c.tools] as const);
  const listed = new Set(capsules.flatMap((c) => c.tools));
  const others = settings.allowed_tools.filter((t) => !listed.has(t));
  if (others.length) groups.push(['Other tools', others]);
  const tools = groups.map(([name, list]) => h('fieldset', {}, h('legend', {}, name),
    list.map((tool) => h('label', { class: 'check' }, input({ type: 'checkbox', name: 'tool', value: tool, checked: allowed.has(tool) }), tool))));

  const p = settings.policy;
  const whole = (name: string, value: number, min: number, max: number) => input({ type: 'number', name, value, min, max, step: 1, required: true, inputmode: 'numeric' });
  const sessionMinutes = whole('max_session_duration_minutes', p.max_session_duration_minutes, 1, 1440);
  const rate = whole('rate_limit_per_minute', p.rate_limit_per_minute, 1, 100000);
  const consent = input({ type: 'checkbox', name: 'require_consent', checked: p.require_consent });
  const transferLimit = whole('daily_transfer_limit', p.daily_transfer_limit, 0, 10000000);
  const sla = whole('sla_seconds', settings.handoff?.sla_seconds ?? 120, 10, 86400);

  const portal = portalFields(settings.portal_auth ?? null);
  const form = h('form', { class: 'settings', 'aria-label': `Settings of ${client.name}` },
    h('div', { class: 'settings-columns' },
      h('fieldset', {}, h('legend', {}, 'Look and greeting'),
        field('Accent colour', colour), field('Greeting', greeting, 'The first message the assistant shows.'), field('Show the avatar', avatar), preview.element),
      h('div', {},
        h('fieldset', {}, h('legend', {}, 'Policy'),
          field('Longest session (minutes)', sessionMinutes), field('Messages per minute per customer', rate),
          field('Ask customers for consent before reading their data', consent),
          field('Daily transfer limit', transferLimit, 'In the account currency; 0 turns transfers off.'),
          field('Seconds a customer waits for staff before the item is escalated', sla)),
        portal.element)),
    h('fieldset', {}, h('legend', {}, 'Tools the assistant may use'), tools.length ? h('div', { class: 'tool-groups' }, tools) : h('p', { class: 'muted' }, 'Use the JSON view to change tools.')),
    h('p', { class: 'muted' }, 'The model behind each role is set in ', h('a', { href: '#profiles' }, 'Model profiles'), '.'),
    h('button', { type: 'submit' }, 'Save settings'));

  return checkedForm(form, () => save({
    theme: { ...settings.theme, [colourKey]: colour.value },
    greeting: greeting.value,
    avatar_enabled: avatar.checked,
    ...(tools.length ? { allowed_tools: [...form.querySelectorAll<HTMLInputElement>('input[name=tool]:checked')].map((t) => t.value) } : {}),
    policy: {
      max_session_duration_minutes: sessionMinutes.valueAsNumber,
      rate_limit_per_minute: rate.valueAsNumber,
      require_consent: consent.checked,
      daily_transfer_limit: transferLimit.valueAsNumber,
    },
    handoff: { sla_seconds: sla.valueAsNumber },
    portal_auth: portal.value(),
  }), portal.check);
}

/** A small copy of the widget that shows the colour and greeting as the customer will see them. */
function widgetPreview(bank: string): { element: HTMLElement; show: (colour: string, greeting: string, avatar: boolean) => void } {
  const avatar = h('span', { class: 'preview-avatar', 'aria-hidden': 'true' }, 'VB');
  const greeting = h('p', { class: 'preview-bubble', 'data-testid': 'preview-greeting' });
  const element = h('figure', { class: 'widget-preview', 'data-testid': 'widget-preview' },
    h('figcaption', { class: 'muted' }, 'Preview'),
    h('div', { class: 'preview-head' }, avatar, `${bank} assistant`),
    greeting,
    h('div', { class: 'preview-input' }, h('span', {}, 'Ask a question…'), h('span', { class: 'preview-send' }, 'Send')));
  return {
    element,
    show: (colour, text, showAvatar) => {
      element.style.setProperty('--vb-accent', colour);
      greeting.textContent = text;
      avatar.hidden = !showAvatar;
    },
  };
}

/** How the bank's portal proves who a customer is (contract 000): the kind of key, and the one field that kind needs. */
function portalFields(current: PortalAuth | null): { element: HTMLElement; value: () => unknown; check: () => void } {
  const type = h('select', { name: 'portal_type' },
    h('option', { value: 'none' }, 'Not set'), h('option', { value: 'hs256' }, 'Shared secret (HS256)'),
    h('option', { value: 'public_key' }, 'Public key (PEM)'), h('option', { value: 'jwks' }, 'Key set URL (JWKS)'));
  type.value = current?.type ?? 'none';
  const issuer = input({ name: 'issuer', value: current?.issuer ?? '', maxlength: 512 });
  const audience = input({ name: 'audience', value: current?.audience ?? '', maxlength: 512 });
  const secret = input({ name: 'secret', type: 'password', autocomplete: 'off', maxlength: 1024, placeholder: current?.secret ? 'Stored: leave empty to keep it' : '' });
  const publicKey = h('textarea', { name: 'public_key', rows: 4, maxlength: 8192 }, current?.public_key ?? '');
  const jwks = input({ name: 'jwks_url', type: 'url', value: current?.jwks_url ?? '', maxlength: 2048 });
  const parts = {
    common: h('div', {}, field('Issuer', issuer), field('Audience', audience)),
    hs256: field('Shared secret', secret, 'At least 32 characters.'),
    public_key: field('Public key', publicKey, 'An RSA (2048 bits or more) or EC key, from -----BEGIN PUBLIC KEY-----.'),
    jwks: field('Key set URL', jwks),
  };
  const sync = () => {
    const kind = type.value;
    parts.common.hidden = kind === 'none';
    for (const [name, part] of [['hs256', parts.hs256], ['public_key', parts.public_key], ['jwks', parts.jwks]] as const) {
      part.hidden = kind !== name;
      // Hidden fields are not checked: only the chosen kind's fields count.
      part.querySelectorAll<Control>('input, textarea').forEach((c) => (c.disabled = kind !== name));
    }
    issuer.required = audience.required = kind !== 'none';
    issuer.disabled = audience.disabled = kind === 'none';
    publicKey.required = kind === 'public_key';
    jwks.required = kind === 'jwks';
    secret.required = kind === 'hs256' && !(current?.type === 'hs256' && current.secret);
  };
  type.addEventListener('change', sync);
  sync();
  return {
    element: h('fieldset', {}, h('legend', {}, 'Portal sign-in'), field('How the portal signs its customers in', type), parts.common, parts.hs256, parts.public_key, parts.jwks),
    check: () => secret.setCustomValidity(secret.value && new TextEncoder().encode(secret.value).length < 32 ? 'Shared secret must be at least 32 characters.' : ''),
    value: () => type.value === 'none' ? null : {
      type: type.value,
      issuer: issuer.value,
      audience: audience.value,
      // An empty secret field keeps the stored one, which the server knows by its redacted form.
      ...(type.value === 'hs256' ? { secret: secret.value || '********' } : {}),
      ...(type.value === 'public_key' ? { public_key: publicKey.value } : {}),
      ...(type.value === 'jwks' ? { jwks_url: jwks.value } : {}),
    },
  };
}

function newTenantForm(view: HTMLElement, notice: HTMLElement): HTMLElement {
  const id = input({ name: 'id', required: true, maxlength: 63, pattern: '[a-z0-9][a-z0-9\\-]{1,62}', 'data-hint': 'Identifier uses 2 to 63 lower-case letters, digits and hyphens, starting with a letter or digit.' });
  const name = input({ name: 'name', required: true, maxlength: 200 });
  const domain = input({ name: 'domain', maxlength: 253, placeholder: 'bank.example' });
  const adminEmail = input({ name: 'admin_email', type: 'email', maxlength: 320 });
  const adminName = input({ name: 'admin_name', maxlength: 200 });
  const adminPassword = input({ name: 'admin_password', type: 'password', autocomplete: 'new-password', minlength: 10, maxlength: 1024 });
  const form = h('form', { class: 'stack', 'aria-label': 'New tenant' },
    field('Identifier', id, 'Used in URLs and the X-Client-ID header; it cannot change later.'), field('Name', name), field('Domain', domain),
    h('fieldset', {}, h('legend', {}, 'First admin (optional)'), field('E-mail', adminEmail), field('Name', adminName), field('Password', adminPassword, 'At least 10 characters, not a common password.')),
    h('button', { type: 'submit' }, 'Create tenant'));
  const admin = [adminEmail, adminName, adminPassword];
  return h('section', { 'aria-labelledby': 'new-tenant' }, h('h3', { id: 'new-tenant' }, 'New tenant'), checkedForm(form,
    () => action(view, 'tenants', notice, () => session.call('/api/v1/clients', {
      json: {
        id: id.value, name: name.value, domain: domain.value || null,
        admin: adminEmail.value ? { email: adminEmail.value, name: adminName.value, password: adminPassword.value } : null,
      },
    }))(),
    // The first admin is all or nothing.
    () => admin.forEach((c) => (c.required = admin.some((x) => x.value !== '')))));
}

async function agentsView(view: HTMLElement): Promise<void> {
  const agents = await session.call<Agent[]>('/api/v1/agents');
  const notice = h('div', { class: 'notice', role: 'alert' });
  const name = input({ name: 'name', required: true, maxlength: 200 });
  const slug = input({ name: 'slug', required: true, pattern: '[a-z0-9][a-z0-9\\-]*', maxlength: 64, 'data-hint': 'Slug uses lower-case letters, digits and hyphens, starting with a letter or digit.' });
  const prompt = h('textarea', { name: 'system_prompt', rows: 4, maxlength: 20000 });
  const create = checkedForm(h('form', { class: 'stack', 'aria-label': 'New agent' },
    field('Name', name), field('Slug', slug, 'For example mortgage-helper.'), field('System prompt', prompt),
    h('button', { type: 'submit' }, 'Create agent')), () =>
    action(view, 'agents', notice, () => session.call('/api/v1/agents', { json: { name: name.value, slug: slug.value, system_prompt: prompt.value || null } }))());
  fill(view, notice,
    table(['Name', 'Slug', 'Tenant', 'Status', 'Tools', ''], agents.map((a) => [
      a.name, a.slug, a.client_id, a.enabled ? 'enabled' : 'disabled', String(a.allowed_tools.length),
      dangerButton('Delete', `agent ${a.name}`, `Delete the agent “${a.name}” (${a.slug})?`,
        'Its conversations stay, but it can no longer answer. This cannot be undone.', action(view, 'agents', notice, () => session.call(`/api/v1/agents/${a.id}`, { method: 'DELETE' }))),
    ]), 'agent'),
    h('h3', {}, 'New agent'), create);
}

async function keysView(view: HTMLElement): Promise<void> {
  const keys = await session.call<Key[]>('/v1/keys');
  const notice = h('div', { class: 'notice', role: 'alert' });
  const label = input({ name: 'label', required: true, maxlength: 100 });
  const scopes = KEY_SCOPES.map((s) => input({ type: 'checkbox', name: 'scope', value: s, 'aria-label': s }));
  const scopesError = h('small', { class: 'field-error', id: 'scopes-error', 'aria-live': 'polite' });
  const create = checkedForm(h('form', { class: 'stack', 'aria-label': 'New API key' },
    field('Label', label),
    h('fieldset', { 'aria-describedby': 'scopes-error' }, h('legend', {}, 'Scopes'), scopes.map((box) => h('label', { class: 'check' }, box, box.value)), scopesError),
    h('button', { type: 'submit' }, 'Create key')), async () => {
    try {
      const key = await session.call<Key>('/v1/keys', { json: { label: label.value, scopes: scopes.filter((s) => s.checked).map((s) => s.value) } });
      await render(view, 'keys');
      // The secret exists only in this answer; the server keeps a hash.
      const secret = h('div', { class: 'secret', 'data-testid': 'key-secret' }, key.secret ?? '');
      view.querySelector('h2')!.after(h('div', { class: 'notice info', role: 'status', 'data-testid': 'new-key' }, h('p', {}, 'Copy this key now. It is not shown again.'),
        secret, copyButton(secret, `Copy the key ${key.label}`)));
    } catch (error) {
      announce(notice, (error as Error).message, 'error');
    }
  }, () => {
    const none = !scopes.some((s) => s.checked);
    scopes[0].setCustomValidity(none ? 'Choose at least one scope.' : '');
    scopesError.textContent = none ? 'Choose at least one scope.' : '';
  });
  fill(view, notice,
    table(['Label', 'Prefix', 'Scopes', 'Created', 'Last used', ''], keys.map((k) => [
      k.label, k.prefix, k.scopes.join(', '), dateTime(k.created_at), k.last_used_at ? dateTime(k.last_used_at) : '—',
      k.revoked_at ? 'revoked' : dangerButton('Revoke', `key ${k.label}`, `Revoke the key “${k.label}” (${k.prefix}…)?`,
        'Every client using it is refused from now on. This cannot be undone.', action(view, 'keys', notice, () => session.call(`/v1/keys/${k.key_id}`, { method: 'DELETE' }))),
    ]), 'key'),
    h('h3', {}, 'New key'), create);
}

async function profilesView(view: HTMLElement): Promise<void> {
  const profiles = await session.call<Profile[]>('/v1/model-profiles');
  const notice = h('div', { class: 'notice', role: 'alert' });
  const role = input({ name: 'role', required: true, maxlength: 64, placeholder: 'assistant' });
  const mode = input({ name: 'deployment_mode', required: true, maxlength: 64, placeholder: 'production' });
  const provider = h('select', { name: 'provider' }, h('option', { value: 'builtin' }, 'builtin (offline)'), h('option', { value: 'openai' }, 'openai (compatible endpoint)'));
  const model = input({ name: 'model', required: true, maxlength: 200, placeholder: 'builtin' });
  const baseUrl = input({ name: 'base_url', type: 'url', maxlength: 2048, placeholder: 'https://api.openai.com/v1' });
  const apiKey = input({ name: 'api_key', type: 'password', autocomplete: 'off', maxlength: 1024 });
  const create = checkedForm(h('form', { class: 'stack', 'aria-label': 'New model profile' },
    field('Role', role), field('Deployment mode', mode), field('Provider', provider), field('Model', model), field('Base URL', baseUrl), field('API key', apiKey),
    h('button', { type: 'submit' }, 'Save profile')), () =>
    action(view, 'profiles', notice, () => session.call('/v1/model-profiles', {
      json: { role: role.value, deployment_mode: mode.value, provider: provider.value, model: model.value, base_url: baseUrl.value || null, api_key: apiKey.value || null },
    }))());
  fill(view, notice,
    profiles.length === 0 ? h('p', { class: 'muted' }, 'No profiles: every role uses the builtin provider.') :
      table(['Role', 'Mode', 'Provider', 'Model', 'Base URL', 'Key', ''], profiles.map((p) => [
        p.role, p.deployment_mode, p.provider, p.model, p.base_url ?? '—', p.has_api_key ? 'set' : '—',
        dangerButton('Delete', `profile ${p.role} ${p.deployment_mode}`, `Delete the model profile “${p.role}” (${p.deployment_mode})?`,
          'That role goes back to the builtin provider.', action(view, 'profiles', notice, () =>
            session.call(`/v1/model-profiles/${encodeURIComponent(p.role)}/${encodeURIComponent(p.deployment_mode)}`, { method: 'DELETE' }))),
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
