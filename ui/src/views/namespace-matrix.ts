/**
 * @module The matrix for bundles too large for the whole list: namespaces on both axes (from
 * `connectivity?group=namespace`), a namespace expanded into its workloads as rows (from
 * `?namespace=NS`, loaded when it is expanded), cells in colour plus text. A grid with one tab
 * stop: arrow keys move between cells, Enter or a click shows a cell's counts and ports.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ViewProps } from '../app.js';
import * as api from '../api.js';
import { useLoad } from '../data.js';
import { html } from '../html.js';
import { NamespaceGrid, workloadRows, type GridCell } from '../model/namespace-grid.js';
import type { WorkloadEndpoint } from '../model/types.js';

interface Selected {
  readonly row: string;
  readonly col: string;
  readonly cell: GridCell;
}

interface Props extends ViewProps {
  /** Why the whole list was not used (the 422's message). */
  readonly reason: string;
}

export function NamespaceMatrix(props: Props) {
  const { state, version, navigate } = props;
  const loaded = useLoad(`${state.bundle}@${version}#namespaces`, () => api.namespaceMatrix(state.bundle, version), props.onApiError);
  const grid = useMemo(() => (loaded.state === 'done' ? new NamespaceGrid(loaded.data.data) : null), [loaded]);
  const [filter, setFilter] = useState(state.filter);
  const [selected, setSelected] = useState<Selected | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => filter !== state.filter && navigate({ filter }, true), 200);
    return () => clearTimeout(timer);
  }, [filter]);
  useEffect(() => {
    if (loaded.state !== 'done' || !grid) return;
    // After the browser has painted the matrix: the next frame's callback, then a task.
    requestAnimationFrame(() => setTimeout(() => performance.measure('matrix-render', { start: loaded.data.arrivedAt, end: performance.now() })));
  }, [grid]);

  const needle = state.filter.trim().toLowerCase();
  const names = grid ? grid.namespaces.map((n) => n.name).filter((n) => n.toLowerCase().includes(needle)) : [];
  const expanded = new Set(state.expand);
  const toggle = (ns: string) => navigate({ expand: expanded.has(ns) ? state.expand.filter((g) => g !== ns) : [...state.expand, ns] });

  return html`<div class="matrix-panel namespace-matrix">
    <p class="note" role="status">The whole list is not answered for this version (${props.reason}); the matrix shows namespaces,
      and a namespace expanded shows its workloads as rows.</p>
    ${loaded.state === 'loading' && html`<p class="status" role="status">Loading the namespace matrix…</p>`}
    ${loaded.state === 'error' && html`<p class="error" role="alert">${loaded.error.message}</p>`}
    ${grid &&
    html`<div class="controls" role="group" aria-label="Matrix controls">
        <label>Filter <input type="search" value=${filter} placeholder="namespace" size="20"
          onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} /></label>
        <button type="button" onClick=${() => navigate({ expand: [] })}>Collapse all</button>
        <span class="status" role="status">${names.length} of ${grid.namespaces.length} namespaces</span>
      </div>
      <ul class="legend" aria-label="Legend">
        <li><span class="swatch all" aria-hidden="true"></span> all: every workload pair, every port</li>
        <li><span class="swatch some" aria-hidden="true"></span> some pairs or ports (shown when short)</li>
        <li><span class="swatch none" aria-hidden="true"></span> none: nothing allowed</li>
      </ul>
      <div class="matrix-scroll">
        <table class="matrix" role="grid" onKeyDown=${moveFocus}>
          <caption class="visually-hidden">Allowed connections of ${state.bundle} by namespace, sources as rows, destinations as columns</caption>
          <thead><tr><th scope="col" class="corner"><span class="from">from ↓</span> <span class="to">to →</span></th>
            ${names.map((n) => html`<th scope="col" class="col group"><span class="ns">${n}</span></th>`)}</tr></thead>
          ${names.map(
            (ns) => html`<${NamespaceRows} key=${ns} grid=${grid} ns=${ns} cols=${names} expanded=${expanded.has(ns)} bundle=${state.bundle}
              version=${version} onToggle=${toggle} onSelect=${setSelected} first=${ns === names[0]} onApiError=${props.onApiError} />`,
          )}
        </table>
      </div>
      ${selected &&
      html`<section class="details" aria-label="Cell details"><h3>${selected.row} → ${selected.col}</h3>
        <p>${selected.cell.connected} of ${selected.cell.pairs} workload pairs connected; ports: ${selected.cell.ports}.</p></section>`}`}
  </div>`;
}

interface RowsProps {
  readonly grid: NamespaceGrid;
  readonly ns: string;
  readonly cols: readonly string[];
  readonly expanded: boolean;
  readonly first: boolean;
  readonly bundle: string;
  readonly version: string;
  readonly onToggle: (ns: string) => void;
  readonly onSelect: (selected: Selected) => void;
  readonly onApiError: (error: Error) => void;
}

/** One namespace's row, and when expanded its workloads' rows, loaded then. */
function NamespaceRows(props: RowsProps) {
  const { grid, ns, cols, expanded } = props;
  const list = useLoad(expanded ? `${props.bundle}@${props.version}#ns=${ns}` : null, () => api.namespaceList(props.bundle, props.version, ns), props.onApiError);
  const rows = useMemo(() => (list.state === 'done' ? workloadRows(grid, ns, list.data) : null), [list]);
  const cells = (row: string, cellOf: (col: string) => GridCell, firstRow: boolean) =>
    cols.map((col, i) => {
      const cell = cellOf(col);
      const label = `${row} to ${col}: ${cell.level === 'none' ? 'nothing allowed' : `${cell.connected} of ${cell.pairs} workload pairs, ${cell.ports}`}`;
      return html`<td role="gridcell" class=${`cell ${cell.level}`} data-row=${row} data-col=${col} data-level=${cell.level}
        tabindex=${firstRow && i === 0 ? 0 : -1} aria-label=${label} title=${label}
        onClick=${() => props.onSelect({ row, col, cell })} onKeyDown=${(e: KeyboardEvent) => e.key === 'Enter' && props.onSelect({ row, col, cell })}>
        <span class="text">${cell.text}</span></td>`;
    });
  return html`<tbody>
    <tr><th scope="row" class="row group"><button type="button" class="ns" aria-expanded=${expanded} onClick=${() => props.onToggle(ns)}
      title=${`${ns}: ${grid.workloadsIn(ns)} workloads`}>${expanded ? '▾' : '▸'} ${ns} <span class="count">${grid.workloadsIn(ns)}</span></button></th>
      ${cells(ns, (col) => grid.cell(ns, col), props.first)}</tr>
    ${expanded && list.state === 'loading' && html`<tr><td colspan=${cols.length + 1} class="status" role="status">Loading ${ns}'s workloads…</td></tr>`}
    ${expanded && list.state === 'error' && html`<tr><td colspan=${cols.length + 1} class="error" role="alert">${list.error.message}</td></tr>`}
    ${rows?.workloads.map(
      (w: WorkloadEndpoint) => html`<tr><th scope="row" class="row member"><span class="member row">${w.name} [${w.kind}]</span></th>
        ${cells(`${ns}/${w.name}`, (col) => rows.cell(w, col), false)}</tr>`,
    )}
  </tbody>`;
}

/** Arrow keys move the focus between cells of the grid. */
function moveFocus(event: KeyboardEvent): void {
  const cell = (event.target as HTMLElement).closest('td[role="gridcell"]') as HTMLTableCellElement | null;
  if (!cell) return;
  const row = cell.parentElement as HTMLTableRowElement;
  const rows = [...(row.closest('table')!.querySelectorAll('tr'))].filter((r) => r.querySelector('td[role="gridcell"]'));
  const at = rows.indexOf(row);
  const col = cell.cellIndex;
  const target = { ArrowLeft: [at, col - 1], ArrowRight: [at, col + 1], ArrowUp: [at - 1, col], ArrowDown: [at + 1, col] }[event.key];
  if (!target) return;
  const next = rows[target[0]!]?.cells[target[1]!];
  if (!next || next.getAttribute('role') !== 'gridcell') return;
  event.preventDefault();
  cell.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}
