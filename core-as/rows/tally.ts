// Lines counted per service, not handed over one by one: the host marks a service and observed
// verdict once it counts their flows per service (src/replay/service-tally.ts), and a later line
// of a conversation noted for that service, with that verdict and times the module read itself,
// is then only written down by its index. The host adds them up after the call.
import { MAX_TALLIES, TALLIES_AT, TALLY_BITS, TALLY_MARKS_AT, TALLY_STRIDE } from './layout';

/** Lines tallied by the current readLines call. */
export let tallied: i32 = 0;

/** Forgets every mark (the host's counts started over). */
export function clearMarks(): void {
  memory.fill(TALLY_MARKS_AT, 0, <usize>(TALLY_BITS >> 3));
}

/** Marks tally index `i` as counted per service by the host (readLines then tallies such lines); nothing past TALLY_BITS. */
export function markTallied(i: i32): void {
  if (<u32>i >= TALLY_BITS) return;
  const at = TALLY_MARKS_AT + (<usize>i >> 3);
  store<u8>(at, <u8>(<i32>load<u8>(at) | (1 << (i & 7))));
}

/** Starts a readLines call's tallies. */
export function startTallies(): void {
  tallied = 0;
}

/** The tally index of a line of `service` (>= 0) observed `observed`. */
@inline export function tallyIndex(service: i32, observed: i32): i32 {
  return service * TALLY_STRIDE + observed;
}

/** Whether a line of tally index `i` may be tallied: `i` is marked and the call has room. */
@inline export function tallies(i: i32): bool {
  if (<u32>i >= TALLY_BITS || tallied >= MAX_TALLIES) return false;
  return (<i32>load<u8>(TALLY_MARKS_AT + (<usize>i >> 3)) & (1 << (i & 7))) != 0;
}

/** Tallies a line of index `i`, which `tallies` allows. */
@inline export function tally(i: i32): void {
  store<i32>(TALLIES_AT + (<usize>tallied << 2), i);
  tallied++;
}
