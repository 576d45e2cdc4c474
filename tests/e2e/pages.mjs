// Every page a person meets, at a phone's 390 px and a laptop's 1280 px: no horizontal scroll (the elements that stick
// out are named), and axe-core's WCAG 2.2 A/AA rules (contrast, names, target sizes...) with 0 violations. A screenshot
// of each page at each width lands in tests/e2e/screenshots/. The widget is checked open, on the portal and on /app/.
// Input: {base, customer, admin, staff: {email, password}}.
import { createRequire } from 'node:module';
import { input, scenario, shot, signIn } from './browser.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const widths = [1280, 390];

await scenario('pages', async (page) => {
  const results = {};
  const browser = page.context().browser();

  /** Signs in (when given a user) on a fresh page of its own, then checks it at each width (and once more with the widget open, if it has one). */
  async function check(name, url, user, field, ready, widget = false) {
    // bypassCSP: axe is injected as an inline script, which the pages' Content-Security-Policy rightly refuses.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const p = await context.newPage();
    p.setDefaultTimeout(15_000);
    p.on('pageerror', (e) => console.error(`[${name}] ${e.message}`));
    if (user) await signIn(p, url, user, field);
    else await p.goto(`${input.base}${url}`);
    await p.waitForSelector(ready);
    await p.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
    for (const width of widths) {
      await p.setViewportSize({ width, height: width < 600 ? 844 : 900 });
      await p.waitForTimeout(300); // charts and grids settle after a resize
      results[`${name}@${width}`] = await measure(p, `pages-${name}-${width}`);
      if (widget) {
        const host = p.locator('[data-virtualbanker]');
        await host.getByRole('button', { name: 'Chat with us' }).click();
        await host.getByRole('dialog', { name: 'Virtual banker' }).waitFor();
        await p.waitForTimeout(300);
        results[`${name}+widget@${width}`] = await measure(p, `pages-${name}-widget-${width}`);
        results[`${name}+widget@${width}`].panel = await p.evaluate(() => {
          const panel = document.querySelector('[data-virtualbanker]').shadowRoot.querySelector('.panel').getBoundingClientRect();
          return { width: Math.round(panel.width), height: Math.round(panel.height) };
        });
        await host.getByRole('button', { name: /close/i }).first().click();
      }
    }
    await context.close();
  }

  async function measure(p, screenshot) {
    await shot(p, screenshot);
    const overflow = await p.evaluate(() => {
      const limit = window.innerWidth + 1;
      const describe = (e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.dataset.testid ? `[data-testid=${e.dataset.testid}]` : ''}${typeof e.className === 'string' && e.className ? `.${e.className.split(' ').join('.')}` : ''}`;
      const out = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > limit && e.getClientRects().length > 0);
      return { scroll: document.documentElement.scrollWidth > window.innerWidth, elements: out.slice(0, 5).map(describe) };
    });
    if (!(await p.evaluate(() => 'axe' in window))) await p.addScriptTag({ path: axePath });
    const axe = await p.evaluate(async () => {
      const run = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
      return run.violations.map((v) => ({ id: v.id, nodes: v.nodes.length, first: v.nodes[0]?.target.join(' ') ?? '', summary: v.nodes[0]?.failureSummary ?? '' }));
    });
    return { overflow, axe };
  }

  await check('portal', '/demo/portal.html', input.customer, 'email', 'text=Welcome back', true);
  await check('dashboard', '/app/', input.customer, 'username', '[data-testid=total-balance]', true);
  await check('admin', '/admin/', input.admin, 'email', '[data-testid=tenant]');
  await check('staff', '/staff/', input.staff, 'email', '[data-testid=signed-in-as]');
  // Pages before signing in: the landing page, a sign-in form, the privacy notice.
  await check('home', '/', null, null, 'h1');
  await check('sign-in', '/app/', null, null, 'input[name=password]');
  await check('privacy', '/demo/privacy.html', null, null, 'h2');

  // The widget on a portal nobody signed in to: it says why it cannot help, and no "Connecting…" stays behind.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const anonymous = await context.newPage();
  await anonymous.goto(`${input.base}/demo/portal.html`);
  const host = anonymous.locator('[data-virtualbanker]');
  await host.getByRole('button', { name: 'Chat with us' }).click();
  const alert = host.getByRole('alert');
  await alert.waitFor();
  results.signed_out_widget = {
    alert: await alert.textContent(),
    status: await anonymous.evaluate(() => document.querySelector('[data-virtualbanker]').shadowRoot.querySelector('.status').textContent),
  };
  await context.close();
  return results;
});
