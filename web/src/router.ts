// Minimal history-based router. The server answers index.html for any unknown GET
// path, so every route below is a real URL that can be reloaded or bookmarked.
import { useEffect, useState } from 'preact/hooks';

type Listener = () => void;
const listeners = new Set<Listener>();

function notify(): void {
  for (const l of listeners) l();
}

window.addEventListener('popstate', notify);

export interface NavigateOptions {
  replace?: boolean;
}

/** Go to an in-app path (no query strings carrying data: never put tokens or user data in URLs). */
export function navigate(path: string, options: NavigateOptions = {}): void {
  if (path === location.pathname && !location.hash) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  notify();
}

/** The current pathname, re-rendering the caller when it changes. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const l = () => setPath(location.pathname);
    listeners.add(l);
    l();
    return () => {
      listeners.delete(l);
    };
  }, []);
  return path;
}
