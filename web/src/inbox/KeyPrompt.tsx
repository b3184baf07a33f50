/** Asks for an API key when the gateway wants one (GATEWAY_API_KEYS); the key stays in this tab only. */
import { useState, type FormEvent } from 'react';
import { saveApiKey } from './auth';

export function KeyPrompt({ refused }: { refused: boolean }) {
  const [key, setKey] = useState('');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    saveApiKey(key.trim());
    // A fresh page builds its client (HTTP headers and socket) with the key.
    location.reload();
  };
  return (
    <main className="key-prompt">
      <form onSubmit={submit}>
        <h1>This gateway needs an API key</h1>
        <p>Ask whoever runs it for one of its <code>GATEWAY_API_KEYS</code>. It is kept in this tab only.</p>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required aria-describedby={refused ? 'key-refused' : undefined} />
        {refused && (
          <p id="key-refused" className="field-error" role="alert">
            The gateway refused the key you gave. Check it and try again.
          </p>
        )}
        <button type="submit">Continue</button>
      </form>
    </main>
  );
}
