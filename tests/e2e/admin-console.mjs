// The admin console: sign in; create a tenant and edit its settings through the form (live widget
// preview, field-level messages that stop a wrong value before it is sent); disable it after a
// confirmation naming it; create and delete agents and keys behind the same confirmations; copy a
// key's secret, shown once. Input: {base, admin: {email, password}, tenant: {id, name}, agent_slug, key_label}.
import { input, scenario, shot, signIn } from './browser.mjs';

await scenario('admin-console', async (page) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: input.base });
  const puts = [];
  page.on('request', (r) => r.method() === 'PUT' && puts.push(r.url()));
  await signIn(page, '/admin/', input.admin, 'email');
  const demo = page.locator('[data-testid=tenant][data-id=demo-bank]');
  await demo.waitFor();
  const settings = JSON.parse(await demo.getByLabel('Settings of Demo Bank as JSON').inputValue());

  // A new tenant: a wrong identifier is explained beside its field and nothing is sent.
  const create = page.getByRole('form', { name: 'New tenant' });
  await create.getByLabel('Identifier').fill('Harbour Bank!');
  await create.getByLabel('Name', { exact: true }).first().fill(input.tenant.name);
  await create.getByRole('button', { name: 'Create tenant' }).click();
  const idError = await create.locator('#' + (await create.getByLabel('Identifier').getAttribute('id')) + '-error').textContent();
  await create.getByLabel('Identifier').fill(input.tenant.id);
  await create.getByRole('button', { name: 'Create tenant' }).click();
  const tenant = page.locator(`[data-testid=tenant][data-id=${input.tenant.id}]`);
  await tenant.waitFor();

  // Its settings as a form: the preview follows the colour and greeting as they are typed.
  const form = tenant.getByRole('form', { name: `Settings of ${input.tenant.name}` });
  await form.getByLabel('Accent colour').fill('#aa3300');
  await form.getByLabel('Greeting').fill('Welcome to Harbour Bank. How can I help?');
  const preview = form.locator('[data-testid=widget-preview]');
  const previewColour = await preview.locator('.preview-head').evaluate((e) => getComputedStyle(e).backgroundColor);
  const previewGreeting = await preview.locator('[data-testid=preview-greeting]').textContent();

  const rate = form.getByLabel('Messages per minute per customer');
  await rate.fill('0');
  await form.getByRole('button', { name: 'Save settings' }).click();
  const rateError = await form.locator('#' + (await rate.getAttribute('id')) + '-error').textContent();
  const rateInvalid = await rate.getAttribute('aria-invalid');
  const putsAfterInvalid = puts.length;
  await rate.fill('30');
  // A new tenant has no tools until it is given some.
  await form.getByRole('checkbox', { name: 'get_balances' }).check();
  await form.getByRole('checkbox', { name: 'search_faq' }).check();
  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes(`/api/v1/clients/${input.tenant.id}`));
  await form.getByRole('button', { name: 'Save settings' }).click();
  const saveStatus = (await saved).status();
  await page.locator(`[data-testid=tenant][data-id=${input.tenant.id}]`).waitFor();
  await shot(page, 'admin-console-settings');

  // Disabling asks first, naming the tenant; Cancel changes nothing.
  const reloaded = page.locator(`[data-testid=tenant][data-id=${input.tenant.id}]`);
  await reloaded.getByRole('button', { name: `Disable tenant ${input.tenant.name} (${input.tenant.id})` }).click();
  const dialog = page.getByRole('dialog');
  const disableQuestion = await dialog.getByRole('heading').textContent();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  const putsAfterCancel = puts.length;
  await reloaded.getByRole('button', { name: `Disable tenant ${input.tenant.name} (${input.tenant.id})` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disable tenant' }).click();
  await page.locator(`[data-testid=tenant][data-id=${input.tenant.id}] .badge`, { hasText: 'inactive' }).waitFor();

  // Agents: one kept, one deleted after its confirmation.
  await page.getByRole('link', { name: 'Agents' }).click();
  const agentForm = page.getByRole('form', { name: 'New agent' });
  for (const [name, slug] of [['Mortgage helper', input.agent_slug], ['Old helper', 'old-helper']]) {
    await agentForm.getByLabel('Name').fill(name);
    await agentForm.getByLabel('Slug').fill(slug);
    await agentForm.getByLabel('System prompt').fill('You help customers with mortgage questions.');
    await agentForm.getByRole('button', { name: 'Create agent' }).click();
    await page.locator('[data-testid=agent]', { hasText: slug }).waitFor();
  }
  await page.getByRole('button', { name: 'Delete agent Old helper' }).click();
  const deleteQuestion = await page.getByRole('dialog').getByRole('heading').textContent();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.locator('[data-testid=agent]', { hasText: 'old-helper' }).waitFor({ state: 'detached' });

  // Keys: no scope is explained; the secret is shown once, with a copy button.
  await page.getByRole('link', { name: 'API keys' }).click();
  const keyForm = page.getByRole('form', { name: 'New API key' });
  await keyForm.getByLabel('Label').fill(input.key_label);
  await keyForm.getByRole('button', { name: 'Create key' }).click();
  const scopeError = await keyForm.locator('#scopes-error').textContent();
  await keyForm.getByLabel('admin').check();
  await keyForm.getByRole('button', { name: 'Create key' }).click();
  const secret = await page.locator('[data-testid=key-secret]').textContent();
  await page.getByRole('button', { name: `Copy the key ${input.key_label}` }).click();
  await page.getByRole('button', { name: `Copy the key ${input.key_label}`, exact: true }).filter({ hasText: 'Copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  await shot(page, 'admin-console-key');

  // Shown once: drawn again, the view lists the key without its secret.
  await page.getByRole('link', { name: 'System' }).click();
  await page.locator('[data-testid=system-status]').waitFor();
  const status = await page.locator('[data-testid=system-status]').textContent();
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.locator('[data-testid=key]', { hasText: input.key_label }).waitFor();
  return {
    portal_secret: settings.portal_auth?.secret,
    id_error: idError,
    preview_colour: previewColour,
    preview_greeting: previewGreeting,
    rate_error: rateError,
    rate_invalid: rateInvalid,
    sent_when_invalid: putsAfterInvalid,
    save_status: saveStatus,
    disable_question: disableQuestion,
    sent_after_cancel: putsAfterCancel,
    delete_question: deleteQuestion,
    scope_error: scopeError,
    secret,
    copied,
    secret_still_shown: await page.locator('[data-testid=key-secret]').count(),
    page_contains_secret: (await page.content()).includes(secret),
    system_status: status,
  };
});
