/**
 * @module What the page shows, kept in the URL's query so that a view can be shared: bundle,
 * version, view, focus, the diff's base version, the matrix filters and its expanded namespaces,
 * and the explain form's flow.
 */

export const VIEWS = ['matrix', 'graph', 'explain', 'diff', 'exposure'] as const;
export type View = (typeof VIEWS)[number];

export interface PageState {
  readonly bundle: string;
  /** Null: the bundle's active version. */
  readonly version: string | null;
  readonly view: View;
  /** `NS/NAME` of one workload, for the graph and the matrix. */
  readonly focus: string | null;
  /** The diff's older side; the newer side is `version`. */
  readonly from: string | null;
  readonly filter: string;
  /** The matrix's label selector (kubectl `-l` syntax). */
  readonly labels: string;
  readonly expand: readonly string[];
  /** The explain form's flow, so that an explanation can be shared too. */
  readonly flow: FlowFields | null;
}

export interface FlowFields {
  readonly src: string;
  readonly dst: string;
  readonly protocol: string;
  readonly port: string;
}

export const DEFAULT_BUNDLE = 'demo';

export function parseState(search: string): PageState {
  const query = new URLSearchParams(search);
  const view = query.get('view');
  const text = (name: string): string | null => {
    const value = query.get(name)?.trim();
    return value ? value : null;
  };
  return {
    bundle: text('bundle') ?? DEFAULT_BUNDLE,
    version: text('version'),
    view: (VIEWS as readonly string[]).includes(view ?? '') ? (view as View) : 'matrix',
    focus: text('focus'),
    from: text('from'),
    filter: query.get('filter') ?? '',
    labels: query.get('labels') ?? '',
    expand: (query.get('expand') ?? '').split(',').filter(Boolean),
    flow: query.has('src') || query.has('dst')
      ? { src: query.get('src') ?? '', dst: query.get('dst') ?? '', protocol: query.get('protocol') ?? 'TCP', port: query.get('port') ?? '' }
      : null,
  };
}

/** The query string of a state, leaving out what is the default. */
export function formatState(state: PageState): string {
  const query = new URLSearchParams();
  query.set('bundle', state.bundle);
  if (state.version) query.set('version', state.version);
  query.set('view', state.view);
  if (state.focus) query.set('focus', state.focus);
  if (state.from) query.set('from', state.from);
  if (state.filter) query.set('filter', state.filter);
  if (state.labels) query.set('labels', state.labels);
  if (state.expand.length > 0) query.set('expand', state.expand.join(','));
  if (state.flow) for (const [key, value] of Object.entries(state.flow)) query.set(key, value);
  return `?${query.toString()}`;
}
