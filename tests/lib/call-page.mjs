// The way into a call page (/call/<room id>) for browser tests: the pre-join step
// (docs/SESSIONS.md "Before joining") comes first. Tests that are about the call itself
// pass it with enterCall right after the page opens the call.

import { recordSensitive } from './harness.mjs';

/** What tests answer in the safety check; recorded so the log scan looks for it. */
export const SAFETY = {
  location: recordSensitive('Flat 3, 27 Lindenhof Lane, Testbury', 'safety location'),
  contactName: recordSensitive('Rowan Emergencycontact', 'safety contact'),
  contactPhone: recordSensitive('+44 7700 900461', 'safety phone'),
};

/**
 * Fills the safety check of the pre-join step (docs/SESSIONS.md "Safety check at the
 * start"): the location, "This is where I am now", and the emergency contact unless it was
 * prefilled from last time. Does nothing when the step has none (the therapist).
 */
export async function fillSafety(page, answers = SAFETY) {
  if ((await page.getByTestId('prejoin-safety').count()) === 0) return;
  await page.getByTestId('prejoin-location').fill(answers.location);
  const here = page.getByTestId('prejoin-location-here');
  if (!(await here.isChecked())) {
    // From the keyboard: a click can miss while the camera preview still moves the layout.
    await here.focus();
    await page.keyboard.press('Space');
  }
  const name = page.getByTestId('prejoin-contact-name');
  if (!(await name.inputValue())) await name.fill(answers.contactName);
  const phone = page.getByTestId('prejoin-contact-phone');
  if (!(await phone.inputValue())) await phone.fill(answers.contactPhone);
}

/**
 * Waits for the pre-join step, ticks the privacy checklist and fills the safety check if
 * they are shown (patients and guests only), presses Join, and waits until the call page
 * has replaced the step.
 */
export async function enterCall(page) {
  const join = page.getByTestId('prejoin-join');
  await join.waitFor();
  // The checklist and safety check render with the button; a therapist has neither.
  for (const box of await page.getByTestId('prejoin-check').all()) await box.check();
  await fillSafety(page);
  await join.click();
  await page.getByTestId('prejoin').waitFor({ state: 'detached' });
}

/**
 * The host's page lets in the person with this user id from its waiting room (docs/SESSIONS.md
 * "Waiting room"), once they show up there, and waits until they have left the list.
 */
export async function admitFromLobby(hostPage, userId) {
  const row = hostPage.locator(`[data-testid="lobby-person"][data-user-id="${userId}"]`);
  await row.waitFor({ timeout: 60_000 });
  await row.getByTestId('lobby-admit').click();
  await row.waitFor({ state: 'detached', timeout: 30_000 });
}

/** A patient's page shows the waiting room (the host has not let them in yet). */
export async function waitInLobby(page) {
  await page.getByTestId('waiting-room').waitFor({ timeout: 60_000 });
}

/** What a call page shows of the call: its peer id, the people it has and receives, its group state. */
export const callState = (page) =>
  page.evaluate(() => {
    const hook = window.__havenCall;
    const e2ee = hook?.e2ee();
    return {
      peerId: hook?.peerId ?? '',
      receiving: (hook?.participants() ?? []).filter((p) => p.receiving).map((p) => p.user_id),
      people: (hook?.participants() ?? []).map((p) => p.user_id),
      state: e2ee?.state ?? null,
      code: e2ee?.code?.digits ?? null,
    };
  });
