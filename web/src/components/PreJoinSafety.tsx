// The safety check before a session (docs/SESSIONS.md "Safety check at the start"): where the
// patient is right now and whom to call in an emergency, which their therapist sees when
// the session starts (telehealth practice guidelines). Unlike the privacy checklist, this
// is sent to the server (sealed there) on Join. The location is asked afresh every session
// and never prefilled: a place carried over from last time and confirmed by habit is the
// mistake the check is there to catch. The emergency contact rarely changes, so it is
// prefilled from last time and only needs a look.
import type { TargetedEvent } from 'preact';
import { CONTACT_NAME_MAX, CONTACT_PHONE_MAX, LOCATION_MAX, dialable } from '../api-safety';
import { Field } from './Field';

export interface SafetyAnswers {
  location: string;
  /** "This is where I am now" is ticked. */
  here: boolean;
  contactName: string;
  contactPhone: string;
}

export const NO_ANSWERS: SafetyAnswers = { location: '', here: false, contactName: '', contactPhone: '' };

/** Everything the server needs, and the location confirmed. */
export function safetyComplete(a: SafetyAnswers): boolean {
  return a.location.trim() !== '' && a.here && a.contactName.trim() !== '' && dialable(a.contactPhone);
}

interface Props {
  answers: SafetyAnswers;
  onChange: (next: Partial<SafetyAnswers>) => void;
  /** The contact was prefilled from the last session. */
  remembered: boolean;
}

const value = (e: TargetedEvent<HTMLInputElement>) => e.currentTarget.value;

export function PreJoinSafety({ answers, onChange, remembered }: Props) {
  const phoneWrong = answers.contactPhone.trim() !== '' && !dialable(answers.contactPhone);
  return (
    <section class="card prejoin-safety" aria-labelledby="prejoin-safety-heading" data-testid="prejoin-safety">
      <h2 id="prejoin-safety-heading">Your safety during the session</h2>
      <p class="hint" id="prejoin-safety-hint">
        Your therapist sees this when the session starts, so that help could reach you if you ever needed it. It is
        stored encrypted and shown to nobody else.
      </p>
      <Field
        id="prejoin-location"
        label="Where are you right now?"
        type="text"
        value={answers.location}
        onInput={(location) => onChange({ location })}
        maxLength={LOCATION_MAX}
        autoComplete="off"
        hint="An address, or at least the town or city. We ask every session, because it can change."
        testId="prejoin-location"
      />
      <div class="checkbox prejoin-here">
        <input
          type="checkbox"
          id="prejoin-location-here"
          checked={answers.here}
          onChange={(e) => onChange({ here: e.currentTarget.checked })}
          data-testid="prejoin-location-here"
        />
        <label for="prejoin-location-here">This is where I am now</label>
      </div>
      <fieldset class="prejoin-contact" aria-describedby="prejoin-contact-hint">
        <legend>Emergency contact</legend>
        <p class="hint" id="prejoin-contact-hint" data-testid="prejoin-contact-hint">
          {remembered
            ? 'From your last session. Check that it is still right.'
            : 'Someone your therapist could call if they were worried about your safety.'}
        </p>
        <Field
          id="prejoin-contact-name"
          label="Name"
          type="text"
          value={answers.contactName}
          onInput={(contactName) => onChange({ contactName })}
          maxLength={CONTACT_NAME_MAX}
          autoComplete="off"
          testId="prejoin-contact-name"
        />
        <div class="field">
          <label for="prejoin-contact-phone">Phone number</label>
          <input
            id="prejoin-contact-phone"
            type="tel"
            inputMode="tel"
            value={answers.contactPhone}
            onInput={(e) => onChange({ contactPhone: value(e) })}
            required
            maxLength={CONTACT_PHONE_MAX}
            autoComplete="off"
            aria-invalid={phoneWrong}
            aria-describedby="prejoin-contact-phone-hint"
            data-testid="prejoin-contact-phone"
          />
          <p class={phoneWrong ? 'hint field-problem' : 'hint'} id="prejoin-contact-phone-hint">
            {phoneWrong ? 'Use digits, with spaces, +, -, ( ) or dots if you like.' : 'With the country code if they are abroad.'}
          </p>
        </div>
      </fieldset>
    </section>
  );
}
