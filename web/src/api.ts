// Thin JSON client for the Haven HTTP API (docs/API.md).
// Never log request or response bodies: they hold credentials and personal data.

export type Role = 'admin' | 'therapist' | 'staff' | 'patient';

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

const NETWORK_MESSAGE = 'We could not reach Haven. Check your connection and try again.';
const GENERIC_MESSAGE = 'Something went wrong. Please try again.';

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T | null> {
  const init: RequestInit = {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { Accept: 'application/json' },
  };
  if (body !== undefined) {
    init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
  if (res.status === 204) return null;
  let data: unknown = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = (data as ErrorBody | null)?.error;
    const code = typeof err?.code === 'string' ? err.code : 'http_error';
    const message = typeof err?.message === 'string' && err.message ? err.message : GENERIC_MESSAGE;
    throw new ApiError(res.status, code, message);
  }
  return data as T;
}

interface UserEnvelope {
  user: User;
}

function userOf(data: UserEnvelope | null): User {
  if (!data || typeof data.user !== 'object' || data.user === null) {
    throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  }
  return data.user;
}

export async function getMe(): Promise<User> {
  return userOf(await request<UserEnvelope>('GET', '/api/me'));
}

export async function signIn(email: string, password: string): Promise<User> {
  return userOf(await request<UserEnvelope>('POST', '/api/session', { email, password }));
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

const HOME: Record<Role, string> = {
  admin: '/admin',
  therapist: '/therapist',
  staff: '/staff',
  patient: '/patient',
};

export function roleHome(role: Role): string {
  return HOME[role] ?? '/signin';
}
