/**
 * @module Picks the formatter for `list` and `diff` by output name (txt, json, csv, md, dot, svg)
 * for the CLI: the text formats of connectivity-formats.ts, and svg, the dot graph rendered.
 */
import type { Connection } from '../analysis/connectivity.js';
import type { ConnectionChange } from '../analysis/diff.js';
import type { ConnectionExplanation } from '../analysis/explain.js';
import type { WorkloadDescription } from '../analysis/workload-labels.js';
import { diffDot, listDot } from './connectivity-dot.js';
import { diffInFormat, listInFormat, type OutputFormat } from './connectivity-formats.js';
import { renderSVG } from './svg.js';


export async function formatList(
  format: OutputFormat,
  version: string,
  connections: readonly Connection[],
  explanations?: ReadonlyMap<Connection, ConnectionExplanation>,
  workloads?: readonly WorkloadDescription[],
): Promise<string> {
  return format === 'svg' ? renderSVG(listDot(connections)) : listInFormat(format, version, connections, explanations, workloads);
}

export async function formatDiff(format: OutputFormat, oldVersion: string, newVersion: string, changes: readonly ConnectionChange[]): Promise<string> {
  return format === 'svg' ? renderSVG(diffDot(changes)) : diffInFormat(format, oldVersion, newVersion, changes);
}
