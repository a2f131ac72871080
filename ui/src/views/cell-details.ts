/**
 * @module A matrix cell's details: what it stands for, the port set of each connection in it, and
 * the deciding rules of one concrete flow (explained by the Worker, with the version shown, for the
 * pair and port chosen),
 * with a link into the explain view.
 */
import { useState } from 'preact/hooks';
import * as api from '../api.js';
import { useLoad } from '../data.js';
import { html } from '../html.js';
import { decideRef, endpointLabel } from '../model/endpoints.js';
import type { AxisItem, CellView, ConnectivityIndex } from '../model/matrix.js';
import { firstPort, formatSet } from '../model/ports.js';
import type { Endpoint } from '../model/types.js';
import type { FlowFields, PageState } from '../state.js';
import { Explanation } from './explanation.js';
import { describeCell, itemName } from './matrix-table.js';

/** Connections listed in a cell's details; the rest are counted. */
const LISTED = 200;

interface Props {
  readonly index: ConnectivityIndex;
  readonly row: AxisItem;
  readonly col: AxisItem;
  readonly cell: CellView;
  readonly bundle: string;
  /** The version shown: its rules decide the cell's flows. */
  readonly version: string;
  readonly link: (patch: Partial<PageState>) => string;
  readonly onApiError: (error: Error) => void;
}

export function CellDetails(props: Props) {
  const { index, row, col, cell } = props;
  const connections = index.connectionsIn(row, col, LISTED);
  const changes = index.changesIn(row, col, LISTED);
  const pair = row.kind === 'member' && col.kind === 'member' ? ([row.member.endpoint, col.member.endpoint] as const) : null;
  const first = connections[0];
  const explained = connections.some((c) => c.explanation);
  const [flow, setFlow] = useState<FlowFields | null>(null);
  const initial: FlowFields | null = pair
    ? flowFor(pair[0], pair[1], first ? firstPort(first) : null)
    : first
      ? flowFor(first.src, first.dst, firstPort(first))
      : null;
  const shown = flow ?? initial;

  return html`<section class="details" aria-labelledby="details-title">
    <h3 id="details-title">${itemName(row)} → ${itemName(col)}</h3>
    <p><span class=${`badge ${cell.level}`}>${cell.text}</span> ${describeCell(cell)}</p>
    ${changes.length > 0 &&
    html`<table class="list">
      <caption>Changes in this cell</caption>
      <thead><tr><th scope="col">Change</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">Note</th></tr></thead>
      <tbody>${changes.map(
        (c) => html`<tr class=${`chg-${c.change}`}><td>${c.change}</td><td>${endpointLabel(c.src)}</td><td>${endpointLabel(c.dst)}</td>
          <td>${formatSet(c.old)}</td><td>${formatSet(c.new)}</td><td>${c.note ?? ''}</td></tr>`,
      )}</tbody>
    </table>`}
    ${connections.length > 0 &&
    html`<table class="list">
      <caption>Allowed connections${cell.connected > connections.length ? ` (first ${connections.length} of ${cell.connected})` : ''}</caption>
      <thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Ports</th>
        ${explained && html`<th scope="col">Allowed by (egress; ingress)</th>`}<th scope="col">Why</th></tr></thead>
      <tbody>${connections.map((c) => {
        const why = flowFor(c.src, c.dst, firstPort(c));
        return html`<tr><td>${endpointLabel(c.src)}</td><td>${endpointLabel(c.dst)}</td><td>${formatSet(c)}</td>
          ${explained && html`<td>${c.explanation ? `${c.explanation.egress.join(', ')}; ${c.explanation.ingress.join(', ')}` : ''}</td>`}
          <td><button type="button" class="link" onClick=${() => setFlow(why)}>rules for ${why.protocol} ${why.port}</button></td></tr>`;
      })}</tbody>
    </table>`}
    ${shown && html`<${RulesFor} key=${JSON.stringify(shown)} flow=${shown} ...${props} />`}
  </section>`;
}

function flowFor(src: Endpoint, dst: Endpoint, port: readonly [string, number] | null): FlowFields {
  return { src: decideRef(src), dst: decideRef(dst), protocol: port?.[0] ?? 'TCP', port: String(port?.[1] ?? 80) };
}

/** The deciding rules of one flow of the cell, from the Worker's explained decision. */
function RulesFor(props: Props & { flow: FlowFields }) {
  const { flow } = props;
  const decision = useLoad(
    `${props.version}|${JSON.stringify(flow)}`,
    () => api.explain(props.bundle, { src: flow.src, dst: flow.dst, protocol: flow.protocol, port: Number(flow.port) }, props.version),
    props.onApiError,
  );
  return html`<div class="rules">
    <h4>Deciding rules for ${flow.src} → ${flow.dst} ${flow.protocol} ${flow.port}</h4>
    ${decision.state === 'loading' && html`<p class="status" role="status">Explaining…</p>`}
    ${decision.state === 'error' && html`<p class="error" role="alert">${decision.error.message}</p>`}
    ${decision.state === 'done' && html`<${Explanation} decision=${decision.data} caption="Deciding rules, each side" />`}
    <p><a href=${props.link({ view: 'explain', flow })}>Open in the explain view</a> to try another port or endpoint.</p>
  </div>`;
}
