// Software prefetching for the batch loop. Deciding a flow the cache has not seen is a chain of
// dependent reads into the image (an address's hash slot, then its pod's row, then the row's rule
// lists), each a likely cache miss at M and L, so the core mostly waits. WebAssembly has no
// prefetch instruction, and a load the CPU must wait for blocks the instructions behind it once its
// reorder window is full; so the batch loop warms a group of records at a time, stage by stage,
// in tight loops of independent loads whose misses overlap one another: first every address's hash
// slot, then every pod's row (its first line) and the first entries of the rule lists the decision
// walks. Warming reads, never writes, and decides nothing: the verdicts are those of deciding cold.
// Every read stays inside the image or the address index (ids are checked as the decision checks
// them), so a bad record cannot trap here.
import {
  DIRECTION_COUNT, ENDPOINT_KIND_IPV4, ENDPOINT_KIND_IPV6, ENDPOINT_KIND_POD, FLOW_RECORD_BYTES, FLOW_RECORD_DST,
  FLOW_RECORD_DST_KIND, FLOW_RECORD_SRC, FLOW_RECORD_SRC_KIND, NONE, POD_FLAG_ISOLATED_EGRESS, POD_FLAG_ISOLATED_INGRESS,
  POD_ROW_EGRESS_RULES, POD_ROW_FLAGS, POD_ROW_INGRESS_RULES, POD_STRIDE, RULE_LIST_END, RULE_LIST_START,
} from './layout';
import { identityCount, podCount, pods, rowAt, selRules, v6High, v6Low, word } from './image';
import { ownerOfIPv4, ownerOfIPv6, v4SlotOf, v6SlotOf } from './address-index';

/** Where warming loads go: a global, so that no optimizer drops them as unused. */
let sink: u32 = 0;

/**
 * Pods below which warming does not pay: their rows (128 bytes each) fit the cache that a
 * batch of decisions keeps warm by itself, and warming would be only more instructions.
 */
const WARM_MIN_PODS: u32 = 4096;

/** Whether the loaded image is large enough for warming to pay (WARM_MIN_PODS). */
export function warmingPays(): bool {
  return podCount >= WARM_MIN_PODS;
}

/** Records warmed together at most. */
export const WARM_MAX: u32 = 16;
/** The rows of the group's ends (source, destination per record); 0 where an end is no pod. */
const endRows = new StaticArray<usize>(2 * WARM_MAX);

/** Warms the `count` (at most WARM_MAX) flow records at `flows` for deciding. */
export function warmRecords(flows: usize, count: u32): void {
  // More would write past endRows, unchecked: the debug build (test/batch-warming.test.ts) traps here.
  assert(count <= WARM_MAX);
  let seen: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const flow = flows + <usize>i * FLOW_RECORD_BYTES;
    seen ^= slotWord(<u32>load<u8>(flow + FLOW_RECORD_SRC_KIND), flow + FLOW_RECORD_SRC) ^
      slotWord(<u32>load<u8>(flow + FLOW_RECORD_DST_KIND), flow + FLOW_RECORD_DST);
  }
  // The slots are on their way or here: the owners, and the first line of each pod's row.
  for (let i: u32 = 0; i < count; i++) {
    const flow = flows + <usize>i * FLOW_RECORD_BYTES;
    const src = rowOf(<u32>load<u8>(flow + FLOW_RECORD_SRC_KIND), flow + FLOW_RECORD_SRC);
    const dst = rowOf(<u32>load<u8>(flow + FLOW_RECORD_DST_KIND), flow + FLOW_RECORD_DST);
    unchecked(endRows[2 * i] = src);
    unchecked(endRows[2 * i + 1] = dst);
    if (src != 0) seen ^= word(src, 0);
    if (dst != 0) seen ^= word(dst, 0);
  }
  // The first rule ids the decision reads where a policy isolates: the source's egress list, the
  // destination's ingress one. Cluster lists are shared by all pods (few lines, cached) and need none.
  for (let i: u32 = 0; i < count; i++) {
    const src = unchecked(endRows[2 * i]);
    const dst = unchecked(endRows[2 * i + 1]);
    if (src != 0) seen ^= listWord(src, POD_FLAG_ISOLATED_EGRESS, POD_ROW_EGRESS_RULES);
    if (dst != 0) seen ^= listWord(dst, POD_FLAG_ISOLATED_INGRESS, POD_ROW_INGRESS_RULES);
  }
  sink ^= seen;
}

function slotWord(kind: u32, at: usize): u32 {
  if (kind == ENDPOINT_KIND_IPV4) return load<u32>(v4SlotOf(load<u32>(at)));
  if (kind == ENDPOINT_KIND_IPV6) return load<u32>(v6SlotOf(v6High(at, 0), v6Low(at, 0)));
  return 0;
}

/** The row of the pod an end names or its address belongs to; 0 for anything else (or a bad id). */
function rowOf(kind: u32, at: usize): usize {
  let pod: u32 = NONE;
  if (kind == ENDPOINT_KIND_POD) pod = load<u32>(at);
  else if (kind == ENDPOINT_KIND_IPV4) pod = ownerOfIPv4(load<u32>(at));
  else if (kind == ENDPOINT_KIND_IPV6) pod = ownerOfIPv6(v6High(at, 0), v6Low(at, 0));
  return pod < podCount ? rowAt(pods, pod, POD_STRIDE) : 0;
}

/**
 * The first id of the row's rule list `rules` where a policy isolates its pod (flag `isolated`),
 * read in SEL_RULES as the decision reads it; 0 where none isolates it or the list is empty.
 */
function listWord(row: usize, isolated: u32, rules: u32): u32 {
  if ((word(row, POD_ROW_FLAGS) & isolated) == 0) return 0;
  const start = word(row, rules + RULE_LIST_START);
  if (start >= word(row, rules + RULE_LIST_END)) return 0;
  return word(selRules, DIRECTION_COUNT * identityCount + 1 + start);
}
