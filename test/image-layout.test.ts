import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSEMBLY_LAYOUT_PATH, assemblyLayoutSource } from '../scripts/layout-assembly.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { ingestSources } from '../src/ingest/bundle.js';
import { compileBundle, hostIPFilterBit } from '../src/compile/compile.js';
import { parseIP } from '../src/net/ip.js';
import { COMPILER_VERSION, FORMAT_ID, formatIdText, layoutFormatId } from '../src/compile/format-id.js';
import { readImageHeader } from '../src/compile/image-header.js';
import { checksumWords } from '../src/compile/image-writer.js';
import * as layout from '../src/compile/layout.js';

const ROOT = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

describe('the layout definition', () => {
  it('is what the core was generated and built from', () => {
    // build:wasm regenerates the file before asc; a difference here means the core is stale.
    expect(read(ASSEMBLY_LAYOUT_PATH), 'core-as/assembly/layout.ts is stale: run npm run build:wasm').toBe(assemblyLayoutSource());
    for (const build of ['release', 'debug'] as const) {
      const core = new WebAssembly.Instance(loadCoreModule(build), {}).exports as { formatId(): number };
      expect(formatIdText(core.formatId() >>> 0), `the ${build} core reads another format: run npm run build:wasm`).toBe(formatIdText(FORMAT_ID));
    }
  });

  it('has every row field inside its row, and records inside their bytes', () => {
    const rows = Object.entries(layout).filter(([name]) => name.endsWith('_ROW')) as [string, Record<string, number>][];
    expect(rows.length).toBeGreaterThanOrEqual(14);
    for (const [name, fields] of rows) {
      const stride = (layout as Record<string, unknown>)[name.replace(/_ROW$/, '_STRIDE')];
      expect(stride, `${name} has a stride`).toBeTypeOf('number');
      for (const [field, at] of Object.entries(fields)) expect(at, `${name}.${field}`).toBeLessThan(stride as number);
    }
    expect(layout.RULE_ROW.MATCHER + layout.MATCHER_WORDS).toBe(layout.RULE_STRIDE);
    expect(layout.CLUSTER_RULE_ROW.MATCHER + layout.MATCHER_WORDS).toBe(layout.CLUSTER_RULE_STRIDE);
    expect(Math.max(...Object.values(layout.MATCHER))).toBe(layout.MATCHER_WORDS - 1);
    expect(layout.POD_ROW.IPV6 + layout.IPV6_WORDS).toBeLessThanOrEqual(layout.POD_STRIDE);
    for (const at of Object.values(layout.FLOW_RECORD)) expect(at).toBeLessThan(layout.FLOW_RECORD_BYTES);
    expect(layout.FLOW_RECORD.DST + layout.ENDPOINT_BYTES).toBe(layout.FLOW_RECORD_BYTES);
    expect(layout.VERDICT_RECORD.INGRESS_PASSED + 4).toBe(layout.VERDICT_RECORD_BYTES);
    expect(layout.HEADER.SECTION_COUNT + 4).toBe(layout.HEADER_BYTES);
    expect(layout.HEADER.COMPILER_VERSION + layout.COMPILER_VERSION_BYTES).toBe(layout.HEADER.SECTION_COUNT);
  });

  it('gives a format id that changes with any constant or the revision', () => {
    expect(layoutFormatId()).toBe(FORMAT_ID);
    expect(FORMAT_ID).not.toBe(1); // the format version every image had before format ids
    expect(layoutFormatId({ ...layout, POD_STRIDE: layout.POD_STRIDE + 1 })).not.toBe(FORMAT_ID);
    expect(layoutFormatId({ ...layout, POD_ROW: { ...layout.POD_ROW, FLAGS: 2, IPV4: 1 } })).not.toBe(FORMAT_ID);
    expect(layoutFormatId({ ...layout, LAYOUT_REVISION: layout.LAYOUT_REVISION + 1 })).not.toBe(FORMAT_ID);
  });

  it('writes the format id and the compiler version in the header', () => {
    const { image } = compileBundle(fixtureBundle());
    expect(readImageHeader(image)).toEqual({ formatId: FORMAT_ID, compilerVersion: COMPILER_VERSION, current: true });
    expect(COMPILER_VERSION).toBe((JSON.parse(read('package.json')) as { version: string }).version);
    const older = image.slice();
    new DataView(older.buffer).setUint32(layout.HEADER.FORMAT_ID, 1, true);
    expect(readImageHeader(older)).toMatchObject({ formatId: 1, current: false });
  });
});

/** What a decided flow's pods cost in cache lines: the image's side of the core's memory layout. */
describe('the cache-line layout', () => {
  it('keeps pod rows whole lines, with what every decision reads in the first', () => {
    expect((layout.POD_STRIDE * 4) % layout.SECTION_ALIGN_BYTES).toBe(0);
    expect(layout.POD_HOT_WORDS * 4).toBe(layout.SECTION_ALIGN_BYTES);
    const hot = { ...layout.POD_ROW } as Record<string, number>;
    delete hot.IPV6;
    for (const [field, at] of Object.entries(hot)) expect(at, field).toBeLessThan(layout.POD_HOT_WORDS);
    for (const list of [layout.POD_ROW.INGRESS_RULES, layout.POD_ROW.EGRESS_RULES]) {
      expect(list + layout.RULE_LIST.END).toBeLessThan(layout.POD_HOT_WORDS);
    }
  });

  it('starts every section of a compiled image on a line', () => {
    const image = compileBundle(fixtureBundle()).image;
    const view = new DataView(image.buffer, image.byteOffset);
    const count = view.getUint32(layout.HEADER.SECTION_COUNT, true);
    expect(count).toBeGreaterThan(20);
    for (let i = 0; i < count; i++) {
      const offset = view.getUint32(layout.HEADER_BYTES + i * layout.SECTION_ENTRY_BYTES + layout.SECTION_ENTRY.OFFSET, true);
      expect(offset % layout.SECTION_ALIGN_BYTES, `section entry ${i}`).toBe(0);
    }
  });

  it("gives each pod row a host IP filter with the bit of each of the pod's host addresses", () => {
    const bundle = fixtureBundle();
    const image = compileBundle(bundle).image;
    const view = new DataView(image.buffer, image.byteOffset);
    const count = view.getUint32(layout.HEADER.SECTION_COUNT, true);
    let pods = 0;
    for (let i = 0; i < count; i++) {
      const entry = layout.HEADER_BYTES + i * layout.SECTION_ENTRY_BYTES;
      if (view.getUint32(entry + layout.SECTION_ENTRY.ID, true) === layout.SECTION.PODS) pods = view.getUint32(entry + layout.SECTION_ENTRY.OFFSET, true);
    }
    const withHosts = bundle.pods.filter((pod) => pod.hostIPs.length > 0);
    expect(withHosts.length).toBeGreaterThan(0);
    bundle.pods.forEach((pod, i) => {
      const filter = view.getUint32(pods + (i * layout.POD_STRIDE + layout.POD_ROW.HOST_IP_FILTER) * 4, true);
      const bits = pod.hostIPs.reduce((all, text) => (all | hostIPFilterBit(parseIP(text)!)) >>> 0, 0);
      expect(filter, pod.name).toBe(bits);
      for (const text of pod.hostIPs) expect(hostIPFilterBit(parseIP(text)!), text).not.toBe(0);
    });
  });

  it('has the core allocate on lines and refuse a section off a line', () => {
    const core = new WebAssembly.Instance(loadCoreModule('release'), {}).exports as {
      allocate(bytes: number): number;
      load(image: number, length: number): number;
      memory: WebAssembly.Memory;
    };
    for (const bytes of [1, 13, 64, 100, 4099]) expect(core.allocate(bytes) % layout.SECTION_ALIGN_BYTES, `${bytes} bytes`).toBe(0);
    const image = compileBundle(fixtureBundle()).image.slice();
    const view = new DataView(image.buffer);
    // The last section's entry moved 4 bytes on: still inside the image and word-aligned, off a line.
    const last = layout.HEADER_BYTES + (view.getUint32(layout.HEADER.SECTION_COUNT, true) - 1) * layout.SECTION_ENTRY_BYTES;
    view.setUint32(last + layout.SECTION_ENTRY.OFFSET, view.getUint32(last + layout.SECTION_ENTRY.OFFSET, true) + 4, true);
    view.setUint32(last + layout.SECTION_ENTRY.LENGTH, view.getUint32(last + layout.SECTION_ENTRY.LENGTH, true) - 4, true);
    view.setUint32(layout.HEADER.CHECKSUM, checksumWords(new Uint32Array(image.buffer), layout.CHECKSUM_FROM / 4), true);
    const at = core.allocate(image.length);
    new Uint8Array(core.memory.buffer, at, image.length).set(image);
    expect(core.load(at, image.length)).toBe(-layout.LOAD_ERROR.BAD_SECTION_TABLE);
  });
});

/**
 * The guard against a layout change that the format id does not see (a field reinterpreted, rows
 * written in another order): the image of a fixed bundle is pinned with the format id. Compiler
 * version and checksum are left out of the hash (the version changes at every release).
 */
describe('the pinned image format', () => {
  const FIXTURE = 'test/fixtures/image-format.json';

  it('changes the image only with the format id', () => {
    const actual = { formatId: formatIdText(FORMAT_ID), imageSha256: pinnedHash(compileBundle(fixtureBundle()).image) };
    if (process.env.UPDATE_IMAGE_FORMAT_FIXTURE === '1') writeFileSync(new URL(FIXTURE, ROOT), `${JSON.stringify(actual, null, 2)}\n`);
    const pinned = JSON.parse(read(FIXTURE)) as typeof actual;
    if (pinned.formatId === actual.formatId && pinned.imageSha256 !== actual.imageSha256) {
      throw new Error(
        'The compiled image changed but the format id did not. If what a field means or the order of rows changed, ' +
          'bump LAYOUT_REVISION in src/compile/layout.ts (stored images are then recompiled, never misread); if the ' +
          `bytes changed without any change of meaning, re-pin: UPDATE_IMAGE_FORMAT_FIXTURE=1 npx vitest run src/compile/layout.test.ts`,
      );
    }
    if (pinned.formatId !== actual.formatId) {
      throw new Error(
        `The format id changed (${pinned.formatId} -> ${actual.formatId}): the layout changed, and stored images of the old ` +
          'format will be recompiled on first use. Re-pin the fixture with UPDATE_IMAGE_FORMAT_FIXTURE=1 npx vitest run src/compile/layout.test.ts',
      );
    }
    expect(actual).toEqual(pinned);
  });
});

const FIXTURE_FILES = [
  'examples/demo-cluster.yaml',
  'examples/article/1-default-deny-ingress.yaml',
  'examples/article/3-default-deny-egress.yaml',
  'examples/article/5-ns1-from-ns3-tcp-80.yaml',
  'examples/tiers/admin-guard.yaml',
  'test/fixtures/image-format/extras.yaml',
];

function fixtureBundle() {
  const result = ingestSources(FIXTURE_FILES.map((name) => ({ name, text: read(name) })));
  if (!result.bundle) throw new Error('the image-format fixture bundle does not ingest');
  return result.bundle;
}

function pinnedHash(image: Uint8Array): string {
  const copy = image.slice();
  copy.fill(0, layout.HEADER.COMPILER_VERSION, layout.HEADER.COMPILER_VERSION + layout.COMPILER_VERSION_BYTES);
  new DataView(copy.buffer).setUint32(layout.HEADER.CHECKSUM, 0, true);
  return createHash('sha256').update(copy).digest('hex');
}
