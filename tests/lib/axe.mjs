// Accessibility checks with axe-core (issue 7 "Accessibility and mobile"): runs axe in the
// page through the DevTools protocol (page.evaluate is not subject to the page's CSP, so
// nothing is injected as a <script>) and fails on serious or critical violations.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The serious and critical axe violations on the page as it is now, as short lines. */
export async function seriousViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/** Fails with the list when axe finds a serious or critical violation; `where` names the page. */
export async function assertAccessible(page, where) {
  assert.deepEqual(await seriousViolations(page), [], `axe-core on ${where}`);
}
