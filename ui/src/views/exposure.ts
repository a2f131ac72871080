/**
 * @module The exposure view: the workloads open to every namespace, to every pod or to the whole
 * outside world, and the rules that would admit future namespaces or pods, each list as a table
 * whose workloads link into the matrix. Fields are shown as the API names them, so that a field the
 * API adds later shows up too.
 */
import type { ViewProps } from '../app.js';
import { useLoad } from '../data.js';
import * as api from '../api.js';
import { html } from '../html.js';
import { endpointLabel, focusRef, groupOf } from '../model/endpoints.js';
import { formatSet } from '../model/ports.js';
import type { ConnectionSet, Endpoint } from '../model/types.js';
import { formatState, type PageState } from '../state.js';
import { shortVersion } from './versions.js';

const isEndpoint = (value: unknown): value is Endpoint =>
  typeof value === 'object' && value !== null && (Array.isArray((value as { external?: unknown }).external) || ('namespace' in value && 'name' in value && 'kind' in value));
const isConnectionSet = (value: unknown): value is ConnectionSet =>
  typeof value === 'object' && value !== null && 'all' in value && 'ports' in value;
const title = (key: string): string => key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

export function ExposureView(props: ViewProps) {
  const { state, version } = props;
  const loaded = useLoad(`${state.bundle}@${version}`, () => api.exposure(state.bundle, version), props.onApiError);
  const link = (endpoint: Endpoint): string =>
    formatState({ ...state, view: 'matrix', expand: [...new Set([...state.expand, groupOf(endpoint)])], focus: focusRef(endpoint) });
  const lists = loaded.state === 'done' && typeof loaded.data === 'object' && loaded.data !== null
    ? Object.entries(loaded.data as Record<string, unknown>).filter((e): e is [string, unknown[]] => Array.isArray(e[1]))
    : [];

  return html`<section aria-labelledby="exposure-title">
    <h2 id="exposure-title">Exposure of ${state.bundle} <code>${shortVersion(version)}</code></h2>
    ${loaded.state === 'loading' && html`<p class="status" role="status">Loading exposure…</p>`}
    ${loaded.state === 'error' && html`<p class="error" role="alert">${loaded.error.message}</p>`}
    ${lists.map(([key, entries]) => html`<${ExposureTable} name=${key} entries=${entries} link=${link} state=${state} />`)}
  </section>`;
}

function ExposureTable(props: { name: string; entries: unknown[]; link: (e: Endpoint) => string; state: PageState }) {
  const { entries } = props;
  if (entries.length === 0) return html`<h3>${title(props.name)}</h3><p class="status">None.</p>`;
  const columns = [...new Set(entries.flatMap((e) => (typeof e === 'object' && e !== null ? Object.keys(e) : [])))];
  const show = (value: unknown) => {
    if (isEndpoint(value)) {
      const ref = focusRef(value);
      return ref ? html`<a href=${props.link(value)}>${endpointLabel(value)}</a>` : endpointLabel(value);
    }
    if (isConnectionSet(value)) return formatSet(value);
    if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join(', ');
    if (typeof value === 'object' && value !== null) return html`<code>${JSON.stringify(value)}</code>`;
    return value === undefined ? '' : String(value);
  };
  return html`<table class="list exposure">
    <caption>${title(props.name)}: ${entries.length}</caption>
    <thead><tr>${columns.map((c) => html`<th scope="col">${title(c)}</th>`)}</tr></thead>
    <tbody>${entries.map(
      (entry) => html`<tr>${columns.map((c) => html`<td>${show((entry as Record<string, unknown>)[c])}</td>`)}</tr>`,
    )}</tbody>
  </table>`;
}
