import { useState } from 'preact/hooks';
import { checkEnrollment, completeEnrollment } from '../api';
import { Field } from '../components/Field';
import { useTitle } from '../components/useTitle';
import { useOneTimeLink } from '../components/useOneTimeLink';
import { NewAccountForm } from '../components/NewAccountForm';
import { OneTimeLinkPage } from '../components/OneTimeLinkPage';

const INVALID = 'This enrollment link is not valid or was already used.';

export function Enroll() {
  useTitle('Set up Haven');
  const { token, state, error, failure, retry } = useOneTimeLink(checkEnrollment);
  const [name, setName] = useState('');

  return (
    <OneTimeLinkPage
      heading="Set up your practice"
      state={state}
      checking="Checking your enrollment link…"
      invalid={INVALID}
      invalidTestId="enroll-invalid"
      advice={
        <>
          Ask the person who installed Haven for a new link. They can create one with <code>haven admin enroll</code>.
        </>
      }
      error={error}
      retry={retry}
    >
      <p class="lead">
        Create the first administrator account. You will manage accounts and security settings from it.
      </p>
      <NewAccountForm
        prefix="enroll"
        create={(email, password) => completeEnrollment(token, { display_name: name.trim(), email, password })}
        failure={failure('enrollment_invalid')}
      >
        <Field
          id="enroll-name"
          label="Your name"
          type="text"
          value={name}
          onInput={setName}
          autoComplete="name"
          testId="enroll-name"
          maxLength={100}
        />
      </NewAccountForm>
    </OneTimeLinkPage>
  );
}
