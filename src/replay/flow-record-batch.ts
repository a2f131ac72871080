/**
 * @module The records-first replay path's batch: well-formed flow lines written by the readers'
 * fast paths as the core's 40-byte flow records (one buffer per deciding engine, as each numbers
 * its own pods), with what the report needs of each line (line, observed verdict, times, its
 * distinct flow) in typed arrays: no object per line. A flow's verdict records are its service's
 * (flow-services.ts), never copied per line: a flow whose service was decided before is no flow
 * record for the cores, and the others' services keep the verdicts the cores give them.
 */
import { FLOW_RECORD, FLOW_RECORD_BYTES, STATUS, VERDICT_RECORD_BYTES } from '../compile/layout.js';
import { KEY, type EndpointRecords } from './flow-records.js';

const VERDICT_WORDS = VERDICT_RECORD_BYTES / 4;

/** What decides a batch's flow records (WasmEngine.decideRecordsInto). */
export interface RecordDecider {
  decideRecordsInto(records: Uint8Array, verdicts: Uint8Array): void;
}

/**
 * The fast flows of one batch, in reading order. Only flows whose service (flow-services.ts) was
 * not decided before are written as flow records, one after another, for the cores (decide);
 * after decide, every flow not refused reads its verdicts from its service (verdictsOf).
 */
export class FlowRecordBatch {
  size = 0;
  /** Flows whose verdicts are not known yet: their flow records, and the flows they belong to. */
  private misses = 0;
  private capacity = 1024;
  /** Per engine: flow records of the misses, and their verdict records. */
  private records: Uint8Array[];
  private recordWords: Uint32Array[];
  private missVerdicts: Uint32Array[];
  private missAt = new Int32Array(this.capacity);
  lines = new Int32Array(this.capacity);
  observed = new Uint8Array(this.capacity);
  times = new Float64Array(this.capacity);
  timeEnds = new Float64Array(this.capacity);
  /** Each flow's service in its table (FlowServices). */
  services = new Int32Array(this.capacity);
  /** The table each flow's endpoints are entries of, and its file: indexes of the batch's few (tableOf, fileOf). */
  tableIndexes = new Uint8Array(this.capacity);
  private fileIndexes = new Int32Array(this.capacity);
  private readonly tables: EndpointRecords[] = [];
  private readonly files: string[] = [];
  private lastTable = -1;
  private lastFile = -1;

  constructor(readonly engines: number) {
    this.records = Array.from({ length: engines }, () => new Uint8Array(this.capacity * FLOW_RECORD_BYTES));
    this.recordWords = this.records.map((r) => new Uint32Array(r.buffer));
    this.missVerdicts = Array.from({ length: engines }, () => new Uint32Array(this.capacity * VERDICT_WORDS));
  }

  /** Adds a flow of `service` (table.services), read at `line` of `file`. */
  add(file: string, table: EndpointRecords, service: number, line: number, observed: number, time: number, timeEnd: number): void {
    if (this.size === this.capacity) this.grow();
    const i = this.size++;
    const services = table.services;
    if (!services.known(service)) {
      this.writeRecords(table, services.srcOf(service), services.dstOf(service), services.protocolOf(service), services.portOf(service));
      this.missAt[this.misses++] = i;
    }
    this.lines[i] = line;
    this.observed[i] = observed;
    this.times[i] = time;
    this.timeEnds[i] = timeEnd;
    this.services[i] = service;
    this.tableIndexes[i] = this.lastTable >= 0 && this.tables[this.lastTable] === table ? this.lastTable : this.indexOfTable(table);
    this.fileIndexes[i] = this.lastFile >= 0 && this.files[this.lastFile] === file ? this.lastFile : this.indexOfFile(file);
  }

  /** Flow i's endpoint table, and its file. */
  tableOf(i: number): EndpointRecords {
    return this.tables[this.tableIndexes[i]!]!;
  }

  fileOf(i: number): string {
    return this.files[this.fileIndexes[i]!]!;
  }

  /** How many tables this batch's flows come from. */
  get tableCount(): number {
    return this.tables.length;
  }

  /** The table numbered `index` in this batch (tableIndexes). */
  table(index: number): EndpointRecords {
    return this.tables[index]!;
  }

  private indexOfTable(table: EndpointRecords): number {
    let index = this.tables.indexOf(table);
    if (index < 0) {
      // A table per decoder: a batch never meets more than a handful.
      if (this.tables.length > 0xff) throw new Error('replay bug: more than 256 endpoint tables in one batch');
      index = this.tables.push(table) - 1;
    }
    return (this.lastTable = index);
  }

  private indexOfFile(file: string): number {
    const last = this.files.length - 1;
    // Inputs are read one after another: only the last file is compared (a name met again is added again).
    return (this.lastFile = last >= 0 && this.files[last] === file ? last : this.files.push(file) - 1);
  }

  /** The next miss's flow record for each engine. */
  private writeRecords(table: EndpointRecords, src: number, dst: number, protocol: number, port: number): void {
    const at = this.misses * FLOW_RECORD_BYTES;
    for (let e = 0; e < this.engines; e++) {
      const bytes = this.records[e]!;
      const words = this.recordWords[e]!;
      // Bytes 2-7: protocol, reserved, port (little-endian), reserved.
      bytes[at + FLOW_RECORD.PROTOCOL] = protocol;
      bytes[at + FLOW_RECORD.RESERVED_1] = 0;
      words[(at + FLOW_RECORD.PORT) >> 2] = port;
      table.write(e, src, bytes, at + FLOW_RECORD.SRC_KIND, words, (at + FLOW_RECORD.SRC) >> 2);
      table.write(e, dst, bytes, at + FLOW_RECORD.DST_KIND, words, (at + FLOW_RECORD.DST) >> 2);
    }
  }

  /**
   * Decides the misses with `engines` (one per engine of the batch, in order); a service every
   * engine answered (status OK) keeps its verdicts, so that its next flows skip the cores, and
   * every flow of it in this batch reads them there (verdictsOf). A refused flow is never
   * remembered: its next flows are decided (and refused) again. The flows some engine refused:
   * in order (none was a hit).
   */
  decide(engines: readonly RecordDecider[]): number[] {
    const misses = this.misses;
    const refused: number[] = [];
    if (misses === 0) return refused;
    engines.forEach((engine, e) => {
      const verdicts = this.missVerdicts[e]!;
      engine.decideRecordsInto(this.records[e]!.subarray(0, misses * FLOW_RECORD_BYTES), new Uint8Array(verdicts.buffer, 0, misses * VERDICT_RECORD_BYTES));
    });
    for (let m = 0; m < misses; m++) {
      const i = this.missAt[m]!;
      let ok = true;
      for (let e = 0; e < this.engines; e++) ok &&= (this.missVerdicts[e]![m * VERDICT_WORDS]! & 0xff) === STATUS.OK;
      if (!ok) {
        refused.push(i);
        continue;
      }
      const services = this.tableOf(i).services;
      const service = this.services[i]!;
      for (let e = 0; e < this.engines; e++) services.remember(service, e, this.missVerdicts[e]!, m, e === this.engines - 1);
    }
    this.misses = 0;
    return refused;
  }

  /**
   * Engine e's verdict records of this batch's flows, by table (tableIndexes): flow i's is record
   * `services[i] * engines + e` of its table's (see verdictIndex). Valid for the flows not refused,
   * until the next flow is added.
   */
  verdictsOf(): Uint8Array[] {
    return this.tables.map((table) => table.services.verdictBytes());
  }

  /** Flow i's record for engine e in verdictsOf's arrays. */
  verdictIndex(i: number, e: number): number {
    return this.services[i]! * this.engines + e;
  }

  /** Flow i's entries, protocol code and port (its service's). */
  srcOf(i: number): number {
    return this.tableOf(i).services.srcOf(this.services[i]!);
  }

  dstOf(i: number): number {
    return this.tableOf(i).services.dstOf(this.services[i]!);
  }

  protocolOf(i: number): number {
    return this.tableOf(i).services.protocolOf(this.services[i]!);
  }

  portOf(i: number): number {
    return this.tableOf(i).services.portOf(this.services[i]!);
  }

  /** Flow i's endpoint texts, as a summary names them. */
  labelsOf(i: number): { src: string; dst: string } {
    const texts = this.tableOf(i).texts;
    return { src: texts[this.srcOf(i)]!, dst: texts[this.dstOf(i)]! };
  }

  /** Flow i's key in a summary's lists (KEY). */
  groupKeyOf(i: number, variant: number = KEY.GROUP): string {
    return this.tableOf(i).groupKey(this.services[i]!, variant);
  }

  /** Flow i's time and the end of its window, undefined when the line has none. */
  timeOf(i: number): number | undefined {
    const time = this.times[i]!;
    return Number.isNaN(time) ? undefined : time;
  }

  timeEndOf(i: number): number | undefined {
    const time = this.timeEnds[i]!;
    return Number.isNaN(time) ? undefined : time;
  }

  clear(): void {
    this.size = 0;
    this.misses = 0;
    this.tables.length = 0;
    this.files.length = 0;
    this.lastTable = -1;
    this.lastFile = -1;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const widen = <T extends Int32Array | Uint8Array | Uint32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.records = this.records.map((old) => widen(old, (n) => new Uint8Array(n * FLOW_RECORD_BYTES)));
    this.recordWords = this.records.map((r) => new Uint32Array(r.buffer));
    this.missVerdicts = this.missVerdicts.map(() => new Uint32Array(capacity * VERDICT_WORDS));
    this.missAt = widen(this.missAt, (n) => new Int32Array(n));
    this.lines = widen(this.lines, (n) => new Int32Array(n));
    this.observed = widen(this.observed, (n) => new Uint8Array(n));
    this.times = widen(this.times, (n) => new Float64Array(n));
    this.timeEnds = widen(this.timeEnds, (n) => new Float64Array(n));
    this.services = widen(this.services, (n) => new Int32Array(n));
    this.tableIndexes = widen(this.tableIndexes, (n) => new Uint8Array(n));
    this.fileIndexes = widen(this.fileIndexes, (n) => new Int32Array(n));
    this.capacity = capacity;
  }
}
