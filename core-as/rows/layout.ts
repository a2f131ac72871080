// Where the flow-log row reader keeps things in its linear memory, and what it writes per line.
// The host (src/replay/rows-wasm.ts) reads the same offsets through index.ts's exports and checks
// LAYOUT_CHECK against its own copy of the LINE_* fields.

/** The columns of the rows being read (COLUMN_*, i32 each, -1: absent), written by the host. */
export const COLUMNS_AT: usize = 0;
export const COLUMN_WIDTH: i32 = 0;
/** CSV: src, dst. VPC: srcaddr, dstaddr, and pkt-srcaddr, pkt-dstaddr (preferred when not "-"). */
export const COLUMN_SRC: i32 = 1;
export const COLUMN_DST: i32 = 2;
export const COLUMN_PACKET_SRC: i32 = 3;
export const COLUMN_PACKET_DST: i32 = 4;
export const COLUMN_PORT: i32 = 5;
export const COLUMN_PROTOCOL: i32 = 6;
export const COLUMN_VERDICT: i32 = 7;
export const COLUMN_TIME: i32 = 8;
export const COLUMN_TIME_END: i32 = 9;
export const COLUMN_SRC_PORT: i32 = 10;
export const COLUMN_TCP_FLAGS: i32 = 11;
export const COLUMN_STATUS: i32 = 12;
/** Not a column: the protocol code of an empty or absent protocol field (TCP's). */
export const COLUMN_TCP_CODE: i32 = 13;
export const COLUMN_COUNT: i32 = 16;
/** Rows have at most this many fields (the host's fast paths read no wider row). */
export const MAX_WIDTH: i32 = 63;

/** The spellings the host reads (WORDS_*): per list, WORD_SLOTS words of WORD_BYTES: length, code, up to 16 bytes. */
export const WORDS_AT: usize = 256;
export const WORDS_OBSERVED: i32 = 0;
export const WORDS_PROTOCOL: i32 = 1;
export const WORDS_STATUS: i32 = 2;
export const WORD_LISTS: i32 = 3;
export const WORD_SLOTS: i32 = 16;
export const WORD_BYTES: usize = 24;
/** Field starts of the row being read (absolute addresses, one past the last field's end at the width). */
export const BOUNDS_AT: usize = WORDS_AT + <usize>(WORD_LISTS * WORD_SLOTS) * WORD_BYTES;
/** Lines' bytes, written by the host (a chunk of lines at a time), with room past them for 16-byte reads. */
export const LINE_AT: usize = 4096;
export const LINE_CAPACITY: usize = 256 * 1024;
/** Lines read by one readLines call: after its header (the offset past the last line read, the lines read, tallied included, the tallies written), LINE_STRIDE i32 per line. */
export const LINES_AT: usize = LINE_AT + LINE_CAPACITY + 64;
export const LINES_HEADER: usize = 16;
export const MAX_LINES: i32 = 512;
export const LINE_STRIDE: i32 = 16;
/**
 * Per line: its start; which endpoints the host must teach (a line whose conversation was not
 * met), or for a line taken its number among the lines the call read (tallied ones count);
 * protocol * 65536 + port; observed verdict (3: a reply).
 */
export const LINE_START: i32 = 0;
export const LINE_UNKNOWN: i32 = 1;
export const LINE_INDEX: i32 = 1;
export const LINE_SERVICE: i32 = 2;
export const LINE_OBSERVED: i32 = 3;
/** Each time field's bounds when the host must read it (-1: it is the f64 at LINE_TIME_VALUE or LINE_TIME_END_VALUE, NaN for none). */
export const LINE_TIME: i32 = 4;
export const LINE_TIME_END: i32 = 6;
export const LINE_TIME_VALUE: i32 = 8;
export const LINE_TIME_END_VALUE: i32 = 10;
/** A line whose conversation is known: the service the host noted on it for this line's (-1: none), its record (for noteService), its endpoints' entries. */
export const LINE_NOTED: i32 = 12;
export const LINE_RECORD: i32 = 13;
export const LINE_SRC_ENTRY: i32 = 14;
export const LINE_DST_ENTRY: i32 = 15;
/** A line with an endpoint text not met (LINE_UNKNOWN: 1 the source, 2 the destination): its endpoints' bounds, for the host to teach them. */
export const LINE_SRC: i32 = 12;
export const LINE_DST: i32 = 14;
/** A tally index: service * TALLY_STRIDE + observed verdict (src/replay/service-tally.ts's). */
export const TALLY_STRIDE: i32 = 3;
/** What the host checks its LINE fields against (its millions: the version of the exports and results; then TALLY_STRIDE; 2: MAX_LINES / 256). */
export const LAYOUT_CHECK: i32 = 4_000_000 + TALLY_STRIDE * 100_000 + LINE_STRIDE * 1000 + LINE_SRC * 10 + MAX_LINES / 256;

/** The conversations' slots (conversations.ts): 8 bytes each, up to SLOT_COUNT; records and key bytes after the static data. */
export const MAX_CONVERSATIONS: u32 = 1 << 17;
export const SLOT_COUNT: u32 = MAX_CONVERSATIONS * 2;
export const SLOTS_AT: usize = LINES_AT + LINES_HEADER + <usize>(MAX_LINES * LINE_STRIDE) * 4;
/** The endpoint texts' slots (endpoints.ts), 8 bytes each, then their records and key bytes; as many texts as the host's endpoint table holds (src/flow/endpoint-table.ts's DEFAULT_MAX_ENDPOINTS). */
export const MAX_ENDPOINTS: u32 = 1 << 16;
export const ENDPOINT_SLOT_COUNT: u32 = MAX_ENDPOINTS * 2;
export const ENDPOINT_SLOTS_AT: usize = SLOTS_AT + <usize>SLOT_COUNT * 8;
export const ENDPOINT_ARENA_AT: usize = ENDPOINT_SLOTS_AT + <usize>ENDPOINT_SLOT_COUNT * 8;
export const ENDPOINT_ARENA_BYTES: usize = 4 << 20;
/**
 * Tallies (tally.ts): one bit per service and observed verdict (service * TALLY_STRIDE + observed,
 * src/replay/service-tally.ts's index) the host counts per service, for as many services as its
 * table numbers (src/replay/flow-services.ts's MAX_SERVICES); then the indexes of the lines one
 * readLines call tallied, at most MAX_TALLIES.
 */
export const TALLY_BITS: u32 = (1 << 17) * <u32>TALLY_STRIDE;
export const TALLY_MARKS_AT: usize = ENDPOINT_ARENA_AT + ENDPOINT_ARENA_BYTES;
export const TALLIES_AT: usize = TALLY_MARKS_AT + <usize>(TALLY_BITS >> 3);
export const MAX_TALLIES: i32 = 8192;
/** The end of the fixed areas: asconfig.json's memoryBase must be at least this. */
export const FIXED_END: usize = TALLIES_AT + <usize>MAX_TALLIES * 4;
