import { useEffect, useState } from 'preact/hooks';
import { getAccountSecurity, hasSecondFactor } from '../api';
import type { AccountSecurity, Role } from '../api';
import { sessionEndedByServer } from '../idle';
import { Layout } from '../components/Layout';
import { ErrorMessage } from '../components/ErrorMessage';
import { useTitle } from '../components/useTitle';
import { AccountActions, useSignedIn } from '../components/session';
import { InviteForm } from '../components/InviteForm';
import { MfaNudge } from '../components/MfaNudge';
import { AdminPanels } from '../components/AdminPanels';
import { ClinicianPanels } from '../components/ClinicianPanels';
import { KeyNotices } from '../components/KeyNotices';
import { Disclosures } from '../components/Disclosures';
import { VideoRooms } from '../components/VideoRooms';
import { PatientAppointments, TherapistAppointments } from '../components/Appointments';
import { useServerConnection } from '../ws';
import type { WsStatus } from '../ws';

interface RoleCopy {
  heading: string;
  intro: string;
}

const COPY: Record<Role, RoleCopy> = {
  admin: {
    heading: 'Practice administration',
    intro: 'Accounts, roles, care teams and emergency access.',
  },
  therapist: {
    heading: 'Your sessions',
    intro: 'Your upcoming sessions, waiting room and messages will appear here.',
  },
  staff: {
    heading: 'Your care teams',
    intro: 'Patients of the care teams you belong to will appear here.',
  },
  patient: {
    heading: 'Your appointments',
    intro: 'When your therapist invites you to a session, it will appear here.',
  },
  guest: {
    heading: 'Your session',
    intro: 'Guests have their own page (/guest).',
  },
};

const STATUS_TEXT: Record<WsStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  offline: 'Offline',
  'signed-out': 'Signed out',
};

function ConnectionStatus({ status }: { status: WsStatus }) {
  return (
    <p class={`ws-status ws-${status}`} role="status" data-testid="ws-status">
      {STATUS_TEXT[status]}
    </p>
  );
}

export function Landing({ role }: { role: Role }) {
  const copy = COPY[role];
  useTitle(copy.heading);
  const { user, loadError } = useSignedIn(role);
  const [error, setError] = useState('');
  const [security, setSecurity] = useState<AccountSecurity | null>(null);
  // Set when a patient-data request answered 403 mfa_required.
  const [apiNeedsMfa, setApiNeedsMfa] = useState(false);
  const onMfaRequired = () => setApiNeedsMfa(true);

  useEffect(() => {
    if (!user) return undefined;
    let live = true;
    getAccountSecurity()
      .then((s) => {
        if (live) setSecurity(s);
      })
      .catch(() => {
        /* the nudge is a hint; the server enforces the rule */
      });
    return () => {
      live = false;
    };
  }, [user]);

  const status = useServerConnection(user !== null);

  // The server closes the live connection when the session ends (signed out elsewhere, a
  // disabled account, the idle limit): go to sign-in instead of showing a stale page.
  // (No GET /api/me here: it would restart the idle clock without any activity.)
  useEffect(() => {
    if (status === 'signed-out') sessionEndedByServer();
  }, [status]);

  const shown = error || loadError;
  const needsMfa = apiNeedsMfa || (security !== null && security.mfa_required && !hasSecondFactor(security));

  return (
    <Layout actions={user ? <AccountActions user={user} current="home" onError={setError} /> : null}>
      <h1 data-testid="landing-heading">{copy.heading}</h1>
      <ErrorMessage message={shown} />
      {user ? (
        <>
          <ConnectionStatus status={status} />
          {needsMfa ? <MfaNudge /> : null}
          {(role === 'patient' || ((role === 'therapist' || role === 'staff') && security !== null && !needsMfa)) ? (
            <KeyNotices userId={user.id} clinician={role !== 'patient'} />
          ) : null}
          {/* Appointments name patients: like rooms, therapists need two-step verification first. */}
          {role === 'therapist' && security !== null && !needsMfa ? <TherapistAppointments onMfaRequired={onMfaRequired} /> : null}
          {role === 'patient' ? <PatientAppointments /> : null}
          {/* Opening a room names patients: therapists need two-step verification first. */}
          <VideoRooms
            selfId={user.id}
            canCreate={role === 'therapist' && security !== null && !needsMfa}
            onMfaRequired={onMfaRequired}
          />
          {role === 'admin' ? (
            <>
              <InviteForm
                roles={['therapist', 'staff', 'admin']}
                heading="Invite someone"
                intro="Create a one-time link for a new colleague. They choose their own email and password."
              />
              {needsMfa ? null : (
                <section class="card" aria-labelledby="audit-link-heading">
                  <h2 id="audit-link-heading">Audit trail</h2>
                  <p>Who signed in, read a record or changed an account, and when. Search it or export it as CSV.</p>
                  <a class="button" href="/admin/audit" data-testid="admin-audit-link">
                    Open the audit trail
                  </a>
                </section>
              )}
              <AdminPanels selfId={user.id} onMfaRequired={onMfaRequired} />
            </>
          ) : null}
          {/* An invitation names a patient: the server wants MFA first, so the form waits. */}
          {role === 'therapist' && security !== null && !needsMfa ? (
            <InviteForm
              roles={['patient']}
              heading="Invite a patient"
              intro="Create a one-time link for a new patient. They choose their own email and password."
            />
          ) : null}
          {role === 'therapist' || role === 'staff' ? <ClinicianPanels onMfaRequired={onMfaRequired} /> : null}
          {role === 'patient' ? <Disclosures /> : null}
        </>
      ) : shown ? null : (
        <p role="status" class="lead">
          Loading…
        </p>
      )}
    </Layout>
  );
}
