import type pg from 'pg'

// The cluster's tables in PostgreSQL, created and migrated by every node at start-up (one at a
// time: a transaction-scoped advisory lock). Each step runs once; its number is recorded.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE fw_node (
     node_id text PRIMARY KEY,
     backend_pid int NOT NULL,
     seen_at timestamptz NOT NULL
   );
   CREATE TABLE fw_partition_lease (
     partition int PRIMARY KEY,
     owner text NOT NULL,
     backend_pid int NOT NULL,
     renewed_at timestamptz NOT NULL
   );
   CREATE TABLE fw_partition_offset (
     partition int PRIMARY KEY,
     stream_seq bigint NOT NULL,
     committed_by text NOT NULL,
     committed_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE TABLE fw_alert_transition (
     alert_id text NOT NULL,
     seq int NOT NULL,
     partition int NOT NULL,
     stream_seq bigint NOT NULL,
     action text NOT NULL,
     actor text NOT NULL,
     at bigint NOT NULL,
     building text NOT NULL,
     device text,
     rule text NOT NULL,
     state text NOT NULL,
     alert jsonb NOT NULL,
     committed_by text NOT NULL,
     PRIMARY KEY (alert_id, seq)
   );
   CREATE INDEX fw_alert_transition_partition ON fw_alert_transition (partition, stream_seq);`,
]

/** Key of the lock that serialises migrations across nodes (any constant no other lock uses). */
const MIGRATION_LOCK = 0x46570000

export async function migrateClusterSchema(client: pg.Client): Promise<number> {
  await client.query('BEGIN')
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await client.query('CREATE TABLE IF NOT EXISTS fw_schema_version (version int PRIMARY KEY)')
    const { rows } = await client.query('SELECT coalesce(max(version), 0)::int AS v FROM fw_schema_version')
    const current = rows[0].v as number
    for (let v = current; v < MIGRATIONS.length; v++) {
      await client.query(MIGRATIONS[v]!)
      await client.query('INSERT INTO fw_schema_version (version) VALUES ($1)', [v + 1])
    }
    await client.query('COMMIT')
    return MIGRATIONS.length
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  }
}
