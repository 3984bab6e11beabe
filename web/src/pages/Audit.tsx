import { useEffect, useState } from 'preact/hooks';
import { listUsers, messageOf } from '../api';
import type { ManagedUser } from '../api';
import { needsMfa } from '../api-admin';
import { Layout } from '../components/Layout';
import { ErrorMessage } from '../components/ErrorMessage';
import { MfaNudge } from '../components/MfaNudge';
import { useTitle } from '../components/useTitle';
import { AccountActions, useSignedIn } from '../components/session';
import { AuditTrail } from '../components/AuditTrail';

/** /admin/audit — search and export the audit trail (admins with two-step verification). */
export function Audit() {
  useTitle('Audit trail');
  const { user, loadError } = useSignedIn('admin');
  const [users, setUsers] = useState<ManagedUser[] | null>(null);
  const [error, setError] = useState('');
  const [mfa, setMfa] = useState(false);

  useEffect(() => {
    if (!user) return undefined;
    let live = true;
    listUsers()
      .then((list) => {
        if (live) setUsers(list);
      })
      .catch((err: unknown) => {
        if (!live) return;
        if (needsMfa(err)) setMfa(true);
        else setError(messageOf(err));
      });
    return () => {
      live = false;
    };
  }, [user]);

  const shown = error || loadError;

  return (
    <Layout actions={user ? <AccountActions user={user} current="home" onError={setError} /> : null}>
      <p>
        <a href="/admin" class="back-link" data-testid="audit-back">
          Back to administration
        </a>
      </p>
      <h1>Audit trail</h1>
      <ErrorMessage message={shown} />
      {mfa ? <MfaNudge /> : null}
      {user && users && !mfa ? (
        <AuditTrail users={users} onMfaRequired={() => setMfa(true)} />
      ) : shown || mfa ? null : (
        <p role="status" class="lead">
          Loading…
        </p>
      )}
    </Layout>
  );
}
