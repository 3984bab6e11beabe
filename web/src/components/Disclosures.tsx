import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import { formatTime } from '../api-admin';
import { getDisclosures } from '../api-audit';
import type { Disclosure } from '../api-audit';
import { ErrorMessage } from './ErrorMessage';
import { LoadedList } from './Section';

const ROLE_WORDS: Record<string, string> = {
  therapist: 'Therapist',
  staff: 'Care team staff',
  admin: 'Administrator',
};

const WHAT: Record<string, string> = {
  'patient.record_read': 'Opened your record',
  'patient.record_read_break_glass': 'Opened your record with emergency access',
  'break_glass.granted': 'Started emergency access to your record',
};

/** Patient: who has opened their record (accounting of disclosures), newest first. */
export function Disclosures() {
  const [items, setItems] = useState<Disclosure[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    getDisclosures()
      .then((list) => {
        if (live) setItems([...list].sort((a, b) => b.at - a.at));
      })
      .catch((err: unknown) => {
        if (live) setError(messageOf(err));
      });
    return () => {
      live = false;
    };
  }, []);

  const anyEmergency = items?.some((d) => d.emergency) ?? false;

  return (
    <section class="card" aria-labelledby="disclosures-heading" data-testid="disclosures">
      <h2 id="disclosures-heading">Who has seen my record</h2>
      <p>Each time someone at the practice opens your record, it is listed here.</p>
      <ErrorMessage message={error} testId="disclosures-error" />
      {anyEmergency ? (
        <p class="calm-note" data-testid="disclosures-emergency-note">
          <strong>Emergency access</strong> means a clinician outside your care team opened your record because
          something could not wait, for example while your own therapist was away. They had to give a reason, the
          access lasts at most 60 minutes, and administrators review every time it is used.
        </p>
      ) : null}
      <LoadedList
        items={items}
        loadError={error}
        none="Only you have opened your record so far."
        noneTestId="disclosures-none"
      >
        {(list) => (
          <ul class="review-list" data-testid="disclosure-list">
            {list.map((d, i) => (
              <li
                key={`${d.at}-${i}`}
                class={d.emergency ? 'review-item review-active' : 'review-item'}
                data-testid="disclosure-item"
                data-emergency={d.emergency ? 'true' : 'false'}
              >
                {d.emergency ? (
                  <span class="badge badge-warn" data-testid="disclosure-emergency">
                    Emergency access
                  </span>
                ) : null}
                <dl class="facts">
                  <dt>When</dt>
                  <dd data-testid="disclosure-when">{formatTime(d.at)}</dd>
                  <dt>Who</dt>
                  <dd data-testid="disclosure-who">{d.by || 'A former member of the practice'}</dd>
                  <dt>Role</dt>
                  <dd data-testid="disclosure-role">{ROLE_WORDS[d.by_role] ?? (d.by_role || '–')}</dd>
                  <dt>What</dt>
                  <dd data-testid="disclosure-what">{WHAT[d.action] ?? 'Opened your record'}</dd>
                </dl>
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
    </section>
  );
}
