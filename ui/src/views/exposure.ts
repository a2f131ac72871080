/**
 * @module The exposure view: the workloads open to every namespace, to every pod of the cluster or
 * to the whole outside world (per direction, with the ports), each linking into the matrix, and the
 * rules whose selectors match no pod today but would admit one that appears later.
 */
import * as api from '../api.js';
import type { ViewProps } from '../app.js';
import { useLoad } from '../data.js';
import { html } from '../html.js';
import { endpointLabel, focusRef, groupOf } from '../model/endpoints.js';
import { formatSet } from '../model/ports.js';
import type { DirectionExposure, WorkloadEndpoint } from '../model/types.js';
import { formatState } from '../state.js';
import { shortVersion } from './versions.js';

const open = (d: DirectionExposure): boolean => Boolean(d.allNamespaces || d.allPods || d.world.ipv4 || d.world.ipv6);
const cell = (set: DirectionExposure['allPods']) =>
  set ? html`<td class="open">${formatSet(set)}</td>` : html`<td class="closed">—</td>`;

export function ExposureView(props: ViewProps) {
  const { state, version } = props;
  const loaded = useLoad(`${state.bundle}@${version}`, () => api.exposure(state.bundle, version), props.onApiError);
  const link = (workload: WorkloadEndpoint): string =>
    formatState({ ...state, view: 'matrix', version: state.version, expand: [...new Set([...state.expand, groupOf(workload)])], focus: focusRef(workload) });
  const rows =
    loaded.state === 'done'
      ? loaded.data.workloads.flatMap((w) => (['ingress', 'egress'] as const).filter((d) => open(w[d])).map((d) => ({ workload: w.workload, direction: d, exposure: w[d] })))
      : [];

  return html`<section aria-labelledby="exposure-title">
    <h2 id="exposure-title">Exposure of ${state.bundle} <code>${shortVersion(version)}</code></h2>
    ${loaded.state === 'loading' && html`<p class="status" role="status">Loading exposure…</p>`}
    ${loaded.state === 'error' && html`<p class="error" role="alert">${loaded.error.message}</p>`}
    ${loaded.state === 'done' &&
    html`<table class="list exposure">
        <caption>${rows.length === 0 ? 'No workload is open to every namespace, every pod or the outside world' : `Open workloads: ${loaded.data.workloads.length}`}</caption>
        <thead><tr><th scope="col">Workload</th><th scope="col">Direction</th><th scope="col">Every namespace</th>
          <th scope="col">Every pod</th><th scope="col">Outside, IPv4 (0.0.0.0/0)</th><th scope="col">Outside, IPv6 (::/0)</th></tr></thead>
        <tbody>${rows.map(
          (r) => html`<tr>
            <th scope="row"><a href=${link(r.workload)}>${endpointLabel(r.workload)}</a></th>
            <td>${r.direction === 'ingress' ? 'ingress (reachable from)' : 'egress (can reach)'}</td>
            ${cell(r.exposure.allNamespaces)}${cell(r.exposure.allPods)}${cell(r.exposure.world.ipv4)}${cell(r.exposure.world.ipv6)}
          </tr>`,
        )}</tbody>
      </table>
      ${loaded.data.futureRules.length === 0
        ? html`<p class="status">No rule waits for a pod or namespace that does not exist yet.</p>`
        : html`<table class="list">
        <caption>Rules that select no pod today but would admit a future one</caption>
        <thead><tr><th scope="col">Policy</th><th scope="col">Direction</th><th scope="col">Rule</th><th scope="col">Peer</th><th scope="col">Selects</th></tr></thead>
        <tbody>${loaded.data.futureRules.map(
          (r) => html`<tr><td>${r.policy}</td><td>${r.direction}</td><td>${r.rule}${r.ruleName ? ` "${r.ruleName}"` : ''}</td><td>${r.peer}</td><td>${r.selects}</td></tr>`,
        )}</tbody>
      </table>`}`}
  </section>`;
}
