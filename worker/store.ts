/**
 * @module BundleStore: one Durable Object (SQLite storage) holding every bundle's versions and its
 * active pointer. Chosen for consistency: a version's image, canonical bundle, published manifests
 * and row are written in one transaction, so a reader never sees a half-written version; the
 * active pointer changes in a transaction that can compare before it swaps. Versions are immutable
 * and content-addressed (the id is the canonical bundle's SHA-256); blobs are chunked under
 * SQLite's row limit. The image is derived data: it can be rewritten from the canonical bundle
 * (docs/storage.md). The schema is migrations.ts' ordered list.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Mode } from './audit.js';
import { formatIdText } from '../src/compile/format-id.js';
import { readImageHeader } from '../src/compile/image-header.js';
import { HEADER_BYTES } from '../src/compile/layout.js';
import type { Env } from './env.js';
import { migrate } from './migrations.js';

/** Bytes per blob chunk: well under the 2 MB a SQLite row may hold in a Durable Object. */
const CHUNK_BYTES = 1024 * 1024;

/** The chunked blobs: a version's image and canonical bundle (per content), its manifests (per bundle). */
export type BlobKind = 'image' | 'canonical' | 'manifests';

const BLOB_TABLES: Readonly<Record<BlobKind, { table: string; perBundle: boolean }>> = {
  image: { table: 'images', perBundle: false },
  canonical: { table: 'canonical_bundles', perBundle: false },
  manifests: { table: 'manifests', perBundle: true },
};

export interface VersionInfo {
  readonly version: string;
  readonly createdAt: string;
  readonly bytes: number;
  readonly counts: unknown;
  readonly warnings: unknown[];
  /** `enforce`, or `audit`: denials are answered as allowed, flagged and logged. */
  readonly mode: Mode;
  /**
   * No canonical bundle is stored (a version published before they were): its image cannot be
   * rebuilt after an upgrade of the image format. Publishing the same content again repairs it.
   */
  readonly needsRepublish: boolean;
  /** The manifests as published: their media type and size, or null when they were not kept. */
  readonly manifests: { readonly type: string; readonly bytes: number } | null;
  /**
   * The stored image's format id and compiler; `current` false: it is recompiled from the canonical
   * bundle on first use. Null when no image is stored.
   */
  readonly image: { readonly formatId: string; readonly compilerVersion: string; readonly current: boolean } | null;
}

export interface BundleInfo {
  readonly name: string;
  readonly active: string | null;
  /** Increments at every change of the active pointer: a reader can tell two states apart. */
  readonly generation: number;
  readonly updatedAt: string;
  readonly versions: readonly VersionInfo[];
}

export interface PutVersionInput {
  readonly name: string;
  readonly version: string;
  readonly image: ArrayBuffer;
  /** gzip of the canonical bundle's JSON (src/model/serialize.ts bundleToJSON). */
  readonly canonical: ArrayBuffer;
  /** gzip of the request body as published, its media type and its uncompressed size. */
  readonly manifests: { readonly gzip: ArrayBuffer; readonly type: string; readonly bytes: number };
  readonly counts: unknown;
  readonly warnings: unknown[];
  readonly activate: boolean;
  /** Sets the version's mode; when absent a new version enforces and a known one keeps its mode. */
  readonly mode?: Mode;
}

export interface PutVersionResult {
  /** False when this bundle already had this version (an idempotent re-upload). */
  readonly created: boolean;
  readonly active: string | null;
  /** The version's mode after this call. */
  readonly mode: Mode;
  /** What an upload of known content replaced or filled in: a stale image, a missing blob. */
  readonly repaired: readonly BlobKind[];
}

export type ActivateResult =
  | { readonly ok: true; readonly active: string; readonly previous: string | null; readonly generation: number }
  | { readonly ok: false; readonly reason: 'no-bundle' | 'no-version' | 'conflict'; readonly active?: string | null };

export interface ActivePointer {
  readonly version: string;
  readonly generation: number;
  readonly mode: Mode;
}

export class BundleStore extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(this.sql, (run) => ctx.storage.transactionSync(run));
  }

  /**
   * Stores a version (its image and canonical bundle once per content, its manifests once per
   * bundle) and activates it if asked, atomically. Known content is repaired: an image that differs
   * from the one just compiled (an older format) is replaced, a missing blob is filled in.
   */
  putVersion(input: PutVersionInput): PutVersionResult {
    return this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      const known = this.sql.exec('SELECT 1 FROM versions WHERE name = ? AND version = ?', input.name, input.version).toArray();
      const repaired: BlobKind[] = [];
      const hadImage = this.chunkCount('image', input.version) > 0;
      if (!this.sameBlob('image', input.version, new Uint8Array(input.image))) {
        this.writeBlob('image', input.version, input.image);
        if (hadImage) repaired.push('image');
      }
      if (this.chunkCount('canonical', input.version) === 0) {
        this.writeBlob('canonical', input.version, input.canonical);
        if (hadImage) repaired.push('canonical');
      }
      if (known.length === 0) {
        this.sql.exec(
          `INSERT INTO versions (name, version, created_at, bytes, counts, warnings, manifests_type, manifests_bytes, mode)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          input.name,
          input.version,
          now,
          input.image.byteLength,
          JSON.stringify(input.counts),
          JSON.stringify(input.warnings),
          input.manifests.type,
          input.manifests.bytes,
          input.mode ?? 'enforce',
        );
      } else if (input.mode !== undefined) {
        this.sql.exec('UPDATE versions SET mode = ? WHERE name = ? AND version = ?', input.mode, input.name, input.version);
      }
      if (this.chunkCount('manifests', input.version, input.name) === 0) {
        this.writeBlob('manifests', input.version, input.manifests.gzip, input.name);
        this.sql.exec(
          'UPDATE versions SET manifests_type = ?, manifests_bytes = ? WHERE name = ? AND version = ?',
          input.manifests.type,
          input.manifests.bytes,
          input.name,
          input.version,
        );
        if (known.length > 0) repaired.push('manifests');
      }
      this.sql.exec('UPDATE versions SET bytes = ? WHERE version = ?', input.image.byteLength, input.version);
      const bundle = this.sql.exec<{ active: string | null }>('SELECT active FROM bundles WHERE name = ?', input.name).toArray()[0];
      if (!bundle) {
        this.sql.exec(
          'INSERT INTO bundles (name, active, generation, updated_at) VALUES (?, ?, ?, ?)',
          input.name,
          input.activate ? input.version : null,
          input.activate ? 1 : 0,
          now,
        );
      } else if (input.activate && bundle.active !== input.version) {
        this.sql.exec(
          'UPDATE bundles SET active = ?, generation = generation + 1, updated_at = ? WHERE name = ?',
          input.version,
          now,
          input.name,
        );
      }
      const active = this.sql.exec<{ active: string | null }>('SELECT active FROM bundles WHERE name = ?', input.name).one().active;
      const mode = this.sql.exec<{ mode: Mode }>('SELECT mode FROM versions WHERE name = ? AND version = ?', input.name, input.version).one().mode;
      return { created: known.length === 0, active, mode, repaired };
    });
  }

  /**
   * Replaces a version's image with one recompiled from its canonical bundle (after an upgrade of
   * the image format). False when no bundle has the version any more (it was deleted meanwhile).
   */
  replaceImage(version: string, image: ArrayBuffer): boolean {
    return this.ctx.storage.transactionSync(() => {
      if (this.sql.exec('SELECT 1 FROM versions WHERE version = ? LIMIT 1', version).toArray().length === 0) return false;
      this.writeBlob('image', version, image);
      this.sql.exec('UPDATE versions SET bytes = ? WHERE version = ?', image.byteLength, version);
      return true;
    });
  }

  /**
   * Points the bundle at one of its versions: rollback and roll-forward. With `ifActive`, only when
   * the current pointer is that version (compare-and-swap).
   */
  activate(name: string, version: string, ifActive?: string | null): ActivateResult {
    return this.ctx.storage.transactionSync((): ActivateResult => {
      const bundle = this.sql.exec<{ active: string | null }>('SELECT active FROM bundles WHERE name = ?', name).toArray()[0];
      if (!bundle) return { ok: false, reason: 'no-bundle' };
      if (ifActive !== undefined && bundle.active !== ifActive) return { ok: false, reason: 'conflict', active: bundle.active };
      const exists = this.sql.exec('SELECT 1 FROM versions WHERE name = ? AND version = ?', name, version).toArray();
      if (exists.length === 0) return { ok: false, reason: 'no-version' };
      if (bundle.active !== version) {
        this.sql.exec('UPDATE bundles SET active = ?, generation = generation + 1, updated_at = ? WHERE name = ?', version, Date.now(), name);
      }
      const generation = this.sql.exec<{ generation: number }>('SELECT generation FROM bundles WHERE name = ?', name).one().generation;
      return { ok: true, active: version, previous: bundle.active, generation };
    });
  }

  active(name: string): ActivePointer | null {
    const row = this.sql
      .exec<{ active: string | null; generation: number; mode: Mode | null }>(
        `SELECT b.active AS active, b.generation AS generation, v.mode AS mode
         FROM bundles b LEFT JOIN versions v ON v.name = b.name AND v.version = b.active WHERE b.name = ?`,
        name,
      )
      .toArray()[0];
    return row?.active ? { version: row.active, generation: row.generation, mode: row.mode ?? 'enforce' } : null;
  }

  /** Changes a version's mode (the active one when `version` is null). */
  setMode(name: string, version: string | null, mode: Mode): { ok: true; version: string } | { ok: false; reason: 'no-bundle' | 'no-version' } {
    return this.ctx.storage.transactionSync(() => {
      const bundle = this.sql.exec<{ active: string | null }>('SELECT active FROM bundles WHERE name = ?', name).toArray()[0];
      if (!bundle) return { ok: false, reason: 'no-bundle' } as const;
      const target = version ?? bundle.active;
      const exists = target !== null && this.sql.exec('SELECT 1 FROM versions WHERE name = ? AND version = ?', name, target).toArray().length > 0;
      if (!exists) return { ok: false, reason: 'no-version' } as const;
      this.sql.exec('UPDATE versions SET mode = ? WHERE name = ? AND version = ?', mode, name, target);
      return { ok: true, version: target } as const;
    });
  }

  describe(name: string): BundleInfo | null {
    const bundle = this.sql
      .exec<{ active: string | null; generation: number; updated_at: number }>(
        'SELECT active, generation, updated_at FROM bundles WHERE name = ?',
        name,
      )
      .toArray()[0];
    if (!bundle) return null;
    const versions = this.sql
      .exec<VersionRow>(
        `SELECT version, created_at, bytes, counts, warnings, mode, manifests_type, manifests_bytes,
                EXISTS (SELECT 1 FROM canonical_bundles c WHERE c.version = v.version) AS canonical,
                (SELECT substr(i.data, 1, ${HEADER_BYTES}) FROM images i WHERE i.version = v.version AND i.seq = 0) AS image_header
         FROM versions v WHERE name = ? ORDER BY created_at, version`,
        name,
      )
      .toArray()
      .map((v) => ({
        version: v.version,
        createdAt: new Date(v.created_at).toISOString(),
        bytes: v.bytes,
        counts: JSON.parse(v.counts) as unknown,
        warnings: JSON.parse(v.warnings) as unknown[],
        mode: v.mode,
        needsRepublish: v.canonical === 0,
        manifests: v.manifests_type === null ? null : { type: v.manifests_type, bytes: v.manifests_bytes ?? 0 },
        image: imageInfo(v.image_header),
      }));
    return {
      name,
      active: bundle.active,
      generation: bundle.generation,
      updatedAt: new Date(bundle.updated_at).toISOString(),
      versions,
    };
  }

  list(): { name: string; active: string | null; versions: number; updatedAt: string }[] {
    return this.sql
      .exec<{ name: string; active: string | null; updated_at: number; versions: number }>(
        `SELECT b.name AS name, b.active AS active, b.updated_at AS updated_at,
                (SELECT COUNT(*) FROM versions v WHERE v.name = b.name) AS versions
         FROM bundles b ORDER BY b.name`,
      )
      .toArray()
      .map((r) => ({ name: r.name, active: r.active, versions: r.versions, updatedAt: new Date(r.updated_at).toISOString() }));
  }

  /** Number of chunks of a stored blob (0: none). `name` only for the per-bundle manifests. */
  chunkCount(kind: BlobKind, version: string, name = ''): number {
    const { table, perBundle } = BLOB_TABLES[kind];
    const where = perBundle ? 'version = ? AND name = ?' : 'version = ?';
    return this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, ...blobKey(kind, version, name)).one().n;
  }

  chunk(kind: BlobKind, version: string, seq: number, name = ''): ArrayBuffer {
    const { table, perBundle } = BLOB_TABLES[kind];
    const where = perBundle ? 'version = ? AND name = ? AND seq = ?' : 'version = ? AND seq = ?';
    const row = this.sql.exec<{ data: ArrayBuffer }>(`SELECT data FROM ${table} WHERE ${where}`, ...blobKey(kind, version, name), seq).toArray()[0];
    if (!row) throw new Error(`${kind} chunk ${seq} of ${version} is missing`);
    return row.data;
  }

  /** The media type the version's manifests were published with; null when none are kept. */
  manifestsType(name: string, version: string): string | null | undefined {
    const row = this.sql
      .exec<{ manifests_type: string | null }>('SELECT manifests_type FROM versions WHERE name = ? AND version = ?', name, version)
      .toArray()[0];
    return row === undefined ? undefined : row.manifests_type;
  }

  /** Replaces a blob with `data`, in chunks (inside the caller's transaction). */
  private writeBlob(kind: BlobKind, version: string, data: ArrayBuffer, name = ''): void {
    const { table, perBundle } = BLOB_TABLES[kind];
    const key = blobKey(kind, version, name);
    this.sql.exec(`DELETE FROM ${table} WHERE ${perBundle ? 'version = ? AND name = ?' : 'version = ?'}`, ...key);
    const columns = perBundle ? 'version, name, seq, data' : 'version, seq, data';
    const marks = perBundle ? '?, ?, ?, ?' : '?, ?, ?';
    const bytes = new Uint8Array(data);
    for (let seq = 0, at = 0; at < bytes.length || seq === 0; seq++, at += CHUNK_BYTES) {
      this.sql.exec(`INSERT INTO ${table} (${columns}) VALUES (${marks})`, ...key, seq, bytes.slice(at, at + CHUNK_BYTES));
    }
  }

  /** The stored blob has exactly these bytes. */
  private sameBlob(kind: BlobKind, version: string, bytes: Uint8Array, name = ''): boolean {
    const chunks = this.chunkCount(kind, version, name);
    if (chunks === 0) return false;
    let at = 0;
    for (let seq = 0; seq < chunks; seq++) {
      const part = new Uint8Array(this.chunk(kind, version, seq, name));
      if (at + part.length > bytes.length) return false;
      for (let i = 0; i < part.length; i++) if (part[i] !== bytes[at + i]) return false;
      at += part.length;
    }
    return at === bytes.length;
  }

  /** Deletes a bundle and its versions; images and canonical bundles no other bundle uses go too. */
  remove(name: string): boolean {
    return this.ctx.storage.transactionSync(() => {
      const existed = this.sql.exec('SELECT 1 FROM bundles WHERE name = ?', name).toArray().length > 0;
      this.sql.exec('DELETE FROM bundles WHERE name = ?', name);
      this.sql.exec('DELETE FROM versions WHERE name = ?', name);
      this.sql.exec('DELETE FROM manifests WHERE name = ?', name);
      this.sql.exec('DELETE FROM images WHERE version NOT IN (SELECT version FROM versions)');
      this.sql.exec('DELETE FROM canonical_bundles WHERE version NOT IN (SELECT version FROM versions)');
      return existed;
    });
  }

  ping(): true {
    return true;
  }
}

interface VersionRow extends Record<string, SqlStorageValue> {
  version: string;
  created_at: number;
  bytes: number;
  counts: string;
  warnings: string;
  mode: Mode;
  manifests_type: string | null;
  manifests_bytes: number | null;
  canonical: number;
  image_header: ArrayBuffer | null;
}

function imageInfo(head: ArrayBuffer | null): VersionInfo['image'] {
  const header = head === null ? null : readImageHeader(new Uint8Array(head));
  if (head === null) return null;
  if (header === null) return { formatId: 'unknown', compilerVersion: 'unknown', current: false };
  return { formatId: formatIdText(header.formatId), compilerVersion: header.compilerVersion, current: header.current };
}

function blobKey(kind: BlobKind, version: string, name: string): string[] {
  return BLOB_TABLES[kind].perBundle ? [version, name] : [version];
}
