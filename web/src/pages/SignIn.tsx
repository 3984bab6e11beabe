import { useEffect, useState } from 'preact/hooks';
import type { TargetedSubmitEvent } from 'preact';
import { ApiError, getMe, messageOf, roleHome, signIn, signInMfa } from '../api';
import type { CodeMethod, MfaMethod } from '../api';
import { passkeyMessageOf, passkeysSupported, signInWithPasskey, signInWithPasskeyOnly } from '../webauthn';
import { takeSignedOutReason } from '../idle';
import type { SignedOutReason } from '../idle';
import { navigate } from '../router';
import { Layout } from '../components/Layout';
import { Field, PasswordField } from '../components/Field';
import { ErrorMessage } from '../components/ErrorMessage';
import { SubmitButton } from '../components/SubmitButton';
import { useTitle } from '../components/useTitle';
import { clearing, useSubmit } from '../components/useSubmit';

const EXPIRED = 'Your sign-in took too long. Please enter your email and password again.';

/** The first step ran out while the second was under way. */
const expired = (err: unknown) => err instanceof ApiError && err.code === 'unauthenticated';

/** Why the person is here again, when the session ended while a page was open. */
function SignedOutNotice({ reason }: { reason: SignedOutReason | null }) {
  if (reason === 'idle') {
    return (
      <p class="notice" role="status" data-testid="signed-out-idle">
        You were signed out after a period of inactivity.
      </p>
    );
  }
  if (reason === 'ended') {
    return (
      <p class="notice" role="status" data-testid="signed-out">
        You were signed out. Please sign in again.
      </p>
    );
  }
  return null;
}

/** "Sign in with a passkey": the device offers its passkeys for Haven; no email or password. */
function PasskeySignIn({ disabled }: { disabled: boolean }) {
  const { busy, error, run } = useSubmit();

  const onClick = () => {
    if (disabled) return;
    void run(async () => {
      const user = await signInWithPasskeyOnly();
      navigate(roleHome(user.role));
    }, passkeyMessageOf);
  };

  return (
    <section class="card" aria-labelledby="signin-passkey-heading">
      <h2 id="signin-passkey-heading" class="subheading">
        Or use a passkey
      </h2>
      <p>If you added a passkey to your account, you can sign in with this device’s fingerprint, face or screen lock, or with your security key.</p>
      <ErrorMessage message={error} testId="signin-passkey-error" />
      <button type="button" class="button" onClick={onClick} disabled={busy || disabled} data-testid="signin-passkey">
        {busy ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
      </button>
    </section>
  );
}

interface MfaStepProps {
  methods: MfaMethod[];
  onRestart: (message: string) => void;
}

/** Second step: a passkey (offered first when the account has one), a code from the
 *  authenticator app, or a recovery code. */
function MfaStep({ methods, onRestart }: MfaStepProps) {
  const hasPasskey = methods.includes('webauthn');
  const codeMethods = methods.filter((m): m is CodeMethod => m !== 'webauthn');
  const [method, setMethod] = useState<CodeMethod>(codeMethods.includes('totp') ? 'totp' : 'recovery');
  const [code, setCode] = useState('');
  const { busy, error, setError, run } = useSubmit();
  const passkey = useSubmit();
  const [switched, setSwitched] = useState(false);

  useEffect(() => {
    // First the passkey button when there is one; the code field after a switch.
    const id = hasPasskey && !switched ? 'mfa-use-passkey' : 'mfa-code';
    document.getElementById(id)?.focus();
  }, [method]);

  const switchTo = (m: CodeMethod) => {
    setSwitched(true);
    setMethod(m);
    setCode('');
    setError('');
  };

  const onPasskey = () => {
    if (busy) return;
    void passkey.run(
      async () => {
        const user = await signInWithPasskey();
        navigate(roleHome(user.role));
      },
      (err) => {
        if (expired(err)) {
          onRestart(EXPIRED);
          return '';
        }
        return passkeyMessageOf(err);
      },
    );
  };

  const onCode = (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (passkey.busy) return;
    void run(
      async () => {
        const cleaned = method === 'totp' ? code.replace(/\s+/g, '') : code.trim();
        const user = await signInMfa(method, cleaned);
        navigate(roleHome(user.role));
      },
      (err) => {
        setCode('');
        if (expired(err)) {
          onRestart(EXPIRED);
          return '';
        }
        document.getElementById('mfa-code')?.focus();
        return messageOf(err);
      },
    );
  };

  const totp = method === 'totp';
  const supported = passkeysSupported();
  return (
    <>
      <h1>Two-step verification</h1>
      <p class="lead">
        {hasPasskey
          ? 'One more step to keep your account safe. Use your passkey, or enter a code.'
          : totp
            ? 'One more step to keep your account safe.'
            : 'Use one of the recovery codes you saved when you set up two-step verification. Each code works once.'}
      </p>
      {hasPasskey ? (
        <section class="card" aria-labelledby="mfa-passkey-heading" data-testid="mfa-passkey">
          <h2 id="mfa-passkey-heading" class="subheading">
            Passkey
          </h2>
          {supported ? (
            <p>Confirm with this device’s fingerprint, face or screen lock, or with your security key.</p>
          ) : (
            <p class="notice" data-testid="passkey-unsupported">
              This browser cannot use passkeys. Enter a code below instead.
            </p>
          )}
          <ErrorMessage message={passkey.error} testId="passkey-error" />
          <button
            type="button"
            id="mfa-use-passkey"
            class="button primary"
            onClick={onPasskey}
            disabled={passkey.busy || !supported}
            data-testid="mfa-use-passkey"
          >
            {passkey.busy ? 'Waiting for your passkey…' : 'Use your passkey'}
          </button>
        </section>
      ) : null}
      {codeMethods.length ? (
        <form class="card" onSubmit={onCode} aria-labelledby={hasPasskey ? 'mfa-code-heading' : undefined}>
          {hasPasskey ? (
            <h2 id="mfa-code-heading" class="subheading">
              {totp ? 'Or use a code' : 'Or use a recovery code'}
            </h2>
          ) : null}
          {hasPasskey && !totp ? (
            <p>Each recovery code you saved works once.</p>
          ) : null}
          <Field
            key={method}
            id="mfa-code"
            label={totp ? 'Enter the 6-digit code from your authenticator app' : 'Recovery code'}
            type="text"
            value={code}
            onInput={setCode}
            autoComplete={totp ? 'one-time-code' : 'off'}
            inputMode={totp ? 'numeric' : 'text'}
            autoCapitalize="off"
            testId="mfa-code"
            minLength={6}
            maxLength={totp ? 7 : 32}
            {...(totp ? { pattern: '[0-9 ]{6,7}' } : {})}
          />
          <ErrorMessage message={error} />
          <SubmitButton busy={busy} busyText="Checking…" testId="mfa-submit" class={hasPasskey ? 'button' : 'button primary'}>
            Continue
          </SubmitButton>
          <div class="form-links">
            {totp && codeMethods.includes('recovery') ? (
              <button type="button" class="link-button" onClick={() => switchTo('recovery')} data-testid="mfa-use-recovery">
                Use a recovery code instead
              </button>
            ) : null}
            {!totp && codeMethods.includes('totp') ? (
              <button type="button" class="link-button" onClick={() => switchTo('totp')} data-testid="mfa-use-totp">
                Use your authenticator app instead
              </button>
            ) : null}
            <button type="button" class="link-button" onClick={() => onRestart('')} data-testid="mfa-restart">
              Start over
            </button>
          </div>
        </form>
      ) : (
        <p class="form-links">
          <button type="button" class="link-button" onClick={() => onRestart('')} data-testid="mfa-restart">
            Start over
          </button>
        </p>
      )}
    </>
  );
}

export function SignIn() {
  useTitle('Sign in');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, setError, submit } = useSubmit();
  const [mfaMethods, setMfaMethods] = useState<MfaMethod[] | null>(null);
  const [signedOut] = useState(takeSignedOutReason);

  // Already signed in (e.g. a reload of "/"): go straight to the user's page. Not right
  // after a sign-out: the session is gone, and asking would only restart its clock.
  useEffect(() => {
    if (signedOut) return undefined;
    let live = true;
    getMe()
      .then((user) => {
        if (live) navigate(roleHome(user.role), { replace: true });
      })
      .catch(() => {
        /* not signed in: stay here */
      });
    return () => {
      live = false;
    };
  }, []);

  const onSubmit = submit(
    async () => {
      const result = await signIn(email.trim(), password);
      setPassword('');
      if (result.kind === 'mfa') {
        setMfaMethods(result.methods);
        return;
      }
      const user = await getMe();
      navigate(roleHome(user.role));
    },
    clearing(setPassword),
  );

  const onRestart = (message: string) => {
    setMfaMethods(null);
    setError(message);
    window.setTimeout(() => document.getElementById('signin-password')?.focus(), 0);
  };

  if (mfaMethods) {
    return (
      <Layout narrow>
        <MfaStep methods={mfaMethods} onRestart={onRestart} />
      </Layout>
    );
  }

  return (
    <Layout narrow>
      <h1>Sign in</h1>
      <SignedOutNotice reason={signedOut} />
      <p class="lead">Welcome back. Sign in to reach your sessions and messages.</p>
      <form class="card" onSubmit={onSubmit}>
        <Field
          id="signin-email"
          label="Email"
          type="email"
          value={email}
          onInput={setEmail}
          autoComplete="username"
          testId="signin-email"
          maxLength={254}
        />
        <PasswordField id="signin-password" label="Password" value={password} onInput={setPassword} />
        <ErrorMessage message={error} />
        <SubmitButton busy={busy} busyText="Signing in…" testId="signin-submit">
          Sign in
        </SubmitButton>
      </form>
      {passkeysSupported() ? <PasskeySignIn disabled={busy} /> : null}
    </Layout>
  );
}
