import { useEffect, useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { confirmTotp, getAccountSecurity, hasSecondFactor, messageOf, roleHome, setupTotp } from '../api';
import type { AccountSecurity, TotpSetup } from '../api';
import { Layout } from '../components/Layout';
import { Field } from '../components/Field';
import { ErrorMessage } from '../components/ErrorMessage';
import { useTitle } from '../components/useTitle';
import { AccountActions, useSignedIn } from '../components/session';

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    const id = step === 'scan' ? 'totp-code' : step === 'codes' ? 'recovery-heading' : '';
    if (id) document.getElementById(id)?.focus();
  }, [step]);

  const onPassword = async (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      const s = await setupTotp(password);
      setPassword('');
      setSetup(s);
      setStep('scan');
    } catch (err) {
      setPassword('');
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const onConfirm = async (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError('');
    try {
      const list = await confirmTotp(code.replace(/\s+/g, ''));
      setSetup(null);
      setCode('');
      setCodes(list);
      setStep('codes');
    } catch (err) {
      setCode('');
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  if (step === 'password') {
    return (
      <form class="card" onSubmit={onPassword} aria-labelledby="setup-heading">
        <h2 id="setup-heading">Set up authenticator app</h2>
        <p>
          Two-step verification is off. With it on, signing in needs your password and a code from an
          authenticator app on your phone, so a stolen password alone is not enough.
        </p>
        <Field
          id="reauth-password"
          label="Your current password"
          type="password"
          value={password}
          onInput={setPassword}
          autoComplete="current-password"
          testId="reauth-password"
          hint="We ask again before changing how you sign in."
          maxLength={128}
        />
        <ErrorMessage message={error} testId="totp-error" />
        <button type="submit" class="button primary" disabled={busy} data-testid="totp-setup">
          {busy ? 'Checking…' : 'Set up authenticator app'}
        </button>
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
        <button type="submit" class="button primary" disabled={busy} data-testid="totp-confirm">
          {busy ? 'Checking…' : 'Turn on two-step verification'}
        </button>
      </form>
    );
  }

  return (
    <section class="card" aria-labelledby="recovery-heading">
      <h2 id="recovery-heading" tabIndex={-1}>
        Save your recovery codes
      </h2>
      <p class="notice">
        Two-step verification is on. If you lose your phone, each of these codes lets you sign in
        once. Store them somewhere safe, such as a password manager or a printed copy. They are
        shown only now.
      </p>
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

/** Status when the account has a second factor. */
function MfaOnCard({ security, home, canAddApp, onAddApp }: MfaOnCardProps) {
  const { totp, passkeys, recovery_codes_left: left } = security.mfa;
  return (
    <section class="card" aria-labelledby="mfa-heading" data-testid="mfa-status">
      <h2 id="mfa-heading">Two-step verification is on</h2>
      <p>
        {totp
          ? 'You sign in with your password and a code from your authenticator app.'
          : 'You sign in with your password and a passkey.'}
      </p>
      {passkeys.length ? (
        <>
          <h3 class="subheading">Passkeys</h3>
          <ul class="plain-list" data-testid="passkey-list">
            {passkeys.map((p) => (
              <li key={p.id}>{p.name}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p data-testid="recovery-left">
        Recovery codes left: <strong>{left}</strong>
      </p>
      {left <= 3 ? (
        <p class="notice">
          You are running low on recovery codes. Ask an administrator to reset two-step
          verification if you lose your phone.
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

export function Account() {
  useTitle('Security');
  const { user, loadError } = useSignedIn();
  const [error, setError] = useState('');
  const [security, setSecurity] = useState<AccountSecurity | null>(null);
  const [addingApp, setAddingApp] = useState(false);

  const load = () => {
    setError('');
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
      ) : on ? (
        <>
          <MfaOnCard security={security} home={roleHome(user.role)} canAddApp={!addingApp} onAddApp={() => setAddingApp(true)} />
          {addingApp && !security.mfa.totp ? <TotpSetupFlow onDone={onDone} /> : null}
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
        </>
      )}
    </Layout>
  );
}
