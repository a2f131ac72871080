/**
 * @module The matrix for bundles too large for the whole list: namespaces on both axes (from
 * `connectivity?group=namespace`), a namespace expanded into its workloads on both axes (from
 * `?namespace=NS`, loaded when it is expanded), cells in colour plus text. A grid with one tab
 * stop: arrow keys move between cells, Enter or a click shows a cell's counts and ports.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ViewProps } from '../app.js';
import * as api from '../api.js';
import { useLoad, type Loaded } from '../data.js';
import { html } from '../html.js';
import { NamespaceGrid, NamespaceRows, type GridCell, type GridItem } from '../model/namespace-grid.js';

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
  const rows = useNamespaceRows(state.bundle, version, state.expand, props.onApiError);
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
  const expandedRows = new Map<string, NamespaceRows>();
  for (const [ns, load] of rows) if (load.state === 'done') expandedRows.set(ns, load.data);
  const items: GridItem[] = names.flatMap((ns) => [
    { kind: 'namespace' as const, ns, name: ns },
    ...(expandedRows.get(ns)?.workloads.map((workload) => ({ kind: 'workload' as const, ns, name: `${ns}/${workload.name}`, workload })) ?? []),
  ]);
  const expanded = new Set(state.expand);
  const toggle = (ns: string) => navigate({ expand: expanded.has(ns) ? state.expand.filter((g) => g !== ns) : [...state.expand, ns] });
  const failures = [...rows].filter(([, load]) => load.state === 'error') as [string, { state: 'error'; error: Error }][];
  const loading = [...rows].filter(([, load]) => load.state === 'loading').map(([ns]) => ns);

  return html`<div class="matrix-panel namespace-matrix">
    <p class="note" role="status">The whole list is not answered for this version (${props.reason}); the matrix shows namespaces,
      and a namespace expanded shows its workloads on both axes.</p>
    ${loaded.state === 'loading' && html`<p class="status" role="status">Loading the namespace matrix…</p>`}
    ${loaded.state === 'error' && html`<p class="error" role="alert">${loaded.error.message}</p>`}
    ${grid &&
    html`<div class="controls" role="group" aria-label="Matrix controls">
        <label>Filter <input type="search" value=${filter} placeholder="namespace" size="20"
          onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} /></label>
        <button type="button" onClick=${() => navigate({ expand: [] })}>Collapse all</button>
        <span class="status" role="status">${names.length} of ${grid.namespaces.length} namespaces</span>
        ${loading.length > 0 && html`<span class="status" role="status">Loading the workloads of ${loading.join(', ')}…</span>`}
      </div>
      ${failures.map(([ns, load]) => html`<p class="error" role="alert">${ns}: ${load.error.message}</p>`)}
      <ul class="legend" aria-label="Legend">
        <li><span class="swatch all" aria-hidden="true"></span> all: every workload pair, every port</li>
        <li><span class="swatch some" aria-hidden="true"></span> some pairs or ports (shown when short)</li>
        <li><span class="swatch none" aria-hidden="true"></span> none: nothing allowed</li>
      </ul>
      <${GridTable} grid=${grid} items=${items} rows=${expandedRows} expanded=${expanded} caption=${`Allowed connections of ${state.bundle} by namespace, sources as rows, destinations as columns`}
        onToggle=${toggle} onSelect=${setSelected} />
      ${selected &&
      html`<section class="details" aria-label="Cell details"><h3>${selected.row} → ${selected.col}</h3>
        <p>${selected.cell.connected} of ${selected.cell.pairs} workload pairs connected; ports: ${selected.cell.ports}.</p></section>`}`}
  </div>`;
}

interface TableProps {
  readonly grid: NamespaceGrid;
  readonly items: readonly GridItem[];
  readonly rows: ReadonlyMap<string, NamespaceRows>;
  readonly expanded: ReadonlySet<string>;
  readonly caption: string;
  readonly onToggle: (ns: string) => void;
  readonly onSelect: (selected: Selected) => void;
}

/** The grid: every item on both axes, a namespace's row header expands it. */
function GridTable({ grid, items, rows, expanded, caption, onToggle, onSelect }: TableProps) {
  const header = (item: GridItem, axis: 'row' | 'col') =>
    item.kind === 'namespace'
      ? axis === 'row'
        ? html`<button type="button" class="ns" aria-expanded=${expanded.has(item.ns)} onClick=${() => onToggle(item.ns)}
            title=${`${item.ns}: ${grid.workloadsIn(item.ns)} workloads`}>${expanded.has(item.ns) ? '▾' : '▸'} ${item.ns} <span class="count">${grid.workloadsIn(item.ns)}</span></button>`
        : html`<span class="ns">${item.ns}</span>`
      : html`<span class=${`member ${axis}`} title=${`${item.name} [${item.workload.kind}]`}>${item.workload.name} [${item.workload.kind}]</span>`;

  return html`<div class="matrix-scroll">
  <table class="matrix" role="grid" onKeyDown=${moveFocus}>
    <caption class="visually-hidden">${caption}</caption>
    <thead><tr><th scope="col" class="corner"><span class="from">from ↓</span> <span class="to">to →</span></th>
      ${items.map((item) => html`<th scope="col" class=${`col ${item.kind === 'namespace' ? 'group' : 'member'}`}>${header(item, 'col')}</th>`)}</tr></thead>
    <tbody>
      ${items.map(
        (row, r) => html`<tr><th scope="row" class=${`row ${row.kind === 'namespace' ? 'group' : 'member'}`}>${header(row, 'row')}</th>
          ${items.map((col, c) => {
            const cell = grid.cell(row, col, rows);
            const label = `${row.name} to ${col.name}: ${cell.level === 'none' ? 'nothing allowed' : cell.level === 'self' ? 'the same workload' : `${cell.connected} of ${cell.pairs} workload pairs, ${cell.ports}`}`;
            const select = () => onSelect({ row: row.name, col: col.name, cell });
            return html`<td role="gridcell" class=${`cell ${cell.level}`} data-row=${row.name} data-col=${col.name} data-level=${cell.level}
              tabindex=${r === 0 && c === 0 ? 0 : -1} aria-label=${label} title=${label}
              onClick=${select} onKeyDown=${(e: KeyboardEvent) => e.key === 'Enter' && select()}><span class="text">${cell.text}</span></td>`;
          })}</tr>`,
      )}
    </tbody>
  </table>
</div>`;
}

/** The rows of each expanded namespace, loaded once each while this version is shown. */
function useNamespaceRows(bundle: string, version: string, expand: readonly string[], onError: (error: Error) => void): Map<string, Loaded<NamespaceRows>> {
  const [loads, setLoads] = useState<{ key: string; rows: Map<string, Loaded<NamespaceRows>> }>({ key: '', rows: new Map() });
  const key = `${bundle}@${version}`;
  // An answer for a version no longer shown is dropped.
  const shown = useRef(key);
  shown.current = key;
  const current = loads.key === key ? loads.rows : new Map<string, Loaded<NamespaceRows>>();
  useEffect(() => {
    for (const ns of expand) {
      if (current.has(ns)) continue;
      const update = (loaded: Loaded<NamespaceRows>) =>
        shown.current === key && setLoads((now) => ({ key, rows: new Map(now.key === key ? now.rows : []).set(ns, loaded) }));
      update({ state: 'loading' });
      api.namespaceList(bundle, version, ns).then(
        (list) => update({ state: 'done', data: new NamespaceRows(ns, list) }),
        (error: unknown) => {
          const failure = error instanceof Error ? error : new Error(String(error));
          onError(failure);
          update({ state: 'error', error: failure });
        },
      );
    }
  }, [key, expand.join('\n')]);
  return new Map([...current].filter(([ns]) => expand.includes(ns)));
}

/** Arrow keys move the focus between cells of the grid. */
function moveFocus(event: KeyboardEvent): void {
  const cell = (event.target as HTMLElement).closest('td[role="gridcell"]') as HTMLTableCellElement | null;
  if (!cell) return;
  const row = cell.parentElement as HTMLTableRowElement;
  const rows = [...row.closest('table')!.querySelectorAll('tbody tr')] as HTMLTableRowElement[];
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
