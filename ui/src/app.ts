/**
 * @module The page's frame: the token prompt, the bundle and version pickers, the view tabs, and
 * the URL as the one place the page's state lives (links are real links; back and forward work).
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import * as api from './api.js';
import { forgetLists, useLoad } from './data.js';
import { html } from './html.js';
import type { AnalysisLimits, BundleInfo } from './model/types.js';
import { formatState, parseState, VIEWS, type PageState, type View } from './state.js';
import { DiffView } from './views/diff.js';
import { ExplainView } from './views/explain.js';
import { ExposureView } from './views/exposure.js';
import { GraphView } from './views/graph.js';
import { MatrixView } from './views/matrix.js';
import { TokenForm } from './views/token.js';
import { VersionPicker } from './views/versions.js';

export interface ViewProps {
  readonly state: PageState;
  readonly info: BundleInfo;
  /** The version shown: the one in the URL, else the active one. */
  readonly version: string;
  /** The sizes the Worker's analysis routes answer; null until known. */
  readonly limits: AnalysisLimits | null;
  /** Changes the state and the URL; `replace` for typing, so that history is not one entry per key. */
  readonly navigate: (patch: Partial<PageState>, replace?: boolean) => void;
  readonly onApiError: (error: Error) => void;
}

const VIEW_NAMES: Record<View, string> = {
  matrix: 'Matrix',
  graph: 'Graph',
  explain: 'Explain a flow',
  diff: 'Diff',
  exposure: 'Exposure',
};

export function App() {
  const [state, setState] = useState(() => parseState(location.search));
  const [tokenRequest, setTokenRequest] = useState<string | null>(null);
  const [tokenGeneration, setTokenGeneration] = useState(0);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    const onPop = () => setState(parseState(location.search));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback((patch: Partial<PageState>, replace = false) => {
    setState((current) => {
      const next = { ...current, ...patch };
      const url = formatState(next);
      if (url !== location.search) history[replace ? 'replaceState' : 'pushState'](null, '', `${location.pathname}${url}`);
      return next;
    });
  }, []);

  const onApiError = useCallback((error: Error) => {
    if (error instanceof api.ApiError && error.needsToken) {
      setTokenRequest(api.storedToken() ? 'That token is not accepted here. Enter a valid query token.' : 'This Worker needs a query token.');
    }
  }, []);

  const who = useLoad(`access#${tokenGeneration}`, api.access);
  const allowed = who.state === 'done' && (!who.data.tokenRequired || who.data.role !== null);
  const isAdmin = who.state === 'done' && who.data.role === 'admin';
  const info = useLoad(allowed ? `${state.bundle}#${tokenGeneration}` : null, () => api.bundleInfo(state.bundle), onApiError);
  const names = useLoad(isAdmin ? `names#${tokenGeneration}` : null, api.bundleNames);

  const onToken = (token: string | null) => {
    api.storeToken(token);
    forgetLists();
    setTokenRequest(null);
    setTokenGeneration((n) => n + 1);
  };

  const prompt =
    tokenRequest ??
    (who.state === 'done' && !allowed
      ? api.storedToken()
        ? 'That token is not accepted here. Enter a valid query token.'
        : 'This Worker needs a query token.'
      : null);
  if (prompt !== null) return html`<${Frame}><${TokenForm} reason=${prompt} onToken=${onToken} /><//>`;
  if (who.state === 'error') return html`<${Frame}><p class="error" role="alert">${who.error.message}</p><//>`;

  const version = info.state === 'done' ? (state.version ?? info.data.active) : null;
  document.title = `${VIEW_NAMES[state.view]} · ${state.bundle} · netpol-edge`;

  return html`<${Frame} token=${api.storedToken() !== null} onForget=${() => onToken(null)}>
    <form class="pickers" onSubmit=${(e: Event) => e.preventDefault()}>
      <${BundlePicker} bundle=${state.bundle} names=${isAdmin && names.state === 'done' ? names.data : null}
        onChange=${(bundle: string) => navigate({ bundle, version: null, from: null, focus: null, expand: [] })} />
      ${info.state === 'done' &&
      html`<${VersionPicker} info=${info.data} version=${version} isAdmin=${isAdmin}
        onChange=${(v: string) => navigate({ version: v === info.data.active ? null : v })}
        onActivated=${(message: string) => {
          setNotice(message);
          navigate({ version: null });
          setTokenGeneration((n) => n + 1);
        }} onApiError=${onApiError} />`}
      ${notice && html`<span role="status" class="status">${notice}</span>`}
    </form>
    <nav aria-label="Views">
      <ul class="tabs">
        ${VIEWS.map(
          (view) =>
            html`<li><a href=${formatState({ ...state, view })} aria-current=${state.view === view ? 'page' : undefined}
              onClick=${(e: MouseEvent) => {
                if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
                e.preventDefault();
                navigate({ view });
              }}>${VIEW_NAMES[view]}</a></li>`,
        )}
      </ul>
    </nav>
    <main id="main" tabindex="-1">
      ${info.state === 'loading' && html`<p class="status" role="status">Loading bundle ${state.bundle}…</p>`}
      ${info.state === 'error' && html`<p class="error" role="alert">${info.error.message}</p>`}
      ${info.state === 'done' && version === null && html`<p class="error" role="alert">Bundle ${state.bundle} has no active version.</p>`}
      ${info.state === 'done' && version !== null && html`<${CurrentView} state=${state} info=${info.data} version=${version}
        limits=${who.state === 'done' ? who.data.analysisLimits : null} navigate=${navigate} onApiError=${onApiError} />`}
    </main>
  <//>`;
}

function CurrentView(props: ViewProps) {
  switch (props.state.view) {
    case 'matrix':
      return html`<${MatrixView} ...${props} />`;
    case 'graph':
      return html`<${GraphView} ...${props} />`;
    case 'explain':
      return html`<${ExplainView} ...${props} />`;
    case 'diff':
      return html`<${DiffView} ...${props} />`;
    case 'exposure':
      return html`<${ExposureView} ...${props} />`;
  }
}

function Frame(props: { children: unknown; token?: boolean; onForget?: () => void }) {
  return html`<a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <h1>netpol-edge <span class="subtitle">network policy console</span></h1>
      ${props.token && html`<button type="button" class="link" onClick=${props.onForget}>Forget token</button>`}
    </header>
    ${props.children}`;
}

function BundlePicker(props: { bundle: string; names: string[] | null; onChange: (bundle: string) => void }) {
  const [text, setText] = useState(props.bundle);
  useEffect(() => setText(props.bundle), [props.bundle]);
  if (props.names && props.names.length > 0) {
    const names = props.names.includes(props.bundle) ? props.names : [props.bundle, ...props.names];
    return html`<label>Bundle
      <select value=${props.bundle} onChange=${(e: Event) => props.onChange((e.target as HTMLSelectElement).value)}>
        ${names.map((n) => html`<option value=${n}>${n}</option>`)}
      </select></label>`;
  }
  return html`<label>Bundle
      <input value=${text} size="16" spellcheck=${false} onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)}
        onKeyDown=${(e: KeyboardEvent) => e.key === 'Enter' && text.trim() && props.onChange(text.trim())} />
    </label>
    <button type="button" onClick=${() => text.trim() && props.onChange(text.trim())}>Open</button>`;
}

