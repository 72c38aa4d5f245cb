//! Point reads on the calling thread. sqlx runs each SQLite connection on a worker thread
//! of its own and hands every statement to it and its rows back: two thread switches a
//! statement, the largest part of what an update costs the bot (BENCHMARKS.md, the
//! profile). The one read every update makes — the sender and their dialogue
//! (`people::visit`) — is a lookup by primary key that SQLite answers in microseconds, so
//! it runs here, on the caller's thread, on read-only connections of its own (rusqlite,
//! the same SQLite). In WAL mode a reader never waits for a writer. Everything else goes
//! through the pool.

use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};
use sqlx::SqlitePool;

/// Read-only connections (`query_only`) to the database file, opened as needed (at most
/// one per thread reading at the same moment) and kept for the next read.
pub struct Inline {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// What a read on the calling thread can fail with, as the pool's reads do.
pub type Error = sqlx::Error;

impl Inline {
    /// Reads the file the pool is connected to.
    pub fn new(pool: &SqlitePool) -> Inline {
        Inline {
            path: pool.connect_options().get_filename().to_path_buf(),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `read` on an idle connection (or a new one), then keeps the connection.
    pub fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, Error> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(c) => c,
            None => self.open().map_err(to_sqlx)?,
        };
        match read(&conn) {
            Ok(out) => {
                self.idle
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(conn);
                Ok(out)
            }
            // The connection is dropped: the next read opens a fresh one.
            Err(e) => Err(to_sqlx(e)),
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        // A reader in WAL mode waits only in rare moments (the WAL's index rebuilt after a
        // crash): briefly, on this thread; past that the read fails and the caller reads
        // through the pool.
        let conn = open(&self.path, std::time::Duration::from_millis(100))?;
        conn.pragma_update(None, "query_only", true)?;
        Ok(conn)
    }
}

/// A connection of its own to the file, for work on the calling thread (here and
/// `dialogues::Steps`): opened for reading and writing, as the pool's are (a WAL file's
/// shared index may need making again when every other connection was closed), waiting at
/// most `busy` for a lock, with a small page cache (the pool's connections keep the large
/// ones).
pub(super) fn open(
    path: &std::path::Path,
    busy: std::time::Duration,
) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(busy)?;
    conn.pragma_update(None, "cache_size", -128)?;
    Ok(conn)
}

fn to_sqlx(e: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::db;

    #[tokio::test]
    async fn reads_what_the_pool_committed_and_reuses_its_connections() {
        let (pool, _dir) = db().await;
        let inline = Inline::new(&pool);
        let count = |inline: &Inline| {
            inline
                .read(|c| c.query_row("SELECT count(*) FROM dialogues", [], |r| r.get::<_, i64>(0)))
                .unwrap()
        };
        assert_eq!(count(&inline), 0);
        crate::db::dialogues::put(&pool, 1, "{}").await.unwrap();
        assert_eq!(count(&inline), 1, "a later read sees the commit");
        assert_eq!(inline.idle.lock().unwrap().len(), 1, "one connection, kept");
        // Read-only: a write through it fails, as an error; the connection is dropped and
        // the next read opens another.
        let refused = inline.read(|c| c.execute("DELETE FROM dialogues", []));
        assert!(refused.is_err());
        assert_eq!(inline.idle.lock().unwrap().len(), 0);
        assert_eq!(count(&inline), 1);
    }

    /// With every other connection closed (the pool closes idle ones) the WAL's shared
    /// index may be gone (it is only an index, rebuilt from the WAL): a new connection here
    /// still reads.
    #[tokio::test]
    async fn reads_after_every_other_connection_closed() {
        let (pool, dir) = db().await;
        crate::db::dialogues::put(&pool, 1, "{}").await.unwrap();
        let inline = Inline::new(&pool);
        pool.close().await;
        let shm = dir.path().join("test.db-shm");
        if shm.exists() {
            std::fs::remove_file(&shm).unwrap();
        }
        let n = inline
            .read(|c| c.query_row("SELECT count(*) FROM dialogues", [], |r| r.get::<_, i64>(0)))
            .unwrap();
        assert_eq!(n, 1);
    }
}
