/**
 * @module The matrix with its controls: filters (namespace or name, and a label selector), sort, expand and collapse,
 * a legend, and the selected cell's details. Shared by the matrix view and the diff view.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ViewProps } from '../app.js';
import { html } from '../html.js';
import type { AxisItem, CellView, ConnectivityIndex, SortOrder } from '../model/matrix.js';
import { compileFilter, compileLabelSelector } from '../model/filters.js';
import { formatState } from '../state.js';
import { CellDetails } from './cell-details.js';
import { MatrixTable, type Position } from './matrix-table.js';

interface Props extends ViewProps {
  readonly index: ConnectivityIndex;
  readonly caption: string;
  readonly decorate?: (row: AxisItem, col: AxisItem, cell: CellView) => { mark: string; className: string } | null;
  readonly legendExtra?: unknown;
}

export function MatrixPanel(props: Props) {
  const { state, navigate } = props;
  const [filter, setFilter] = useState(state.filter);
  const [labels, setLabels] = useState(state.labels);
  const [order, setOrder] = useState<SortOrder>('name');
  const [selected, setSelected] = useState<Position | null>(null);
  const focusGroup = state.focus?.split('/')[0];
  const expanded = useMemo(() => new Set([...state.expand, ...(focusGroup ? [focusGroup] : [])]), [state.expand, focusGroup]);
  const selector = useMemo(() => compileLabelSelector(state.labels), [state.labels]);
  // Filtering rebuilds the matrix over the endpoints kept, so that a namespace's cells count those only.
  const index = useMemo(() => {
    if (!state.filter.trim() && !('filter' in selector && state.labels.trim())) return props.index;
    const byName = compileFilter(state.filter);
    const byLabels = 'filter' in selector ? selector.filter : () => true;
    return props.index.restrict((member) => byName(member) && byLabels(member));
  }, [props.index, state.filter, selector]);
  const axis = useMemo(() => index.axis(expanded, order), [index, expanded, order]);

  useEffect(() => setFilter(state.filter), [state.filter]);
  useEffect(() => setLabels(state.labels), [state.labels]);
  useEffect(() => {
    const timer = setTimeout(() => (filter !== state.filter || labels !== state.labels) && navigate({ filter, labels }, true), 200);
    return () => clearTimeout(timer);
  }, [filter, labels]);
  useEffect(() => setSelected(null), [index, axis]);

  const toggle = (group: string) =>
    navigate({ expand: expanded.has(group) ? state.expand.filter((g) => g !== group) : [...state.expand, group] });
  const link = (patch: Partial<typeof state>) => formatState({ ...state, ...patch });
  const row = selected ? axis[selected.row] : undefined;
  const col = selected ? axis[selected.col] : undefined;

  return html`<div class="matrix-panel">
    <div class="controls" role="group" aria-label="Matrix controls">
      <label>Filter <input type="search" value=${filter} placeholder="namespace or name" size="20"
        onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} /></label>
      <label>Labels <input type="search" value=${labels} placeholder="app=web, tier in (a,b), !canary" size="28" spellcheck=${false}
        aria-describedby="labels-help" aria-invalid=${'error' in selector}
        onInput=${(e: Event) => setLabels((e.target as HTMLInputElement).value)} /></label>
      <label>Sort <select value=${order} onChange=${(e: Event) => setOrder((e.target as HTMLSelectElement).value as SortOrder)}>
        <option value="name">by name</option><option value="connections">by connections</option></select></label>
      <button type="button" onClick=${() => navigate({ expand: props.index.groups.map((g) => g.name) })}>Expand all</button>
      <button type="button" onClick=${() => navigate({ expand: [], focus: null })}>Collapse all</button>
      <span class="status" role="status">${axis.length} rows × ${axis.length} columns, ${
        index === props.index ? `${index.size} endpoints` : `${index.size} of ${props.index.size} endpoints`}</span>
    </div>
    <p id="labels-help" class=${'error' in selector ? 'error' : 'hint'} aria-live="polite">${'error' in selector
      ? `Label selector not applied: ${selector.error}`
      : 'Labels: a selector on the workloads\' pod labels, as kubectl -l takes it; outside address ranges have no labels.'}</p>
    <ul class="legend" aria-label="Legend">
      <li><span class="swatch all" aria-hidden="true"></span> all: every port allowed</li>
      <li><span class="swatch some" aria-hidden="true"></span> some ports (shown when short)</li>
      <li><span class="swatch none" aria-hidden="true"></span> none: nothing allowed</li>
      ${props.legendExtra}
    </ul>
    ${axis.length === 0
      ? html`<p class="status">Nothing matches the filters.</p>`
      : html`<${MatrixTable} index=${index} rows=${axis} cols=${axis} caption=${props.caption} selected=${selected}
          onSelect=${setSelected} onToggle=${toggle} decorate=${props.decorate} focus=${state.focus} />`}
    ${row && col &&
    html`<${CellDetails} key=${`${row.key}|${col.key}`} index=${index} row=${row} col=${col} cell=${index.cell(row, col)}
      bundle=${state.bundle} version=${props.version} link=${link} onApiError=${props.onApiError} />`}
  </div>`;
}
