/**
 * @module The graph view: the connectivity drawn as a graph (layout by dagre), with a focus on one
 * workload picked from the list or by clicking its node, and the same edges as a table.
 */
import { useMemo } from 'preact/hooks';
import type { ViewProps } from '../app.js';
import { connectivityOf, useLoad } from '../data.js';
import { html } from '../html.js';
import { focusRef } from '../model/endpoints.js';
import { layoutGraph, MAX_NODES, type GraphLayout } from './graph-layout.js';
import { shortVersion } from './versions.js';

export function GraphView(props: ViewProps) {
  const { state, version } = props;
  // With a focus only that workload's connections are asked for: the Worker answers that for bundles
  // too large for the whole list. Without one, the whole list (shared with the matrix).
  const list = useLoad(`${state.bundle}@${version}#${state.focus ?? ''}`, () => connectivityOf(state.bundle, version, state.focus), props.onApiError);
  const workloads = useMemo(() => {
    if (list.state !== 'done') return [];
    const refs = new Set<string>();
    for (const c of list.data.data.connections) for (const e of [c.src, c.dst]) { const ref = focusRef(e); if (ref) refs.add(ref); }
    for (const w of list.data.data.workloads ?? []) refs.add(`${w.namespace}/${w.name}`);
    return [...refs].sort();
  }, [list]);
  const endpointCount = useMemo(() => {
    if (list.state !== 'done') return 0;
    return new Set(list.data.data.connections.flatMap((c) => [JSON.stringify(c.src), JSON.stringify(c.dst)])).size;
  }, [list]);
  const layout = useMemo(
    () => (list.state === 'done' ? layoutGraph(list.data.data.connections, state.focus, endpointCount) : null),
    [list, state.focus, endpointCount],
  );

  return html`<section aria-labelledby="graph-title">
    <h2 id="graph-title">Graph of ${state.bundle} <code>${shortVersion(version)}</code>${state.focus ? html` around <code>${state.focus}</code>` : ''}</h2>
    <form class="pickers" onSubmit=${(e: Event) => {
      e.preventDefault();
      const value = (new FormData(e.target as HTMLFormElement).get('focus') as string).trim();
      props.navigate({ focus: value || null });
    }}>
      <label>Focus on <input name="focus" list="graph-workloads" value=${state.focus ?? ''} placeholder="namespace/name" size="28" /></label>
      <datalist id="graph-workloads">${workloads.map((w) => html`<option value=${w} />`)}</datalist>
      <button type="submit">Show</button>
      ${state.focus && html`<button type="button" onClick=${() => props.navigate({ focus: null })}>Whole bundle</button>`}
    </form>
    ${list.state === 'loading' && html`<p class="status" role="status">Loading connectivity…</p>`}
    ${list.state === 'error' && html`<p class="error" role="alert">${list.error.message}</p>`}
    ${layout?.level === 'namespaces' &&
    html`<p class="note">More than ${MAX_NODES} endpoints: namespaces are drawn. Pick a focus to see one workload and its peers.</p>`}
    ${layout && state.focus && layout.edges.length === 0 &&
    html`<p class="note">${state.focus} has no connection: nothing may reach it and it may reach nothing.</p>`}
    ${layout && html`<${GraphPicture} layout=${layout} onFocus=${(focus: string) => props.navigate({ focus })} />`}
    ${layout && html`<${EdgeTable} layout=${layout} />`}
  </section>`;
}

function GraphPicture(props: { layout: GraphLayout; onFocus: (focus: string) => void }) {
  const { layout } = props;
  const path = (points: readonly { x: number; y: number }[]) => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  return html`<div class="graph-scroll">
    <svg class="graph" width=${layout.width} height=${layout.height} viewBox=${`0 0 ${layout.width} ${layout.height}`} role="img" aria-labelledby="graph-svg-title">
      <title id="graph-svg-title">${layout.nodes.length} nodes and ${layout.edges.length} edges; the table below lists the same connections</title>
      <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
        <path d="M0,0 L10,5 L0,10 z" class="arrowhead" /></marker></defs>
      ${layout.clusters.map(
        (c) => html`<g class="cluster"><rect x=${c.x} y=${c.y} width=${c.width} height=${c.height} rx="8" />
          <text x=${c.x + 8} y=${c.y + 14}>${c.name}</text></g>`,
      )}
      ${layout.edges.map(
        (e) => html`<g class="edge"><path d=${path(e.points)} marker-end="url(#arrow)" />
          ${e.label && html`<text x=${e.labelAt.x} y=${e.labelAt.y + 4} text-anchor="middle">${e.label}</text>`}</g>`,
      )}
      ${layout.nodes.map(
        (n) => html`<g class=${`node${n.external ? ' external' : ''}${n.focused ? ' focused' : ''}`}
            tabindex=${n.focus ? 0 : undefined} role=${n.focus ? 'button' : undefined} aria-label=${n.focus ? `Focus on ${n.title}` : undefined}
            onClick=${() => n.focus && props.onFocus(n.focus)}
            onKeyDown=${(e: KeyboardEvent) => n.focus && (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), props.onFocus(n.focus))}>
          <title>${n.title}</title>
          <rect x=${n.x} y=${n.y} width=${n.width} height=${n.height} rx=${n.external ? 0 : 6} />
          <text x=${n.x + n.width / 2} y=${n.y + n.height / 2 + 4} text-anchor="middle">${n.label}</text>
        </g>`,
      )}
    </svg>
  </div>`;
}

function EdgeTable(props: { layout: GraphLayout }) {
  const rows = props.layout.rows.slice(0, 300);
  return html`<details class="edges">
    <summary>The ${props.layout.rows.length} edges as a table</summary>
    <table class="list">
      <caption>Edges${props.layout.rows.length > rows.length ? ` (first ${rows.length})` : ''}</caption>
      <thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Ports</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr><td>${r.from}</td><td>${r.to}</td><td>${r.ports}</td></tr>`)}</tbody>
    </table>
  </details>`;
}
