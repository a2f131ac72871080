/**
 * @module Where and when a flow was seen: its file and line, and the record's time when the log
 * has one. "First seen" and "last seen" of a group or a rule go by time when the flows have
 * times (logs are not always in time order, and several files interleave), else by reading order.
 */
import { formatTime } from './record-time.js';

/** One flow's place in the logs; `time` is epoch milliseconds, when the record had one. */
export interface Sighting {
  readonly file: string;
  readonly line: number;
  readonly time?: number;
}

/** A sighting as reports write it: the time in RFC 3339 UTC, when there is one. */
export interface SightingJSON {
  readonly file: string;
  readonly line: number;
  readonly time?: string;
}

/** Whether `seen` replaces `first` as the first sighting: an earlier time; any time beats none. */
export function isEarlier(seen: Sighting, first: Sighting): boolean {
  return seen.time !== undefined && (first.time === undefined || seen.time < first.time);
}

/**
 * Whether a sighting at `time` (read after the last one, at `lastTime`) becomes the last: a time
 * no earlier, or, when neither has a time, simply read later. No time never replaces a time.
 */
export function isLater(time: number | undefined, lastTime: number | undefined): boolean {
  if (time === undefined) return lastTime === undefined;
  return lastTime === undefined || time >= lastTime;
}

export function sightingJSON(seen: Sighting): SightingJSON {
  // Counters may hold `time: undefined`; the report leaves the key out.
  return seen.time === undefined ? { file: seen.file, line: seen.line } : { file: seen.file, line: seen.line, time: formatTime(seen.time) };
}

/** `file:line`, or `2024-05-14T09:21:07.412Z file:line` when the flow's time is known. */
export function sightingText(seen: SightingJSON): string {
  return seen.time === undefined ? `${seen.file}:${seen.line}` : `${seen.time} ${seen.file}:${seen.line}`;
}
