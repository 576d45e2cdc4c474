// The widget keeps the conversation: consent (with the bank's privacy notice) and a suggested question on the portal;
// a page load and a second tab show the same conversation without asking again, and what one tab asks appears in the
// other; withdrawing consent ends it in both, and the next open asks again. Then the assistant in the bank's own app
// (/app/), whose conversation survives a reload too. Input: {base, customer: {email, password}}.
import { input, scenario, signIn } from './browser.mjs';

const open = async (page) => {
  const widget = page.locator('[data-virtualbanker]');
  await widget.getByRole('button', { name: 'Chat with us' }).click();
  const dialog = widget.getByRole('dialog', { name: 'Virtual banker' });
  await dialog.waitFor();
  return dialog;
};
const connected = (page) => page.waitForFunction(() => document.querySelector('[data-virtualbanker]').shadowRoot.querySelector('.panel').dataset.connection === 'open');
const answers = (dialog) => dialog.locator('[data-testid=bot-message][data-complete]');
/** The conversation as shown: the customer's messages and the assistant's finished answers, in order. */
const shown = (dialog) => dialog.locator('[data-testid=user-message], [data-testid=bot-message][data-complete]').allTextContents();

await scenario('widget-resume', async (page) => {
  // Tabs of one browser: a context of their own (the scenario's page has a context to itself).
  const context = await page.context().browser().newContext({ viewport: { width: 1280, height: 900 } });
  const portal = await context.newPage();
  portal.setDefaultTimeout(15_000);
  await signIn(portal, '/demo/portal.html', input.customer, 'email');
  await portal.waitForSelector('text=Welcome back');
  let dialog = await open(portal);
  const result = { privacy_href: await dialog.getByRole('link', { name: 'Read the privacy notice' }).getAttribute('href') };
  await dialog.getByRole('button', { name: 'I agree' }).click();
  await connected(portal);
  const suggestions = dialog.getByRole('group', { name: 'Suggested questions' });
  result.suggestions = await suggestions.getByRole('button').allTextContents();
  await suggestions.getByRole('button', { name: 'What is my balance?' }).click();
  await answers(dialog).first().waitFor();
  result.first_page = await shown(dialog);

  // The next page of the portal: the same conversation, no consent question.
  await portal.reload();
  await portal.waitForSelector('text=Welcome back');
  dialog = await open(portal);
  await connected(portal);
  await answers(dialog).first().waitFor();
  result.after_reload = await shown(dialog);
  result.consent_asked_again = await dialog.getByRole('button', { name: 'I agree' }).isVisible();

  // A second tab: the same conversation; its question and answer appear in the first tab too.
  const tab = await context.newPage();
  tab.setDefaultTimeout(15_000);
  await tab.goto(`${input.base}/demo/portal.html`);
  await tab.waitForSelector('text=Welcome back');
  const second = await open(tab);
  await connected(tab);
  await answers(second).first().waitFor();
  await second.getByRole('textbox', { name: 'Message' }).fill('How much did I spend this month?');
  await tab.keyboard.press('Enter');
  await answers(second).nth(1).waitFor();
  await answers(dialog).nth(1).waitFor();
  result.first_tab = await shown(dialog);
  result.second_tab = await shown(second);

  // Withdrawn in one tab, the conversation ends in both; opening the assistant again asks again.
  await dialog.getByRole('button', { name: 'Withdraw consent' }).click();
  await dialog.getByText('You withdrew your consent', { exact: false }).waitFor();
  await second.getByText('This conversation has ended.').waitFor();
  await portal.reload();
  await portal.waitForSelector('text=Welcome back');
  dialog = await open(portal);
  await dialog.getByRole('button', { name: 'I agree' }).waitFor();
  result.after_withdrawal = await shown(dialog);
  await context.close();

  // The bank's own app: the assistant in the customer's own conversation, kept across a reload.
  await signIn(page, '/app/', input.customer);
  await page.waitForSelector('[data-testid=total-balance]');
  dialog = await open(page);
  await connected(page);
  const before = await answers(dialog).count();
  await dialog.getByRole('textbox', { name: 'Message' }).fill('What is my savings rate?');
  await page.keyboard.press('Enter');
  await answers(dialog).nth(before).waitFor();
  result.app = await shown(dialog);
  await page.reload();
  await page.waitForSelector('[data-testid=total-balance]');
  dialog = await open(page);
  await connected(page);
  await answers(dialog).nth(before).waitFor();
  result.app_after_reload = await shown(dialog);
  return result;
});
