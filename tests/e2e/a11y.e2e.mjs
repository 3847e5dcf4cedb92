// Accessibility checks with axe-core (WCAG 2.0/2.1 A and AA rules): every tab and the backend badge's
// details in the light and the dark theme, and every step of the azobenzene tour in projector mode
// (high contrast is its point).
import { readFileSync } from 'node:fs';
import { assert, openApp, screenshot, test } from './harness.mjs';

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
const TOUR = JSON.parse(readFileSync('public/tours/azobenzene.json', 'utf8'));
const TABS = {
  explore: '[data-testid="profile"][data-state="ready"]',
  datasets: '[data-testid="dataset-item"]',
  train: '#panel-train button',
  evaluate: '#panel-evaluate button',
  study: '[data-testid="study-curve-energy"][data-state="ready"]',
};

/** The axe violations on the page now, one line each (rule, impact, the first elements). */
async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return r.violations.map(
      (v) =>
        `${v.id} (${v.impact}, ${v.nodes.length}×): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => `${n.target.join(' ')}${n.any[0]?.message ? ` [${n.any[0].message}]` : ''}`)
          .join('; ')}`,
    );
  });
}

async function checkTabs(page, theme) {
  const found = [];
  for (const [tab, ready] of Object.entries(TABS)) {
    await page.click(`[data-testid="tab-${tab}"]`);
    await page.waitForSelector(ready, { state: 'visible' });
    await page.waitForTimeout(500);
    for (const v of await violations(page)) found.push(`${theme} ${tab}: ${v}`);
  }
  // the backend badge's details (backends tried, our WebAssembly kernels, self-check, switch)
  await page.click('[data-testid="backend-badge"] summary');
  await page.waitForSelector('[data-testid="wasm-kernels"]', { state: 'visible' });
  for (const v of await violations(page)) found.push(`${theme} badge details: ${v}`);
  await page.click('[data-testid="backend-badge"] summary');
  return found;
}

test(
  'a11y: no axe WCAG A/AA violations on any tab (light and dark) nor in a projector-mode tour',
  async ({ browser, url }) => {
    const { context, page, errors } = await openApp(browser, url, '?backend=cpu#explore');
    page.setDefaultTimeout(90_000);
    try {
      const found = await checkTabs(page, 'light');
      for (let i = 0; i < 3; i++) {
        if ((await page.getAttribute('[data-testid="theme-toggle"]', 'data-theme-value')) === 'dark') break;
        await page.click('[data-testid="theme-toggle"]');
      }
      assert(
        (await page.getAttribute('[data-testid="theme-toggle"]', 'data-theme-value')) === 'dark',
        'the theme toggle reaches the dark theme',
      );
      found.push(...(await checkTabs(page, 'dark')));
      // the tour in projector mode, over the dark theme (projector mode overrides its colours)
      await page.click('[data-testid="tab-study"]');
      await page.click('[data-testid="tour-start-azobenzene"]');
      await page.waitForSelector('[data-testid="tour-player"]');
      await page.click('[data-testid="tour-projector"]');
      for (const [i, step] of TOUR.steps.entries()) {
        await page.waitForFunction(
          (t) => document.querySelector('[data-testid="tour-step-title"]')?.textContent === t,
          step.title,
        );
        await page.waitForTimeout(1000);
        for (const v of await violations(page)) found.push(`projector tour step ${i + 1}: ${v}`);
        if (i < TOUR.steps.length - 1) await page.keyboard.press('ArrowRight');
      }
      await screenshot(page, 'a11y-projector-dark');
      assert(found.length === 0, `axe violations:\n${found.join('\n')}`);
      assert(errors.filter((e) => e.startsWith('uncaught')).length === 0, `errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 600_000 },
);
