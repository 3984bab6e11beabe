import { useEffect, useState } from 'preact/hooks';
import { messageOf, roleHome } from '../api';
import { getPatient, needsMfa } from '../api-admin';
import type { PatientRecord } from '../api-admin';
import { Layout } from '../components/Layout';
import { ErrorMessage } from '../components/ErrorMessage';
import { MfaNudge } from '../components/MfaNudge';
import { useTitle } from '../components/useTitle';
import { AccountActions, useSignedIn } from '../components/session';

/** /patients/:id — one patient's record, for their care team or through emergency access. */
export function Patient({ id }: { id: string }) {
  // The title never names the patient: titles end up in history and window lists.
  useTitle('Patient record');
  const { user, loadError } = useSignedIn();
  const [record, setRecord] = useState<PatientRecord | null>(null);
  const [error, setError] = useState('');
  const [mfa, setMfa] = useState(false);

  useEffect(() => {
    if (!user) return undefined;
    let live = true;
    setRecord(null);
    setError('');
    getPatient(id)
      .then((r) => {
        if (live) setRecord(r);
      })
      .catch((err: unknown) => {
        if (!live) return;
        if (needsMfa(err)) setMfa(true);
        else setError(messageOf(err));
      });
    return () => {
      live = false;
    };
  }, [user, id]);

  const shown = error || loadError;
  const home = user ? roleHome(user.role) : '/signin';

  return (
    <Layout actions={user ? <AccountActions user={user} current="home" onError={setError} /> : null}>
      <p>
        <a href={home} class="back-link" data-testid="patient-back">
          {user?.role === 'therapist' || user?.role === 'staff' ? 'Back to my patients' : 'Back'}
        </a>
      </p>
      <ErrorMessage message={shown} />
      {mfa ? <MfaNudge /> : null}
      {record ? (
        <section class="card" aria-labelledby="patient-name" data-testid="patient-record">
          <h1 id="patient-name" data-testid="patient-name">
            {record.patient.display_name}
          </h1>
          {record.break_glass ? (
            <p class="notice" data-testid="patient-break-glass">
              You opened this record with emergency access. It is recorded and reviewed by administrators, and ends 60
              minutes after you asked.
            </p>
          ) : null}
          <dl class="facts">
            <dt>Email</dt>
            <dd data-testid="patient-email">{record.patient.email}</dd>
          </dl>
          <p class="muted">Notes, sessions and messages will appear here.</p>
        </section>
      ) : shown || mfa ? null : (
        <p role="status" class="lead">
          Loading…
        </p>
      )}
    </Layout>
  );
}
