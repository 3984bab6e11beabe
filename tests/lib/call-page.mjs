// The way into a call page (/call/<room id>) for browser tests: the pre-join step
// (docs/SESSIONS.md "Before joining") comes first. Tests that are about the call itself
// pass it with enterCall right after the page opens the call.

/**
 * Waits for the pre-join step, ticks the privacy checklist if it is shown (patients only),
 * presses Join, and waits until the call page has replaced the step.
 */
export async function enterCall(page) {
  const join = page.getByTestId('prejoin-join');
  await join.waitFor();
  // The checklist renders with the button; a therapist has none.
  for (const box of await page.getByTestId('prejoin-check').all()) await box.check();
  await join.click();
  await page.getByTestId('prejoin').waitFor({ state: 'detached' });
}
