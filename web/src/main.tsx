import { render } from 'preact';
import { App } from './app';
import { IdleGuard } from './components/IdleGuard';

const root = document.getElementById('app');
if (root)
  render(
    <>
      <App />
      <IdleGuard />
    </>,
    root,
  );
