// The widget on the demo bank portal, used by keyboard alone: sign in to the portal, open the
// assistant, give consent, ask for the balance (a streamed answer with a balance card from the real
// tool), have a ticket opened, and freeze a card with the confirmation card. Input: {base, customer: {email, password}}.
import { input, scenario, shot, signIn } from './browser.mjs';

await scenario('widget-chat', async (page) => {
  const frames = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(JSON.parse(f.payload))));
  await signIn(page, '/demo/portal.html', input.customer, 'email');
  await page.waitForSelector('text=Welcome back');

  const widget = page.locator('[data-virtualbanker]');
  const launcher = widget.getByRole('button', { name: 'Chat with us' });
  await launcher.focus();
  await page.keyboard.press('Enter');
  const dialog = widget.getByRole('dialog', { name: 'Virtual banker' });
  await dialog.waitFor();

  // The tenant requires consent: nothing can be sent before it, and "I agree" has the focus.
  const agree = dialog.getByRole('button', { name: 'I agree' });
  await agree.waitFor();
  const result = {
    greeting: await dialog.locator('[data-testid=bot-message]').first().textContent(),
    avatar: await dialog.locator('[data-testid=avatar]').count(),
    input_disabled_before_consent: await dialog.getByRole('textbox', { name: 'Message' }).isDisabled(),
    agree_focused: await agree.evaluate((b) => b.getRootNode().activeElement === b),
  };
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-virtualbanker]').shadowRoot.querySelector('.panel').dataset.connection === 'open');

  const ask = async (question) => {
    const done = await dialog.locator('[data-testid=bot-message][data-complete]').count();
    await dialog.getByRole('textbox', { name: 'Message' }).focus();
    await page.keyboard.type(question);
    await page.keyboard.press('Enter');
    const answer = dialog.locator('[data-testid=bot-message][data-complete]').nth(done);
    await answer.waitFor();
    return { text: await answer.textContent(), chunks: Number(await answer.getAttribute('data-chunks')) };
  };

  result.balance = await ask("What's my balance?");
  result.balance_card_total = await dialog.locator('[data-testid=balance-total]').textContent();
  result.ticket = await ask('Please open a ticket: my card was stolen');
  result.ticket_reference = await dialog.locator('[data-testid=ticket-reference]').textContent();
  // An action: proposed with a confirmation card, carried out only once "Confirm" is pressed.
  result.freeze_offer = await ask('Please freeze my credit card');
  const card = dialog.locator('[data-testid=confirmation-card]');
  await card.waitFor();
  result.confirmation_summary = await card.locator('p').textContent();
  const answered = await dialog.locator('[data-testid=bot-message][data-complete]').count();
  await card.getByRole('button', { name: 'Confirm' }).focus();
  await page.keyboard.press('Enter');
  const done = dialog.locator('[data-testid=bot-message][data-complete]').nth(answered);
  await done.waitFor();
  result.freeze_done = await done.textContent();
  result.chunk_frames = frames.filter((f) => f.type === 'chat_chunk').length;
  result.tool_results = frames.filter((f) => f.type === 'tool_result').map((f) => ({ name: f.name, result: f.result }));
  result.log_role = await dialog.locator('[role=log]').count();

  await shot(page, 'widget-chat-open');
  await page.keyboard.press('Escape');
  result.closed_by_escape = await dialog.isHidden();
  result.focus_back_on_launcher = await launcher.evaluate((b) => b.getRootNode().activeElement === b);
  return result;
});
