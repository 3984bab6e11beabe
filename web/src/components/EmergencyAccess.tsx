import { useState } from 'preact/hooks';
import type { TargetedEvent, TargetedSubmitEvent } from 'preact';
import { ApiError, messageOf } from '../api';
import { REASON_MAX, REASON_MIN, requestBreakGlass } from '../api-admin';
import { navigate } from '../router';
import { ErrorMessage } from './ErrorMessage';
import { Field } from './Field';
import { SubmitButton } from './SubmitButton';
import { useSubmit } from './useSubmit';

const NO_PATIENT = 'No patient of this practice has that email address. Check it and try again.';

/**
 * Break-glass: open the record of a patient outside one's care teams in an emergency.
 * The reason is recorded with the clinician's name and reviewed by administrators.
 */
export function EmergencyAccess() {
  const [email, setEmail] = useState('');
  const [reason, setReason] = useState('');
  const { busy, error, setError, run } = useSubmit();
  const length = reason.trim().length;

  const onSubmit = (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    if (!email.trim()) {
      setError('Enter the patient’s email address.');
      return;
    }
    if (length < REASON_MIN) {
      setError(`Write at least ${REASON_MIN} characters explaining why you need this record now.`);
      document.getElementById('emergency-reason')?.focus();
      return;
    }
    void run(
      async () => {
        const grant = await requestBreakGlass(email.trim(), reason.trim());
        // Ids only in the URL: never a name or email.
        navigate(`/patients/${encodeURIComponent(grant.patient_id)}`);
      },
      (err) => (err instanceof ApiError && err.code === 'not_found' ? NO_PATIENT : messageOf(err)),
    );
  };

  const onReason = (e: TargetedEvent<HTMLTextAreaElement>) => setReason(e.currentTarget.value);

  return (
    <section class="card" aria-labelledby="emergency-heading" data-testid="emergency-access">
      <h2 id="emergency-heading">Emergency access</h2>
      <p>
        Use this only when you must see the record of a patient who is not in your care teams, for example in a crisis.
        Access lasts 60 minutes. Your name, the patient and your reason are recorded and reviewed by the practice’s
        administrators.
      </p>
      <form onSubmit={onSubmit} noValidate>
        <Field
          id="emergency-email"
          label="Patient’s email address"
          type="email"
          value={email}
          onInput={setEmail}
          autoComplete="off"
          testId="emergency-email"
        />
        <div class="field">
          <label for="emergency-reason">Reason</label>
          <textarea
            id="emergency-reason"
            name="emergency-reason"
            rows={4}
            value={reason}
            onInput={onReason}
            maxLength={REASON_MAX}
            aria-describedby="emergency-reason-hint"
            data-testid="emergency-reason"
          />
          <p class="hint" id="emergency-reason-hint">
            {REASON_MIN} to {REASON_MAX} characters. Say what is happening and why you need the record now.{' '}
            <span data-testid="emergency-reason-count">{length} so far.</span>
          </p>
        </div>
        <ErrorMessage message={error} testId="emergency-error" />
        <SubmitButton busy={busy} busyText="Opening…" testId="emergency-submit">
          Open the record (recorded)
        </SubmitButton>
      </form>
    </section>
  );
}
