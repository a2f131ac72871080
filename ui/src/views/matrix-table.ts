/**
 * @module The matrix as a real <table> (sources as rows, destinations as columns, both with
 * headers), rendered in a window: only the rows and columns in view are in the DOM, so hundreds of
 * workloads on each axis scroll smoothly. A grid with one tab stop: arrow keys, Home/End,
 * PageUp/PageDown move between cells, Enter or Space opens a cell's details.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { focusRef } from '../model/endpoints.js';
import type { AxisItem, AxisMember, CellView, ConnectivityIndex } from '../model/matrix.js';

const CELL_W = 76;
const CELL_H = 30;
const HEAD_W = 260;
const HEAD_H = 132;
/** Rows and columns rendered beyond the visible ones, so that a quick scroll shows no gap. */
const OVERSCAN = 4;

export interface Position {
  readonly row: number;
  readonly col: number;
}

interface Props {
  readonly index: ConnectivityIndex;
  readonly rows: readonly AxisItem[];
  readonly cols: readonly AxisItem[];
  readonly caption: string;
  readonly selected: Position | null;
  readonly onSelect: (position: Position) => void;
  readonly onToggle: (group: string) => void;
  /** `NS/NAME` of the focused workload: its row and column headers are marked. */
  readonly focus: string | null;
  /** Extra text and class for a cell in a diff. */
  readonly decorate?: (row: AxisItem, col: AxisItem, cell: CellView) => { mark: string; className: string } | null;
}

export function itemName(item: AxisItem): string {
  return item.kind === 'group' ? item.group.name : `${item.group.name}/${item.member.label}`;
}

export function MatrixTable(props: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ top: 0, left: 0, width: 1000, height: 600 });
  const [active, setActiveState] = useState<Position>({ row: 0, col: 0 });
  // The handlers read the latest position from here: keys can come faster than renders.
  const activeRef = useRef(active);
  const setActive = (position: Position) => {
    activeRef.current = position;
    setActiveState(position);
  };
  const wantFocus = useRef(false);
  const { rows, cols, index } = props;

  useLayoutEffect(() => {
    const element = scroller.current!;
    const measure = () =>
      setBox({ top: element.scrollTop, left: element.scrollLeft, width: element.clientWidth, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    let frame = 0;
    const onScroll = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(measure);
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', onScroll);
      cancelAnimationFrame(frame);
    };
  }, []);

  const row = Math.min(active.row, rows.length - 1);
  const col = Math.min(active.col, cols.length - 1);

  useLayoutEffect(() => {
    if (!wantFocus.current) return;
    wantFocus.current = false;
    scroller.current?.querySelector<HTMLElement>(`td[data-r="${row}"][data-c="${col}"]`)?.focus({ preventScroll: true });
  });

  const r0 = Math.max(0, Math.floor(box.top / CELL_H) - OVERSCAN);
  const r1 = Math.min(rows.length, Math.ceil((box.top + box.height - HEAD_H) / CELL_H) + OVERSCAN);
  const c0 = Math.max(0, Math.floor(box.left / CELL_W) - OVERSCAN);
  const c1 = Math.min(cols.length, Math.ceil((box.left + box.width - HEAD_W) / CELL_W) + OVERSCAN);
  const leftPad = c0 * CELL_W;
  const rightPad = (cols.length - c1) * CELL_W;
  const visibleCols = cols.slice(c0, c1);

  const moveTo = (r: number, c: number) => {
    const next = { row: clamp(r, rows.length), col: clamp(c, cols.length) };
    const element = scroller.current!;
    const top = next.row * CELL_H;
    const left = next.col * CELL_W;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + CELL_H > element.scrollTop + element.clientHeight - HEAD_H) element.scrollTop = top + CELL_H - (element.clientHeight - HEAD_H);
    if (left < element.scrollLeft) element.scrollLeft = left;
    else if (left + CELL_W > element.scrollLeft + element.clientWidth - HEAD_W) element.scrollLeft = left + CELL_W - (element.clientWidth - HEAD_W);
    wantFocus.current = true;
    setActive(next);
    setBox({ top: element.scrollTop, left: element.scrollLeft, width: element.clientWidth, height: element.clientHeight });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (target.tagName !== 'TD') return;
    const row = clamp(activeRef.current.row, rows.length);
    const col = clamp(activeRef.current.col, cols.length);
    const page = Math.max(1, Math.floor((box.height - HEAD_H) / CELL_H) - 1);
    const moves: Record<string, [number, number]> = {
      ArrowUp: [row - 1, col],
      ArrowDown: [row + 1, col],
      ArrowLeft: [row, col - 1],
      ArrowRight: [row, col + 1],
      PageUp: [row - page, col],
      PageDown: [row + page, col],
      Home: event.ctrlKey ? [0, 0] : [row, 0],
      End: event.ctrlKey ? [rows.length - 1, cols.length - 1] : [row, cols.length - 1],
    };
    const move = moves[event.key];
    if (move) {
      event.preventDefault();
      moveTo(move[0], move[1]);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      props.onSelect({ row, col });
    }
  };

  const focused = (item: AxisItem): string =>
    item.kind === 'member' && props.focus !== null && focusRef(item.member.endpoint) === props.focus ? ' focused' : '';
  const header = (item: AxisItem, axis: 'row' | 'col') =>
    item.kind === 'group'
      ? html`<button type="button" class="ns" aria-expanded=${item.expanded} title=${`${item.group.name}: ${item.group.members.length} endpoints`}
          onClick=${() => props.onToggle(item.group.name)}>
          <span aria-hidden="true">${axis === 'row' ? (item.expanded ? '▾' : '▸') : item.expanded ? '−' : '+'}</span> ${item.group.name}
          <span class="count">${item.group.members.length}</span></button>`
      : html`<span class=${`member ${axis}`} title=${memberTitle(item.member)}>${item.member.label}</span>`;

  return html`<div class="matrix-scroll" ref=${scroller}>
    <table class="matrix" role="grid" aria-rowcount=${rows.length + 1} aria-colcount=${cols.length + 1} onKeyDown=${onKeyDown}
      style=${{ width: `${HEAD_W + cols.length * CELL_W}px` }}>
      <caption class="visually-hidden">${props.caption}</caption>
      <thead>
        <tr aria-rowindex="1" style=${{ height: `${HEAD_H}px` }}>
          <th scope="col" class="corner" style=${{ width: `${HEAD_W}px` }} aria-colindex="1">
            <span class="from">from ↓</span> <span class="to">to →</span>
          </th>
          ${leftPad > 0 && html`<th aria-hidden="true" class="pad" style=${{ width: `${leftPad}px` }}></th>`}
          ${visibleCols.map(
            (item, i) =>
              html`<th scope="col" aria-colindex=${c0 + i + 2} class=${`col ${item.kind}${focused(item)}`} style=${{ width: `${CELL_W}px` }}>${header(item, 'col')}</th>`,
          )}
          ${rightPad > 0 && html`<th aria-hidden="true" class="pad" style=${{ width: `${rightPad}px` }}></th>`}
        </tr>
      </thead>
      <tbody>
        ${r0 > 0 && html`<tr aria-hidden="true" class="pad" style=${{ height: `${r0 * CELL_H}px` }}><td colspan=${visibleCols.length + 3}></td></tr>`}
        ${rows.slice(r0, r1).map((item, i) => {
          const r = r0 + i;
          return html`<tr key=${item.key} aria-rowindex=${r + 2}>
            <th scope="row" class=${`row ${item.kind}${focused(item)}`}>${header(item, 'row')}</th>
            ${leftPad > 0 && html`<td aria-hidden="true" class="pad"></td>`}
            ${visibleCols.map((colItem, j) => {
              const c = c0 + j;
              const cell = index.cell(item, colItem);
              const extra = props.decorate?.(item, colItem, cell) ?? null;
              const selected = props.selected?.row === r && props.selected.col === c;
              const label = `${itemName(item)} to ${itemName(colItem)}: ${describeCell(cell)}${extra ? `; ${extra.mark}` : ''}`;
              return html`<td key=${colItem.key} data-r=${r} data-c=${c} data-row=${itemName(item)} data-col=${itemName(colItem)}
                data-level=${cell.level} aria-colindex=${c + 2} tabindex=${r === row && c === col ? 0 : -1}
                aria-selected=${selected} aria-label=${label} title=${label}
                class=${`cell ${cell.level}${extra ? ` ${extra.className}` : ''}${selected ? ' selected' : ''}`}
                onClick=${() => {
                  setActive({ row: r, col: c });
                  props.onSelect({ row: r, col: c });
                }}>
                <span class="text">${cell.text}</span>${extra && html`<span class="mark">${extra.mark}</span>`}
              </td>`;
            })}
            ${rightPad > 0 && html`<td aria-hidden="true" class="pad"></td>`}
          </tr>`;
        })}
        ${r1 < rows.length &&
        html`<tr aria-hidden="true" class="pad" style=${{ height: `${(rows.length - r1) * CELL_H}px` }}><td colspan=${visibleCols.length + 3}></td></tr>`}
      </tbody>
    </table>
  </div>`;
}

/** `ns1/web` and its labels, for the header's tooltip. */
function memberTitle(member: AxisMember): string {
  const labels = 'labels' in member.endpoint ? member.endpoint.labels : undefined;
  const text = labels ? Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ') : '';
  return `${member.group}/${member.label}${text ? ` (${text})` : ''}`;
}

/** The cell as a sentence: the level in words, the port set, and how many pairs it covers. */
export function describeCell(cell: CellView): string {
  if (cell.level === 'self') return 'same endpoint';
  const level = cell.level === 'none' ? 'nothing allowed' : cell.level === 'all' ? 'everything allowed' : 'some ports allowed';
  const ports = cell.level === 'some' && cell.stats?.text ? ` (${cell.stats.text})` : '';
  const pairs = cell.pairs > 1 ? `, ${cell.connected} of ${cell.pairs} pairs connected` : '';
  return `${level}${ports}${pairs}`;
}

function clamp(value: number, length: number): number {
  return Math.max(0, Math.min(length - 1, value));
}
