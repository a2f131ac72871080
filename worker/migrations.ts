/**
 * @module The bundle store's schema, as an ordered list of migrations. Each runs once, in order,
 * in the same transaction as the row that records it, so a store is always at one known step. A
 * store created before this list existed has the tables of step 1 already: step 1 only creates
 * what is missing. To change the schema, append a step; never edit or reorder one that shipped.
 */

/** A step: SQL to run. */
export interface Migration {
  readonly id: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    sql: `
      CREATE TABLE IF NOT EXISTS bundles (
        name TEXT PRIMARY KEY, active TEXT, generation INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS versions (
        name TEXT NOT NULL, version TEXT NOT NULL, created_at INTEGER NOT NULL, bytes INTEGER NOT NULL,
        counts TEXT NOT NULL, warnings TEXT NOT NULL, PRIMARY KEY (name, version));
      CREATE TABLE IF NOT EXISTS images (
        version TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (version, seq));`,
  },
  {
    // What a version needs to outlive its image: the canonical bundle (gzip of its canonical JSON,
    // once per content) and the manifests as published (gzip, per bundle, with their media type).
    id: 2,
    sql: `
      CREATE TABLE canonical_bundles (
        version TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (version, seq));
      CREATE TABLE manifests (
        name TEXT NOT NULL, version TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,
        PRIMARY KEY (name, version, seq));
      ALTER TABLE versions ADD COLUMN manifests_type TEXT;
      ALTER TABLE versions ADD COLUMN manifests_bytes INTEGER;`,
  },
  // Audit mode: versions stored before it enforce.
  { id: 3, sql: "ALTER TABLE versions ADD COLUMN mode TEXT NOT NULL DEFAULT 'enforce'" },
];

/** Applies the migrations `sql` has not seen yet; each with its record, in one transaction. */
export function migrate(sql: SqlStorage, transaction: <T>(run: () => T) => T, migrations: readonly Migration[] = MIGRATIONS): number[] {
  sql.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set(sql.exec<{ id: number }>('SELECT id FROM schema_migrations').toArray().map((row) => row.id));
  const ran: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    transaction(() => {
      sql.exec(migration.sql);
      sql.exec('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)', migration.id, Date.now());
    });
    ran.push(migration.id);
  }
  return ran;
}
