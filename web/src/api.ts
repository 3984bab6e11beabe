// Thin JSON client for the Haven HTTP API (docs/API.md).
// Never log request or response bodies: they hold credentials and personal data.

/** `guest`: came with a therapist's guest link and code for one session, without an account. */
export type Role = 'admin' | 'therapist' | 'staff' | 'patient' | 'guest';

export interface User {
  id: string;
  role: Role;
  display_name: string;
  email: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export const NETWORK_MESSAGE = 'We could not reach Haven. Check your connection and try again.';
export const GENERIC_MESSAGE = 'Something went wrong. Please try again.';

/** Called (method, path) when a request answers 401 `unauthenticated` (see idle.ts). */
export type UnauthenticatedListener = (method: string, path: string) => void;
let unauthenticatedListener: UnauthenticatedListener | null = null;

/** Set (or clear with null) the one listener for 401 `unauthenticated` answers. */
export function setUnauthenticatedListener(listener: UnauthenticatedListener | null): void {
  unauthenticatedListener = listener;
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

async function send(method: string, path: string, body: unknown, accept: string): Promise<Response> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { Accept: accept },
  };
  if (body !== undefined) {
    init.headers = { Accept: accept, 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  try {
    return await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
}

/** Throws the ApiError of a failed answer (after telling the 401 listener). */
function failure(method: string, path: string, res: Response, data: unknown): ApiError {
  const err = (data as ErrorBody | null)?.error;
  const code = typeof err?.code === 'string' ? err.code : 'http_error';
  const message = typeof err?.message === 'string' && err.message ? err.message : GENERIC_MESSAGE;
  if (res.status === 401 && code === 'unauthenticated') unauthenticatedListener?.(method, path);
  return new ApiError(res.status, code, message);
}

async function jsonOf(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return null;
  }
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T | null> {
  const res = await send(method, path, body, 'application/json');
  if (res.status === 204) return null;
  const data = await jsonOf(res);
  if (!res.ok) throw failure(method, path, res, data);
  return data as T;
}

/** A request that answers a file (e.g. the audit CSV), as a Blob kept in memory only. */
export async function requestDownload(method: string, path: string, body?: unknown): Promise<Blob> {
  const res = await send(method, path, body, 'text/csv, application/json');
  if (!res.ok) throw failure(method, path, res, await jsonOf(res));
  try {
    return await res.blob();
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
}

export interface UserEnvelope {
  user: User;
}

export function userOf(data: UserEnvelope | null): User {
  if (!data || typeof data.user !== 'object' || data.user === null) {
    throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  }
  return data.user;
}

export async function getMe(): Promise<User> {
  return userOf(await request<UserEnvelope>('GET', '/api/me'));
}

export type MfaMethod = 'totp' | 'recovery' | 'webauthn';
/** The second factors typed in as a code (POST /api/session/mfa). */
export type CodeMethod = Exclude<MfaMethod, 'webauthn'>;

/** Either signed in, or the account has a second factor and the MFA step comes next. */
export type SignInResult = { kind: 'user'; user: User } | { kind: 'mfa'; methods: MfaMethod[] };

interface SignInBody {
  user?: User;
  mfa_required?: boolean;
  methods?: unknown;
}

export async function signIn(email: string, password: string): Promise<SignInResult> {
  const data = await request<SignInBody>('POST', '/api/session', { email, password });
  if (data?.mfa_required === true) {
    const raw = Array.isArray(data.methods) ? data.methods : [];
    const methods = raw.filter((m): m is MfaMethod => m === 'totp' || m === 'recovery' || m === 'webauthn');
    return { kind: 'mfa', methods: methods.length ? methods : ['totp', 'recovery'] };
  }
  return { kind: 'user', user: userOf(data as UserEnvelope | null) };
}

/** Second sign-in step (the server keeps the first step in a short-lived HttpOnly cookie). */
export async function signInMfa(method: CodeMethod, code: string): Promise<User> {
  return userOf(await request<UserEnvelope>('POST', '/api/session/mfa', { method, code }));
}

export async function signOut(): Promise<void> {
  await request<null>('DELETE', '/api/session');
}

export async function checkEnrollment(token: string): Promise<boolean> {
  try {
    const data = await request<{ valid?: boolean }>('POST', '/api/enrollment/check', { token });
    return data?.valid === true;
  } catch (e) {
    if (e instanceof ApiError && e.code === 'enrollment_invalid') return false;
    throw e;
  }
}

export interface EnrollmentForm {
  display_name: string;
  email: string;
  password: string;
}

export async function completeEnrollment(token: string, form: EnrollmentForm): Promise<User> {
  return userOf(await request<UserEnvelope>('POST', '/api/enrollment/complete', { token, ...form }));
}

// ---------------------------------------------------------------------------
// Account security (two-step verification)

export interface Passkey {
  id: string;
  name: string;
  /** Unix seconds (or an ISO string); null when the server did not say. */
  created_at: number | string | null;
}

export interface AccountSecurity {
  mfa: { totp: boolean; recovery_codes_left: number; passkeys: Passkey[] };
  mfa_required: boolean;
}

/** True when the account has any second factor (authenticator app or passkey). */
export function hasSecondFactor(s: AccountSecurity): boolean {
  return s.mfa.totp || s.mfa.passkeys.length > 0;
}

export async function getAccountSecurity(): Promise<AccountSecurity> {
  const data = await request<{ mfa?: { totp?: unknown; recovery_codes_left?: unknown; passkeys?: unknown }; mfa_required?: unknown }>(
    'GET',
    '/api/account/security',
  );
  const mfa = data?.mfa;
  const passkeys = Array.isArray(mfa?.passkeys) ? (mfa.passkeys as Partial<Passkey>[]) : [];
  return {
    mfa: {
      totp: mfa?.totp === true,
      recovery_codes_left: typeof mfa?.recovery_codes_left === 'number' ? mfa.recovery_codes_left : 0,
      passkeys: passkeys.map((p) => ({
        id: String(p.id ?? ''),
        name: String(p.name ?? ''),
        created_at: typeof p.created_at === 'number' || typeof p.created_at === 'string' ? p.created_at : null,
      })),
    },
    mfa_required: data?.mfa_required === true,
  };
}

export interface TotpSetup {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

export async function setupTotp(password: string): Promise<TotpSetup> {
  const data = await request<Partial<TotpSetup>>('POST', '/api/mfa/totp/setup', { password });
  if (!data || typeof data.secret !== 'string' || typeof data.qr_svg !== 'string') {
    throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  }
  return { secret: data.secret, otpauth_uri: data.otpauth_uri ?? '', qr_svg: data.qr_svg };
}

/** Confirms the authenticator with a first code; answers the recovery codes (shown once). */
export async function confirmTotp(code: string): Promise<string[]> {
  const data = await request<{ recovery_codes?: unknown }>('POST', '/api/mfa/totp/confirm', { code });
  const codes = data?.recovery_codes;
  if (!Array.isArray(codes) || !codes.every((c) => typeof c === 'string')) {
    throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  }
  return codes as string[];
}

// ---------------------------------------------------------------------------
// Passkeys (the browser ceremonies are in webauthn.ts)

/** POST /api/webauthn/register/options → the raw PublicKeyCredentialCreationOptions JSON. */
export async function passkeyRegisterOptions(): Promise<unknown> {
  const data = await request<{ publicKey?: unknown }>('POST', '/api/webauthn/register/options');
  if (!data || typeof data.publicKey !== 'object' || data.publicKey === null) {
    throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  }
  return data.publicKey;
}

export interface PasskeyRegistration {
  passkey: { id: string; name: string };
  /** Only when the account had none: shown once. */
  recovery_codes: string[] | null;
}

/** Stores the new passkey; the server answers with a new session cookie. */
export async function registerPasskey(
  name: string,
  client_data_json: string,
  attestation_object: string,
): Promise<PasskeyRegistration> {
  const data = await request<{ passkey?: Partial<Passkey>; recovery_codes?: unknown }>('POST', '/api/webauthn/register', {
    name,
    client_data_json,
    attestation_object,
  });
  if (!data || typeof data.passkey !== 'object' || data.passkey === null) {
    throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  }
  const codes = data.recovery_codes;
  return {
    passkey: { id: String(data.passkey.id ?? ''), name: String(data.passkey.name ?? '') },
    recovery_codes: Array.isArray(codes) && codes.every((c) => typeof c === 'string') ? (codes as string[]) : null,
  };
}

/** POST /api/session/webauthn/options (pending MFA) → the raw PublicKeyCredentialRequestOptions JSON. */
export async function passkeySignInOptions(): Promise<unknown> {
  const data = await request<{ publicKey?: unknown }>('POST', '/api/session/webauthn/options');
  if (!data || typeof data.publicKey !== 'object' || data.publicKey === null) {
    throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  }
  return data.publicKey;
}

export interface PasskeyAssertion {
  credential_id: string;
  client_data_json: string;
  authenticator_data: string;
  signature: string;
}

export async function signInPasskey(assertion: PasskeyAssertion): Promise<User> {
  return userOf(await request<UserEnvelope>('POST', '/api/session/webauthn', assertion));
}

// ---------------------------------------------------------------------------
// Invitations and people

export interface Invitation {
  /** expires_at: the server sends Unix seconds. */
  invitation: { id: string; role: Role; expires_at: number | string };
  link: string;
}

export async function createInvitation(role: Role, display_name: string): Promise<Invitation> {
  const data = await request<Partial<Invitation>>('POST', '/api/invitations', { role, display_name });
  if (!data || typeof data.link !== 'string') throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  return data as Invitation;
}

export interface InvitationInfo {
  role: Role;
  display_name: string;
}

/** The invitation's role and name, or null when the link is unknown, used or expired. */
export async function checkInvitation(token: string): Promise<InvitationInfo | null> {
  try {
    const data = await request<{ valid?: boolean; role?: Role; display_name?: string }>(
      'POST',
      '/api/invitations/check',
      { token },
    );
    if (data?.valid !== true || typeof data.role !== 'string') return null;
    return { role: data.role, display_name: typeof data.display_name === 'string' ? data.display_name : '' };
  } catch (e) {
    if (e instanceof ApiError && e.code === 'invitation_invalid') return null;
    throw e;
  }
}

export async function acceptInvitation(token: string, email: string, password: string): Promise<User> {
  return userOf(await request<UserEnvelope>('POST', '/api/invitations/accept', { token, email, password }));
}

export interface ManagedUser extends User {
  disabled: boolean;
  locked: boolean;
  mfa: boolean;
}

export async function listUsers(): Promise<ManagedUser[]> {
  const data = await request<{ users?: unknown }>('GET', '/api/users');
  if (!data || !Array.isArray(data.users)) throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  return (data.users as Partial<ManagedUser>[]).map((u) => ({
    id: String(u.id ?? ''),
    role: (u.role ?? 'patient') as Role,
    display_name: String(u.display_name ?? ''),
    email: String(u.email ?? ''),
    disabled: u.disabled === true,
    locked: u.locked === true,
    mfa: u.mfa === true,
  }));
}

export type UserAction = 'disable' | 'enable' | 'unlock' | 'reset-mfa';

export async function userAction(action: UserAction, userId: string): Promise<void> {
  await request<unknown>('POST', `/api/users/${action}`, { user_id: userId });
}

/** The error text to show for anything a call threw. */
export function messageOf(err: unknown): string {
  return err instanceof ApiError ? err.message : GENERIC_MESSAGE;
}

const HOME: Record<Role, string> = {
  admin: '/admin',
  therapist: '/therapist',
  staff: '/staff',
  patient: '/patient',
  guest: '/guest',
};

export function roleHome(role: Role): string {
  return HOME[role] ?? '/signin';
}
