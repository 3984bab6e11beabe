import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import type { ManagedUser } from '../api';
import { formatTime, listBreakGlass } from '../api-admin';
import type { BreakGlassRecord } from '../api-admin';
import { ErrorMessage } from './ErrorMessage';
import { nameOf } from './AddMember';
import { LoadedList, SectionHead } from './Section';

/** Admin: every emergency (break-glass) access to a patient record, newest first. */
export function BreakGlassReview({ users }: { users: ManagedUser[] }) {
  const [records, setRecords] = useState<BreakGlassRecord[] | null>(null);
  const [error, setError] = useState('');
  // "Active" is judged against the time of the last load, not a ticking clock.
  const [loadedAt, setLoadedAt] = useState(0);

  const load = async () => {
    setError('');
    try {
      const list = await listBreakGlass();
      setRecords([...list].sort((a, b) => b.created_at - a.created_at));
      setLoadedAt(Math.floor(Date.now() / 1000));
    } catch (err) {
      setError(messageOf(err));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  return (
    <section class="card" aria-labelledby="break-glass-heading" data-testid="break-glass-review">
      <SectionHead id="break-glass-heading" title="Emergency access review" onRefresh={() => void load()} testId="break-glass-refresh" />
      <p>
        Clinicians can open a record outside their care teams in an emergency. Each access lasts 60 minutes. Check that
        every reason makes sense.
      </p>
      <ErrorMessage message={error} testId="break-glass-error" />
      <LoadedList items={records} loadError={error} none="No emergency access so far." noneTestId="break-glass-none">
        {(list) => (
          <ul class="review-list">
            {list.map((r) => {
              const active = r.expires_at > loadedAt;
              return (
                <li
                  key={r.id}
                  class={active ? 'review-item review-active' : 'review-item'}
                  data-testid="break-glass-item"
                  data-active={active ? 'true' : 'false'}
                >
                  {active ? (
                    <span class="badge badge-warn" data-testid="bg-active">
                      Active now
                    </span>
                  ) : null}
                  <dl class="facts">
                    <dt>Who</dt>
                    <dd data-testid="bg-who">{nameOf(users, r.user_id)}</dd>
                    <dt>Patient</dt>
                    <dd data-testid="bg-patient">{nameOf(users, r.patient_id)}</dd>
                    <dt>Reason</dt>
                    <dd data-testid="bg-reason">{r.reason}</dd>
                    <dt>When</dt>
                    <dd data-testid="bg-when">{formatTime(r.created_at)}</dd>
                    <dt>{active ? 'Ends' : 'Ended'}</dt>
                    <dd data-testid="bg-expires">{formatTime(r.expires_at)}</dd>
                  </dl>
                </li>
              );
            })}
          </ul>
        )}
      </LoadedList>
    </section>
  );
}
