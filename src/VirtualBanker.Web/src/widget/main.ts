// The assistant widget a bank embeds in its portal with one tag:
//   <script src="https://assistant.bank.example/widget.js" data-tenant="demo-bank" data-assertion-url="/portal/assistant-assertion"></script>
// It gets a signed assertion from the bank's own back end (data-assertion-url, called with the portal's
// cookies), opens a portal session (contract 000), applies the tenant's theme, greeting and avatar
// setting, asks for consent when the policy requires it (linking the bank's privacy notice; consent can be withdrawn),
// and chats over contract 001's WebSocket — resuming from the last event it saw after a drop — or, while the socket is
// down, over POST /api/ai/chat. The conversation outlives the page: the session's id is kept (localStorage, per tenant)
// and the next page or tab resumes it with a fresh assertion, replaying both sides from event 0.
// In the bank's own app (/app/) it runs on the customer's own token instead (accessToken): no portal session.
import { errorMessage } from '../shared/api';
import { h, money } from '../shared/dom';
import css from './widget.css?inline';

export interface WidgetOptions {
  /** The tenant (bank) id; for a portal session. */
  tenant?: string;
  /** A URL of the bank's portal that answers {"assertion": "<JWT>"} for its signed-in customer. */
  assertionUrl?: string;
  /** Or a function that returns the assertion, for portals that keep their session in a token. */
  getAssertion?: () => Promise<string>;
  /** The VirtualBanker server; by default the origin widget.js was loaded from. */
  server?: string;
  /**
   * Or, in the bank's own app where the customer signed in to VirtualBanker itself (contract 001): their current access
   * token. The widget then talks in the customer's own conversation, with no portal session and no consent question.
   */
  accessToken?: () => Promise<string>;
}

interface PortalSession {
  session_id: string;
  ephemeral_token: string;
  expires_at: string;
  config: { theme: Record<string, string>; avatar_enabled: boolean; greeting: string; policy: { require_consent: boolean; privacy_notice_url?: string | null } };
  resumed?: boolean;
  consent_given?: boolean;
}

interface Frame {
  type: string;
  id?: number;
  reply_to?: number;
  content?: string;
  message?: string;
  name?: string;
  result?: Record<string, unknown>;
  confirmation_id?: string;
  summary?: string;
  /** On an answer a staff member wrote (not the assistant): who. */
  author?: { role: string; name: string };
}

/** Questions offered once the assistant may answer, to show what it can do. */
export const SUGGESTIONS = ['What is my balance?', 'How much did I spend this month?', 'Any suspicious payments?', 'Freeze my card'];
const DEFAULT_GREETING = 'Hello! How can I help you today?';

/** Seconds between reconnect attempts: doubling from 1 up to 30, then every 30. */
export const RECONNECT_DELAYS = [1, 2, 4, 8, 16, 30];
const PING_SECONDS = 25;
/** A connection that stayed up this long was healthy: the next drop starts the backoff again from 1 s. */
const STABLE_MS = 10_000;
const SESSION_ENDED = 4000;

const scriptOrigin = document.currentScript instanceof HTMLScriptElement && document.currentScript.src ? new URL(document.currentScript.src).origin : location.origin;

export function mount(options: WidgetOptions): Widget {
  return new Widget(options);
}

export class Widget {
  private readonly server: string;
  private readonly root: ShadowRoot;
  private readonly launcher: HTMLButtonElement;
  private readonly panel: HTMLElement;
  private readonly log: HTMLElement;
  private readonly status: HTMLElement;
  private readonly consent: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly scrim: HTMLElement;
  private readonly withdraw: HTMLButtonElement;
  private session: PortalSession | null = null;
  /** In the app: the customer's token of the moment (see WidgetOptions.accessToken). */
  private appToken: string | null = null;
  private starting: Promise<void> | null = null;
  private socket: WebSocket | null = null;
  private attempt = 0;
  private lastEventId = 0;
  private ended = false;
  private reconnectTimer = 0;
  private pingTimer = 0;
  private refreshTimer = 0;
  // Answers given over HTTP while the socket was down come back once more when it resumes: their text
  // is not shown again, only the tool cards the HTTP answer could not carry, placed above it.
  private readonly answeredOverHttp = new Map<string, HTMLElement>();
  private readonly pending = new Map<number, { bubble: HTMLElement | null; frames: Frame[] }>();
  // What this page sent and has not seen echoed back yet: its echo is skipped, other pages' and tabs' messages are shown.
  private readonly sentHere: string[] = [];

  constructor(private readonly options: WidgetOptions) {
    this.server = (options.server ?? scriptOrigin).replace(/\/$/, '');
    const host = document.createElement('div');
    host.setAttribute('data-virtualbanker', options.tenant ?? 'app');
    this.root = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = css;

    this.launcher = h('button', { class: 'launcher', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'vb-panel' }, 'Chat with us');
    this.status = h('div', { class: 'status', role: 'status' });
    this.log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
    this.consent = h('div', { class: 'consent', hidden: '' });
    this.input = h('input', { id: 'vb-input', autocomplete: 'off', maxlength: '4000', placeholder: 'Ask about your accounts…', disabled: '' });
    const send = h('button', { class: 'primary', type: 'submit', disabled: '' }, 'Send');
    this.form = h('form', { 'aria-label': 'Send a message' },
      h('label', { for: 'vb-input', class: 'visually-hidden' }, 'Message'), this.input, send);
    const close = h('button', { type: 'button', 'aria-label': 'Close the assistant' }, '×');
    this.withdraw = h('button', { type: 'button', class: 'link', hidden: '', 'data-testid': 'withdraw-consent' }, 'Withdraw consent');
    this.panel = h('section', { id: 'vb-panel', class: 'panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'vb-title', hidden: '' },
      h('header', {}, h('h2', { id: 'vb-title' }, 'Virtual banker'), close),
      this.status, this.log, this.consent, this.form, h('footer', {}, this.withdraw));
    // On a phone the panel fills the screen but its top edge; the page behind is dimmed (and a tap there closes it).
    this.scrim = h('div', { class: 'scrim', hidden: '', 'aria-hidden': 'true' });
    this.root.append(style, this.launcher, this.scrim, this.panel);
    document.body.append(host);

    this.launcher.addEventListener('click', () => (this.panel.hidden ? this.open() : this.close()));
    close.addEventListener('click', () => this.close());
    this.scrim.addEventListener('click', () => this.close());
    this.withdraw.addEventListener('click', () => void this.withdrawConsent());
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close();
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    this.input.addEventListener('input', () => (send.toggleAttribute('disabled', !this.canSend())));
  }

  open(): void {
    this.panel.hidden = false;
    this.scrim.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'true');
    this.starting ??= this.start().catch((error: Error) => {
      this.starting = null;
      this.setStatus('');
      this.system(`The assistant is not available right now (${error.message}).`, true);
    });
    this.input.focus();
  }

  /** Takes the widget off the page (the app's sign-out): its socket and timers stop. */
  destroy(): void {
    this.ended = true;
    window.clearTimeout(this.reconnectTimer);
    window.clearTimeout(this.refreshTimer);
    window.clearInterval(this.pingTimer);
    this.socket?.close();
    this.root.host.remove();
  }

  close(): void {
    this.panel.hidden = true;
    this.scrim.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.launcher.focus();
  }

  private async start(): Promise<void> {
    this.ended = false;
    this.lastEventId = 0;
    this.log.replaceChildren();
    this.setStatus('Connecting…');
    if (this.options.accessToken) {
      this.appToken = await this.options.accessToken();
      this.bubble('bot', DEFAULT_GREETING);
      void this.connect();
      return;
    }
    const assertion = await this.assertion();
    const response = await fetch(`${this.server}/v1/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        tenant_id: this.options.tenant, auth_assertion: assertion, portal_context: { page: location.pathname },
        resume_session_id: localStorage.getItem(this.storageKey()) ?? undefined,
      }),
    });
    if (!response.ok) throw new Error(await problem(response));
    const session = (this.session = (await response.json()) as PortalSession);
    localStorage.setItem(this.storageKey(), session.session_id);
    this.applyConfig(session);
    this.scheduleRefresh();
    if (session.config.policy.require_consent && !session.consent_given) this.askConsent();
    else {
      if (session.config.policy.require_consent) this.withdraw.hidden = false;
      if (!session.resumed) this.suggest();
      void this.connect();
    }
  }

  private storageKey(): string {
    return `virtualbanker:session:${this.options.tenant ?? ''}`;
  }

  private async assertion(): Promise<string> {
    if (this.options.getAssertion) return this.options.getAssertion();
    if (!this.options.assertionUrl) throw new Error('no data-assertion-url');
    const response = await fetch(this.options.assertionUrl, { method: 'POST', credentials: 'include', headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(response.status === 401 ? 'please sign in to your bank first' : await problem(response));
    return ((await response.json()) as { assertion: string }).assertion;
  }

  private applyConfig(session: PortalSession): void {
    const { theme, avatar_enabled: avatar, greeting } = session.config;
    const accent = theme.primaryColor ?? theme.primary_color;
    if (accent && /^#[0-9a-f]{3,8}$/i.test(accent)) (this.root.host as HTMLElement).style.setProperty('--vb-accent', accent);
    if (avatar) this.panel.querySelector('header')!.prepend(h('div', { class: 'avatar', 'aria-hidden': 'true', 'data-testid': 'avatar' }, 'VB'));
    this.bubble('bot', greeting);
  }

  private askConsent(): void {
    const agree = h('button', { class: 'primary', type: 'button' }, 'I agree');
    const decline = h('button', { class: 'secondary', type: 'button' }, 'Not now');
    const notice = this.session!.config.policy.privacy_notice_url;
    this.consent.replaceChildren(
      h('p', { id: 'vb-consent-text' }, 'To answer, the assistant reads your accounts and transactions at this bank. Do you agree? You can withdraw your consent at any time.'),
      ...(notice ? [h('p', {}, h('a', { href: notice, target: '_blank', rel: 'noopener', 'data-testid': 'privacy-notice' }, 'Read the privacy notice'))] : []),
      h('div', { class: 'actions', role: 'group', 'aria-labelledby': 'vb-consent-text' }, agree, decline));
    this.consent.hidden = false;
    this.setStatus('');
    agree.focus();
    agree.addEventListener('click', async () => {
      const response = await fetch(`${this.server}/v1/sessions/${this.session!.session_id}/consent`, { method: 'POST', headers: this.auth() });
      if (!response.ok) {
        this.system(`Consent could not be saved: ${await problem(response)}`, true);
        return;
      }
      this.consent.hidden = true;
      this.withdraw.hidden = false;
      this.system('Thank you. You can ask your question now.');
      this.suggest();
      void this.connect();
      this.input.focus();
    });
    decline.addEventListener('click', () => {
      this.consent.hidden = true;
      this.system('No problem. The assistant stays off; open it again whenever you like.');
      this.starting = null;
      this.launcher.focus();
    });
  }

  /** Questions to start with, as buttons that send themselves. */
  private suggest(): void {
    const list = h('div', { class: 'suggestions', role: 'group', 'aria-label': 'Suggested questions', 'data-testid': 'suggestions' });
    for (const question of SUGGESTIONS) {
      const button = h('button', { type: 'button', class: 'secondary' }, question);
      button.addEventListener('click', () => {
        list.remove();
        this.input.value = question;
        void this.send();
      });
      list.append(button);
    }
    this.log.append(list);
  }

  /** The customer takes consent back: the server ends the session; opening the assistant again asks afresh. */
  private async withdrawConsent(): Promise<void> {
    if (!this.session) return;
    const response = await fetch(`${this.server}/v1/sessions/${this.session.session_id}/consent`, { method: 'DELETE', headers: this.auth() });
    if (!response.ok) {
      this.system(`Your consent could not be withdrawn: ${await problem(response)}`, true);
      return;
    }
    this.withdraw.hidden = true;
    this.end('You withdrew your consent: the assistant no longer reads your accounts, and this conversation has ended. Open it again whenever you like.');
  }

  private async connect(): Promise<void> {
    if (this.ended || (!this.session && !this.options.accessToken)) return;
    this.enableInput();
    if (this.options.accessToken) this.appToken = await this.options.accessToken().catch(() => this.appToken);
    const url = new URL(`${this.server.replace(/^http/, 'ws')}/api/ai/chat/ws`);
    url.searchParams.set('access_token', this.session?.ephemeral_token ?? this.appToken ?? '');
    // Always from the last event seen, 0 at first: what happened before this page (another page, another tab) and
    // while no socket was open (an answer over HTTP) must still arrive. echo: the customer's own messages come too.
    url.searchParams.set('last_event_id', String(this.lastEventId));
    url.searchParams.set('echo', 'true');
    const socket = (this.socket = new WebSocket(url));
    let openedAt = 0;
    socket.addEventListener('open', () => {
      openedAt = Date.now();
      this.setStatus('');
      this.panel.dataset.connection = 'open';
      this.pingTimer = window.setInterval(() => socket.send(JSON.stringify({ type: 'ping' })), PING_SECONDS * 1000);
    });
    socket.addEventListener('message', (event) => this.receive(JSON.parse(String(event.data)) as Frame));
    socket.addEventListener('close', (event) => {
      window.clearInterval(this.pingTimer);
      if (this.socket !== socket) return;
      this.socket = null;
      this.panel.dataset.connection = 'closed';
      if (openedAt > 0 && Date.now() - openedAt >= STABLE_MS) this.attempt = 0;
      if (event.code === SESSION_ENDED) this.end('This conversation has ended.');
      else this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const delay = RECONNECT_DELAYS[Math.min(this.attempt, RECONNECT_DELAYS.length - 1)];
    this.attempt++;
    this.panel.dataset.reconnectDelay = String(delay);
    this.setStatus(`Connection lost. Reconnecting in ${delay} s; messages are still delivered.`);
    window.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = window.setTimeout(() => void this.connect(), delay * 1000);
  }

  private async send(): Promise<void> {
    const text = this.input.value.trim();
    if (!text || !this.canSend()) return;
    this.input.value = '';
    this.bubble('user', text);
    this.sentHere.push(text);
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: 'chat', message: text }));
      return;
    }

    // The socket is down: the same pipeline over HTTP, which answers once the whole reply is ready.
    const waiting = this.bubble('bot', '');
    waiting.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch(`${this.server}/api/ai/chat`, {
        method: 'POST',
        headers: { ...this.auth(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: text }),
      });
      if (!response.ok) throw new Error(await problem(response));
      const answer = ((await response.json()) as { response: string }).response;
      this.answeredOverHttp.set(answer, waiting);
      waiting.textContent = answer;
      waiting.dataset.transport = 'http';
    } catch (error) {
      waiting.classList.add('error');
      waiting.textContent = `Your message could not be sent: ${(error as Error).message}`;
    } finally {
      waiting.removeAttribute('aria-busy');
    }
  }

  /** One event of the conversation; ids only grow, so a replayed one is never shown twice. */
  private receive(frame: Frame): void {
    if (frame.id !== undefined) {
      if (frame.id <= this.lastEventId) return;
      this.lastEventId = frame.id;
    }
    if (frame.type === 'error') {
      this.system(frame.message ?? 'Something went wrong.', true);
      return;
    }
    if (frame.type === 'message') {
      // The customer's own message: this page's is already shown; another page's or tab's is shown now.
      const mine = this.sentHere.indexOf(frame.content ?? '');
      if (mine >= 0) this.sentHere.splice(mine, 1);
      else if (frame.content) this.bubble('user', frame.content);
      return;
    }
    if (frame.type === 'handoff') {
      // A person joined, handed back to the assistant, or closed the conversation.
      this.system(frame.content ?? '', false, 'handoff-notice');
      return;
    }
    if (frame.reply_to === undefined) return;

    let answer = this.pending.get(frame.reply_to);
    if (!answer) {
      // While HTTP answers are outstanding, a resumed reply is held until its end, to be skipped if it was one of them.
      answer = { bubble: null, frames: [] };
      this.pending.set(frame.reply_to, answer);
    }
    if (this.answeredOverHttp.size > 0 && !answer.bubble) {
      answer.frames.push(frame);
      if (frame.type !== 'chat_end') return;
      this.pending.delete(frame.reply_to);
      const overHttp = this.answeredOverHttp.get(frame.content ?? '');
      this.answeredOverHttp.delete(frame.content ?? '');
      for (const held of answer.frames) {
        if (!overHttp) this.render(held, answer);
        else if (held.type === 'tool_result' && held.result) this.toolCard(held.name ?? '', held.result, overHttp);
      }
      return;
    }
    this.render(frame, answer);
    if (frame.type === 'chat_end') this.pending.delete(frame.reply_to);
  }

  private render(frame: Frame, answer: { bubble: HTMLElement | null }): void {
    switch (frame.type) {
      case 'chat_start':
        answer.bubble ??= this.bubble('bot', '', frame.author);
        answer.bubble.setAttribute('aria-busy', 'true');
        break;
      case 'chat_chunk':
        answer.bubble ??= this.bubble('bot', '', frame.author);
        answer.bubble.textContent += frame.content ?? '';
        answer.bubble.dataset.chunks = String(Number(answer.bubble.dataset.chunks ?? 0) + 1);
        this.scroll();
        break;
      case 'tool_result':
        if (frame.result) this.toolCard(frame.name ?? '', frame.result, answer.bubble);
        break;
      case 'confirmation_required':
        if (frame.confirmation_id) this.confirmationCard(frame.confirmation_id, frame.summary ?? '');
        break;
      case 'chat_end':
        answer.bubble ??= this.bubble('bot', '', frame.author);
        answer.bubble.textContent = frame.content ?? answer.bubble.textContent;
        answer.bubble.removeAttribute('aria-busy');
        answer.bubble.dataset.complete = 'true';
        this.scroll();
        break;
    }
  }

  /**
   * An action the assistant proposes (freeze a card, ...): it runs only if the customer confirms. The answer goes on the
   * socket, or over HTTP when the socket is down; typing "yes" or "no" works too.
   */
  private confirmationCard(id: string, summary: string): void {
    const confirm = h('button', { class: 'primary', type: 'button' }, 'Confirm');
    const cancel = h('button', { class: 'secondary', type: 'button' }, 'Cancel');
    const card = h('div', { class: 'tool', 'data-testid': 'confirmation-card', role: 'group', 'aria-label': 'Please confirm' },
      h('h3', {}, 'Please confirm'), h('p', {}, summary), h('div', { class: 'actions' }, confirm, cancel));
    const answer = async (approve: boolean) => {
      confirm.disabled = cancel.disabled = true;
      this.input.focus(); // the pressed button is now disabled: keep the keyboard in the conversation
      if (this.socket?.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify({ type: approve ? 'confirm' : 'cancel', confirmation_id: id }));
        return;
      }
      const response = await fetch(`${this.server}/api/ai/confirmations/${encodeURIComponent(id)}`, {
        method: 'POST',
        headers: { ...this.auth(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ approve }),
      });
      if (!response.ok) this.system(`Your answer could not be sent: ${await problem(response)}`, true);
      else {
        const text = ((await response.json()) as { response: string }).response;
        this.answeredOverHttp.set(text, this.bubble('bot', text)); // the socket, back, must not show it twice
      }
    };
    confirm.addEventListener('click', () => void answer(true));
    cancel.addEventListener('click', () => void answer(false));
    this.log.append(card);
    this.scroll();
  }

  /** What a tool returned, shown as a card above the answer that uses it. */
  private toolCard(name: string, result: Record<string, unknown>, before: HTMLElement | null): void {
    let card: HTMLElement | null = null;
    if (name === 'get_balances' && Array.isArray(result.accounts)) {
      const accounts = result.accounts as { name: string; balance: number; currency: string }[];
      card = h('div', { class: 'tool', 'data-testid': 'balance-card', role: 'group', 'aria-label': 'Your balances' },
        h('h3', {}, 'Your balances'),
        h('div', { class: 'total', 'data-testid': 'balance-total' }, money(Number(result.total_balance))),
        ...accounts.map((a) => h('div', { class: 'line' }, h('span', {}, a.name), h('span', {}, money(a.balance, a.currency)))));
    } else if (name === 'create_ticket' && typeof result.ticket_id === 'string') {
      card = h('div', { class: 'tool', 'data-testid': 'ticket-card', role: 'group', 'aria-label': 'Support ticket opened' },
        h('h3', {}, 'Support ticket opened'),
        h('div', { class: 'line' }, h('span', {}, 'Reference'), h('span', { 'data-testid': 'ticket-reference' }, String(result.reference ?? ''))),
        h('div', { class: 'line' }, h('span', {}, 'Subject'), h('span', {}, String(result.subject ?? ''))),
        h('div', { class: 'line' }, h('span', {}, 'Status'), h('span', {}, String(result.status ?? ''))));
    }
    if (!card) return;
    if (before) this.log.insertBefore(card, before);
    else this.log.append(card);
    this.scroll();
  }

  private scheduleRefresh(): void {
    // Refresh the ephemeral token a minute before it expires, for as long as the session lives.
    const due = new Date(this.session!.expires_at).getTime() - Date.now() - 60_000;
    this.refreshTimer = window.setTimeout(async () => {
      const response = await fetch(`${this.server}/v1/sessions/${this.session!.session_id}/refresh-token`, { method: 'POST', headers: this.auth() });
      if (!response.ok) {
        this.end('This conversation has ended.');
        return;
      }
      const next = (await response.json()) as { ephemeral_token: string; expires_at: string };
      this.session = { ...this.session!, ephemeral_token: next.ephemeral_token, expires_at: next.expires_at };
      this.scheduleRefresh();
    }, Math.max(due, 5_000));
  }

  private end(message: string): void {
    this.ended = true;
    this.starting = null; // opening the assistant again starts a new session
    if (this.options.tenant) localStorage.removeItem(this.storageKey());
    window.clearTimeout(this.reconnectTimer);
    window.clearTimeout(this.refreshTimer);
    this.socket?.close();
    this.input.disabled = true;
    this.form.querySelector('button')!.disabled = true;
    this.setStatus('');
    this.system(message);
  }

  private canSend(): boolean {
    return !this.ended && (!!this.session || !!this.appToken) && this.consent.hidden && this.input.value.trim().length > 0;
  }

  private enableInput(): void {
    this.input.disabled = false;
    this.form.querySelector('button')!.disabled = !this.canSend();
  }

  private auth(): Record<string, string> {
    return { Authorization: `Bearer ${this.session?.ephemeral_token ?? this.appToken}` };
  }

  private bubble(who: 'bot' | 'user', text: string, author?: { role: string; name: string }): HTMLElement {
    // A staff member's answer carries their name (shown above the text, and read out with it).
    const staff = author?.role === 'staff' ? author.name : null;
    const bubble = h('div', { class: staff ? `msg ${who} staff` : `msg ${who}`, 'data-testid': `${who}-message`, 'data-author': staff }, text);
    this.log.append(bubble);
    this.scroll();
    return bubble;
  }

  private system(text: string, error = false, testid: string | null = null): void {
    this.log.append(h('div', { class: error ? 'msg system error' : 'msg system', role: error ? 'alert' : null, 'data-testid': testid }, text));
    this.scroll();
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
  }

  private scroll(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }
}

async function problem(response: Response): Promise<string> {
  const text = await response.text();
  try {
    return errorMessage(JSON.parse(text)) ?? `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

// One tag: <script src=".../widget.js" data-tenant="..." data-assertion-url="..."> mounts itself.
const tag = document.currentScript;
if (tag instanceof HTMLScriptElement && tag.dataset.tenant && tag.dataset.assertionUrl) {
  const options = { tenant: tag.dataset.tenant, assertionUrl: tag.dataset.assertionUrl };
  if (document.body) mount(options);
  else document.addEventListener('DOMContentLoaded', () => mount(options));
}
