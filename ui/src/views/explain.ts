/**
 * @module The explain view: one flow (source, destination, protocol, port; endpoints by name, IP or
 * labels) decided with its explanation. The flow goes into the URL, so an explanation can be shared.
 */
import { useState } from 'preact/hooks';
import * as api from '../api.js';
import type { ViewProps } from '../app.js';
import { useLoad } from '../data.js';
import { html } from '../html.js';
import { parseEndpointInput } from '../model/flow-form.js';
import type { FlowFields } from '../state.js';
import { Explanation } from './explanation.js';
import { shortVersion } from './versions.js';

const EMPTY: FlowFields = { src: '', dst: '', protocol: 'TCP', port: '' };

function toRequest(flow: FlowFields): { src: unknown; dst: unknown; protocol: string; port: number } {
  const port = Number(flow.port);
  if (!/^\d{1,5}$/.test(flow.port.trim()) || port < 1 || port > 65535) throw new Error(`port: "${flow.port}" is not a port from 1 to 65535`);
  return { src: parseEndpointInput(flow.src, 'source'), dst: parseEndpointInput(flow.dst, 'destination'), protocol: flow.protocol, port };
}

export function ExplainView(props: ViewProps) {
  const asked = props.state.flow;
  const [fields, setFields] = useState<FlowFields>(asked ?? EMPTY);
  const [formError, setFormError] = useState('');
  const key = asked ? `${props.state.bundle}|${JSON.stringify(asked)}|${props.version}` : null;
  const decision = useLoad(key, () => api.explain(props.state.bundle, toRequest(asked!), props.version), props.onApiError);
  const set = (name: keyof FlowFields) => (e: Event) => setFields({ ...fields, [name]: (e.target as HTMLInputElement).value });

  const submit = (e: Event) => {
    e.preventDefault();
    try {
      toRequest(fields);
      setFormError('');
      props.navigate({ flow: { ...fields } });
    } catch (error) {
      setFormError((error as Error).message);
    }
  };

  return html`<section aria-labelledby="explain-title">
    <h2 id="explain-title">Explain a flow</h2>
    ${props.version !== props.info.active &&
    html`<p class="note">Decided by version <code>${shortVersion(props.version)}</code>, picked above; the active version is <code>${shortVersion(props.info.active ?? '')}</code>.</p>`}
    <form class="flow-form" onSubmit=${submit}>
      <label>Source <input name="src" value=${fields.src} onInput=${set('src')} required placeholder="ns3/frontend" aria-describedby="endpoint-hint" /></label>
      <label>Destination <input name="dst" value=${fields.dst} onInput=${set('dst')} required placeholder="ns1/web" aria-describedby="endpoint-hint" /></label>
      <label>Protocol
        <select name="protocol" value=${fields.protocol} onChange=${set('protocol')}>
          ${['TCP', 'UDP', 'SCTP'].map((p) => html`<option value=${p}>${p}</option>`)}
        </select>
      </label>
      <label>Port <input name="port" value=${fields.port} onInput=${set('port')} required inputmode="numeric" size="6" placeholder="80" /></label>
      <button type="submit">Explain</button>
      <p id="endpoint-hint" class="hint">An endpoint is <code>namespace/name</code>, <code>namespace/kind/name</code> (a workload), an IP address,
        or <code>namespace:key=value,key=value</code> (a pod by its labels).</p>
    </form>
    ${formError && html`<p class="error" role="alert">${formError}</p>`}
    ${key !== null && decision.state === 'loading' && html`<p class="status" role="status">Deciding…</p>`}
    ${decision.state === 'error' && html`<p class="error" role="alert">${decision.error.message}</p>`}
    ${decision.state === 'done' && html`<${Explanation} decision=${decision.data} />`}
  </section>`;
}
