import { useEffect, useRef } from 'preact/hooks';
import { usePath, navigate } from './router';
import { SignIn } from './pages/SignIn';
import { Enroll } from './pages/Enroll';
import { Landing } from './pages/Landing';
import { NotFound } from './pages/NotFound';
import { Account } from './pages/Account';
import { Invite } from './pages/Invite';
import { Reset } from './pages/Reset';
import { Patient } from './pages/Patient';
import { Audit } from './pages/Audit';
import { CallEntry } from './pages/CallEntry';
import { Notes } from './pages/Notes';
import { Guest } from './pages/Guest';
import type { Role } from './api';

const ROLE_PAGES: Record<string, Role> = {
  '/admin': 'admin',
  '/therapist': 'therapist',
  '/staff': 'staff',
  '/patient': 'patient',
};

/** In-app links: follow plain same-origin <a href="/..."> clicks without a page load. */
function useLinkInterception(): void {
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a');
      if (!a || a.target || a.hasAttribute('download')) return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
      e.preventDefault();
      navigate(url.pathname);
    };
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
  }, []);
}

/**
 * After an in-app navigation (not the first page load), move focus to <main> so keyboard
 * and screen-reader users start at the new page's content instead of a removed button.
 */
function useFocusOnRouteChange(path: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus();
  }, [path]);
}

export function App() {
  const path = usePath();
  useLinkInterception();
  useFocusOnRouteChange(path);

  if (path === '/' || path === '/signin') return <SignIn />;
  if (path === '/enroll') return <Enroll />;
  if (path === '/invite') return <Invite />;
  if (path === '/reset') return <Reset />;
  if (path === '/guest') return <Guest />;
  if (path === '/account') return <Account />;
  if (path === '/admin/audit') return <Audit />;
  const patient = /^\/patients\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (patient) return <Patient key={patient[1]} id={patient[1]} />;
  const call = /^\/call\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (call) return <CallEntry key={call[1]} roomId={call[1]} />;
  const notes = /^\/notes\/([A-Za-z0-9_-]{1,64})$/.exec(path);
  if (notes) return <Notes key={notes[1]} roomId={notes[1]} />;
  const role = ROLE_PAGES[path];
  if (role) return <Landing key={role} role={role} />;
  return <NotFound />;
}
