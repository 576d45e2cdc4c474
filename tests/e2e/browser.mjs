// What every browser test shares: Debian's Chromium driven by playwright-core, one page, its console
// and errors echoed to stderr, and a screenshot of the last state under tests/e2e/screenshots/.
// A scenario is started by a .NET test with one JSON argument and prints one JSON line of what it saw;
// the .NET test compares that with the API.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const screenshots = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

export const input = JSON.parse(process.argv[2] ?? '{}');

/** Runs a scenario on a fresh page and prints its result; any error fails the process with the page's last screenshot saved. */
export async function scenario(name, run) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('console', (m) => console.error(`[${name}] console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    const result = await run(page);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    console.log(JSON.stringify(result ?? {}));
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true }).catch(() => {});
    await browser.close();
  }
}

/** A screenshot of an intermediate state, beside the final one. */
export async function shot(page, name) {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Signs in on a page whose form has the given field names. */
export async function signIn(page, url, user, emailField = 'username') {
  await page.goto(`${input.base}${url}`);
  await page.fill(`input[name=${emailField}]`, user.email);
  await page.fill('input[name=password]', user.password);
  await page.click('button[type=submit]');
}

/** A number from an element's data-value. */
export async function value(locator) {
  return Number(await locator.getAttribute('data-value'));
}
