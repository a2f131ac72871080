/** @module `list` and `diff` as tables: CSV (RFC 4180 quoting) and Markdown. */
import type { Connection } from '../analysis/connectivity.js';
import type { ConnectionChange } from '../analysis/diff.js';
import { endpointLabel } from '../analysis/endpoints.js';
import { connSetText } from './conn-set-text.js';

function listRows(connections: readonly Connection[]): string[][] {
  return connections.map((c) => [endpointLabel(c.src), endpointLabel(c.dst), connSetText(c.set)]);
}

function diffRows(changes: readonly ConnectionChange[]): string[][] {
  return changes.map((c) => [c.change, endpointLabel(c.src), endpointLabel(c.dst), connSetText(c.old), connSetText(c.new), c.note ?? '']);
}

const LIST_HEADER = ['src', 'dst', 'ports'];
const DIFF_HEADER = ['change', 'src', 'dst', 'old', 'new', 'note'];

function csv(rows: readonly (readonly string[])[]): string {
  const cell = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return rows.map((row) => row.map(cell).join(',')).join('\r\n').concat('\r\n');
}

function markdown(rows: readonly (readonly string[])[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const [header, ...body] = rows;
  return [`| ${header!.map(cell).join(' | ')} |`, `|${header!.map(() => '---').join('|')}|`, ...body.map((row) => `| ${row.map(cell).join(' | ')} |`)]
    .join('\n')
    .concat('\n');
}

export const listCSV = (connections: readonly Connection[]): string => csv([LIST_HEADER, ...listRows(connections)]);
export const listMarkdown = (connections: readonly Connection[]): string => markdown([LIST_HEADER, ...listRows(connections)]);
export const diffCSV = (changes: readonly ConnectionChange[]): string => csv([DIFF_HEADER, ...diffRows(changes)]);
export const diffMarkdown = (changes: readonly ConnectionChange[]): string => markdown([DIFF_HEADER, ...diffRows(changes)]);
