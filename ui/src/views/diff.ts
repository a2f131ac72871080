/**
 * @module The diff view: two stored versions, the changed connections listed (added, removed,
 * changed, with both port sets) and highlighted in the newer version's matrix.
 */
import { useMemo } from 'preact/hooks';
import * as api from '../api.js';
import type { ViewProps } from '../app.js';
import { connectivityOf, useLoad } from '../data.js';
import { html } from '../html.js';
import { endpointLabel, focusRef, groupOf } from '../model/endpoints.js';
import { ConnectivityIndex, type AxisItem, type CellView } from '../model/matrix.js';
import { formatSet } from '../model/ports.js';
import type { BundleInfo, Change } from '../model/types.js';
import { formatState } from '../state.js';
import { MatrixPanel } from './matrix-panel.js';
import { versionLabel } from './versions.js';

const LISTED = 500;
const SIGN = { added: '+', removed: '−', changed: '±' } as const;

/** The two versions compared: `from` as asked, else the one shown against the active one, else the active one's predecessor. */
export function diffSides(info: BundleInfo, version: string, from: string | null): { from: string | null; to: string } {
  if (from) return { from, to: version };
  if (version !== info.active && info.active) return { from: version, to: info.active };
  const at = info.versions.findIndex((v) => v.version === version);
  return { from: at > 0 ? info.versions[at - 1]!.version : null, to: version };
}

function decorate(_row: AxisItem, _col: AxisItem, cell: CellView): { mark: string; className: string } | null {
  const s = cell.stats;
  if (!s || s.added + s.removed + s.changed === 0) return null;
  const parts = (['added', 'removed', 'changed'] as const).filter((k) => s[k] > 0).map((k) => `${SIGN[k]}${s[k]}`);
  const only = (['added', 'removed', 'changed'] as const).filter((k) => s[k] > 0);
  return { mark: parts.join(' '), className: `diff chg-${only.length === 1 ? only[0] : 'mixed'}` };
}

export function DiffView(props: ViewProps) {
  const { state, info } = props;
  const sides = diffSides(info, props.version, state.from);
  const key = sides.from ? `${state.bundle}|${sides.from}|${sides.to}` : null;
  const loaded = useLoad(
    key,
    async () => {
      const [diff, list] = await Promise.all([api.diff(state.bundle, sides.from!, sides.to), connectivityOf(state.bundle, sides.to)]);
      return { diff, list: list.data };
    },
    props.onApiError,
  );
  const index = useMemo(() => (loaded.state === 'done' ? ConnectivityIndex.build(loaded.data.list.connections, loaded.data.diff.changes, loaded.data.list.workloads) : null), [loaded]);
  const options = [...info.versions].reverse();
  const pick = (name: 'from' | 'to') => (e: Event) => {
    const value = (e.target as HTMLSelectElement).value;
    props.navigate(name === 'from' ? { from: value, version: sides.to } : { version: value, from: sides.from });
  };
  const linkTo = (change: Change): string => {
    const groups = [groupOf(change.src), groupOf(change.dst)];
    return formatState({ ...state, view: 'matrix', version: sides.to === info.active ? null : sides.to, expand: [...new Set([...state.expand, ...groups])], focus: focusRef(change.src) });
  };

  return html`<section aria-labelledby="diff-title">
    <h2 id="diff-title">Diff of two versions</h2>
    <form class="pickers" onSubmit=${(e: Event) => e.preventDefault()}>
      <label>Older <select value=${sides.from ?? ''} onChange=${pick('from')}>
        ${!sides.from && html`<option value="">(pick a version)</option>`}
        ${options.map((v) => html`<option value=${v.version}>${versionLabel(info, v.version)}</option>`)}</select></label>
      <label>Newer <select value=${sides.to} onChange=${pick('to')}>
        ${options.map((v) => html`<option value=${v.version}>${versionLabel(info, v.version)}</option>`)}</select></label>
    </form>
    ${!sides.from && html`<p class="status">This bundle has one version only: upload another to compare.</p>`}
    ${key && loaded.state === 'loading' && html`<p class="status" role="status">Comparing…</p>`}
    ${loaded.state === 'error' && html`<p class="error" role="alert">${loaded.error.message}</p>`}
    ${loaded.state === 'done' &&
    index &&
    html`<${ChangeList} changes=${loaded.data.diff.changes} linkTo=${linkTo} />
      <h3>Changes in the newer version's matrix</h3>
      <${MatrixPanel} ...${props} index=${index} decorate=${decorate}
        caption=${'Connections of the newer version; changed cells are marked + added, − removed, ± changed'}
        legendExtra=${html`<li><span class="swatch diff" aria-hidden="true"></span> changed cell: + added, − removed, ± changed</li>`} />`}
  </section>`;
}

function ChangeList(props: { changes: readonly Change[]; linkTo: (change: Change) => string }) {
  const { changes } = props;
  if (changes.length === 0) return html`<p class="status" role="status">No connection differs between these versions.</p>`;
  const counts = (['added', 'removed', 'changed'] as const).map((k) => `${changes.filter((c) => c.change === k).length} ${k}`).join(', ');
  return html`<table class="list changes">
    <caption>${changes.length} changed connections: ${counts}${changes.length > LISTED ? ` (first ${LISTED} listed)` : ''}</caption>
    <thead><tr><th scope="col">Change</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">Note</th><th scope="col">Matrix</th></tr></thead>
    <tbody>${changes.slice(0, LISTED).map(
      (c) => html`<tr class=${`chg-${c.change}`}>
        <td><span class=${`badge chg-${c.change}`}>${SIGN[c.change]} ${c.change}</span></td>
        <td>${endpointLabel(c.src)}</td><td>${endpointLabel(c.dst)}</td>
        <td>${formatSet(c.old)}</td><td>${formatSet(c.new)}</td><td>${c.note ?? ''}</td>
        <td><a href=${props.linkTo(c)}>show</a></td></tr>`,
    )}</tbody>
  </table>`;
}
