import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture, hubbleMutation as mutation } from './test-support.js';
import { readHubbleLine, readParsedHubbleLine } from './hubble.js';
import { scanHubbleFlow } from './hubble-scan.js';

/** A line's record, or its error's class and message: what the report is made of. */
function outcome(read: (text: string, line: number) => unknown, text: string): unknown {
  try {
    return read(text, 7);
  } catch (error) {
    return { thrown: (error as Error).name, message: (error as Error).message };
  }
}

function expectSameReading(text: string): void {
  expect(outcome(readHubbleLine, text), text).toEqual(outcome(readParsedHubbleLine, text));
}

const text = fc.oneof(
  fc.constantFrom('', 'prod', 'L3_L4', 'L7', 'FORWARDED', 'DROPPED', 'INGRESS', 'EGRESS', 'POLICY_DENIED', 'TCP', '10.0.0.1', 'fd00::2', 'web-0'),
  fc.constantFrom('2024-05-14T09:21:07.412503109Z', '2024-05-14 09:21:07+02:00', '1715678467', 'yesterday', 'caf\u00e9', 'q"uote', 'back\\slash', 'line\nfeed', '\u{1f600}', '\ud800'),
  fc.string({ maxLength: 6 }),
);
const scalar = fc.oneof(text, fc.integer({ min: -2, max: 70000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const unknown = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), scalar, { maxKeys: 3 }));
/** Mostly the type a field has, sometimes anything. */
const field = <T>(usual: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: usual }, { weight: 1, arbitrary: unknown });

const labels = fc.array(fc.oneof(fc.constantFrom('k8s:app=web', 'k8s:tier=api', 'k8s:io.kubernetes.pod.namespace=prod', 'reserved:world', 'k8s:empty='), text), { maxLength: 4 });
const end = fc.record(
  {
    namespace: field(fc.constantFrom('prod', 'staging', '')),
    pod_name: field(fc.constantFrom('web-0', 'api-1', 'Bad_Name', '')),
    labels: field(labels),
    workloads: field(fc.array(fc.record({ name: field(fc.constantFrom('web', 'api', '')), kind: fc.constant('Deployment') }, { requiredKeys: [] }), { maxLength: 2 })),
    ID: fc.integer({ min: 1, max: 5000 }),
  },
  { requiredKeys: [] },
);
const ports = fc.record(
  {
    source_port: fc.integer({ min: 1, max: 65535 }),
    destination_port: field(fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(0, 65536, 80.5, 1e3))),
    flags: field(fc.record({ SYN: field(fc.boolean()), ACK: field(fc.boolean()), FIN: fc.boolean() }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);
const l4 = fc.oneof(
  fc.record({ TCP: field(ports) }, { requiredKeys: [] }),
  fc.record({ UDP: field(ports), ICMPv4: field(fc.record({ type: fc.integer({ min: 0, max: 8 }) })) }, { requiredKeys: [] }),
  fc.record({ ICMPv6: fc.record({ type: fc.nat(200) }), SCTP: field(ports), '7': fc.constant(1) }, { requiredKeys: [] }),
  unknown,
);
const flow = fc.record(
  {
    time: field(fc.constantFrom('2024-05-14T09:21:07.412503109Z', '2024-05-14T09:21:07Z', 'not a time', '', null)),
    verdict: field(fc.constantFrom('FORWARDED', 'DROPPED', 'REDIRECTED', 'constructor')),
    drop_reason_desc: field(fc.constantFrom('POLICY_DENIED', '')),
    ethernet: fc.record({ source: fc.constant('de:2b:58:91:0c:7e'), destination: text }),
    IP: field(fc.record({ source: field(fc.constantFrom('10.0.0.1', 'fd00::2', '', 'nope')), destination: field(fc.constantFrom('10.0.0.2', '2001:db8::1')), ipVersion: text }, { requiredKeys: [] })),
    l4: field(l4),
    source: field(end),
    destination: field(end),
    Type: field(fc.constantFrom('L3_L4', 'L3_L4', 'L7', 'SOCK', '')),
    event_type: fc.record({ type: fc.nat(10) }),
    traffic_direction: field(fc.constantFrom('INGRESS', 'EGRESS', 'TRAFFIC_DIRECTION_UNKNOWN')),
    is_reply: field(fc.boolean()),
    reply: field(fc.boolean()),
    Summary: text,
  },
  { requiredKeys: ['IP', 'l4', 'Type'] },
);

/** A flow line as Hubble prints it (wrapped or bare), its keys in any order, unknown fields anywhere. */
const line = fc
  .tuple(flow, fc.boolean(), fc.dictionary(fc.constantFrom('node_name', 'time', 'uuid', 'lost_events', 'x'), unknown, { maxKeys: 2 }), fc.integer())
  .map(([object, wrapped, extra, seed]) => {
    const shuffled = shuffle(object as Record<string, unknown>, seed);
    return JSON.stringify(wrapped ? shuffle({ flow: shuffled, ...extra }, seed + 1) : { ...shuffled, ...extra });
  });

function shuffle(object: Record<string, unknown>, seed: number): Record<string, unknown> {
  const entries = Object.entries(object);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.abs((seed * (i + 7)) | 0) % (i + 1);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries);
}

describe('the Hubble field scanner', () => {
  it('reads the fixtures as JSON.parse does, taking their flow lines', () => {
    let taken = 0;
    let lines = 0;
    for (const name of ['hubble-observe.jsonl', 'hubble-legacy.jsonl', 'hubble-malformed.jsonl']) {
      for (const text of Buffer.from(fixture(name)).toString('utf8').split('\n')) {
        if (text.trim() === '') continue;
        lines++;
        if (scanHubbleFlow(text) !== undefined) taken++;
        expectSameReading(text);
      }
    }
    // All but the other observer event and the malformed lines.
    expect(taken).toBe(lines - 4);
  });

  it('gives the same record or the same error as JSON.parse on random lines, spelled any way or broken', () => {
    let valid = 0;
    let taken = 0;
    fc.assert(
      fc.property(line, mutation, (text, mutate) => {
        const mutated = mutate(text);
        expectSameReading(mutated);
        if (mutated === text) {
          valid++;
          if (scanHubbleFlow(text) !== undefined) taken++;
        }
      }),
      { numRuns: 3000 },
    );
    // It cannot pass by leaving every line to JSON.parse.
    expect(taken).toBeGreaterThan(valid / 4);
  });

  it('leaves to JSON.parse what it does not take: escaped or repeated keys, odd ports, deep nesting, other events', () => {
    const base = JSON.stringify({ flow: { Type: 'L3_L4', IP: { source: '10.0.0.1', destination: '10.0.0.2' }, l4: { TCP: { destination_port: 80 } } } });
    expect(scanHubbleFlow(base)).toBeDefined();
    const given = [
      base.replace('"IP"', '"\\u0049P"'),
      base.replace('"Type":"L3_L4"', '"Type":"L7","Type":"L3_L4"'),
      base.replace('80', '8e1'),
      base.replace('80', '"80"'),
      base.replace('"TCP"', '"1":{},"TCP"'),
      base.replace('{"flow"', `{"deep":${'['.repeat(100)}${']'.repeat(100)},"flow"`),
      '{"lost_events":{"num_events_lost":"1"}}',
      '[]',
      `${base.slice(0, -1)}`,
    ];
    for (const text of given) {
      expect(scanHubbleFlow(text), text).toBeUndefined();
      expectSameReading(text);
    }
  });
});
