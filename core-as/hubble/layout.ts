// Where the Hubble line scanner keeps things in its linear memory, and what the positions it
// writes mean. The host (src/replay/hubble-wasm.ts) reads the same offsets through the exported
// functions of index.ts and checks LAYOUT_CHECK against its own copy of F and END.

/** Positions kept per flow object (0: the line's own object, 1: the wrapper's `flow`): start, end pairs, as offsets in the host's bytes (-1: absent). */
export const F_TYPE: i32 = 0;
export const F_TIME: i32 = 2;
export const F_VERDICT: i32 = 4;
export const F_SRC_IP: i32 = 6;
export const F_DST_IP: i32 = 8;
/** Each end: namespace, pod name, workload name, labels, the whole object (END_* positions, source first). */
export const F_ENDS: i32 = 10;
/** Per protocol (TCP, UDP, SCTP): present (1), destination port (-1: none), SYN, ACK. */
export const F_L4: i32 = 30;
/** is_reply: -1 absent, 0 false, 1 true; reply: 0 or 1; time: 0 absent, 1 null, 2 a string. */
export const F_IS_REPLY: i32 = 42;
export const F_REPLY: i32 = 43;
export const F_TIME_KIND: i32 = 44;
/** Keys read, one bit each, to give up on a repeated one. */
export const F_SEEN: i32 = 45;
export const F_IP_SEEN: i32 = 46;
export const F_STRIDE: i32 = 47;
export const END_NAMESPACE: i32 = 0;
export const END_POD: i32 = 2;
export const END_WORKLOAD: i32 = 4;
export const END_LABELS: i32 = 6;
export const END_OBJECT: i32 = 8;
export const END_STRIDE: i32 = 10;
/** What the host checks its F and END against. */
// Its millions are the version of the exports' arguments and results (3: scanLines, and ends remembered by the host's entries).
export const LAYOUT_CHECK: i32 = 3_000_000 + F_STRIDE * 1000 + F_L4 * 10 + END_STRIDE;

/** i32 positions of the last line scanned: both flow objects (2 * F_STRIDE). */
export const FIELDS_AT: usize = 0;
/** i32 after a scan that took a line: the base of its flow in the positions (0 or F_STRIDE), then each end's remembered id (-1: not met). */
export const RESULT_AT: usize = 512;
/** i32 per nesting depth: the keys seen in each object being read. */
export const SEEN_AT: usize = 1024;
export const MAX_DEPTH: i32 = 64;
/** Lines' bytes, written by the host (scan() writes a line feed after the line it scans). */
export const LINE_AT: usize = 2048;
export const LINE_CAPACITY: usize = 256 * 1024;
/** The last end looked up per side (ends.ts): its hash, then address and object bounds (u32 each). */
export const LAST_END_AT: usize = 1536;
/** The ends' memo (ends.ts): open-addressing slots (8 bytes), records (16 bytes); key bytes after the static data (__heap_base). */
export const MAX_ENDS: u32 = 1 << 17;
export const SLOT_COUNT: u32 = MAX_ENDS * 2;
export const SLOTS_AT: usize = (LINE_AT + LINE_CAPACITY + 64 + 7) & ~7;
export const RECORDS_AT: usize = SLOTS_AT + <usize>SLOT_COUNT * 8;
/** The quotes of the line being scanned (json.ts): a bit per byte, and room for a u64 read past the last. */
export const QUOTES_AT: usize = RECORDS_AT + <usize>MAX_ENDS * 16;
/** Lines taken by scanLines (lines.ts), up to MAX_LINES a call: LINE_STRIDE i32 each (LINE_* fields), after the offset past the last one's line feed. */
export const LINES_AT: usize = QUOTES_AT + (LINE_CAPACITY >> 3) + 16;
export const MAX_LINES: i32 = 512;
export const LINE_STRIDE: i32 = 8;
/** Per line: its start, its ends' ids, protocol (0 TCP, 1 UDP, 2 SCTP), port, observed verdict, whether a reply, its time's bounds (-1: none). */
export const LINE_START: i32 = 0;
export const LINE_SOURCE: i32 = 1;
export const LINE_DESTINATION: i32 = 2;
export const LINE_PROTOCOL: i32 = 3;
export const LINE_PORT: i32 = 4;
/** Observed verdict: 0 none, 1 FORWARDED, 2 DROPPED (OBSERVED_CODE); 3 a reply (nothing else of it is read). */
export const LINE_OBSERVED: i32 = 5;
export const LINE_TIME: i32 = 6;
/** The end of the fixed areas: asconfig.json's memoryBase (static data goes after it) must be at least this. */
export const FIXED_END: usize = LINES_AT + 16 + <usize>(MAX_LINES * LINE_STRIDE) * 4;
