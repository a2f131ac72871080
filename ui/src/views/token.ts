/** @module The token prompt: the query token is kept in this tab's session storage only. */
import { useState } from 'preact/hooks';
import { html } from '../html.js';

export function TokenForm(props: { reason: string; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  return html`<main id="main" class="token">
    <h2>Token needed</h2>
    <p role="alert">${props.reason}</p>
    <form onSubmit=${(e: Event) => {
      e.preventDefault();
      if (token.trim()) props.onToken(token.trim());
    }}>
      <label for="token">Query token</label>
      <input id="token" type="password" autocomplete="off" required value=${token}
        onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)} />
      <button type="submit">Use token</button>
      <p class="hint">Kept in this tab's session storage only, and sent as <code>Authorization: Bearer</code> to this Worker.</p>
    </form>
  </main>`;
}
