/**
 * @module `list` written as its connections arrive (the CLI streams the full list of a large
 * cluster, which never exists as one array); the whole-list formatters write through the same
 * writers into one string, so both give the same bytes.
 */
import type { Connection } from '../analysis/connectivity.js';
import type { ConnectionExplanation } from '../analysis/explain.js';
import type { WorkloadDescription } from '../analysis/workload-labels.js';

/** Where a writer puts its text, piece by piece, in order. */
export interface TextSink {
  write(text: string): void;
}

export interface ListWriter {
  /** One connection, after every connection before it in the list's order. */
  connection(connection: Connection, explanation?: ConnectionExplanation): void;
  /** The end of the list; json adds the workloads (the `workloads` key) when given. */
  end(workloads?: readonly WorkloadDescription[]): void;
}

/** The text a writing function puts into a sink, as one string. */
export function collectText(write: (sink: TextSink) => void): string {
  const parts: string[] = [];
  write({ write: (text) => void parts.push(text) });
  return parts.join('');
}

/**
 * A function of an object, computed once per object: a list names each endpoint and each
 * connection set (both shared objects) on many lines.
 */
export function perObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const known = new Map<K, V>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) known.set(key, (value = compute(key)));
    return value;
  };
}
