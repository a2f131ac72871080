/**
 * @module Flows to the core's binary records (layout.ts: FLOW_RECORD_BYTES): pod references become
 * pod indexes, IPs numbers, ad-hoc pods records with label bitsets over the image's dictionary.
 * Lookups and their error messages are the reference evaluator's (src/reference/endpoints.ts).
 */
import { NAMESPACE_NAME_LABEL, type Labels } from '../model/bundle.js';
import type { AdHocPod, EndpointSpec, Flow } from '../model/flow.js';
import { FlowError } from '../model/errors.js';
import { ipv6Words, parseIP, parseIPv4Number } from '../net/ip.js';
import type { ImageMetadata } from '../compile/compile.js';
import { labelEntries } from '../compile/label-bits.js';
import {
  ADHOC_HEADER_WORDS,
  ADHOC_MAX_PORTS,
  ADHOC_RECORD,
  ENDPOINT_BYTES,
  ENDPOINT_KIND,
  FLOW_RECORD,
  NAMED_PORT_ROW,
  NAMED_PORT_STRIDE,
  NONE,
  PROTOCOL_CODE,
} from '../compile/layout.js';

export class FlowEncoder {
  private readonly podByRef = new Map<string, number>();
  private readonly workloadsByName = new Map<string, number[]>();
  private readonly namespaceIds = new Map<string, number>();
  private readonly labelBits = new Map<string, number>();
  private readonly portNameIds = new Map<string, number>();
  readonly labelWords: number;
  /** Bytes of one ad-hoc record. */
  readonly adhocStride: number;

  constructor(private readonly metadata: ImageMetadata, labelWords: number) {
    metadata.pods.forEach((pod, i) => {
      this.podByRef.set(pod.ref, i);
      if (pod.workload) {
        const key = `${pod.namespace}/${pod.name}`;
        this.workloadsByName.set(key, [...(this.workloadsByName.get(key) ?? []), i]);
      }
    });
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
    const protocol = PROTOCOL_CODE[flow.protocol];
    view.setUint8(offset + FLOW_RECORD.PROTOCOL, protocol);
    view.setUint8(offset + FLOW_RECORD.RESERVED_1, 0);
    view.setUint16(offset + FLOW_RECORD.PORT, flow.port, true);
    view.setUint16(offset + FLOW_RECORD.RESERVED_2, 0, true);
    view.setUint8(offset + FLOW_RECORD.SRC_KIND, this.encodeEndpoint(flow.src, 'src', view, offset + FLOW_RECORD.SRC, adhocs));
    view.setUint8(offset + FLOW_RECORD.DST_KIND, this.encodeEndpoint(flow.dst, 'dst', view, offset + FLOW_RECORD.DST, adhocs));
  }

  private encodeEndpoint(spec: EndpointSpec, field: string, view: DataView, at: number, adhocs: AdhocTable): number {
    for (let i = 0; i < ENDPOINT_BYTES; i += 4) view.setUint32(at + i, 0, true);
    switch (spec.kind) {
      case 'ref':
        view.setUint32(at, this.findByRef(spec.ref, field), true);
        return ENDPOINT_KIND.POD;
      case 'ip': {
        // An address several pods claim is refused by the core (STATUS.AMBIGUOUS_*).
        const v4 = parseIPv4Number(spec.ip);
        if (v4 !== undefined) {
          view.setUint32(at, v4, true);
          return ENDPOINT_KIND.IPV4;
        }
        const ip = parseIP(spec.ip);
        if (!ip) throw new FlowError(`${field}: ${JSON.stringify(spec.ip)} is not an IP address`);
        if (ip.family === 4) {
          view.setUint32(at, Number(ip.value), true);
          return ENDPOINT_KIND.IPV4;
        }
        ipv6Words(ip.value).forEach((w, i) => view.setUint32(at + i * 4, w, true));
        return ENDPOINT_KIND.IPV6;
      }
      case 'adhoc':
        view.setUint32(at, adhocs.add(spec.pod), true);
        return ENDPOINT_KIND.ADHOC;
    }
  }

  private findByRef(ref: string, field: string): number {
    const exact = this.podByRef.get(ref);
    if (exact !== undefined) return exact;
    const workloads = this.workloadsByName.get(ref) ?? [];
    if (workloads.length === 1) return workloads[0]!;
    if (workloads.length > 1) {
      const refs = workloads.map((i) => this.metadata.pods[i]!.ref).join(', ');
      throw new FlowError(`${field}: ${JSON.stringify(ref)} names several workloads (${refs}); use one of those references`);
    }
    throw new FlowError(`${field}: no pod or workload ${JSON.stringify(ref)} in the bundle`);
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
