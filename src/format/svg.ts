/** @module A Graphviz graph rendered to SVG by Graphviz compiled to WASM (@viz-js/viz): no system package. */
import { instance } from '@viz-js/viz';

let viz: ReturnType<typeof instance> | undefined;

export async function renderSVG(dot: string): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(dot, { format: 'svg' });
  if (result.status !== 'success' || result.output === undefined) {
    throw new Error(`Graphviz could not render the graph: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.output;
}
