import { useEffect, useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { confirmTotp, getAccountSecurity, hasSecondFactor, messageOf, roleHome, setupTotp } from '../api';
import type { AccountSecurity, Passkey, TotpSetup } from '../api';
import { addPasskey, passkeyMessageOf, passkeysSupported } from '../webauthn';
import { Layout } from '../components/Layout';
import { Field, PasswordField } from '../components/Field';
import { ErrorMessage, StatusMessage } from '../components/ErrorMessage';
import { SubmitButton } from '../components/SubmitButton';
import { useTitle } from '../components/useTitle';
import { clearing, useSubmit } from '../components/useSubmit';
import { AccountActions, useSignedIn } from '../components/session';
import { SessionList } from '../components/SessionList';
import { DevicesPanel } from '../components/DevicesPanel';
import { PasswordChange } from '../components/PasswordChange';
import { EmailChange } from '../components/EmailChange';
import { renewRecoveryCodes } from '../api-audit';

/** The SVG the server drew, as an image URL (never inserted as markup). */
function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number);
  return 'data:image/svg+xml;base64,' + btoa(binary);
}

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP", easier to type by hand. */
function groupSecret(secret: string): string {
  return (secret.replace(/\s+/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

type Step = 'password' | 'scan' | 'codes';

interface SetupProps {
  onDone: () => void;
}

/** Re-authenticate → scan the QR (or type the secret) → confirm a code → recovery codes. */
function TotpSetupFlow({ onDone }: SetupProps) {
  const [step, setStep] = useState<Step>('password');
  const [password, setPassword] = useState('');
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[]>([]);
  const { busy, error, submit } = useSubmit();

  useEffect(() => {
    if (step === 'scan') document.getElementById('totp-code')?.focus();
  }, [step]);

  const onPassword = submit(
    async () => {
      const s = await setupTotp(password);
      setPassword('');
      setSetup(s);
      setStep('scan');
    },
    clearing(setPassword),
  );

  const onConfirm = submit(
    async () => {
      const list = await confirmTotp(code.replace(/\s+/g, ''));
      setSetup(null);
      setCode('');
      setCodes(list);
      setStep('codes');
    },
    clearing(setCode),
  );

  if (step === 'password') {
    return (
      <form class="card" onSubmit={onPassword} aria-labelledby="setup-heading">
        <h2 id="setup-heading">Set up authenticator app</h2>
        <p>
          Two-step verification is off. With it on, signing in needs your password and a code from an
          authenticator app on your phone, so a stolen password alone is not enough.
        </p>
        <PasswordField id="reauth-password" label="Your current password" value={password} onInput={setPassword} reauth />
        <ErrorMessage message={error} testId="totp-error" />
        <SubmitButton busy={busy} busyText="Checking…" testId="totp-setup">
          Set up authenticator app
        </SubmitButton>
      </form>
    );
  }

  if (step === 'scan' && setup) {
    return (
      <form class="card" onSubmit={onConfirm} aria-labelledby="scan-heading">
        <h2 id="scan-heading">Scan this code with your authenticator app</h2>
        <ol class="steps">
          <li>Open your authenticator app (for example Aegis, 2FAS, Google Authenticator or 1Password) and add an account.</li>
          <li>Scan the QR code, or type the key below.</li>
          <li>Enter the 6-digit code the app shows.</li>
        </ol>
        <div class="qr">
          <img
            src={svgDataUrl(setup.qr_svg)}
            alt="QR code to add Haven to your authenticator app"
            width={220}
            height={220}
            data-testid="totp-qr"
          />
        </div>
        <p class="secret-label" id="totp-secret-label">
          Can’t scan it? Enter this key instead:
        </p>
        <p class="secret" aria-labelledby="totp-secret-label">
          <code data-testid="totp-secret">{groupSecret(setup.secret)}</code>
        </p>
        <Field
          id="totp-code"
          label="6-digit code from the app"
          type="text"
          value={code}
          onInput={setCode}
          autoComplete="one-time-code"
          inputMode="numeric"
          pattern="[0-9 ]{6,7}"
          autoCapitalize="off"
          testId="totp-code"
          minLength={6}
          maxLength={7}
        />
        <ErrorMessage message={error} testId="totp-error" />
        <SubmitButton busy={busy} busyText="Checking…" testId="totp-confirm">
          Turn on two-step verification
        </SubmitButton>
      </form>
    );
  }

  return <RecoveryCodes codes={codes} lost="phone" onDone={onDone} />;
}

interface RecoveryCodesProps {
  codes: string[];
  /** What the codes stand in for when it is lost. */
  lost: 'phone' | 'passkey';
  onDone: () => void;
  /** New codes that replace earlier ones (rather than the first ones). */
  renewed?: boolean;
}

/** The recovery codes, shown once right after the first second factor is added. */
function RecoveryCodes({ codes, lost, onDone, renewed = false }: RecoveryCodesProps) {
  useEffect(() => {
    document.getElementById('recovery-heading')?.focus();
  }, []);
  return (
    <section class="card" aria-labelledby="recovery-heading">
      <h2 id="recovery-heading" tabIndex={-1}>
        Save your {renewed ? 'new ' : ''}recovery codes
      </h2>
      {renewed ? (
        <p class="notice" data-testid="recovery-renewed">
          Your old recovery codes no longer work. If you lose your {lost === 'phone' ? 'phone' : 'passkey'}, each of
          these new codes lets you sign in once. Store them somewhere safe, such as a password manager or a printed
          copy. They are shown only now.
        </p>
      ) : (
      <p class="notice">
        Two-step verification is on. If you lose your {lost === 'phone' ? 'phone' : 'passkey'}, each of these
        codes lets you sign in once. Store them somewhere safe, such as a password manager or a printed
        copy. They are shown only now.
      </p>
      )}
      <ol class="recovery-codes" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <button type="button" class="button primary" onClick={onDone} data-testid="recovery-saved">
        I have saved them
      </button>
    </section>
  );
}

interface MfaOnCardProps {
  security: AccountSecurity;
  home: string;
  canAddApp: boolean;
  onAddApp: () => void;
}

/** Re-authenticate, then 10 new recovery codes replace the old ones. */
function RenewRecoveryCodes({ onRenewed }: { onRenewed: (codes: string[]) => void }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const { busy, error, submit } = useSubmit();

  useEffect(() => {
    if (open) document.getElementById('recovery-new-password')?.focus();
  }, [open]);

  const onSubmit = submit(async () => {
    const codes = await renewRecoveryCodes(password);
    setPassword('');
    onRenewed(codes);
  }, clearing(setPassword));

  return (
    <section class="card" aria-labelledby="recovery-new-heading" data-testid="recovery-new">
      <h2 id="recovery-new-heading">Recovery codes</h2>
      <p>
        Lost your codes, or used most of them? Make a new set of 10. Your old codes stop working straight away.
      </p>
      {open ? (
        <form onSubmit={onSubmit}>
          <PasswordField id="recovery-new-password" label="Your password" value={password} onInput={setPassword} reauth />
          <ErrorMessage message={error} testId="recovery-new-error" />
          <div class="button-row">
            <SubmitButton busy={busy} busyText="Making codes…" testId="recovery-new-submit">
              Make new recovery codes
            </SubmitButton>
            <button
              type="button"
              class="button"
              onClick={() => {
                setPassword('');
                setOpen(false);
              }}
              data-testid="recovery-new-cancel"
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" class="button" onClick={() => setOpen(true)} data-testid="recovery-new-start">
          Make new recovery codes
        </button>
      )}
    </section>
  );
}

/** Status when the account has a second factor. */
function MfaOnCard({ security, home, canAddApp, onAddApp }: MfaOnCardProps) {
  const { totp, recovery_codes_left: left } = security.mfa;
  return (
    <section class="card" aria-labelledby="mfa-heading" data-testid="mfa-status">
      <h2 id="mfa-heading">Two-step verification is on</h2>
      <p>
        {totp && security.mfa.passkeys.length
          ? 'You sign in with your password and a passkey or a code from your authenticator app.'
          : totp
            ? 'You sign in with your password and a code from your authenticator app.'
            : 'You sign in with your password and a passkey.'}
      </p>
      <p data-testid="recovery-left">
        Recovery codes left: <strong>{left}</strong>
      </p>
      {left <= 3 ? (
        <p class="notice">
          You are running low on recovery codes. Make new ones below.
        </p>
      ) : null}
      {!totp && canAddApp ? (
        <p>
          <button type="button" class="button" onClick={onAddApp} data-testid="totp-add">
            Also set up an authenticator app
          </button>
        </p>
      ) : null}
      <p>
        <a href={home}>Back to your page</a>
      </p>
    </section>
  );
}

/** "12 March 2026" for unix seconds or an ISO string; '' when unknown. */
function addedOn(at: number | string | null): string {
  if (at === null) return '';
  const d = new Date(typeof at === 'number' ? at * 1000 : at);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
}

interface PasskeysCardProps {
  passkeys: Passkey[];
  /** Called with the recovery codes when this was the account's first second factor. */
  onAdded: (codes: string[] | null) => void;
}

/** The account's passkeys and the "Add a passkey" form. */
function PasskeysCard({ passkeys, onAdded }: PasskeysCardProps) {
  const supported = passkeysSupported();
  const [name, setName] = useState('This device');
  const { busy, error, status, setError, setStatus, run } = useSubmit();

  const onSubmit = (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const trimmed = name.trim();
    if (!trimmed) {
      setError('Give the passkey a name, such as “Work laptop”.');
      document.getElementById('passkey-name')?.focus();
      return;
    }
    void run(async () => {
      const result = await addPasskey(trimmed);
      setName('This device');
      setStatus(`Passkey “${result.passkey.name}” added.`);
      onAdded(result.recovery_codes);
    }, passkeyMessageOf);
  };

  return (
    <section class="card" aria-labelledby="passkeys-heading" data-testid="passkeys">
      <h2 id="passkeys-heading">Passkeys</h2>
      <p>
        A passkey confirms it is you with this device’s fingerprint, face or screen lock, or with a
        security key, instead of a code.
      </p>
      {passkeys.length ? (
        <ul class="passkey-list" data-testid="passkey-list">
          {passkeys.map((p) => {
            const added = addedOn(p.created_at);
            return (
              <li key={p.id} data-testid="passkey-item">
                <span class="passkey-name">{p.name}</span>
                {added ? <span class="muted"> · added {added}</span> : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <p class="muted" data-testid="passkey-none">
          You have no passkeys yet.
        </p>
      )}
      <StatusMessage message={status} testId="passkey-status" />
      {supported ? (
        <form onSubmit={onSubmit} aria-labelledby="passkey-add-heading">
          <h3 id="passkey-add-heading" class="subheading">
            Add a passkey
          </h3>
          <Field
            id="passkey-name"
            label="Name"
            type="text"
            value={name}
            onInput={setName}
            autoComplete="off"
            autoCapitalize="off"
            testId="passkey-name"
            hint="So you can tell your passkeys apart, for example “Work laptop”."
            maxLength={64}
          />
          <ErrorMessage message={error} testId="passkey-error" />
          <SubmitButton busy={busy} busyText="Waiting for your device…" testId="passkey-add">
            Add a passkey
          </SubmitButton>
        </form>
      ) : (
        <p class="notice" data-testid="passkey-unsupported">
          This browser cannot use passkeys. To add one, open this page in an up-to-date browser
          such as Firefox, Chrome, Edge or Safari.
        </p>
      )}
    </section>
  );
}

export function Account() {
  useTitle('Security');
  const { user, loadError } = useSignedIn();
  const [error, setError] = useState('');
  const [security, setSecurity] = useState<AccountSecurity | null>(null);
  const [addingApp, setAddingApp] = useState(false);
  const [passkeyCodes, setPasskeyCodes] = useState<string[] | null>(null);
  const [renewedCodes, setRenewedCodes] = useState<string[] | null>(null);
  // Reloads the sessions list whenever something may have ended or replaced sessions.
  const [sessionsKey, setSessionsKey] = useState(0);

  const load = () => {
    setError('');
    setSessionsKey((k) => k + 1);
    getAccountSecurity()
      .then(setSecurity)
      .catch((err: unknown) => setError(messageOf(err)));
  };

  useEffect(() => {
    if (user) load();
  }, [user]);

  const onDone = () => {
    setAddingApp(false);
    load();
  };

  const onPasskeyAdded = (codes: string[] | null) => {
    if (codes && codes.length) setPasskeyCodes(codes);
    load();
  };

  const onPasskeyCodesSaved = () => {
    setPasskeyCodes(null);
    load();
  };

  const onRenewedCodesSaved = () => {
    setRenewedCodes(null);
    load();
  };

  const shown = error || loadError;
  const on = security !== null && hasSecondFactor(security);

  return (
    <Layout actions={user ? <AccountActions user={user} current="security" onError={setError} /> : null}>
      <h1>Security</h1>
      <ErrorMessage message={shown} />
      {!user || !security ? (
        shown ? null : (
          <p role="status" class="lead">
            Loading…
          </p>
        )
      ) : passkeyCodes ? (
        <RecoveryCodes codes={passkeyCodes} lost="passkey" onDone={onPasskeyCodesSaved} />
      ) : renewedCodes ? (
        <RecoveryCodes codes={renewedCodes} lost={security.mfa.totp ? 'phone' : 'passkey'} onDone={onRenewedCodesSaved} renewed />
      ) : on ? (
        <>
          <MfaOnCard security={security} home={roleHome(user.role)} canAddApp={!addingApp} onAddApp={() => setAddingApp(true)} />
          {addingApp && !security.mfa.totp ? <TotpSetupFlow onDone={onDone} /> : null}
          <PasskeysCard passkeys={security.mfa.passkeys} onAdded={onPasskeyAdded} />
          <RenewRecoveryCodes onRenewed={setRenewedCodes} />
        </>
      ) : (
        <>
          {security.mfa_required ? (
            <p class="lead">
              Your role works with patient information, so two-step verification is required
              before you can see it.
            </p>
          ) : null}
          <TotpSetupFlow onDone={onDone} />
          <PasskeysCard passkeys={security.mfa.passkeys} onAdded={onPasskeyAdded} />
        </>
      )}
      {user && security && !passkeyCodes && !renewedCodes ? (
        <>
          <SessionList refresh={sessionsKey} />
          <DevicesPanel />
          <PasswordChange mfaOn={on} onChanged={() => setSessionsKey((k) => k + 1)} />
          <EmailChange email={user.email} />
        </>
      ) : null}
    </Layout>
  );
}
