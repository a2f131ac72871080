/**
 * @module The output formats of `list` and `diff` and the text ones picked by name (txt, json, csv,
 * md, dot). Kept apart from svg (svg.ts, Graphviz in WASM): the Worker formats with this module and
 * never bundles Graphviz, which workerd cannot run (it refuses to compile WASM at run time).
 */
import type { Connection } from '../analysis/connectivity.js';
import type { ConnectionChange } from '../analysis/diff.js';
import type { ConnectionExplanation } from '../analysis/explain.js';
import type { WorkloadDescription } from '../analysis/workload-labels.js';
import { diffJSON, jsonListWriter } from './connectivity-json.js';
import { diffCSV, diffMarkdown, tableListWriter } from './connectivity-table.js';
import { diffText, textListWriter } from './connectivity-txt.js';
import { diffDot, dotListWriter } from './connectivity-dot.js';
import { collectText, type ListWriter, type TextSink } from './list-writer.js';

export const OUTPUT_FORMATS = ['txt', 'json', 'csv', 'md', 'dot', 'svg'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
/** Every format but svg: text built without Graphviz. */
export type TextFormat = Exclude<OutputFormat, 'svg'>;

export function isOutputFormat(text: string): text is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(text);
}

export const CONTENT_TYPES: Readonly<Record<OutputFormat, string>> = {
  txt: 'text/plain; charset=utf-8',
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  dot: 'text/vnd.graphviz; charset=utf-8',
  svg: 'image/svg+xml',
};

/** A writer of the list in a text format, into the sink as connections arrive (json ends with a newline). */
export function listWriter(format: TextFormat, version: string, sink: TextSink): ListWriter {
  switch (format) {
    case 'txt':
      return textListWriter(sink);
    case 'json': {
      const json = jsonListWriter(version, sink);
      return { connection: json.connection, end: (workloads) => (json.end(workloads), sink.write('\n')) };
    }
    case 'csv':
    case 'md':
      return tableListWriter(format, sink);
    case 'dot':
      return dotListWriter(sink);
  }
}

export function listInFormat(
  format: TextFormat,
  version: string,
  connections: readonly Connection[],
  explanations?: ReadonlyMap<Connection, ConnectionExplanation>,
  /** json only: every workload with its labels, the `workloads` key. */
  workloads?: readonly WorkloadDescription[],
): string {
  return collectText((sink) => {
    const writer = listWriter(format, version, sink);
    for (const connection of connections) writer.connection(connection, explanations?.get(connection));
    writer.end(workloads);
  });
}

export function diffInFormat(format: TextFormat, oldVersion: string, newVersion: string, changes: readonly ConnectionChange[]): string {
  switch (format) {
    case 'txt':
      return diffText(changes);
    case 'json':
      return `${diffJSON(oldVersion, newVersion, changes)}\n`;
    case 'csv':
      return diffCSV(changes);
    case 'md':
      return diffMarkdown(changes);
    case 'dot':
      return diffDot(changes);
  }
}
