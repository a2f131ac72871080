import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSEMBLY_LAYOUT_PATH, assemblyLayoutSource } from '../scripts/layout-assembly.js';
import { loadCoreModule } from '../src/engine/node-core.js';
import { ingestSources } from '../src/ingest/bundle.js';
import { compileBundle } from '../src/compile/compile.js';
import { COMPILER_VERSION, FORMAT_ID, formatIdText, layoutFormatId } from '../src/compile/format-id.js';
import { readImageHeader } from '../src/compile/image-header.js';
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
    expect(layout.POD_ROW.BASELINE_EGRESS_RULES + layout.RULE_LIST.END).toBe(layout.POD_STRIDE - 1);
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
