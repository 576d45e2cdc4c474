// The customer dashboard: contract 001 after login. Each card loads on its own, so one slow or
// failing insight never blanks the page; every figure shown is the API's, formatted, never recomputed.
import '../shared/style.css';
import { api } from '../shared/api';
import { dateTime, fields, h, money, replace, skipLink } from '../shared/dom';
import { signInCard } from '../shared/login';
import { Session } from '../shared/session';
import { mount, type Widget } from '../widget/main';
import { barChart, doughnutChart, lineChart } from './charts';
import type { Cards, Disputes, FraudAnalysis, HealthScore, Me, Notifications, Overview, Payees, Prediction, Scenarios, Simulation, Tickets, TransactionPage, TransferResult } from './types';

const CATEGORIES = ['Cash', 'Dining', 'Groceries', 'Health', 'Housing', 'Income', 'Other', 'Shopping', 'Subscriptions', 'Transfer', 'Transport', 'Travel', 'Utilities'];
const DIMENSIONS: Record<string, string> = {
  savings_consistency: 'Savings consistency',
  debt_ratio: 'Debt ratio',
  spending_discipline: 'Spending discipline',
  emergency_funds: 'Emergency funds',
  investments: 'Investments',
  subscription_management: 'Subscription management',
};

// What the API's status words say to a customer.
const CARD_STATUS: Record<string, string> = { active: 'Active', frozen: 'Frozen', lost: 'Reported lost', stolen: 'Reported stolen', replaced: 'Replaced', closed: 'Closed' };
/** An API word as the page shows it: "under_review" → "Under review". */
const words = (value: string): string => value.charAt(0).toUpperCase() + value.slice(1).replaceAll('_', ' ');

const session = new Session('vb.customer', '/api/auth/refresh');
const root = document.getElementById('app')!;
let assistant: Widget | null = null;

if (session.signedIn) void showDashboard();
else showLogin();

function showLogin(message?: string): void {
  replace(root,
    skipLink(),
    h('header', { class: 'bar' }, h('h1', {}, 'Demo Bank')),
    h('main', { id: 'main' }, signInCard({
      title: 'Sign in to your accounts',
      emailField: 'username',
      refused: 'The email or password is not right.',
      message,
      signIn: async (values) => {
        const result = await api<{ access_token: string; refresh_token: string }>('/api/auth/login', { form: values });
        session.store(result.access_token, result.refresh_token);
        await showDashboard();
      },
    })));
}

async function showDashboard(): Promise<void> {
  let me: Me;
  try {
    me = await session.call<Me>('/api/auth/me');
  } catch {
    session.clear();
    showLogin('Your session has ended. Please sign in again.');
    return;
  }

  const logout = h('button', { type: 'button' }, 'Sign out');
  logout.addEventListener('click', async () => {
    await session.call('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    assistant?.destroy();
    assistant = null;
    session.clear();
    showLogin('You are signed out.');
  });

  // Fraud alerts come first: a customer with a suspicious payment should see it before anything else.
  const cards = {
    fraud: card('fraud', 'Fraud alerts'),
    balances: card('balances', 'Balances'),
    cashFlow: card('cash-flow', 'Cash flow'),
    spending: card('spending', 'Spending by category'),
    health: card('health', 'Financial health'),
    forecast: card('forecast', 'Forecast'),
    paymentCards: card('cards', 'Your cards'),
    transfer: card('transfer', 'Move money'),
    cases: card('cases', 'Disputes and tickets'),
    notifications: card('notifications', 'Notifications'),
    simulator: card('simulator', 'Can I afford it?'),
    transactions: card('transactions', 'Transactions', true),
  };
  replace(root,
    skipLink(),
    h('header', { class: 'bar' }, h('h1', {}, 'Demo Bank'), h('span', { 'data-testid': 'user-name' }, me.name), logout),
    h('main', { id: 'main' }, h('div', { class: 'grid' }, Object.values(cards))));

  const loadOverview = (transferred?: Node): Promise<void> => load(cards.balances, () => session.call<Overview>('/api/dashboard/overview'), (overview) => {
    renderBalances(cards.balances, overview);
    renderCashFlow(cards.cashFlow, overview);
    renderSpending(cards.spending, overview);
    renderTransfer(cards.transfer, overview, loadOverview, transferred);
  });
  const loadFraud = (): Promise<void> => load(cards.fraud, () => session.call<FraudAnalysis>('/api/ai/fraud/analysis'),
    (fraud) => renderFraud(cards.fraud, fraud, async () => {
      await Promise.all([loadFraud(), loadCards(cards.paymentCards), loadCases(cards.cases)]);
    }));
  await Promise.all([
    loadOverview(undefined),
    loadCards(cards.paymentCards),
    loadCases(cards.cases),
    load(cards.health, () => session.call<HealthScore>('/api/ai/coaching/score'), (score) => renderHealth(cards.health, score, me.financial_personality)),
    load(cards.forecast, () => Promise.all([session.call<Prediction>('/api/ai/twin/predict'), session.call<Scenarios>('/api/ai/twin/scenarios?months=6')]),
      ([prediction, scenarios]) => renderForecast(cards.forecast, prediction, scenarios)),
    loadFraud(),
    loadNotifications(cards.notifications),
    loadTransactions(cards.transactions, 1, '', ''),
  ]);
  renderSimulator(cards.simulator);
  // The assistant, in the customer's own conversation; each connection asks for a token that is still valid.
  assistant ??= mount({ accessToken: () => session.call('/api/auth/me').then(() => session.accessToken ?? '') });
}

function card(id: string, title: string, wide = false): HTMLElement {
  return h('section', { class: wide ? 'card wide' : 'card', 'data-testid': id, 'aria-labelledby': `${id}-title`, 'aria-busy': 'true' },
    h('h2', { id: `${id}-title` }, title), h('p', { class: 'muted' }, 'Loading…'));
}

/** Fills a card from one request; on failure the card says so and the rest of the page stays. */
async function load<T>(target: HTMLElement, fetcher: () => Promise<T>, render: (value: T) => void): Promise<void> {
  try {
    render(await fetcher());
  } catch (error) {
    body(target, h('p', { class: 'notice error', role: 'alert' }, `Could not load this: ${(error as Error).message}`));
  }
}

/** Replaces a card's content below its heading. */
function body(target: HTMLElement, ...children: (Node | string | null)[]): void {
  const heading = target.querySelector('h2')!;
  replace(target, heading, ...children);
  target.removeAttribute('aria-busy');
}

function signed(amount: number): HTMLElement {
  return h('span', { class: amount < 0 ? 'negative' : 'positive' }, money(amount));
}

function renderBalances(target: HTMLElement, overview: Overview): void {
  body(target,
    h('div', { class: 'figure', 'data-testid': 'total-balance', 'data-value': overview.total_balance }, money(overview.total_balance)),
    h('p', { class: 'muted' }, overview.ai_briefing.summary),
    h('div', {}, overview.accounts.map((a) =>
      h('div', { class: 'row', 'data-testid': 'account' }, h('span', {}, a.name, ' ', h('span', { class: 'badge' }, words(a.type))),
        h('span', { 'data-testid': 'account-balance', 'data-value': a.balance }, money(a.balance, a.currency))))));
}

/** The 30-day figures say their period; the chart is by calendar month, the current one so far. */
function renderCashFlow(target: HTMLElement, overview: Overview): void {
  const period = overview.figures_period;
  const stat = (label: string, testid: string, value: number, text: string) =>
    h('div', {}, h('span', { class: 'muted', 'data-testid': `${testid}-label` }, `${label}, ${period}`), h('span', { 'data-testid': testid, 'data-value': value }, text));
  const canvas = h('canvas', { role: 'img', 'aria-label': overview.cash_flow.map((m) => `${m.month}: income ${money(m.income)}, expenses ${money(m.expenses)}`).join('; ') });
  body(target,
    h('div', { class: 'stats' },
      stat('Income', 'monthly-income', overview.monthly_income, money(overview.monthly_income)),
      stat('Spending', 'monthly-expenses', overview.monthly_expenses, money(overview.monthly_expenses)),
      stat('Savings rate', 'savings-rate', overview.savings_rate, `${overview.savings_rate}%`)),
    h('p', { class: 'muted small' }, `By calendar month; ${overview.cash_flow.at(-1)?.month ?? 'this month'} so far.`),
    h('div', { class: 'chart' }, canvas));
  barChart(canvas, overview.cash_flow.map((m) => m.month), [
    { label: 'Income', data: overview.cash_flow.map((m) => m.income), color: '#1f7a3d' },
    { label: 'Expenses', data: overview.cash_flow.map((m) => m.expenses), color: '#b3261e' },
  ]);
}

function renderSpending(target: HTMLElement, overview: Overview): void {
  const canvas = h('canvas', { role: 'img', 'aria-label': 'Spending by category, listed below' });
  if (overview.spending_by_category.length === 0) {
    body(target, h('p', { class: 'muted' }, `No spending in the ${overview.figures_period}.`));
    return;
  }
  body(target,
    h('p', { class: 'muted small' }, `The ${overview.figures_period}.`),
    h('div', { class: 'chart' }, canvas),
    h('div', {}, overview.spending_by_category.map((c) =>
      h('div', { class: 'row', 'data-testid': 'category', 'data-name': c.name, 'data-value': c.value }, h('span', {}, c.name), h('span', {}, money(c.value))))));
  doughnutChart(canvas, overview.spending_by_category.map((c) => c.name), overview.spending_by_category.map((c) => c.value));
}

function renderHealth(target: HTMLElement, score: HealthScore, personality: string): void {
  body(target,
    h('div', { class: 'figure' }, h('span', { 'data-testid': 'health-score' }, score.overall_score), h('span', { class: 'muted' }, ' / 100')),
    h('div', {}, Object.entries(score.categories).map(([key, value]) =>
      h('div', { 'data-testid': 'dimension', 'data-key': key },
        h('div', { class: 'row' }, h('span', {}, DIMENSIONS[key] ?? key), h('span', { 'data-testid': 'dimension-score' }, `${value.score} / ${value.max}`)),
        h('div', { class: 'bar-track', role: 'progressbar', 'aria-label': DIMENSIONS[key] ?? key, 'aria-valuenow': value.score, 'aria-valuemin': 0, 'aria-valuemax': value.max },
          h('div', { class: 'bar-fill', style: `width: ${Math.round((100 * value.score) / value.max)}%` }))))),
    h('p', {}, score.explanation),
    h('ul', {}, score.actionable_improvements.map((tip) => h('li', {}, tip))),
    h('p', { class: 'muted', 'data-testid': 'personality' }, `Your money style: ${personality}`));
}

function renderForecast(target: HTMLElement, prediction: Prediction, scenarios: Scenarios): void {
  const labels = scenarios.scenarios.expected.map((_, i) => `Month ${i + 1}`);
  const canvas = h('canvas', { role: 'img', 'aria-label': `Expected balance in ${scenarios.months} months: ${money(scenarios.scenarios.expected.at(-1) ?? 0)}` });
  body(target,
    h('div', { class: 'stats' },
      h('div', {}, h('span', { class: 'muted' }, 'Today'), h('span', {}, money(prediction.current_balance))),
      h('div', {}, h('span', { class: 'muted' }, 'In 30 days'), h('span', { class: 'figure', 'data-testid': 'forecast-30d', 'data-value': prediction.predicted_balance_30d }, money(prediction.predicted_balance_30d))),
      h('div', {}, h('span', { class: 'muted' }, 'Confidence'), h('span', {}, words(prediction.confidence)))),
    h('div', { class: 'chart' }, canvas));
  lineChart(canvas, labels, [
    { label: 'Conservative', data: scenarios.scenarios.conservative, color: '#9a5b00' },
    { label: 'Expected', data: scenarios.scenarios.expected, color: '#0b5cad' },
    { label: 'Optimistic', data: scenarios.scenarios.optimistic, color: '#1f7a3d' },
  ]);
}

function renderFraud(target: HTMLElement, fraud: FraudAnalysis, reload: () => Promise<void>): void {
  const verdict = (id: string, genuine: boolean, merchant: string) => {
    const button = h('button', { type: 'button', class: genuine ? 'secondary' : 'danger', 'aria-label': `${genuine ? 'It was me' : 'Not me'}: ${merchant}` },
      genuine ? 'It was me' : 'Not me');
    button.addEventListener('click', async () => {
      target.setAttribute('aria-busy', 'true');
      try {
        await session.call(`/api/ai/fraud/alerts/${id}/resolve`, { json: { genuine } });
      } catch (error) {
        target.append(h('p', { class: 'notice error', role: 'alert' }, (error as Error).message));
      }
      await reload();
    });
    return button;
  };
  body(target,
    h('p', {}, h('span', { 'data-testid': 'fraud-count' }, fraud.total_alerts), ' alerts, ', h('span', { 'data-testid': 'fraud-pending' }, fraud.pending_reviews), ' awaiting review'),
    fraud.alerts.length === 0 ? h('p', { class: 'muted' }, 'Nothing unusual. We keep watching.') :
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Payment'), h('th', { class: 'num' }, 'Amount'), h('th', {}, 'Yours?'))),
        h('tbody', {}, fraud.alerts.map((a) =>
          h('tr', { 'data-testid': 'fraud-alert', 'data-transaction-id': a.transaction_id, 'data-id': a.fraud_log_id, 'data-status': a.status },
            h('td', {}, h('strong', {}, a.merchant), h('br'), h('span', { class: 'muted' }, dateTime(a.timestamp)), h('br'), a.details),
            h('td', { class: 'num', 'data-label': 'Amount' }, money(a.amount)),
            h('td', { 'data-label': 'Yours?' }, a.status === 'pending'
              ? h('span', { class: 'actions' }, verdict(a.fraud_log_id, true, a.merchant), ' ', verdict(a.fraud_log_id, false, a.merchant))
              : h('span', { class: 'badge' }, a.status === 'confirmed' ? 'Reported as fraud' : 'Confirmed as yours')))))));
}

/** The customer's cards, with freeze/unfreeze and report lost (a second press confirms: it cannot be undone). */
async function loadCards(target: HTMLElement): Promise<void> {
  await load(target, () => session.call<Cards>('/api/cards'), (list) => {
    const change = (path: string, json?: unknown) => async () => {
      target.setAttribute('aria-busy', 'true');
      try {
        await session.call(path, { method: 'POST', json });
      } catch (error) {
        target.append(h('p', { class: 'notice error', role: 'alert' }, (error as Error).message));
        return;
      }
      await loadCards(target);
    };
    body(target, list.cards.length === 0 ? h('p', { class: 'muted' }, 'You have no cards with us.') :
      h('ul', { class: 'plain', 'aria-label': 'Cards' }, list.cards.map((c) => {
        const label = `${c.type === 'credit' ? 'Credit' : 'Debit'} card ending ${c.last4}`;
        const buttons: HTMLElement[] = [];
        if (c.status === 'active' || c.status === 'frozen') {
          const toggle = h('button', { type: 'button', class: 'secondary', 'aria-label': `${c.status === 'active' ? 'Freeze' : 'Unfreeze'} ${label}` },
            c.status === 'active' ? 'Freeze' : 'Unfreeze');
          toggle.addEventListener('click', change(`/api/cards/${c.id}/${c.status === 'active' ? 'freeze' : 'unfreeze'}`));
          const lost = h('button', { type: 'button', class: 'danger', 'aria-label': `Report lost: ${label}` }, 'Report lost');
          lost.addEventListener('click', () => {
            const sure = h('button', { type: 'button', class: 'danger', 'aria-label': `Yes, block it and send a new card: ${label}` }, 'Yes, block it and send a new card');
            sure.addEventListener('click', change(`/api/cards/${c.id}/report-lost`, { stolen: false }));
            lost.replaceWith(sure);
            sure.focus();
          });
          buttons.push(toggle, lost);
        }
        return h('li', { class: 'row', 'data-testid': 'card', 'data-id': c.id, 'data-status': c.status },
          h('span', {}, h('strong', {}, label), ' ', h('span', { class: `badge ${c.status === 'active' ? '' : 'alert'}` }, CARD_STATUS[c.status] ?? words(c.status))),
          h('span', { class: 'actions' }, ...buttons));
      })));
  });
}

/** A transfer between the customer's accounts or to a saved payee; the balances (and this form) reload after it, with its outcome. */
function renderTransfer(target: HTMLElement, overview: Overview, reload: (transferred: Node) => Promise<void>, transferred?: Node): void {
  const output = h('div', { 'aria-live': 'polite', 'data-testid': 'transfer-result' }, transferred ?? null);
  const accountOptions = () => overview.accounts.map((a) => h('option', { value: a.id }, `${a.name} (${money(a.balance)})`));
  const to = h('select', { name: 'to', required: true }, accountOptions());
  const form = h('form', { class: 'stack', 'aria-label': 'Move money' },
    h('label', {}, 'From', h('select', { name: 'from', required: true }, accountOptions())),
    h('label', {}, 'To', to),
    h('label', {}, 'Amount', h('input', { name: 'amount', type: 'number', min: '0.01', step: '0.01', required: true })),
    h('label', {}, 'Note', h('input', { name: 'memo', maxlength: 140 })),
    h('button', { type: 'submit' }, 'Move money'));
  void session.call<Payees>('/api/payees').then((list) => {
    if (list.payees.length > 0) to.append(h('optgroup', { label: 'Payees' }, list.payees.map((p) => h('option', { value: `payee:${p.id}` }, `${p.name} (${p.account_number})`))));
  }).catch(() => undefined);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = fields(form);
    const destination = f.to.startsWith('payee:') ? { payee_id: f.to.slice(6) } : { to_account_id: f.to };
    try {
      const result = await session.call<TransferResult>('/api/transfers', {
        json: { from_account_id: f.from, ...destination, amount: Number(f.amount), memo: f.memo || null },
        headers: { 'Idempotency-Key': crypto.randomUUID() },
      });
      await reload(h('p', { class: 'notice', role: 'status' }, `Moved ${money(result.transfer.amount)}. `,
        result.balances.map((b) => `${b.name}: ${money(b.balance)}`).join(', '), '.'));
    } catch (error) {
      replace(output, h('p', { class: 'notice error', role: 'alert' }, (error as Error).message));
    }
  });
  body(target, form, output);
}

/** The customer's disputes and support tickets, each with the reference to quote. */
async function loadCases(target: HTMLElement): Promise<void> {
  await load(target, () => Promise.all([session.call<Disputes>('/api/disputes'), session.call<Tickets>('/api/tickets')]), ([disputes, tickets]) => {
    const items = [
      ...disputes.disputes.map((d) => h('li', { class: 'row', 'data-testid': 'dispute', 'data-reference': d.reference },
        h('span', {}, h('strong', {}, `Dispute ${d.reference}`), h('br'), h('span', { class: 'muted' }, `${d.reason} · ${dateTime(d.created_at)}`)),
        h('span', { class: 'badge' }, words(d.status)))),
      ...tickets.tickets.map((t) => h('li', { class: 'row', 'data-testid': 'ticket', 'data-reference': t.reference ?? '' },
        h('span', {}, h('strong', {}, `Ticket ${t.reference ?? ''}`), h('br'), h('span', { class: 'muted' }, `${t.subject} · ${dateTime(t.created_at)}`)),
        h('span', { class: `badge ${t.priority === 'high' ? 'alert' : ''}` }, words(t.status)))),
    ];
    body(target, items.length === 0 ? h('p', { class: 'muted' }, 'No disputes or tickets.') : h('ul', { class: 'plain', 'aria-label': 'Disputes and tickets' }, items));
  });
}

async function loadNotifications(target: HTMLElement): Promise<void> {
  await load(target, () => session.call<Notifications>('/api/notifications'), (list) => {
    const readAll = h('button', { type: 'button', class: 'secondary' }, 'Mark all read');
    readAll.addEventListener('click', () => act(target, () => session.call('/api/notifications/read-all', { method: 'PATCH' })));
    body(target,
      h('p', {}, h('span', { 'data-testid': 'unread-count' }, list.unread_count), ' unread ', list.unread_count > 0 ? readAll : null),
      h('ul', { class: 'plain', 'aria-label': 'Notifications' }, list.notifications.map((n) => {
        const read = h('button', { type: 'button', class: 'secondary', 'aria-label': `Mark "${n.title}" read` }, 'Read');
        read.addEventListener('click', () => act(target, () => session.call(`/api/notifications/${n.id}/read`, { method: 'PATCH' })));
        const dismiss = h('button', { type: 'button', class: 'danger', 'aria-label': `Dismiss "${n.title}"` }, 'Dismiss');
        dismiss.addEventListener('click', () => act(target, () => session.call(`/api/notifications/${n.id}`, { method: 'DELETE' })));
        return h('li', { class: 'row', 'data-testid': 'notification', 'data-id': n.id, 'data-read': String(n.read) },
          h('span', {}, n.read ? null : h('span', { class: 'badge unread' }, 'New'), ' ', h('strong', {}, n.title), h('br'), h('span', { class: 'muted' }, n.message)),
          h('span', {}, n.read ? null : read, ' ', dismiss));
      })));
  });
}

/** Runs a change, then reloads the notifications card. */
async function act(target: HTMLElement, change: () => Promise<unknown>): Promise<void> {
  target.setAttribute('aria-busy', 'true');
  try {
    await change();
  } finally {
    await loadNotifications(target);
  }
}

async function loadTransactions(target: HTMLElement, page: number, category: string, type: string): Promise<void> {
  const query = new URLSearchParams({ page: String(page), limit: '20' });
  if (category) query.set('category', category);
  if (type) query.set('type', type);
  await load(target, () => session.call<TransactionPage>(`/api/transactions?${query}`), (result) => {
    const filter = h('form', { class: 'inline', 'aria-label': 'Filter transactions' },
      h('label', {}, 'Category', h('select', { name: 'category' }, h('option', { value: '' }, 'All'), CATEGORIES.map((c) => h('option', { value: c, selected: c === category }, c)))),
      h('label', {}, 'Type', h('select', { name: 'type' }, h('option', { value: '' }, 'All'),
        h('option', { value: 'debit', selected: type === 'debit' }, 'Money out'), h('option', { value: 'credit', selected: type === 'credit' }, 'Money in'))),
      h('button', { type: 'submit' }, 'Filter'));
    filter.addEventListener('submit', (event) => {
      event.preventDefault();
      const f = fields(filter);
      void loadTransactions(target, 1, f.category ?? '', f.type ?? '');
    });
    const pager = (label: string, to: number, enabled: boolean) => {
      const button = h('button', { type: 'button', class: 'secondary', disabled: !enabled }, label);
      button.addEventListener('click', () => void loadTransactions(target, to, category, type));
      return button;
    };
    body(target, filter,
      result.total === 0 ? h('p', { class: 'muted', 'data-testid': 'no-transactions' }, category || type ? 'No transactions match these filters.' : 'No transactions yet.') :
      h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Date'), h('th', {}, 'Merchant'), h('th', {}, 'Category'), h('th', { class: 'num' }, 'Amount'))),
        h('tbody', {}, result.transactions.map((t) =>
          h('tr', { 'data-testid': 'transaction', 'data-id': t.id, 'data-category': t.category, 'data-type': t.type },
            h('td', { 'data-label': 'Date' }, dateTime(t.timestamp)), h('td', { 'data-label': 'Merchant' }, t.merchant), h('td', { 'data-label': 'Category' }, t.category),
            h('td', { class: 'num', 'data-label': 'Amount' }, signed(t.amount)))))),
      h('p', { class: 'row' }, pager('Previous', result.page - 1, result.page > 1),
        h('span', { 'data-testid': 'page-info' }, `Page ${result.page} of ${Math.max(result.pages, 1)} · ${result.total} transactions`),
        pager('Next', result.page + 1, result.page < result.pages)));
  });
}

function renderSimulator(target: HTMLElement): void {
  const output = h('div', { 'aria-live': 'polite', 'data-testid': 'simulation' });
  const form = h('form', { class: 'inline' },
    h('label', {}, 'Amount', h('input', { name: 'amount', type: 'number', min: '0.01', step: '0.01', required: true })),
    h('label', {}, 'What', h('input', { name: 'merchant', maxlength: 200, placeholder: 'e.g. Laptop' })),
    h('button', { type: 'submit' }, 'Simulate'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = fields(form);
    try {
      const s = await session.call<Simulation>('/api/ai/simulate/purchase', { json: { amount: Number(f.amount), merchant: f.merchant || null } });
      replace(output,
        h('p', {}, h('strong', { class: s.affordable ? 'positive' : 'negative', 'data-testid': 'verdict', 'data-verdict': s.verdict }, s.summary), ' ', s.explanation),
        h('div', { class: 'row' }, h('span', {}, 'Balance'), h('span', {}, `${money(s.current_balance)} → ${money(s.balance_after)}`)),
        h('div', { class: 'row' }, h('span', {}, 'Savings rate'), h('span', {}, `${s.savings_rate_before}% → ${s.savings_rate_after}%`)),
        h('div', { class: 'row' }, h('span', {}, 'Health score'), h('span', {}, `${s.health_score_before} → ${s.health_score_after}`)),
        h('div', { class: 'row' }, h('span', {}, 'Balance in 30 days'), h('span', {}, `${money(s.forecast_30d_before)} → ${money(s.forecast_30d_after)}`)));
    } catch (error) {
      replace(output, h('p', { class: 'notice error', role: 'alert' }, (error as Error).message));
    }
  });
  body(target, form, output);
}
