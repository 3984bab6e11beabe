import { useEffect } from 'preact/hooks';

/** Sets the document title; titles never contain user data. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Haven` : 'Haven';
  }, [title]);
}
