import { useEffect, useState } from 'preact/hooks';
import type { TargetedEvent } from 'preact';
import { messageOf } from '../api';
import type { ManagedUser } from '../api';
import { formatTime, needsMfa } from '../api-admin';
import { exportAudit, getCheckpoint, searchAudit } from '../api-audit';
import type { AuditEvent, AuditFilter, Checkpoint } from '../api-audit';
import { ErrorMessage, StatusMessage } from './ErrorMessage';
import { SelectField } from './Field';
import { saveFile } from '../save-file';
import { LoadedList } from './Section';
import { useSubmit } from './useSubmit';

/** The action filter: common prefixes of action names, in plain words. */
export const ACTION_FILTERS: { id: string; label: string }[] = [
  { id: '', label: 'Any action' },
  { id: 'session.', label: 'Sign-in and sign-out' },
  { id: 'patient.record_read', label: 'Patient record reads' },
  { id: 'break_glass.', label: 'Emergency access' },
  { id: 'user.', label: 'Account changes by administrators' },
  { id: 'account.', label: 'Changes to own account' },
  { id: 'mfa.', label: 'Two-step verification' },
  { id: 'access.denied', label: 'Refused requests' },
];

const ACTION_WORDS: Record<string, string> = {
  'session.signed_in': 'Signed in',
  'session.signed_in_totp': 'Signed in with an authenticator code',
  'session.signed_in_passkey': 'Signed in with a passkey',
  'session.signed_in_passwordless': 'Signed in with a passkey alone',
  'session.signed_in_recovery_code': 'Signed in with a recovery code',
  'session.password_accepted': 'Password accepted, second step next',
  'session.sign_in_failed': 'Sign-in failed',
  'session.sign_in_refused': 'Sign-in refused',
  'session.signed_out': 'Signed out',
  'session.signed_out_everywhere': 'Signed out everywhere',
  'session.revoked': 'Ended a session',
  'patient.record_read': 'Opened a patient record',
  'patient.record_read_break_glass': 'Opened a patient record with emergency access',
  'patient.list_read': 'Listed their patients',
  'patient.disclosures_read': 'Checked who has seen their record',
  'break_glass.granted': 'Started emergency access',
  'break_glass.reviewed': 'Reviewed emergency access',
  'user.disabled': 'Disabled an account',
  'user.enabled': 'Enabled an account',
  'user.unlocked': 'Unlocked an account',
  'user.mfa_reset': 'Reset two-step verification',
  'user.password_reset_issued': 'Created a password reset link',
  'user.role_changed': 'Changed a role',
  'account.password_changed': 'Changed their password',
  'account.email_changed': 'Changed their email',
  'account.password_reset': 'Reset their password with a link',
  'account.locked_after_failures': 'Account locked after failed sign-ins',
  'account.password_reauth_failed': 'Wrong password when changing password',
  'account.email_reauth_failed': 'Wrong password when changing email',
  'mfa.setup_started': 'Started setting up an authenticator app',
  'mfa.totp_enabled': 'Turned on two-step verification',
  'mfa.passkey_added': 'Added a passkey',
  'mfa.failed': 'Wrong second-step code',
  'mfa.recovery_codes_replaced': 'Made new recovery codes',
  'mfa.recovery_codes_reauth_failed': 'Wrong password when making recovery codes',
  'mfa.setup_reauth_failed': 'Wrong password when setting up two-step verification',
  'invitation.created': 'Created an invitation',
  'invitation.accepted': 'Accepted an invitation',
  'enrollment.completed': 'Created the first account',
  'care_team.created': 'Created a care team',
  'care_team.member_added': 'Added someone to a care team',
  'care_team.member_removed': 'Removed someone from a care team',
  'cohort.created': 'Created an IOP cohort',
  'cohort.member_added': 'Added a patient to a cohort',
  'cohort.member_removed': 'Removed a patient from a cohort',
  'cohort.list_read': 'Listed IOP cohorts',
  'audit.searched': 'Searched the audit trail',
  'audit.exported': 'Exported the audit trail',
  'audit.checkpoint_read': 'Read the audit checkpoint',
  'audit.proof_read': 'Read an audit proof',
  'audit.consistency_read': 'Checked the audit trail’s consistency',
};

/** An action in plain words where known; the action name otherwise. */
export function actionWords(action: string): string {
  const known = ACTION_WORDS[action];
  if (known) return known;
  if (action.startsWith('access.denied')) return 'Refused';
  return action;
}

const OUTCOME_WORDS: Record<string, string> = { success: 'Done', failure: 'Failed', denied: 'Refused' };

function shortId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 8)}…` : id;
}

/** Who or what an entry is about: a person's name when it names an account. */
function subjectOf(users: ManagedUser[], e: AuditEvent): string {
  if (!e.subject_id) return '–';
  const person = users.find((u) => u.id === e.subject_id);
  if (person) return e.subject_type === 'patient' ? `${person.display_name} (patient)` : person.display_name;
  const type = e.subject_type.replace(/_/g, ' ');
  return type ? `${type} ${shortId(e.subject_id)}` : shortId(e.subject_id);
}

function whoOf(users: ManagedUser[], id: string): string {
  if (!id) return 'Not signed in';
  return users.find((u) => u.id === id)?.display_name ?? `Unknown (${shortId(id)})`;
}

/** "2026-03-12" (local) → unix seconds at local midnight; NaN when empty. */
function localMidnight(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return NaN;
  return Math.floor(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime() / 1000);
}

/** The request filter from the form; `to` includes the whole "to" day. */
function filterOf(f: FormState): AuditFilter | string {
  const out: AuditFilter = {};
  if (f.person) out.actor_id = f.person;
  if (f.patient) out.subject_id = f.patient;
  if (f.action) out.action = f.action;
  const from = localMidnight(f.from);
  const toDay = localMidnight(f.to);
  if (!Number.isNaN(from)) out.from = from;
  if (!Number.isNaN(toDay)) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(f.to) as RegExpExecArray;
    out.to = Math.floor(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1).getTime() / 1000);
  }
  if (out.from !== undefined && out.to !== undefined && out.to <= out.from) {
    return 'The “to” date must be on or after the “from” date.';
  }
  return out;
}

interface FormState {
  person: string;
  patient: string;
  action: string;
  from: string;
  to: string;
}

function DateField({ id, label, value, onInput }: { id: string; label: string; value: string; onInput: (v: string) => void }) {
  const onChange = (e: TargetedEvent<HTMLInputElement>) => onInput(e.currentTarget.value);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} name={id} type="date" value={value} onInput={onChange} onChange={onChange} data-testid={id} />
    </div>
  );
}

function CheckpointCard({ onMfaRequired }: { onMfaRequired: () => void }) {
  const [checkpoint, setCheckpoint] = useState<Checkpoint | null | undefined>(undefined);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    getCheckpoint()
      .then((c) => {
        if (live) setCheckpoint(c);
      })
      .catch((err: unknown) => {
        if (!live) return;
        if (needsMfa(err)) onMfaRequired();
        else setError(messageOf(err));
      });
    return () => {
      live = false;
    };
  }, []);

  return (
    <section class="card" aria-labelledby="checkpoint-heading" data-testid="audit-checkpoint">
      <h2 id="checkpoint-heading">Latest signed checkpoint</h2>
      <p>
        Haven regularly signs a fingerprint of the whole trail. If any earlier entry were changed or removed, it would
        no longer match this fingerprint.
      </p>
      <ErrorMessage message={error} testId="checkpoint-error" />
      {checkpoint === undefined ? (
        error ? null : <p class="muted">Loading…</p>
      ) : checkpoint === null ? (
        <p class="muted" data-testid="checkpoint-none">
          No checkpoint yet: the trail is empty.
        </p>
      ) : (
        <dl class="facts">
          <dt>Entries</dt>
          <dd data-testid="checkpoint-size">{checkpoint.tree_size}</dd>
          <dt>Signed</dt>
          <dd data-testid="checkpoint-time">{formatTime(checkpoint.time)}</dd>
          <dt>Fingerprint</dt>
          <dd>
            <code data-testid="checkpoint-root" title={checkpoint.root_hash}>
              {checkpoint.root_hash.slice(0, 16)}…
            </code>
          </dd>
        </dl>
      )}
    </section>
  );
}

interface AuditTrailProps {
  users: ManagedUser[];
  onMfaRequired: () => void;
}

/** Admin: search the audit trail, export it as CSV, and see the latest signed checkpoint. */
export function AuditTrail({ users, onMfaRequired }: AuditTrailProps) {
  const [form, setForm] = useState<FormState>({ person: '', patient: '', action: '', from: '', to: '' });
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [loadError, setLoadError] = useState('');
  // The filters the list shown was searched with, to say when the form no longer matches it.
  const [searched, setSearched] = useState('');
  const search = useSubmit();
  const exporting = useSubmit();
  const set = (key: keyof FormState) => (value: string) => setForm((f) => ({ ...f, [key]: value }));

  const failure = (err: unknown) => {
    if (needsMfa(err)) {
      onMfaRequired();
      return '';
    }
    return messageOf(err);
  };

  const load = () =>
    search.run(async () => {
      const filter = filterOf(form);
      if (typeof filter === 'string') throw new Error(filter);
      setLoadError('');
      try {
        const list = await searchAudit(filter);
        setEvents(list);
        setSearched(JSON.stringify(form));
        search.setStatus(list.length === 1 ? '1 entry.' : `${list.length} entries.`);
      } catch (err) {
        setLoadError(failure(err) || ' ');
        throw err;
      }
    }, (err) => (err instanceof Error && !('code' in err) ? err.message : failure(err)));

  useEffect(() => {
    void load();
  }, []);

  const onExport = () =>
    exporting.run(async () => {
      const filter = filterOf(form);
      if (typeof filter === 'string') throw new Error(filter);
      saveFile(await exportAudit(filter), 'haven-audit.csv');
      exporting.setStatus('The CSV file was downloaded.');
    }, (err) => (err instanceof Error && !('code' in err) ? err.message : failure(err)));

  const people = [{ id: '', label: 'Anyone' }, ...users.map((u) => ({ id: u.id, label: u.display_name }))];
  const patients = [
    { id: '', label: 'Any patient' },
    ...users.filter((u) => u.role === 'patient').map((u) => ({ id: u.id, label: u.display_name })),
  ];

  return (
    <>
      <CheckpointCard onMfaRequired={onMfaRequired} />
      <section class="card" aria-labelledby="audit-heading" data-testid="audit-trail">
        <h2 id="audit-heading">Search the trail</h2>
        <p>Every sign-in, record read and change is recorded here. Newest first.</p>
        <form
          class="audit-filters"
          onSubmit={(e) => {
            e.preventDefault();
            void load();
          }}
        >
          <SelectField id="audit-person" label="Person" value={form.person} options={people} onChange={set('person')} testId="audit-person" />
          <SelectField id="audit-patient" label="Patient" value={form.patient} options={patients} onChange={set('patient')} testId="audit-patient" />
          <SelectField id="audit-action" label="Action" value={form.action} options={ACTION_FILTERS} onChange={set('action')} testId="audit-action" />
          <DateField id="audit-from" label="From" value={form.from} onInput={set('from')} />
          <DateField id="audit-to" label="To (including that day)" value={form.to} onInput={set('to')} />
          <div class="button-row">
            <button type="submit" class="button primary" disabled={search.busy} data-testid="audit-search">
              {search.busy ? 'Searching…' : 'Search'}
            </button>
            <button type="button" class="button" onClick={() => void onExport()} disabled={exporting.busy} data-testid="audit-export">
              {exporting.busy ? 'Preparing…' : 'Export CSV'}
            </button>
          </div>
        </form>
        {events !== null && searched !== JSON.stringify(form) ? (
          <p class="hint" data-testid="audit-stale">
            The filters changed. Choose Search to update the list; Export CSV uses the filters as they are now.
          </p>
        ) : null}
        <ErrorMessage message={search.error || exporting.error} testId="audit-error" />
        <StatusMessage message={exporting.status || search.status} testId="audit-status" />
        <LoadedList items={events} loadError={loadError} none="Nothing matches these filters." noneTestId="audit-none">
          {(list) => (
            <ol class="review-list audit-list" data-testid="audit-list">
              {list.map((e) => (
                <li
                  key={e.seq}
                  class="review-item"
                  data-testid="audit-event"
                  data-seq={String(e.seq)}
                  data-action={e.action}
                  data-actor-id={e.actor_id}
                  data-subject-id={e.subject_id}
                >
                  <dl class="facts">
                    <dt>When</dt>
                    <dd data-testid="audit-when">{formatTime(e.at)}</dd>
                    <dt>Who</dt>
                    <dd data-testid="audit-who">{whoOf(users, e.actor_id)}</dd>
                    <dt>What</dt>
                    <dd data-testid="audit-what">{actionWords(e.action)}</dd>
                    <dt>About</dt>
                    <dd data-testid="audit-subject">{subjectOf(users, e)}</dd>
                    <dt>Outcome</dt>
                    <dd data-testid="audit-outcome" class={e.outcome === 'success' ? '' : 'audit-bad'}>
                      {OUTCOME_WORDS[e.outcome] ?? e.outcome}
                    </dd>
                  </dl>
                </li>
              ))}
            </ol>
          )}
        </LoadedList>
      </section>
    </>
  );
}
