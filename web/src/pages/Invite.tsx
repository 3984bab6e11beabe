import { acceptInvitation, checkInvitation } from '../api';
import { useTitle } from '../components/useTitle';
import { useOneTimeLink } from '../components/useOneTimeLink';
import { NewAccountForm } from '../components/NewAccountForm';
import { OneTimeLinkPage } from '../components/OneTimeLinkPage';

const INVALID = 'This invitation link is not valid or was already used.';

export function Invite() {
  useTitle('Join Haven');
  const { token, state, info, error, failure, retry } = useOneTimeLink(checkInvitation);

  return (
    <OneTimeLinkPage
      heading="Join Haven"
      formHeading={info ? (info.display_name ? `Welcome, ${info.display_name}.` : 'Welcome.') : undefined}
      formHeadingTestId="invite-welcome"
      state={state}
      checking="Checking your invitation…"
      invalid={INVALID}
      invalidTestId="invite-invalid"
      advice="Ask the person who invited you for a new link. Each link works once and expires after 72 hours."
      error={error}
      retry={retry}
    >
      <p class="lead">Create your Haven account. You will use this email and password to sign in.</p>
      <NewAccountForm
        prefix="invite-accept"
        create={(email, password) => acceptInvitation(token, email, password)}
        failure={failure('invitation_invalid')}
      />
    </OneTimeLinkPage>
  );
}
