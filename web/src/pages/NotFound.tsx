import { Layout } from '../components/Layout';
import { useTitle } from '../components/useTitle';

export function NotFound() {
  useTitle('Page not found');
  return (
    <Layout narrow>
      <h1>Page not found</h1>
      <p class="lead">There is nothing at this address.</p>
      <p>
        <a href="/signin">Go to sign in</a>
      </p>
    </Layout>
  );
}
