// The staff workspace: the bank's people behind the assistant. The live queue of customers handed over (pushed by the
// server), a conversation view with the transcript, the customer's context and a reply box, and the tickets. Staff sign
// in with contract 003's login; everything else is the staff API under /api/v1/handoffs and /api/v1/tickets.
import '../shared/style.css';
import './staff.css';
import { api, ApiError } from '../shared/api';
import { announce, dateTime, fields, h, money, replace, skipLink } from '../shared/dom';
import { signInCard } from '../shared/login';
import { Session } from '../shared/session';
import { readEvents } from '../shared/sse';

interface Person { id: string; name: string; email: string | null }
interface Turn { role: string; name: string | null; text: string; at: string }
interface Item {
  id: string; reason: string; status: string; priority: string; channel: string; session_id: string | null; customer: Person;
  last_turns: Turn[]; claimed_by: Person | null; escalated: boolean; created_at: string;
}
interface Context {
  accounts: { name: string; type: string; balance: number; currency: string }[];
  recent_transactions: { date: string; merchant: string; category: string; amount: number }[];
  open_alerts: { merchant: string; amount: number; risk_score: number; date: string }[];
  tickets: { reference: string | null; subject: string; status: string; priority: string }[];
}
interface Ticket { id: string; reference: string | null; subject: string; description: string; priority: string; status: string; customer: Person; created_at: string }
interface Me { id: string; display_name: string; tenant_name: string }
interface Frame { type: string; id: number; content?: string; author?: { name: string } }

const REASONS: Record<string, string> = {
  customer_request: 'Asked for a person',
  not_understood: 'Not understood twice',
  fraud_confirmed: 'Confirmed fraud',
};
const TICKET_STATUSES: Record<string, string> = { open: 'Open', in_progress: 'In progress', closed: 'Closed' };

const session = new Session('vb.staff');
const root = document.getElementById('app')!;
const items = new Map<string, Item>();
let me: Me | null = null;
let selected: string | null = null;
let queueStream: AbortController | null = null;
let conversationStream: AbortController | null = null;

window.addEventListener('hashchange', () => session.signedIn && void show());
if (session.signedIn) void show();
else showLogin();

function showLogin(message?: string): void {
  queueStream?.abort();
  conversationStream?.abort();
  replace(root,
    skipLink(),
    h('header', { class: 'bar' }, h('h1', {}, 'Staff workspace')),
    h('main', { id: 'main' }, signInCard({
      title: 'Staff sign-in',
      emailField: 'email',
      refused: 'The email or password is not right, or this account is not on the staff.',
      message,
      signIn: async (values) => {
        const result = await api<{ access_token: string }>('/api/v1/auth/login', { json: values });
        session.store(result.access_token);
        await show();
      },
    })));
}

async function show(): Promise<void> {
  try {
    me = await session.call<Me>('/api/v1/staff/me');
  } catch (error) {
    session.clear();
    showLogin(error instanceof ApiError && error.status === 403 ? 'This account is not on the staff.' : 'Please sign in.');
    return;
  }
  const view = location.hash === '#tickets' ? 'tickets' : 'queue';
  const logout = h('button', { type: 'button' }, 'Sign out');
  logout.addEventListener('click', () => {
    session.clear();
    showLogin('You are signed out.');
  });
  const content = h('div', {});
  replace(root,
    skipLink(),
    h('header', { class: 'bar' }, h('h1', {}, 'Staff workspace'), h('span', { class: 'muted', 'data-testid': 'signed-in-as' }, `${me.display_name} · ${me.tenant_name}`), logout),
    h('main', { id: 'main' },
      h('nav', { class: 'tabs', 'aria-label': 'Workspace sections' },
        h('a', { href: '#queue', 'aria-current': view === 'queue' ? 'page' : null }, 'Queue'),
        h('a', { href: '#tickets', 'aria-current': view === 'tickets' ? 'page' : null }, 'Tickets')),
      content));
  if (view === 'queue') queueView(content);
  else await ticketsView(content);
}

/** Runs a staff action; a refusal (someone else claimed it, ...) is announced in the view's notice. */
async function act(notice: HTMLElement, change: () => Promise<unknown>): Promise<boolean> {
  try {
    await change();
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      session.clear();
      showLogin('Your session has ended. Please sign in again.');
      return false;
    }
    announce(notice, (error as Error).message, 'error');
    return false;
  }
}

function queueView(target: HTMLElement): void {
  const list = h('ul', { class: 'queue', 'data-testid': 'queue', 'aria-labelledby': 'queue-title' });
  const live = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite' });
  const state = h('p', { class: 'muted', 'data-testid': 'queue-state' }, 'Connecting…');
  const conversation = h('section', { class: 'card conversation', 'aria-labelledby': 'conversation-title', 'data-testid': 'conversation' },
    h('h2', { id: 'conversation-title' }, 'Conversation'), h('p', { class: 'muted' }, 'Choose a customer in the queue.'));
  replace(target, h('div', { class: 'workspace' },
    h('section', { class: 'card', 'aria-labelledby': 'queue-title' }, h('h2', { id: 'queue-title' }, 'Waiting customers'), state, list, live),
    conversation));

  const draw = () => {
    const sorted = [...items.values()].filter((i) => i.status === 'waiting' || i.status === 'claimed')
      .sort((a, b) => rank(b.priority) - rank(a.priority) || a.created_at.localeCompare(b.created_at));
    replace(list, sorted.map((item) => {
      const open = h('button', { type: 'button', class: 'queue-item', 'data-testid': 'queue-item', 'data-id': item.id, 'aria-current': item.id === selected ? 'true' : null },
        h('strong', {}, item.customer.name),
        h('span', {}, REASONS[item.reason] ?? item.reason),
        h('span', { class: `badge ${item.priority === 'normal' ? '' : 'alert'}` }, `${item.priority} priority`),
        h('span', { class: 'muted' }, item.claimed_by ? `with ${item.claimed_by.name}` : `waiting since ${dateTime(item.created_at)}`));
      open.addEventListener('click', () => void openConversation(conversation, item.id));
      return h('li', {}, open);
    }));
    state.textContent = sorted.length === 0 ? 'Nobody is waiting.' : `${sorted.length} in the queue.`;
  };

  queueStream?.abort();
  const controller = new AbortController();
  queueStream = controller;
  const follow = async () => {
    while (!controller.signal.aborted) {
      try {
        await readEvents('/api/v1/handoffs/events', session.accessToken, (e) => {
          const data = JSON.parse(e.data);
          if (e.event === 'snapshot') {
            items.clear();
            for (const item of data.items as Item[]) items.set(item.id, item);
          } else if (e.event === 'queue') {
            const item = data as Item;
            if (!items.has(item.id) && item.status === 'waiting') live.textContent = `${item.customer.name} is waiting: ${REASONS[item.reason] ?? item.reason}.`;
            items.set(item.id, item);
            if (item.id === selected) void refreshHeader(conversation, item);
          }
          draw();
        }, controller.signal);
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) {
          session.clear();
          showLogin('Your session has ended. Please sign in again.');
          return;
        }
        state.textContent = 'Reconnecting…';
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  void follow();
  if (selected) void openConversation(conversation, selected);
}

function rank(priority: string): number {
  return priority === 'urgent' ? 2 : priority === 'high' ? 1 : 0;
}

async function openConversation(section: HTMLElement, id: string): Promise<void> {
  selected = id;
  conversationStream?.abort();
  const notice = h('div', { class: 'notice', role: 'alert' });
  replace(section, h('h2', { id: 'conversation-title' }, 'Conversation'), h('p', { class: 'muted' }, 'Loading…'));
  let detail: { item: Item; context: Context };
  try {
    detail = await session.call<{ item: Item; context: Context }>(`/api/v1/handoffs/${id}`);
  } catch (error) {
    announce(notice, (error as Error).message, 'error');
    replace(section, h('h2', { id: 'conversation-title' }, 'Conversation'), notice);
    return;
  }
  const item = detail.item;
  items.set(item.id, item);
  document.querySelectorAll<HTMLElement>('[data-testid=queue-item]').forEach((b) => b.toggleAttribute('aria-current', b.dataset.id === id));

  const transcript = h('ol', { class: 'transcript', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation transcript', 'data-testid': 'transcript' });
  const reply = h('textarea', { name: 'content', rows: 3, required: true, maxlength: 4000, 'aria-describedby': 'reply-help' });
  const form = h('form', { class: 'stack reply', 'aria-label': 'Reply to the customer' },
    h('label', {}, 'Reply to the customer', reply),
    h('p', { id: 'reply-help', class: 'muted' }, 'Claim the conversation to reply; the assistant stays silent while you hold it.'),
    h('button', { type: 'submit' }, 'Send'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const content = fields(form).content.trim();
    if (!content) return;
    if (await act(notice, () => session.call(`/api/v1/handoffs/${id}/messages`, { json: { content } }))) {
      reply.value = '';
      reply.focus();
    }
  });

  replace(section,
    h('h2', { id: 'conversation-title' }, item.customer.name),
    h('div', { class: 'conversation-header', 'data-testid': 'conversation-header' }),
    notice,
    item.session_id ? transcript : h('p', { class: 'muted' }, 'This customer is not in a conversation (for example, fraud confirmed on the dashboard). Reach them through a ticket.'),
    item.session_id ? form : null,
    contextPanel(detail.context));
  await refreshHeader(section, item);

  if (!item.session_id) return;
  const controller = new AbortController();
  conversationStream = controller;
  const seen = new Set<number>();
  const follow = async () => {
    while (!controller.signal.aborted) {
      const after = Math.max(0, ...seen);
      try {
        await readEvents(`/api/v1/handoffs/${id}/events?after=${after}`, session.accessToken, (e) => {
          const frame = JSON.parse(e.data) as Frame;
          if (seen.has(frame.id)) return;
          seen.add(frame.id);
          const line = turnOf(frame);
          if (line) transcript.append(line);
          transcript.scrollTop = transcript.scrollHeight;
        }, controller.signal);
      } catch {
        if (controller.signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  void follow();
}

function turnOf(frame: Frame): HTMLElement | null {
  const text = frame.content ?? '';
  if (!text) return null;
  const [who, kind] = frame.type === 'message' ? ['Customer', 'customer']
    : frame.type === 'chat_end' && frame.author ? [frame.author.name, 'staff']
    : frame.type === 'chat_end' ? ['Assistant', 'assistant']
    : frame.type === 'handoff' ? ['', 'system'] : [null, null];
  if (kind === null) return null;
  return h('li', { class: `turn ${kind}`, 'data-testid': `turn-${kind}` }, who ? h('span', { class: 'who' }, `${who}: `) : null, text);
}

/** The item's status and the actions it allows the signed-in staff member. */
async function refreshHeader(section: HTMLElement, item: Item): Promise<void> {
  const header = section.querySelector<HTMLElement>('[data-testid=conversation-header]');
  const notice = section.querySelector<HTMLElement>('.notice')!;
  if (!header) return;
  const mine = item.claimed_by?.id === me?.id && item.status === 'claimed';
  const button = (label: string, path: string, confirmText?: string) => {
    const b = h('button', { type: 'button', class: 'secondary' }, label);
    b.addEventListener('click', async () => {
      const note = confirmText ? prompt(confirmText) : null;
      if (confirmText && note === null) return;
      const body = note ? { note } : {};
      const changed = await act(notice, () => session.call<Item>(`/api/v1/handoffs/${item.id}/${path}`, { json: body }));
      if (changed) {
        const next = await session.call<{ item: Item }>(`/api/v1/handoffs/${item.id}`);
        items.set(item.id, next.item);
        await refreshHeader(section, next.item);
      }
    });
    return b;
  };
  replace(header,
    h('p', {}, h('span', { class: 'badge' }, item.status), ' ', REASONS[item.reason] ?? item.reason, ` · ${item.priority} priority · over ${item.channel}`,
      item.escalated ? h('span', { class: 'badge alert' }, ' waited past the SLA') : null,
      item.claimed_by ? ` · with ${item.claimed_by.name}` : ''),
    h('div', { class: 'actions' },
      item.status === 'waiting' ? button('Claim', 'claim') : null,
      mine ? button('Hand back to the assistant', 'release', 'A note for the history (optional):') : null,
      item.status === 'waiting' || mine ? button('Close', 'close', 'Close this item. A note for the history (optional):') : null));
  const send = section.querySelector<HTMLButtonElement>('form.reply button');
  const textarea = section.querySelector<HTMLTextAreaElement>('form.reply textarea');
  if (send && textarea) send.disabled = textarea.disabled = !mine;
}

function contextPanel(context: Context): HTMLElement {
  return h('div', { class: 'context', 'data-testid': 'customer-context' },
    h('h3', {}, 'Accounts'),
    h('ul', { class: 'plain' }, context.accounts.map((a) => h('li', { class: 'row' }, h('span', {}, a.name), h('span', {}, money(a.balance, a.currency))))),
    h('h3', {}, 'Open fraud alerts'),
    context.open_alerts.length === 0 ? h('p', { class: 'muted' }, 'None.')
      : h('ul', { class: 'plain' }, context.open_alerts.map((a) => h('li', { class: 'row' }, h('span', {}, `${a.merchant} · ${dateTime(a.date)}`), h('span', {}, money(a.amount))))),
    h('h3', {}, 'Recent transactions'),
    h('ul', { class: 'plain' }, context.recent_transactions.map((t) => h('li', { class: 'row' }, h('span', {}, `${t.merchant} · ${dateTime(t.date)}`), h('span', {}, money(t.amount))))),
    h('h3', {}, 'Previous tickets'),
    context.tickets.length === 0 ? h('p', { class: 'muted' }, 'None.')
      : h('ul', { class: 'plain' }, context.tickets.map((t) => h('li', { class: 'row' }, h('span', {}, `${t.reference ?? ''} ${t.subject}`), h('span', { class: 'badge' }, TICKET_STATUSES[t.status] ?? t.status)))));
}

async function ticketsView(target: HTMLElement): Promise<void> {
  queueStream?.abort();
  conversationStream?.abort();
  const notice = h('div', { class: 'notice', role: 'alert' });
  const filter = h('select', { name: 'status' }, h('option', { value: '' }, 'Any status'),
    Object.entries(TICKET_STATUSES).map(([value, label]) => h('option', { value }, label)));
  const list = h('ul', { class: 'plain tickets', 'data-testid': 'tickets' });
  const load = async () => {
    const status = filter.value;
    const result = await session.call<{ tickets: Ticket[] }>(`/api/v1/tickets${status ? `?status=${status}` : ''}`);
    replace(list, result.tickets.length === 0 ? h('li', { class: 'muted' }, 'No tickets.') : result.tickets.map((t) => ticketRow(t, notice)));
  };
  filter.addEventListener('change', () => void act(notice, load));
  replace(target, h('section', { class: 'card', 'aria-labelledby': 'tickets-title' },
    h('h2', { id: 'tickets-title' }, 'Tickets'), h('label', {}, 'Show ', filter), notice, list));
  await act(notice, load);
}

function ticketRow(ticket: Ticket, notice: HTMLElement): HTMLElement {
  const name = ticket.reference ?? ticket.subject;
  const status = h('select', { 'aria-label': `Status of ${name}` },
    Object.entries(TICKET_STATUSES).map(([value, label]) => h('option', { value, selected: value === ticket.status }, label)));
  status.addEventListener('change', () => void act(notice, async () => {
    await session.call(`/api/v1/tickets/${ticket.id}`, { method: 'PATCH', json: { status: status.value } });
    announce(notice, `${name} is now ${TICKET_STATUSES[status.value].toLowerCase()}.`);
  }));
  return h('li', { class: 'ticket', 'data-testid': 'ticket' },
    h('div', {}, h('strong', {}, ticket.reference ?? ''), ' ', ticket.subject,
      ticket.priority === 'high' ? h('span', { class: 'badge alert' }, 'high priority') : null),
    h('div', { class: 'muted' }, `${ticket.customer.name} · ${dateTime(ticket.created_at)}`),
    h('label', {}, 'Status ', status));
}
