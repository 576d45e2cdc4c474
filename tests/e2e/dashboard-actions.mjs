// The dashboard's actions, as a customer uses them: "Not me" on a fraud alert (the card of its account is frozen and a
// dispute opened), unfreeze that card, move money between accounts, then read the disputes. Input: {base, customer}.
import { input, scenario, signIn, value } from './browser.mjs';

await scenario('dashboard-actions', async (page) => {
  await signIn(page, '/app/', input.customer);
  await page.waitForSelector('[data-testid=total-balance]');
  await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
  const all = (testid) => page.locator(`[data-testid=${testid}]`);
  const settled = () => page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
  const result = {
    first_card: await page.locator('main section').first().getAttribute('data-testid'),
    pending_before: Number(await all('fraud-pending').textContent()),
  };

  // "Not me" on the one pending alert.
  await all('fraud-alert').first().getByRole('button', { name: /^Not me/ }).click();
  await page.waitForSelector('[data-testid=fraud-alert][data-status=confirmed]');
  await settled();
  result.pending_after = Number(await all('fraud-pending').textContent());
  result.alert_label = await all('fraud-alert').first().locator('.badge').textContent();
  result.cards_after_fraud = await Promise.all((await all('card').all()).map(async (c) => ({ id: await c.getAttribute('data-id'), status: await c.getAttribute('data-status') })));
  result.disputes = await Promise.all((await all('dispute').all()).map((d) => d.getAttribute('data-reference')));

  // Unfreeze the frozen card again, from the keyboard.
  const unfreeze = all('cards').getByRole('button', { name: /^Unfreeze/ }).first();
  await unfreeze.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('[data-testid=card][data-status=frozen]'));
  result.cards_after_unfreeze = await Promise.all((await all('card').all()).map((c) => c.getAttribute('data-status')));

  // Move 25.00 from the first account to the second.
  const form = all('transfer').locator('form');
  const options = await form.locator('select[name=from] option').evaluateAll((o) => o.map((x) => x.value));
  await form.locator('select[name=from]').selectOption(options[0]);
  await form.locator('select[name=to]').selectOption(options[1]);
  await form.locator('input[name=amount]').fill('25');
  await form.getByRole('button', { name: 'Move money' }).click();
  await page.waitForSelector('[data-testid=transfer-result] .notice');
  await settled();
  result.transfer_message = await all('transfer-result').textContent();
  result.from = options[0];
  result.to = options[1];
  result.balances = await Promise.all((await all('account-balance').all()).map(value));
  return result;
});
