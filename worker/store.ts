/**
 * @module BundleStore: one Durable Object (SQLite storage) holding every bundle's versions and its
 * active pointer. Chosen for consistency: a version's image chunks and its row are written in one
 * transaction, so a reader never sees a half-written version; the active pointer changes in a
 * transaction that can compare before it swaps. Versions are immutable and content-addressed (the
 * id is the canonical bundle's SHA-256), and images are chunked under SQLite's row limit.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Mode } from './audit.js';
import type { Env } from './env.js';

/** Bytes per image chunk: well under the 2 MB a SQLite row may hold in a Durable Object. */
const CHUNK_BYTES = 1024 * 1024;

export interface VersionInfo {
  readonly version: string;
  readonly createdAt: string;
  readonly bytes: number;
  readonly counts: unknown;
  readonly warnings: unknown[];
  /** `enforce`, or `audit`: denials are answered as allowed, flagged and logged. */
  readonly mode: Mode;
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
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS bundles (
        name TEXT PRIMARY KEY, active TEXT, generation INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS versions (
        name TEXT NOT NULL, version TEXT NOT NULL, created_at INTEGER NOT NULL, bytes INTEGER NOT NULL,
        counts TEXT NOT NULL, warnings TEXT NOT NULL, PRIMARY KEY (name, version));
      CREATE TABLE IF NOT EXISTS images (
        version TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (version, seq));
    `);
    this.addModeColumn();
  }

  /** Migration: versions stored before audit mode existed enforce. */
  private addModeColumn(): void {
    const columns = this.sql.exec<{ name: string }>('PRAGMA table_info(versions)').toArray();
    if (!columns.some((c) => c.name === 'mode')) this.sql.exec("ALTER TABLE versions ADD COLUMN mode TEXT NOT NULL DEFAULT 'enforce'");
  }

  /** Stores a version (and its image, once per content) and activates it if asked, atomically. */
  putVersion(input: PutVersionInput): PutVersionResult {
    return this.ctx.storage.transactionSync(() => {
      const now = Date.now();
      const known = this.sql.exec('SELECT 1 FROM versions WHERE name = ? AND version = ?', input.name, input.version).toArray();
      const haveImage = this.sql.exec('SELECT 1 FROM images WHERE version = ? LIMIT 1', input.version).toArray().length > 0;
      if (!haveImage) {
        const bytes = new Uint8Array(input.image);
        for (let seq = 0, at = 0; at < bytes.length || seq === 0; seq++, at += CHUNK_BYTES) {
          this.sql.exec('INSERT INTO images (version, seq, data) VALUES (?, ?, ?)', input.version, seq, bytes.slice(at, at + CHUNK_BYTES));
        }
      }
      if (known.length === 0) {
        this.sql.exec(
          'INSERT INTO versions (name, version, created_at, bytes, counts, warnings, mode) VALUES (?, ?, ?, ?, ?, ?, ?)',
          input.name,
          input.version,
          now,
          input.image.byteLength,
          JSON.stringify(input.counts),
          JSON.stringify(input.warnings),
          input.mode ?? 'enforce',
        );
      } else if (input.mode !== undefined) {
        this.sql.exec('UPDATE versions SET mode = ? WHERE name = ? AND version = ?', input.mode, input.name, input.version);
      }
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
      return { created: known.length === 0, active, mode };
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
      .exec<{ version: string; created_at: number; bytes: number; counts: string; warnings: string; mode: Mode }>(
        'SELECT version, created_at, bytes, counts, warnings, mode FROM versions WHERE name = ? ORDER BY created_at, version',
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

  /** Number of chunks of a version's image (0: no such image). */
  imageChunks(version: string): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM images WHERE version = ?', version).one().n;
  }

  imageChunk(version: string, seq: number): ArrayBuffer {
    const row = this.sql.exec<{ data: ArrayBuffer }>('SELECT data FROM images WHERE version = ? AND seq = ?', version, seq).toArray()[0];
    if (!row) throw new Error(`image chunk ${seq} of ${version} is missing`);
    return row.data;
  }

  /** Deletes a bundle and its versions; images no other bundle uses go too. */
  remove(name: string): boolean {
    return this.ctx.storage.transactionSync(() => {
      const existed = this.sql.exec('SELECT 1 FROM bundles WHERE name = ?', name).toArray().length > 0;
      this.sql.exec('DELETE FROM bundles WHERE name = ?', name);
      this.sql.exec('DELETE FROM versions WHERE name = ?', name);
      this.sql.exec('DELETE FROM images WHERE version NOT IN (SELECT version FROM versions)');
      return existed;
    });
  }

  ping(): true {
    return true;
  }
}
