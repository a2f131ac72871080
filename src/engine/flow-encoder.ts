/**
 * @module Flows to the core's binary records (layout.ts: FLOW_RECORD_BYTES): endpoints resolved
 * (endpoints.ts) to pod indexes and addresses, ad-hoc pods to records with label bitsets over the
 * image's dictionary.
 */
import { NAMESPACE_NAME_LABEL, type Labels } from '../model/bundle.js';
import type { AdHocPod, Flow } from '../model/flow.js';
import { FlowError } from '../model/errors.js';
import type { ResolvedEndpoint } from '../model/pod-index.js';
import { ipv6Words } from '../net/ip.js';
import type { ImageMetadata } from '../compile/compile.js';
import { labelEntries } from '../compile/label-bits.js';
import { EndpointResolver } from './endpoints.js';
import {
  ADHOC_HEADER_WORDS,
  ADHOC_MAX_PORTS,
  ADHOC_RECORD,
  ENDPOINT_BYTES,
  ENDPOINT_KIND,
  FLOW_RECORD_BYTES,
  FLOW_RECORD,
  NAMED_PORT_ROW,
  NAMED_PORT_STRIDE,
  NONE,
  PROTOCOL_CODE,
} from '../compile/layout.js';

export class FlowEncoder {
  private readonly namespaceIds = new Map<string, number>();
  private readonly labelBits = new Map<string, number>();
  private readonly portNameIds = new Map<string, number>();
  readonly resolver: EndpointResolver;
  readonly labelWords: number;
  /** Bytes of one ad-hoc record. */
  readonly adhocStride: number;

  constructor(metadata: ImageMetadata, labelWords: number) {
    this.resolver = new EndpointResolver(metadata.pods);
    metadata.namespaces.forEach((name, i) => this.namespaceIds.set(name, i));
    metadata.labelEntries.forEach((entry, i) => this.labelBits.set(entry, i));
    metadata.portNames.forEach((name, i) => this.portNameIds.set(name, i));
    this.labelWords = labelWords;
    this.adhocStride = (ADHOC_HEADER_WORDS + 2 * labelWords) * 4;
  }

  /**
   * Writes `flow` as the record at `offset` of `view`. Ad-hoc endpoints are added to `adhocs`
   * (deduplicated by content) and referenced by their index there.
   */
  encode(flow: Flow, view: DataView, offset: number, adhocs: AdhocTable): void {
    writeFlowRecord(this.resolver, flow, view, offset, adhocs);
  }

  /** The ad-hoc record: namespace, named ports the image knows, and label bitsets. */
  writeAdhoc(pod: AdHocPod, words: Uint32Array): void {
    words.fill(0);
    const namespace = this.namespaceIds.get(pod.namespace);
    words[ADHOC_RECORD.NAMESPACE] = namespace ?? NONE;
    const ports = pod.ports.filter((p) => p.name !== undefined && this.portNameIds.has(p.name));
    if (ports.length > ADHOC_MAX_PORTS) {
      throw new FlowError(`an ad-hoc pod may name at most ${ADHOC_MAX_PORTS} ports that policies use`);
    }
    words[ADHOC_RECORD.PORT_COUNT] = ports.length;
    ports.forEach((p, i) => {
      const row = ADHOC_RECORD.PORTS + i * NAMED_PORT_STRIDE;
      words[row + NAMED_PORT_ROW.NAME] = this.portNameIds.get(p.name!)!;
      words[row + NAMED_PORT_ROW.PROTOCOL] = PROTOCOL_CODE[p.protocol];
      words[row + NAMED_PORT_ROW.PORT] = p.port;
    });
    if (namespace === undefined) {
      // A namespace the bundle does not know is implicit: labelled only with its name.
      const implicit: Record<string, string> = Object.create(null);
      implicit[NAMESPACE_NAME_LABEL] = pod.namespace;
      this.encodeLabels(implicit, words, ADHOC_HEADER_WORDS);
    }
    this.encodeLabels(pod.labels, words, ADHOC_HEADER_WORDS + this.labelWords);
  }

  private encodeLabels(labels: Labels, words: Uint32Array, at: number): void {
    for (const entry of labelEntries(labels)) {
      const bit = this.labelBits.get(entry);
      if (bit !== undefined) words[at + (bit >>> 5)]! |= 1 << (bit & 31);
    }
  }
}

/** Writes `flow` as the record at `offset`, its endpoints resolved by `resolver`. */
function writeFlowRecord(resolver: EndpointResolver, flow: Flow, view: DataView, offset: number, adhocs: AdhocTable): void {
  const protocol = PROTOCOL_CODE[flow.protocol];
  view.setUint8(offset + FLOW_RECORD.PROTOCOL, protocol);
  view.setUint8(offset + FLOW_RECORD.RESERVED_1, 0);
  view.setUint16(offset + FLOW_RECORD.PORT, flow.port, true);
  view.setUint16(offset + FLOW_RECORD.RESERVED_2, 0, true);
  view.setUint8(offset + FLOW_RECORD.SRC_KIND, encodeEndpoint(resolver.resolveEndpoint(flow.src, 'src'), view, offset + FLOW_RECORD.SRC, adhocs));
  view.setUint8(offset + FLOW_RECORD.DST_KIND, encodeEndpoint(resolver.resolveEndpoint(flow.dst, 'dst'), view, offset + FLOW_RECORD.DST, adhocs));
}

/**
 * Flows as flow records (the binary path's input), for callers that ship them to an engine. Throws
 * FlowError for a flow that cannot be resolved, or names an ad-hoc pod (it needs the batch's ad-hoc
 * table, which records do not carry: send such flows as JSON).
 */
export function encodeFlowRecords(resolver: EndpointResolver, flows: readonly Flow[]): Uint8Array {
  const out = new Uint8Array(flows.length * FLOW_RECORD_BYTES);
  const view = new DataView(out.buffer);
  const noAdhocs = new AdhocTable();
  flows.forEach((flow, i) => {
    writeFlowRecord(resolver, flow, view, i * FLOW_RECORD_BYTES, noAdhocs);
    if (noAdhocs.size > 0) throw new FlowError('ad-hoc endpoints have no binary encoding; send them as JSON');
  });
  return out;
}

/** One resolved endpoint as the 16 address bytes at `at`; returns its ENDPOINT_KIND. */
export function encodeEndpoint(endpoint: ResolvedEndpoint, view: DataView, at: number, adhocs: AdhocTable): number {
  for (let i = 0; i < ENDPOINT_BYTES; i += 4) view.setUint32(at + i, 0, true);
  switch (endpoint.kind) {
    case 'pod':
      view.setUint32(at, endpoint.index, true);
      return ENDPOINT_KIND.POD;
    // An address several pods claim is refused by the core (STATUS.AMBIGUOUS_*).
    case 'ipv4':
      view.setUint32(at, endpoint.value, true);
      return ENDPOINT_KIND.IPV4;
    case 'ipv6':
      ipv6Words(endpoint.value).forEach((w, i) => view.setUint32(at + i * 4, w, true));
      return ENDPOINT_KIND.IPV6;
    case 'adhoc':
      view.setUint32(at, adhocs.add(endpoint.pod), true);
      return ENDPOINT_KIND.ADHOC;
  }
}

/** The distinct ad-hoc pods of one batch, in the order they were first named. */
export class AdhocTable {
  readonly pods: AdHocPod[] = [];
  private readonly indexes = new Map<string, number>();

  add(pod: AdHocPod): number {
    const key = JSON.stringify([pod.namespace, Object.entries(pod.labels).sort(), pod.ports]);
    let index = this.indexes.get(key);
    if (index === undefined) {
      index = this.pods.length;
      this.indexes.set(key, index);
      this.pods.push(pod);
    }
    return index;
  }

  get size(): number {
    return this.pods.length;
  }

  clear(): void {
    this.pods.length = 0;
    this.indexes.clear();
  }
}
