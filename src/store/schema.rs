//! The index's schema and its migrations, versioned with `PRAGMA user_version`.
//!
//! Migration `i` (0-based) takes a database from version `i` to `i + 1`. They run in one
//! write transaction, so a crash mid-migration leaves the old version intact. A database
//! newer than this binary knows is refused rather than guessed at.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// Each entry moves the schema one version up. Append only; never edit a shipped entry.
const MIGRATIONS: &[&str] = &[
    // 1: one row per take; the take's folder holds the same facts, so the index can be rebuilt.
    "CREATE TABLE takes (
        id            TEXT PRIMARY KEY NOT NULL,
        created_ms    INTEGER NOT NULL,
        question      TEXT,
        source_path   TEXT NOT NULL,
        source_sha256 TEXT NOT NULL,
        audio_file    TEXT,
        model         TEXT NOT NULL,
        duration_s    REAL NOT NULL,
        report_json   TEXT NOT NULL
    );
    CREATE INDEX takes_by_time ON takes (created_ms);
    CREATE INDEX takes_by_source ON takes (source_sha256);",
    // 2: the user's note and tags (JSON array) on a take; existing takes get none.
    "ALTER TABLE takes ADD COLUMN note TEXT;
    ALTER TABLE takes ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';",
    // 3: takes recorded in one `rehearse practice` run share a session id.
    "ALTER TABLE takes ADD COLUMN session TEXT;
    CREATE INDEX takes_by_session ON takes (session);",
];

/// The schema version this binary writes.
pub const CURRENT: u32 = MIGRATIONS.len() as u32;

pub fn version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Bring the database up to [`CURRENT`]; a no-op when it is already there.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    if version(conn)? == CURRENT {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read again under the write lock: another process may have migrated meanwhile.
    let found = version(&tx)?;
    if found > CURRENT {
        return Err(StoreError::TooNew {
            found,
            known: CURRENT,
        });
    }
    for sql in &MIGRATIONS[found as usize..] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", CURRENT)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_is_migrated_to_the_current_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(version(&conn).unwrap(), 0);
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn).unwrap(), CURRENT);
        let n: i64 = conn
            .query_row("SELECT count(*) FROM takes", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
        // Running it again changes nothing.
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn).unwrap(), CURRENT);
    }

    #[test]
    fn a_version_1_index_gains_notes_tags_and_sessions_and_keeps_its_rows() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO takes VALUES ('1a0e8a0c', 0, NULL, '/a.wav', 'x', NULL, 'm', 1.0, '{}')",
            [],
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let (note, tags): (Option<String>, String) = conn
            .query_row("SELECT note, tags FROM takes", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((note, tags.as_str()), (None, "[]"));
        assert_eq!(version(&conn).unwrap(), CURRENT);
        let session: Option<String> = conn
            .query_row("SELECT session FROM takes WHERE id = '1a0e8a0c'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(session, None);
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", CURRENT + 1)
            .unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, StoreError::TooNew { .. }), "{err}");
    }
}
