/**
 * @module The matrix with its controls: filter (namespace, name, labels), sort, expand and collapse,
 * a legend, and the selected cell's details. Shared by the matrix view and the diff view.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ViewProps } from '../app.js';
import { html } from '../html.js';
import type { AxisItem, CellView, ConnectivityIndex, SortOrder } from '../model/matrix.js';
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
  const { index, state, navigate } = props;
  const [filter, setFilter] = useState(state.filter);
  const [order, setOrder] = useState<SortOrder>('name');
  const [selected, setSelected] = useState<Position | null>(null);
  const focusGroup = state.focus?.split('/')[0];
  const expanded = useMemo(() => new Set([...state.expand, ...(focusGroup ? [focusGroup] : [])]), [state.expand, focusGroup]);
  const axis = useMemo(() => index.axis(expanded, state.filter, order), [index, expanded, state.filter, order]);

  useEffect(() => setFilter(state.filter), [state.filter]);
  useEffect(() => {
    const timer = setTimeout(() => filter !== state.filter && navigate({ filter }, true), 200);
    return () => clearTimeout(timer);
  }, [filter]);
  useEffect(() => setSelected(null), [index, axis]);

  const toggle = (group: string) =>
    navigate({ expand: expanded.has(group) ? state.expand.filter((g) => g !== group) : [...state.expand, group] });
  const link = (patch: Partial<typeof state>) => formatState({ ...state, ...patch });
  const row = selected ? axis[selected.row] : undefined;
  const col = selected ? axis[selected.col] : undefined;

  return html`<div class="matrix-panel">
    <div class="controls" role="group" aria-label="Matrix controls">
      <label>Filter <input type="search" value=${filter} placeholder="namespace, name or key=value" size="28"
        onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} /></label>
      <label>Sort <select value=${order} onChange=${(e: Event) => setOrder((e.target as HTMLSelectElement).value as SortOrder)}>
        <option value="name">by name</option><option value="connections">by connections</option></select></label>
      <button type="button" onClick=${() => navigate({ expand: index.groups.map((g) => g.name) })}>Expand all</button>
      <button type="button" onClick=${() => navigate({ expand: [], focus: null })}>Collapse all</button>
      <span class="status" role="status">${axis.length} rows × ${axis.length} columns, ${index.size} endpoints</span>
    </div>
    <ul class="legend" aria-label="Legend">
      <li><span class="swatch all" aria-hidden="true"></span> all: every port allowed</li>
      <li><span class="swatch some" aria-hidden="true"></span> some ports (shown when short)</li>
      <li><span class="swatch none" aria-hidden="true"></span> none: nothing allowed</li>
      ${props.legendExtra}
    </ul>
    ${axis.length === 0
      ? html`<p class="status">Nothing matches the filter.</p>`
      : html`<${MatrixTable} index=${index} rows=${axis} cols=${axis} caption=${props.caption} selected=${selected}
          onSelect=${setSelected} onToggle=${toggle} decorate=${props.decorate} focus=${state.focus} />`}
    ${row && col &&
    html`<${CellDetails} key=${`${row.key}|${col.key}`} index=${index} row=${row} col=${col} cell=${index.cell(row, col)}
      bundle=${state.bundle} showingActive=${props.version === props.info.active} link=${link} onApiError=${props.onApiError} />`}
  </div>`;
}
