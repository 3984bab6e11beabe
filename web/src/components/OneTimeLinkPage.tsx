import type { ComponentChildren } from 'preact';
import { ErrorMessage } from './ErrorMessage';
import { Layout } from './Layout';
import type { LinkState } from './useOneTimeLink';

interface OneTimeLinkPageProps {
  heading: string;
  /** The heading once the link checks out (e.g. with the person's name), and its data-testid. */
  formHeading?: string | undefined;
  formHeadingTestId?: string;
  state: LinkState;
  /** While the server checks the link, e.g. "Checking your invitation…". */
  checking: string;
  /** Why the link does not work, and its data-testid. */
  invalid: string;
  invalidTestId: string;
  /** After `invalid`: who can give a new link. */
  advice: ComponentChildren;
  /** Why the server could not be reached (useOneTimeLink), and how to ask again. */
  error: string;
  retry: () => void;
  /** The page's form, once the link checks out. */
  children: ComponentChildren;
}

/**
 * A one-time-link page (enrollment, invitation, password reset): the check under way, a
 * link that does not work, an unreachable server with "Try again", or the page's form.
 */
export function OneTimeLinkPage(props: OneTimeLinkPageProps) {
  const { state } = props;
  return (
    <Layout narrow>
      {state === 'form' && props.formHeading ? (
        <h1 data-testid={props.formHeadingTestId}>{props.formHeading}</h1>
      ) : (
        <h1>{props.heading}</h1>
      )}
      {state === 'checking' ? (
        <p role="status" class="lead">
          {props.checking}
        </p>
      ) : null}
      {state === 'invalid' ? (
        <div class="card">
          <p class="notice" role="alert" data-testid={props.invalidTestId}>
            {props.invalid}
          </p>
          <p>{props.advice}</p>
          <p>
            <a href="/signin">Go to sign in</a>
          </p>
        </div>
      ) : null}
      {state === 'unreachable' ? (
        <div class="card">
          <ErrorMessage message={props.error} />
          <button type="button" class="button" onClick={props.retry}>
            Try again
          </button>
        </div>
      ) : null}
      {state === 'form' ? props.children : null}
    </Layout>
  );
}
