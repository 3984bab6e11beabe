// Passkeys (WebAuthn) for docs/API.md "Passkeys": base64url <-> bytes, and the
// ceremonies (create = add a passkey; get = second sign-in step, or sign-in with the
// passkey alone). The server speaks
// base64url without padding for every binary field.
import {
  ApiError,
  passkeyRegisterOptions,
  passkeySignInOptions,
  registerPasskey,
  signInPasskey,
} from './api';
import type { PasskeyRegistration, User } from './api';
import { passkeyOnlyOptions, signInPasskeyOnly } from './api-account';
import type { DiscoverableAssertion } from './api-account';

/** Bytes → base64url without padding. */
export function toBase64url(data: ArrayBuffer | ArrayBufferView): string {
  const bytes =
    data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** base64url (padding optional) → bytes; throws on anything that is not base64url. */
export function fromBase64url(text: string): ArrayBuffer {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new TypeError('not base64url');
  const b64 = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/** Whether this browser can use passkeys at all. */
export function passkeysSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    typeof window.PublicKeyCredential === 'function' &&
    typeof navigator.credentials?.create === 'function' &&
    typeof navigator.credentials?.get === 'function'
  );
}

type Json = Record<string, unknown>;

const BAD_OPTIONS = 'Something went wrong. Please try again.';

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function credentialList(list: unknown): PublicKeyCredentialDescriptor[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((c) => ({
    ...(c as object),
    type: 'public-key',
    id: fromBase64url(String(c.id ?? '')),
  })) as PublicKeyCredentialDescriptor[];
}

function badOptions(): ApiError {
  return new ApiError(500, 'bad_response', BAD_OPTIONS);
}

/** The server's creation options with challenge, user.id and excludeCredentials[].id as bytes. */
export function creationOptions(raw: unknown): PublicKeyCredentialCreationOptions {
  if (!isObject(raw) || typeof raw.challenge !== 'string' || !isObject(raw.user) || typeof raw.user.id !== 'string') {
    throw badOptions();
  }
  try {
    return {
      ...(raw as object),
      challenge: fromBase64url(raw.challenge),
      user: { ...(raw.user as object), id: fromBase64url(raw.user.id) },
      excludeCredentials: credentialList(raw.excludeCredentials),
    } as PublicKeyCredentialCreationOptions;
  } catch {
    throw badOptions();
  }
}

/** The server's request options with challenge and allowCredentials[].id as bytes. */
export function requestOptions(raw: unknown): PublicKeyCredentialRequestOptions {
  if (!isObject(raw) || typeof raw.challenge !== 'string') throw badOptions();
  try {
    return {
      ...(raw as object),
      challenge: fromBase64url(raw.challenge),
      allowCredentials: credentialList(raw.allowCredentials),
    } as PublicKeyCredentialRequestOptions;
  } catch {
    throw badOptions();
  }
}

/** Thrown for failures of the browser's ceremony itself (not the server's answer). */
export class PasskeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasskeyError';
  }
}

const UNSUPPORTED = 'This browser cannot use passkeys. Use an up-to-date browser, or a code instead.';

/** Plain-language text for a DOMException from navigator.credentials. */
function ceremonyError(err: unknown, action: 'add' | 'use'): PasskeyError {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'AbortError':
      return new PasskeyError(
        action === 'add'
          ? 'Adding the passkey was cancelled or took too long. You can try again.'
          : 'Using your passkey was cancelled or took too long. Try again, or use a code instead.',
      );
    case 'InvalidStateError':
      return new PasskeyError(
        action === 'add'
          ? 'This device already has a passkey for your account.'
          : 'This passkey cannot be used here. Try another passkey or a code.',
      );
    case 'SecurityError':
      return new PasskeyError('Passkeys cannot be used at this address. Open Haven at its usual address and try again.');
    case 'NotSupportedError':
      return new PasskeyError('This device does not offer a kind of passkey Haven accepts.');
    default:
      return new PasskeyError(
        action === 'add' ? 'The passkey could not be added. Please try again.' : 'The passkey could not be used. Please try again.',
      );
  }
}

/** Add a passkey: options → navigator.credentials.create → register. Throws ApiError or PasskeyError. */
export async function addPasskey(name: string): Promise<PasskeyRegistration> {
  if (!passkeysSupported()) throw new PasskeyError(UNSUPPORTED);
  const publicKey = creationOptions(await passkeyRegisterOptions());
  let cred: Credential | null;
  try {
    cred = await navigator.credentials.create({ publicKey });
  } catch (err) {
    throw ceremonyError(err, 'add');
  }
  if (!(cred instanceof PublicKeyCredential) || !(cred.response instanceof AuthenticatorAttestationResponse)) {
    throw ceremonyError(null, 'add');
  }
  return registerPasskey(name, toBase64url(cred.response.clientDataJSON), toBase64url(cred.response.attestationObject));
}

/** Second sign-in step with a passkey: options → navigator.credentials.get → verify. */
export async function signInWithPasskey(): Promise<User> {
  if (!passkeysSupported()) throw new PasskeyError(UNSUPPORTED);
  const publicKey = requestOptions(await passkeySignInOptions());
  let cred: Credential | null;
  try {
    cred = await navigator.credentials.get({ publicKey });
  } catch (err) {
    throw ceremonyError(err, 'use');
  }
  if (!(cred instanceof PublicKeyCredential) || !(cred.response instanceof AuthenticatorAssertionResponse)) {
    throw ceremonyError(null, 'use');
  }
  return signInPasskey({
    credential_id: cred.id,
    client_data_json: toBase64url(cred.response.clientDataJSON),
    authenticator_data: toBase64url(cred.response.authenticatorData),
    signature: toBase64url(cred.response.signature),
  });
}

/**
 * Sign-in with a passkey alone (a discoverable credential with user verification): the
 * server's options (empty allowCredentials, so the device offers its passkeys for this
 * site) → navigator.credentials.get (modal, not conditional mediation) → verify.
 */
export async function signInWithPasskeyOnly(): Promise<User> {
  if (!passkeysSupported()) throw new PasskeyError(UNSUPPORTED);
  const publicKey = requestOptions(await passkeyOnlyOptions());
  let cred: Credential | null;
  try {
    cred = await navigator.credentials.get({ publicKey });
  } catch (err) {
    const name = err instanceof DOMException || err instanceof Error ? err.name : '';
    if (name === 'NotAllowedError' || name === 'AbortError') {
      throw new PasskeyError(
        'Signing in with a passkey was cancelled or took too long. Try again, or sign in with your email and password.',
      );
    }
    throw ceremonyError(err, 'use');
  }
  if (!(cred instanceof PublicKeyCredential) || !(cred.response instanceof AuthenticatorAssertionResponse)) {
    throw ceremonyError(null, 'use');
  }
  const assertion: DiscoverableAssertion = {
    credential_id: cred.id,
    client_data_json: toBase64url(cred.response.clientDataJSON),
    authenticator_data: toBase64url(cred.response.authenticatorData),
    signature: toBase64url(cred.response.signature),
  };
  const handle = cred.response.userHandle;
  if (handle && handle.byteLength > 0) assertion.user_handle = toBase64url(handle);
  return signInPasskeyOnly(assertion);
}

/** The text to show for anything addPasskey / signInWithPasskey threw. */
export function passkeyMessageOf(err: unknown): string {
  if (err instanceof PasskeyError || err instanceof ApiError) return err.message;
  return BAD_OPTIONS;
}
