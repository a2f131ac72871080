/**
 * @module The matrix view: the picked version's connectivity, and the time from the data's arrival
 * to the rendered matrix (a performance measure named `matrix-render`, shown under the matrix);
 * when the whole list is refused as too large, the namespace matrix instead (namespace-matrix.ts).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ViewProps } from '../app.js';
import { connectivityOf, useLoad } from '../data.js';
import { html } from '../html.js';
import { ApiError } from '../api.js';
import { ConnectivityIndex } from '../model/matrix.js';
import { wholeListRefusal } from '../model/limits.js';
import { formatState } from '../state.js';
import { MatrixPanel } from './matrix-panel.js';
import { NamespaceMatrix } from './namespace-matrix.js';
import { shortVersion } from './versions.js';

export function MatrixView(props: ViewProps) {
  const { state, version } = props;
  // Known too large: straight to the namespace matrix; else ask, and a 422 still leads there.
  const refusal = wholeListRefusal(props.info, version, props.limits);
  const list = useLoad(refusal === null ? `${state.bundle}@${version}` : null, () => connectivityOf(state.bundle, version), props.onApiError);
  const index = useMemo(() => (list.state === 'done' ? ConnectivityIndex.build(list.data.data.connections, [], list.data.data.workloads) : null), [list]);
  const [renderMs, setRenderMs] = useState<number | null>(null);

  useEffect(() => {
    if (list.state !== 'done' || !index) return;
    // After the browser has painted the matrix: the next frame's callback, then a task.
    requestAnimationFrame(() =>
      setTimeout(() => {
        const measure = performance.measure('matrix-render', { start: list.data.arrivedAt, end: performance.now() });
        setRenderMs(measure.duration);
      }),
    );
  }, [index]);

  return html`<section aria-labelledby="matrix-title">
    <h2 id="matrix-title">Connectivity of ${state.bundle} <code>${shortVersion(version)}</code></h2>
    ${refusal === null && list.state === 'loading' && html`<p class="status" role="status">Loading connectivity…</p>`}
    ${refusal !== null
      ? html`<${TooLarge} ...${props} reason=${refusal} />`
      : list.state === 'error' &&
        (list.error instanceof ApiError && list.error.code === 'too-large'
          ? html`<${TooLarge} ...${props} reason=${list.error.message} />`
          : html`<p class="error" role="alert">${list.error.message}</p>`)}
    ${refusal === null && index &&
    html`<${MatrixPanel} ...${props} index=${index} caption=${`Allowed connections of ${state.bundle}, sources as rows, destinations as columns`} />
      <p class="hint">${list.state === 'done' ? `${list.data.data.connections.length} connections` : ''}${
        renderMs !== null ? `; matrix rendered ${Math.round(renderMs)} ms after the data arrived` : ''
      }.</p>`}
  </section>`;
}

/** The namespace matrix, for a version whose whole list the Worker does not answer. */
function TooLarge(props: ViewProps & { reason: string }) {
  return html`<${NamespaceMatrix} ...${props} />
    <p class="note">The <a href=${formatState({ ...props.state, view: 'graph' })}>graph view</a> with a focus on one workload asks for that workload's connections only.</p>`;
}
