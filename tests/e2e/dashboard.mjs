// The customer dashboard: sign in, read every figure, filter and page the transactions, run the
// purchase simulator, read one notification and dismiss another. Input: {base, customer: {email, password}}.
import { input, scenario, signIn, value } from './browser.mjs';

await scenario('dashboard', async (page) => {
  await signIn(page, '/app/', input.customer);
  await page.waitForSelector('[data-testid=total-balance]');
  await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
  const all = (testid) => page.locator(`[data-testid=${testid}]`);

  const figures = {
    user_name: await all('user-name').textContent(),
    total_balance: await value(all('total-balance')),
    accounts: await Promise.all((await all('account-balance').all()).map(value)),
    monthly_income: await value(all('monthly-income')),
    monthly_expenses: await value(all('monthly-expenses')),
    savings_rate: await value(all('savings-rate')),
    categories: Object.fromEntries(await Promise.all((await all('category').all()).map(async (c) => [await c.getAttribute('data-name'), await value(c)]))),
    health_score: Number(await all('health-score').textContent()),
    dimensions: Object.fromEntries(await Promise.all((await all('dimension').all()).map(async (d) =>
      [await d.getAttribute('data-key'), await d.locator('[data-testid=dimension-score]').textContent()]))),
    forecast_30d: await value(all('forecast-30d')),
    fraud_transactions: await Promise.all((await all('fraud-alert').all()).map((a) => a.getAttribute('data-transaction-id'))),
    first_page: await all('page-info').textContent(),
    first_page_ids: await Promise.all((await all('transaction').all()).map((t) => t.getAttribute('data-id'))),
    figure_labels: await Promise.all(['monthly-income', 'monthly-expenses', 'savings-rate'].map((t) => all(`${t}-label`).textContent())),
    cash_flow_text: await all('cash-flow').innerText(),
    first_heading: await page.locator('main h2').first().textContent(),
  };

  // Transactions: filter by category and type, then the next page.
  const transactions = all('transactions');
  await transactions.locator('select[name=category]').selectOption('Dining');
  await transactions.locator('select[name=type]').selectOption('debit');
  await transactions.locator('button[type=submit]').click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=transaction]')].every((t) => t.dataset.category === 'Dining'));
  figures.dining_page = await all('page-info').textContent();
  figures.dining_ids = await Promise.all((await all('transaction').all()).map((t) => t.getAttribute('data-id')));
  await transactions.getByRole('button', { name: 'Next' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid=page-info]')?.textContent?.startsWith('Page 2'));
  figures.dining_page_2_ids = await Promise.all((await all('transaction').all()).map((t) => t.getAttribute('data-id')));

  // A filter with nothing in it says so (the demo customer has no credit in Dining).
  await transactions.locator('select[name=type]').selectOption('credit');
  await transactions.locator('button[type=submit]').click();
  await all('no-transactions').waitFor();
  figures.filtered_to_nothing = await all('transaction').count();

  // The purchase simulator.
  const simulator = all('simulator');
  await simulator.locator('input[name=amount]').fill('1200');
  await simulator.locator('input[name=merchant]').fill('Laptop');
  await simulator.getByRole('button', { name: 'Simulate' }).click();
  figures.verdict = await all('verdict').textContent();

  // Notifications: read the first unread one, dismiss the last one.
  const unreadBefore = Number(await all('unread-count').textContent());
  const firstUnread = all('notification').and(page.locator('[data-read=false]')).first();
  figures.read_id = await firstUnread.getAttribute('data-id');
  await firstUnread.getByRole('button', { name: /^Mark/ }).click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=unread-count]')?.textContent) === n - 1, unreadBefore);
  const countBefore = await all('notification').count();
  const last = all('notification').last();
  figures.dismissed_id = await last.getAttribute('data-id');
  await last.getByRole('button', { name: /^Dismiss/ }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=notification]').length === n - 1, countBefore);
  figures.notifications_after = await Promise.all((await all('notification').all()).map((n) => n.getAttribute('data-id')));
  return figures;
});
