// netpol-edge's Hubble line scanner (src/replay/hubble-wasm.ts is its host): the host writes
// lines' bytes from lineAt() (a chunk of them at a time), calls scan() per line, and reads the positions at fieldsAt() and the result at
// resultAt(). Raw bindings, stub runtime: nothing is allocated after start.
import { clearEnds, cutHash, findEnd, rememberEnd } from './ends';
import { END_OBJECT, FIELDS_AT, F_DST_IP, F_ENDS, F_SRC_IP, END_STRIDE, LAYOUT_CHECK, LINE_AT, LINE_CAPACITY, MAX_ENDS, RESULT_AT } from './layout';
import { flowBase, scanLine } from './scan';

export { clearEnds, cutHash, rememberEnd };

export function layoutCheck(): i32 {
  return LAYOUT_CHECK;
}

export function fieldsAt(): usize {
  return FIELDS_AT;
}

export function resultAt(): usize {
  return RESULT_AT;
}

export function lineAt(): usize {
  return LINE_AT;
}

export function lineCapacity(): usize {
  return LINE_CAPACITY;
}

/** Ends remembered at most: past that the memory of ends starts over. */
export function maxEnds(): u32 {
  return MAX_ENDS;
}

@inline function position(slot: i32): i32 {
  return load<i32>(FIELDS_AT + (<usize>slot << 2));
}

/**
 * Scans the line of `length` bytes at lineAt() + `at` (the host may write many lines at once),
 * which starts at `origin` in the host's bytes
 * (positions are written as offsets there); 1 when the scanner takes it (then resultAt()
 * holds its flow's base in the positions, and the remembered ids of its source and destination,
 * -1 when not met or when the flow has no such address), else 0.
 */
export function scan(at: i32, length: i32, origin: i32): i32 {
  if (at < 0 || length < 0 || <usize>at + <usize>length > LINE_CAPACITY || !scanLine(<usize>at, length, origin)) return 0;
  const line = LINE_AT + <usize>at - <usize>origin;
  const base = flowBase();
  store<i32>(RESULT_AT, base);
  for (let side = 0; side < 2; side++) {
    const ip = base + (side == 0 ? F_SRC_IP : F_DST_IP);
    const end = base + F_ENDS + side * END_STRIDE + END_OBJECT;
    const ipStart = position(ip);
    let id = -1;
    if (ipStart >= 0) {
      // An end without an object has no bytes of its own: its address alone is its key.
      const objectStart = max(position(end), 0);
      const objectEnd = max(position(end + 1), 0);
      id = findEnd(side, line + <usize>ipStart, line + <usize>position(ip + 1), line + <usize>objectStart, line + <usize>objectEnd);
    }
    store<i32>(RESULT_AT + 4 + (<usize>side << 2), id);
  }
  return 1;
}
