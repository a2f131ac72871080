/** @module `list` and `diff` as tables: CSV (RFC 4180 quoting) and Markdown. */
import type { ConnSet } from '../analysis/conn-set.js';
import type { ConnectionChange } from '../analysis/diff.js';
import { endpointLabel } from '../analysis/endpoints.js';
import { connSetText } from './conn-set-text.js';
import { perObject, type ListWriter, type TextSink } from './list-writer.js';

function diffRows(changes: readonly ConnectionChange[]): string[][] {
  return changes.map((c) => [c.change, endpointLabel(c.src), endpointLabel(c.dst), connSetText(c.old), connSetText(c.new), c.note ?? '']);
}

const LIST_HEADER = ['src', 'dst', 'ports'];
const DIFF_HEADER = ['change', 'src', 'dst', 'old', 'new', 'note'];

const csvLine = (row: readonly string[]): string => `${row.map((text) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text)).join(',')}\r\n`;

const markdownLine = (row: readonly string[]): string => `| ${row.map((text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |\n`;

const markdownHeader = (header: readonly string[]): string => `${markdownLine(header)}|${header.map(() => '---').join('|')}|\n`;

/** A table of the list, a row per connection: CSV (RFC 4180) or Markdown. */
export function tableListWriter(format: 'csv' | 'md', sink: TextSink): ListWriter {
  const line = format === 'csv' ? csvLine : markdownLine;
  const label = perObject(endpointLabel);
  const ports = perObject((set: ConnSet) => connSetText(set));
  sink.write(format === 'csv' ? csvLine(LIST_HEADER) : markdownHeader(LIST_HEADER));
  return {
    connection: (c) => sink.write(line([label(c.src), label(c.dst), ports(c.set)])),
    end() {},
  };
}

export const diffCSV = (changes: readonly ConnectionChange[]): string => [DIFF_HEADER, ...diffRows(changes)].map(csvLine).join('');
export const diffMarkdown = (changes: readonly ConnectionChange[]): string => markdownHeader(DIFF_HEADER) + diffRows(changes).map(markdownLine).join('');
