import type { ComponentChildren } from 'preact';

interface LayoutProps {
  children: ComponentChildren;
  /** Shown at the right of the top bar (e.g. the signed-in user and "Sign out"). */
  actions?: ComponentChildren;
  narrow?: boolean;
}

export function Layout({ children, actions, narrow }: LayoutProps) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Haven</span>
        {actions ? <div class="topbar-actions">{actions}</div> : null}
      </header>
      <main id="main" class={narrow ? 'page page-narrow' : 'page'} tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
