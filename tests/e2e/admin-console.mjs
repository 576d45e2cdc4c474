// The admin console: sign in, see the tenant's settings with secrets redacted, create an agent and an
// API key (its secret shown once). Input: {base, admin: {email, password}, agent_slug, key_label}.
import { input, scenario, shot, signIn } from './browser.mjs';

await scenario('admin-console', async (page) => {
  await signIn(page, '/admin/', input.admin, 'email');
  const tenant = page.locator('[data-testid=tenant][data-id=demo-bank]');
  await tenant.waitFor();
  const settings = JSON.parse(await tenant.locator('textarea').inputValue());

  await page.getByRole('link', { name: 'Agents' }).click();
  const form = page.getByRole('form', { name: 'New agent' });
  await form.getByLabel('Name').fill('Mortgage helper');
  await form.getByLabel('Slug').fill(input.agent_slug);
  await form.getByLabel('System prompt').fill('You help customers with mortgage questions.');
  await form.getByRole('button', { name: 'Create agent' }).click();
  await page.locator('[data-testid=agent]', { hasText: input.agent_slug }).waitFor();

  await page.getByRole('link', { name: 'API keys' }).click();
  const keyForm = page.getByRole('form', { name: 'New API key' });
  await keyForm.getByLabel('Label').fill(input.key_label);
  await keyForm.getByLabel('admin').check();
  await keyForm.getByRole('button', { name: 'Create key' }).click();
  const secret = await page.locator('[data-testid=key-secret]').textContent();
  await shot(page, 'admin-console-key');

  // Shown once: drawn again, the view lists the key without its secret.
  await page.getByRole('link', { name: 'System' }).click();
  await page.locator('[data-testid=system-status]').waitFor();
  const status = await page.locator('[data-testid=system-status]').textContent();
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.locator('[data-testid=key]', { hasText: input.key_label }).waitFor();
  return {
    portal_secret: settings.portal_auth?.secret,
    secret,
    secret_still_shown: await page.locator('[data-testid=key-secret]').count(),
    page_contains_secret: (await page.content()).includes(secret),
    system_status: status,
  };
});
