// The human behind the assistant, two people at once: a customer in the widget on the demo portal asks for a person;
// the item appears on the staff workspace without a reload; Sam claims it and replies; the customer sees "Sam from Demo
// Bank has joined" and Sam's reply, while the assistant stays silent; Sam hands back and the assistant answers again.
// The staff page is driven by keyboard, and checked for horizontal overflow at 390 px.
// Input: {base, customer: {email, password}, staff: {email, password}}.
import { input, scenario, shot, signIn } from './browser.mjs';

await scenario('staff-handoff', async (page) => {
  const staffContext = await page.context().browser().newContext({ viewport: { width: 1280, height: 900 } });
  const staff = await staffContext.newPage();
  staff.setDefaultTimeout(15_000);
  staff.on('pageerror', (e) => console.error(`[staff] ${e.message}`));
  staff.on('dialog', (d) => d.accept('Explained the payment.'));

  // The customer: portal, widget, consent.
  await signIn(page, '/demo/portal.html', input.customer, 'email');
  await page.waitForSelector('text=Welcome back');
  const widget = page.locator('[data-virtualbanker]');
  await widget.getByRole('button', { name: 'Chat with us' }).click();
  const dialog = widget.getByRole('dialog', { name: 'Virtual banker' });
  await dialog.getByRole('button', { name: 'I agree' }).click();
  await page.waitForFunction(() => document.querySelector('[data-virtualbanker]').shadowRoot.querySelector('.panel').dataset.connection === 'open');
  const answers = dialog.locator('[data-testid=bot-message][data-complete]');
  const ask = async (question) => {
    const done = await answers.count();
    await dialog.getByRole('textbox', { name: 'Message' }).fill(question);
    await page.keyboard.press('Enter');
    await answers.nth(done).waitFor();
    return answers.nth(done).textContent();
  };

  // The staff member signs in and watches the queue.
  await signIn(staff, '/staff/', input.staff, 'email');
  await staff.getByTestId('signed-in-as').waitFor();
  await staff.waitForFunction(() => !document.querySelector('[data-testid=queue-state]')?.textContent?.includes('Connecting'));
  await staff.evaluate(() => { window.__sameDocument = true; });
  const result = { signed_in_as: await staff.getByTestId('signed-in-as').textContent() };

  result.asked = await ask('I want to talk to a person, please');
  const item = staff.locator('[data-testid=queue-item]', { hasText: 'Alex Doe' }).filter({ hasText: 'waiting since' }).last();
  await item.waitFor();
  result.queue_item = await item.textContent();
  result.pushed_without_reload = await staff.evaluate(() => window.__sameDocument === true);

  // Keyboard: open the item, claim it.
  await item.focus();
  await staff.keyboard.press('Enter');
  const claim = staff.getByRole('button', { name: 'Claim' });
  await claim.focus();
  await staff.keyboard.press('Enter');
  await staff.getByRole('button', { name: 'Hand back to the assistant' }).waitFor();
  const joined = dialog.locator('[data-testid=handoff-notice]').last();
  await joined.waitFor();
  result.joined = await joined.textContent();

  // The customer writes: Sam sees it; the assistant does not answer.
  const before = await answers.count();
  await dialog.getByRole('textbox', { name: 'Message' }).fill('Can you check the Luxe Watches payment?');
  await page.keyboard.press('Enter');
  await staff.locator('[data-testid=turn-customer]', { hasText: 'Luxe Watches' }).waitFor();
  const reply = staff.getByRole('textbox', { name: 'Reply to the customer' });
  await reply.focus();
  await staff.keyboard.type('Hi, I am Sam. I can see that payment and will look into it now.');
  await staff.getByRole('button', { name: 'Send' }).focus();
  await staff.keyboard.press('Enter');
  await answers.nth(before).waitFor();
  await page.waitForTimeout(1000); // room for an answer the assistant should not give
  result.after_question = await answers.evaluateAll((nodes, from) => nodes.slice(from).map((n) => ({ author: n.dataset.author ?? null, text: n.textContent })), before);
  result.staff_transcript = await staff.locator('[data-testid=transcript] li').allTextContents();
  await shot(page, 'staff-handoff-widget');
  await shot(staff, 'staff-handoff-workspace');

  // 390 px: the workspace fits the screen.
  await staff.setViewportSize({ width: 390, height: 844 });
  result.staff_overflow_390 = await staff.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await shot(staff, 'staff-handoff-workspace-390');
  await staff.setViewportSize({ width: 1280, height: 900 });

  // Handing back: a note, the customer is told, and the assistant answers the next message.
  await staff.getByRole('button', { name: 'Hand back to the assistant' }).click();
  await dialog.locator('[data-testid=handoff-notice]', { hasText: 'handed you back' }).waitFor();
  result.handed_back = await dialog.locator('[data-testid=handoff-notice]').last().textContent();
  result.assistant_again = await ask("What's my balance?");
  await staffContext.close();
  return result;
});
