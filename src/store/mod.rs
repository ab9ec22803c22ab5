//! The take store: every analysed take kept with its audio and report, so progress can be seen.
//!
//! Layout under the data directory:
//!
//! ```text
//! history/index.sqlite3        the index (SQLite, WAL): one row per take
//! history/takes/<id>/          one folder per take: meta.json, report.json, audio.<ext>
//! takes/                       recordings not (yet) in the history (`record --no-save`)
//! ```
//!
//! A take is stored once. A recording rehearse made in its own `takes/` folder is moved into
//! the take's folder as soon as it is recorded, before it is analysed, so an interrupted
//! analysis leaves a take marked not analysed ([`NOT_ANALYSED`]) that `rehearse reanalyze`
//! finishes. A file the user named (`analyze FILE`, `record --out FILE`) stays theirs: the
//! history keeps its own private copy, which `delete` removes, never the user's file.
//!
//! The folders are the truth and the index is derived from them. A take is written into a
//! staging folder, then, holding SQLite's write lock, renamed into place and its row inserted
//! in one transaction. A crash before the rename leaves only a staging folder (removed later);
//! a crash after it leaves a whole folder without a row, which the next open adopts. A damaged
//! index is moved aside and rebuilt from the folders. WAL mode and a busy timeout let several
//! rehearse processes read and write at once.

pub mod schema;
pub mod take;

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};

use crate::report::{self, Report};
use crate::tell;
pub use take::{Keep, TakeMeta};
use take::{DELETED_PREFIX, STAGING_PREFIX};

pub const INDEX_FILE: &str = "index.sqlite3";
/// The data dir's folder where `record` writes a take while it is being recorded.
pub const RECORDINGS_DIR: &str = "takes";
/// The stored report of a take that is recorded but not analysed yet (its folder has no
/// `report.json`).
pub const NOT_ANALYSED: &str = "null";
/// How long a writer waits for another process's transaction before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    // The causes are part of each message, and deliberately not `source`s: `{:#}` at the
    // command edge prints the chain of sources, and would say every cause twice.
    #[error("cannot {action} at {}: {cause}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        cause: io::Error,
    },
    #[error("take index: {0}{hint}", hint = damage_hint(.0))]
    Sql(rusqlite::Error),
    #[error(
        "the take index was written by a newer rehearse (schema {found}; this one knows up to \
         {known}): upgrade rehearse"
    )]
    TooNew { found: u32, known: u32 },
    #[error("no take matches {0:?}: `rehearse history` lists them")]
    NotFound(String),
    #[error("{spec:?} matches {} takes ({}): give more of the id", ids.len(), ids.join(", "))]
    Ambiguous { spec: String, ids: Vec<String> },
    #[error("there are no takes yet: `rehearse analyze FILE` saves one")]
    Empty,
    #[error("cannot read the source file {}: {cause}", path.display())]
    Source { path: PathBuf, cause: io::Error },
    /// A take from an export file that is refused before anything is written for it.
    #[error("{0}")]
    Invalid(String),
    #[error(
        "the take store in {} can only be read here (a read-only command opened it)",
        .0.display()
    )]
    ReadOnly(PathBuf),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sql(e)
    }
}

/// What became of a take handed to [`Store::save`].
#[derive(Debug, Clone, PartialEq)]
pub enum Saved {
    Stored(TakeMeta),
    /// The same recording (by content) is already stored as this take; nothing was written.
    Duplicate(TakeMeta),
    /// The recording is a take that was not analysed yet: the report was added to it.
    Finished(TakeMeta),
}

/// What became of a take handed to [`Store::import`].
#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    Stored(TakeMeta),
    /// A take with the same recording and time is already here.
    Skipped(TakeMeta),
}

/// Whether a take's files are where the index says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileState {
    Ok,
    /// No audio was kept (an imported take).
    NoAudio,
    AudioMissing,
    FolderMissing,
}

impl FileState {
    /// A sentence for the user, or None when all is well.
    pub fn problem(self, take: &StoredTake) -> Option<String> {
        let dir = take.folder.display();
        match self {
            FileState::Ok | FileState::NoAudio => None,
            FileState::AudioMissing => Some(format!(
                "take {}: its audio file is missing from {dir} (the report is intact)",
                take.meta.id
            )),
            FileState::FolderMissing => Some(format!(
                "take {}: its folder {dir} is missing (the report is still in the index; \
                 `rehearse delete {}` removes it)",
                take.meta.id, take.meta.id
            )),
        }
    }
}

/// A take as the index holds it.
#[derive(Debug, Clone)]
pub struct StoredTake {
    pub meta: TakeMeta,
    pub report_json: String,
    pub folder: PathBuf,
    pub files: FileState,
}

impl StoredTake {
    pub fn report_value(&self) -> serde_json::Value {
        serde_json::from_str(&self.report_json).unwrap_or(serde_json::Value::Null)
    }

    pub fn audio_path(&self) -> Option<PathBuf> {
        self.meta.audio_file.as_ref().map(|a| self.folder.join(a))
    }

    /// Whether the take has its report (false: recorded, and its analysis never finished).
    pub fn analysed(&self) -> bool {
        self.report_json.trim() != NOT_ANALYSED
    }
}

/// A take just recorded, to be stored before it is analysed.
pub struct Recording<'a> {
    pub audio: &'a Path,
    /// [`Keep::Move`] for a recording in the data dir's `takes/`; [`Keep::Copy`] for a file
    /// the user asked for (`--out`).
    pub keep: Keep,
    pub question: Option<String>,
    pub duration_s: f64,
    pub session: Option<String>,
}

/// How much disk the history takes, and the recordings outside it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DiskUse {
    /// The history folder: every take's files and the index.
    pub history_dir: PathBuf,
    pub history_bytes: u64,
    /// The data dir's `takes/` folder: recordings kept out of the history (`--no-save`, or a
    /// recording cut short by a crash).
    pub recordings_dir: PathBuf,
    pub recordings: u64,
    pub recordings_bytes: u64,
}

/// A new take from an analysis.
pub struct NewTake<'a> {
    pub report_json: String,
    pub source: &'a Path,
    pub question: Option<String>,
    pub model: String,
    pub duration_s: f64,
}

pub struct Store {
    dir: PathBuf,
    conn: Connection,
    /// Things the user should hear about: recovered takes, a rebuilt index.
    notices: Vec<String>,
}

impl Store {
    /// Open (creating if needed) the store under a data directory, and tidy up after crashes.
    /// Everything it creates is private to the user (directories 0700, files 0600).
    pub fn open(data_dir: &Path) -> Result<Store, StoreError> {
        let dir = data_dir.join("history");
        let takes = dir.join("takes");
        take::create_private_dir_all(&takes).map_err(|cause| StoreError::Io {
            action: "create the take store",
            path: takes.clone(),
            cause,
        })?;
        // A store made by an older version (0755): close it to other users.
        take::make_private(&dir, true);
        take::make_private(&takes, true);
        let index = dir.join(INDEX_FILE);
        let mut notices = Vec::new();
        let conn = match connect(&index) {
            Ok(conn) => conn,
            Err(StoreError::Sql(e)) if is_damage(&e) => {
                let aside = set_aside(&index)?;
                notices.push(format!(
                    "the take index {} was damaged ({e}); it was moved to {} and rebuilt from \
                     the take folders",
                    index.display(),
                    aside.display()
                ));
                let conn = connect(&index)?;
                let mut store = Store { dir, conn, notices };
                store.refill(None)?;
                store.recover()?;
                return Ok(store);
            }
            Err(e) => return Err(e),
        };
        let mut store = Store { dir, conn, notices };
        store.recover()?;
        Ok(store)
    }

    /// Open the store for a command that only reads (history, show, compare, progress,
    /// export): as [`Store::open`] where the data directory can be written, else read-only,
    /// so these commands still work on a read-only or full disk. A read-only store does no
    /// crash recovery; a missing or damaged index is then rebuilt in memory from the folders.
    pub fn open_for_reading(data_dir: &Path) -> Result<Store, StoreError> {
        match Store::open(data_dir) {
            Ok(store) => Ok(store),
            Err(e) if cannot_write(&e) => Store::open_read_only(data_dir, &e),
            Err(e) => Err(e),
        }
    }

    fn open_read_only(data_dir: &Path, why: &StoreError) -> Result<Store, StoreError> {
        let dir = data_dir.join("history");
        let index = dir.join(INDEX_FILE);
        let mut notices = vec![format!(
            "the take store could not be opened for writing ({why}); it was opened read-only"
        )];
        let opened = if index.is_file() {
            connect_read_only(&index)
        } else {
            Err(StoreError::NotFound(index.display().to_string()))
        };
        let conn = match opened {
            Ok(conn) => conn,
            Err(e) => {
                if index.is_file() {
                    notices.push(format!(
                        "the take index {} cannot be read ({e}); the takes were read from their \
                         folders instead",
                        index.display()
                    ));
                }
                let mut conn = Connection::open_in_memory()?;
                schema::migrate(&mut conn)?;
                let mut store = Store { dir, conn, notices };
                if store.takes_dir().is_dir() {
                    store.refill(None)?;
                }
                return Ok(store);
            }
        };
        Ok(Store { dir, conn, notices })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn takes_dir(&self) -> PathBuf {
        self.dir.join("takes")
    }

    pub fn index_path(&self) -> PathBuf {
        self.dir.join(INDEX_FILE)
    }

    /// Notices gathered since the last call (recoveries, a rebuilt index).
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// Save a take from an analysis, unless the same recording is stored and `force` is off.
    pub fn save(&mut self, new: NewTake<'_>, force: bool) -> Result<Saved, StoreError> {
        self.save_in_session(new, None, force)
    }

    /// [`Store::save`], marking the take as part of a practice session.
    pub fn save_in_session(
        &mut self,
        new: NewTake<'_>,
        session: Option<&str>,
        force: bool,
    ) -> Result<Saved, StoreError> {
        let sha = take::hash_file(new.source).map_err(|cause| StoreError::Source {
            path: new.source.to_path_buf(),
            cause,
        })?;
        // The audio of a take whose analysis never finished: this is its report.
        if let Some(pending) = self.pending_with(&sha)? {
            let meta = self.attach_report(
                &pending.meta.id,
                &new.report_json,
                &new.model,
                new.duration_s,
            )?;
            return Ok(Saved::Finished(meta));
        }
        if !force {
            if let Some(existing) = find_source(&self.conn, &self.takes_dir(), &sha, None)? {
                return Ok(Saved::Duplicate(existing));
            }
        }
        let source_path = fs::canonicalize(new.source).unwrap_or_else(|_| new.source.into());
        let created = now_ms();
        let meta = TakeMeta {
            id: self.unused_id(&sha, created)?,
            created,
            question: new.question,
            source_path: source_path.display().to_string(),
            source_sha256: sha,
            audio_file: Some(take::audio_name(new.source)),
            model: new.model,
            duration_s: new.duration_s,
            note: None,
            tags: Vec::new(),
            session: session.map(str::to_string),
        };
        let dup = if force { Dup::Allow } else { Dup::SameSource };
        Ok(
            match self.put(&meta, &new.report_json, Some(new.source), dup)? {
                None => Saved::Stored(meta),
                Some(existing) => Saved::Duplicate(existing),
            },
        )
    }

    /// Store a take exported elsewhere (no audio). Skipped when the same recording at the
    /// same time is already here; given a new id when its id is taken. Its metadata is checked
    /// first ([`take::check_imported`]): an id that is not 8 hex digits is refused, so no
    /// imported id can name a folder outside the store or one of its working folders.
    pub fn import(
        &mut self,
        mut meta: TakeMeta,
        report_json: &str,
    ) -> Result<Imported, StoreError> {
        take::check_imported(&meta).map_err(StoreError::Invalid)?;
        if report_json.len() > take::MAX_REPORT_BYTES {
            return Err(StoreError::Invalid(format!(
                "its report is {} MB (at most {} MB)",
                report_json.len() / (1024 * 1024),
                take::MAX_REPORT_BYTES / (1024 * 1024)
            )));
        }
        serde_json::from_str::<serde_json::Value>(report_json)
            .ok()
            .filter(serde_json::Value::is_object)
            .ok_or_else(|| StoreError::Invalid("its report is not a JSON object".into()))?;
        meta.audio_file = None;
        if self.get(&meta.id)?.is_some() || self.takes_dir().join(&meta.id).exists() {
            meta.id = self.unused_id(&meta.source_sha256, Timestamp::now())?;
        }
        Ok(match self.put(&meta, report_json, None, Dup::SameTime)? {
            None => Imported::Stored(meta),
            Some(existing) => Imported::Skipped(existing),
        })
    }

    /// Stage the files, then under the write lock: check for a duplicate, move the folder
    /// into place and insert the row. Returns the existing take when it is a duplicate.
    fn put(
        &mut self,
        meta: &TakeMeta,
        report_json: &str,
        audio: Option<&Path>,
        dup: Dup,
    ) -> Result<Option<TakeMeta>, StoreError> {
        let takes = self.takes_dir();
        let audio = audio.map(|a| (a, Keep::Copy));
        let staged = take::stage(&takes, meta, Some(report_json), audio)?;
        test_pause("staged");
        let result = self.commit_staged(&staged, meta, report_json, dup);
        if staged.exists() {
            let _ = fs::remove_dir_all(&staged);
        }
        result
    }

    fn commit_staged(
        &mut self,
        staged: &Path,
        meta: &TakeMeta,
        report_json: &str,
        dup: Dup,
    ) -> Result<Option<TakeMeta>, StoreError> {
        let takes = self.takes_dir();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing = match dup {
            Dup::Allow => None,
            Dup::SameSource => find_source(&tx, &takes, &meta.source_sha256, None)?,
            Dup::SameTime => find_source(&tx, &takes, &meta.source_sha256, Some(meta.created))?,
        };
        if existing.is_some() {
            return Ok(existing);
        }
        let folder = take::folder(&takes, &meta.id)
            .ok_or_else(|| StoreError::Invalid(format!("{:?} is not a take id", meta.id)))?;
        fs::rename(staged, &folder).map_err(|cause| StoreError::Io {
            action: "move a take into place",
            path: folder.clone(),
            cause,
        })?;
        take::sync_dir(&takes);
        let inserted = insert_row(&tx, meta, report_json).and_then(|()| {
            test_pause("inserted");
            Ok(tx.commit()?)
        });
        if inserted.is_err() {
            // Without its row the folder would be adopted on the next open: take it back
            // (to the staging name, so a moved recording can be returned from there).
            if fs::rename(&folder, staged).is_err() && report_json != NOT_ANALYSED {
                let _ = fs::remove_dir_all(&folder);
            }
        }
        inserted.map(|()| None)
    }

    /// Store a take as soon as it is recorded, before any analysis: its folder holds the
    /// audio (moved in, or a copy, as `keep` says) and no report, and the history lists it as
    /// not analysed until [`Store::attach_report`] adds one.
    pub fn add_recording(&mut self, rec: Recording<'_>) -> Result<TakeMeta, StoreError> {
        let sha = take::hash_file(rec.audio).map_err(|cause| StoreError::Source {
            path: rec.audio.to_path_buf(),
            cause,
        })?;
        let created = now_ms();
        let id = self.unused_id(&sha, created)?;
        let audio_file = take::audio_name(rec.audio);
        let takes = self.takes_dir();
        let source_path = match rec.keep {
            // The recording's only copy is the one in the take's folder.
            Keep::Move => takes.join(&id).join(&audio_file),
            Keep::Copy => fs::canonicalize(rec.audio).unwrap_or_else(|_| rec.audio.into()),
        };
        let meta = TakeMeta {
            id,
            created,
            question: rec.question,
            source_path: source_path.display().to_string(),
            source_sha256: sha,
            audio_file: Some(audio_file),
            model: String::new(),
            duration_s: rec.duration_s,
            note: None,
            tags: Vec::new(),
            session: rec.session,
        };
        let staged = take::stage(&takes, &meta, None, Some((rec.audio, rec.keep)))?;
        test_pause("recording-staged");
        let committed = self.commit_staged(&staged, &meta, NOT_ANALYSED, Dup::Allow);
        if staged.exists() {
            if rec.keep == Keep::Move {
                take::return_audio(&staged, &meta, rec.audio);
            }
            let _ = fs::remove_dir_all(&staged);
        }
        committed.map(|_| meta)
    }

    /// Give a stored take its report (a take recorded and not analysed yet, or one analysed
    /// again): the report file and metadata are replaced, then the index row.
    pub fn attach_report(
        &mut self,
        id: &str,
        report_json: &str,
        model: &str,
        duration_s: f64,
    ) -> Result<TakeMeta, StoreError> {
        let take = self
            .get(id)?
            .ok_or_else(|| StoreError::NotFound(id.to_string()))?;
        let mut meta = take.meta;
        meta.model = model.to_string();
        meta.duration_s = duration_s;
        self.update(&meta, Some(report_json))?;
        Ok(meta)
    }

    /// The take not analysed yet whose recording has this hash, if any.
    fn pending_with(&self, sha: &str) -> Result<Option<StoredTake>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM takes WHERE source_sha256 = ?1 AND report_json = ?2 \
             ORDER BY created_ms LIMIT 1"
        ))?;
        Ok(stmt
            .query_row(params![sha, NOT_ANALYSED], |r| {
                row_to_take(r, &self.takes_dir())
            })
            .optional()?)
    }

    /// The disk the history uses, and the recordings left outside it.
    pub fn disk_use(&self) -> DiskUse {
        let recordings_dir = self.recordings_dir();
        let (_, history_bytes) = take::tree_size(&self.dir);
        let (recordings, recordings_bytes) = take::tree_size(&recordings_dir);
        DiskUse {
            history_dir: self.dir.clone(),
            history_bytes,
            recordings_dir,
            recordings,
            recordings_bytes,
        }
    }

    /// The data dir's `takes/` folder, where `record` writes a take while recording it.
    pub fn recordings_dir(&self) -> PathBuf {
        self.dir
            .parent()
            .map_or_else(|| self.dir.join(".."), Path::to_path_buf)
            .join(RECORDINGS_DIR)
    }

    /// The first copy an older rehearse left in the data dir's `takes/` folder when it
    /// copied a recording into the history: same bytes, directly in that folder.
    fn first_copy(&self, meta: &TakeMeta) -> Option<PathBuf> {
        let source = Path::new(&meta.source_path);
        let recordings = fs::canonicalize(self.recordings_dir()).ok()?;
        let parent = fs::canonicalize(source.parent()?).ok()?;
        let regular = fs::symlink_metadata(source).ok()?.file_type().is_file();
        let inside_take = source.starts_with(self.takes_dir());
        (parent == recordings
            && regular
            && !inside_take
            && take::hash_file(source).ok()? == meta.source_sha256)
            .then(|| source.to_path_buf())
    }

    fn unused_id(&self, sha: &str, now: Timestamp) -> Result<String, StoreError> {
        let mut salt = 0;
        loop {
            let id = take::new_id(sha, now, salt);
            if self.get(&id)?.is_none() && !self.takes_dir().join(&id).exists() {
                return Ok(id);
            }
            salt += 1;
        }
    }

    /// One take by exact id.
    pub fn get(&self, id: &str) -> Result<Option<StoredTake>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {COLUMNS} FROM takes WHERE id = ?1"))?;
        Ok(stmt
            .query_row([id], |r| row_to_take(r, &self.takes_dir()))
            .optional()?)
    }

    /// Every take, oldest first, with the state of its files.
    pub fn list(&self) -> Result<Vec<StoredTake>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM takes ORDER BY created_ms, rowid"
        ))?;
        let takes = stmt
            .query_map([], |r| row_to_take(r, &self.takes_dir()))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(takes)
    }

    /// A take named by id, unique id prefix, `last`, or `last~N` (N takes before the last).
    pub fn resolve(&self, spec: &str) -> Result<StoredTake, StoreError> {
        self.resolve_counting(spec, |_| true)
    }

    /// As [`Store::resolve`], but `last~N` counts back only over the takes `counts` keeps (an
    /// id or prefix still names any take).
    pub fn resolve_counting(
        &self,
        spec: &str,
        counts: impl Fn(&StoredTake) -> bool,
    ) -> Result<StoredTake, StoreError> {
        let all = self.list()?;
        if all.is_empty() {
            return Err(StoreError::Empty);
        }
        let spec = spec.trim();
        if let Some(back) = spec.strip_prefix("last") {
            let n = match back.strip_prefix('~') {
                None if back.is_empty() => Some(0),
                Some(n) => n.parse::<usize>().ok(),
                None => None,
            };
            if let Some(n) = n {
                return all
                    .into_iter()
                    .filter(|t| counts(t))
                    .rev()
                    .nth(n)
                    .ok_or_else(|| StoreError::NotFound(spec.to_string()));
            }
        }
        let wanted = spec.to_ascii_lowercase();
        if let Some(t) = all.iter().find(|t| t.meta.id == wanted) {
            return Ok(t.clone());
        }
        let mut matches: Vec<StoredTake> = all
            .into_iter()
            .filter(|t| !wanted.is_empty() && t.meta.id.starts_with(&wanted))
            .collect();
        match matches.len() {
            0 => Err(StoreError::NotFound(spec.to_string())),
            1 => Ok(matches.remove(0)),
            _ => Err(StoreError::Ambiguous {
                spec: spec.to_string(),
                ids: matches.into_iter().map(|t| t.meta.id).collect(),
            }),
        }
    }

    /// Change a stored take's question, note or tags (and its report, when given, e.g. with
    /// the new question's checks). The folder's files are replaced first, each atomically, then
    /// the index row in a transaction; a crash in between leaves folder and index disagreeing
    /// only until `rehearse reindex`, which reads the folder.
    pub fn update(&mut self, meta: &TakeMeta, report_json: Option<&str>) -> Result<(), StoreError> {
        let folder = self.takes_dir().join(&meta.id);
        let io_err = |cause| StoreError::Io {
            action: "update a take",
            path: folder.clone(),
            cause,
        };
        if !folder.is_dir() {
            return Err(StoreError::NotFound(meta.id.clone()));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(report) = report_json {
            take::replace_file(&folder, take::REPORT_FILE, report.as_bytes()).map_err(io_err)?;
        }
        let meta_json =
            serde_json::to_string_pretty(meta).map_err(|e| io_err(std::io::Error::other(e)))?;
        take::replace_file(&folder, take::META_FILE, meta_json.as_bytes()).map_err(io_err)?;
        tx.execute(
            "UPDATE takes SET question = ?2, note = ?3, tags = ?4, \
             report_json = COALESCE(?5, report_json), model = ?6, duration_s = ?7 WHERE id = ?1",
            params![
                meta.id,
                meta.question,
                meta.note,
                tags_json(&meta.tags),
                report_json,
                meta.model,
                meta.duration_s
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Delete a take: its folder is renamed away and its row deleted in one transaction, then
    /// the folder is removed. A crash in between is finished by the next open. Every file the
    /// take owns goes: its folder (audio, report, metadata) and the first copy of its
    /// recording an older rehearse left in the data dir's `takes/`, which is returned. A file
    /// the user named is never touched.
    pub fn delete(&mut self, id: &str) -> Result<Option<PathBuf>, StoreError> {
        let first_copy = self.get(id)?.and_then(|t| self.first_copy(&t.meta));
        self.delete_folder(id)?;
        Ok(first_copy.filter(|p| fs::remove_file(p).is_ok()))
    }

    fn delete_folder(&mut self, id: &str) -> Result<(), StoreError> {
        let takes = self.takes_dir();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // An id that is not a take id (an index written by an older version from a crafted
        // import) names no folder: only its row goes.
        let folder = take::folder(&takes, id);
        let trash = folder
            .as_ref()
            .map(|_| takes.join(format!("{DELETED_PREFIX}{id}")));
        if let (Some(folder), Some(trash)) = (&folder, &trash) {
            if folder.exists() {
                fs::rename(folder, trash).map_err(|cause| StoreError::Io {
                    action: "delete a take",
                    path: folder.clone(),
                    cause,
                })?;
            }
        }
        tx.execute("DELETE FROM takes WHERE id = ?1", [id])?;
        tx.commit()?;
        trash.map_or(Ok(()), |t| remove_dir(&t))
    }

    /// Rebuild every index row from the take folders (rows without a folder are dropped).
    /// A folder that cannot be read keeps the row the index holds for it, and is repaired
    /// from that copy. An index too damaged to rewrite is moved aside and built afresh.
    pub fn reindex(&mut self) -> Result<usize, StoreError> {
        let held = self.list().ok();
        match self.refill(held) {
            Err(StoreError::Sql(e)) if is_damage(&e) => {
                let index = self.index_path();
                // Close it before moving it: a fresh connection gets a fresh file.
                self.conn = Connection::open_in_memory()?;
                let aside = set_aside(&index)?;
                self.notices.push(format!(
                    "the take index {} was damaged ({e}); it was moved to {}",
                    index.display(),
                    aside.display()
                ));
                self.conn = connect(&index)?;
                self.refill(None)
            }
            other => other,
        }
    }

    /// Replace every row with what the take folders hold. `held` is what the index held
    /// before: a damaged folder keeps its row from there (and is rewritten from it).
    fn refill(&mut self, held: Option<Vec<StoredTake>>) -> Result<usize, StoreError> {
        let folders = self.take_id_folders()?;
        let held: std::collections::HashMap<String, StoredTake> = held
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.meta.id.clone(), t))
            .collect();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM takes", [])?;
        let mut n = 0;
        for dir in folders {
            match take::read_folder(&dir) {
                Ok((meta, report)) => {
                    insert_row(&tx, &meta, &report)?;
                    n += 1;
                }
                Err(why) => match held.get(file_name(&dir)) {
                    Some(kept) => {
                        insert_row(&tx, &kept.meta, &kept.report_json)?;
                        n += 1;
                        let repaired = take::rewrite_folder(&dir, &kept.meta, &kept.report_json);
                        self.notices.push(format!(
                            "the take folder {} was damaged ({why}); the index's copy of take \
                             {} was kept{}",
                            dir.display(),
                            kept.meta.id,
                            match repaired {
                                Ok(()) => " and the folder's files were rewritten from it".into(),
                                Err(e) => format!(" (the folder could not be repaired: {e})"),
                            }
                        ));
                    }
                    None => self.notices.push(unreadable(&dir, &why)),
                },
            }
        }
        tx.commit()?;
        Ok(n)
    }

    fn take_folders(&self) -> Result<Vec<PathBuf>, StoreError> {
        let takes = self.takes_dir();
        let entries = fs::read_dir(&takes).map_err(|cause| StoreError::Io {
            action: "read the take store",
            path: takes.clone(),
            cause,
        })?;
        let mut dirs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        Ok(dirs)
    }

    /// The folders named like a take (leaving out staging and deleted ones).
    fn take_id_folders(&self) -> Result<Vec<PathBuf>, StoreError> {
        let mut dirs = self.take_folders()?;
        dirs.retain(|d| take::is_take_id(file_name(d)));
        Ok(dirs)
    }

    /// Finish what crashed processes left: abandoned staging folders are removed, half-done
    /// deletions completed, and whole take folders without a row adopted into the index.
    fn recover(&mut self) -> Result<(), StoreError> {
        let folders = self.take_folders()?;
        let known = self.known_ids()?;
        if !folders.iter().any(|d| needs_recovery(d, &known)) {
            return Ok(());
        }
        let takes_dir = self.takes_dir();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Read again under the lock: a writer may have committed since.
        let known = {
            let mut stmt = tx.prepare("SELECT id FROM takes")?;
            let ids = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<HashSet<_>, _>>()?;
            ids
        };
        let mut notices = Vec::new();
        for dir in folders.iter().filter(|d| needs_recovery(d, &known)) {
            let name = file_name(dir);
            if let Some(id) = name.strip_prefix(DELETED_PREFIX) {
                tx.execute("DELETE FROM takes WHERE id = ?1", [id])?;
                let _ = fs::remove_dir_all(dir);
            } else if name.starts_with(STAGING_PREFIX) {
                match take::read_staged(dir) {
                    // A recording moved in before its save was cut off: its only copy.
                    Some(meta) => notices.push(adopt_staged(&tx, &takes_dir, dir, &meta)?),
                    None => {
                        let _ = fs::remove_dir_all(dir);
                    }
                }
            } else {
                match take::read_folder(dir) {
                    Ok((meta, report)) => {
                        insert_row(&tx, &meta, &report)?;
                        notices.push(format!(
                            "recovered take {} (saved {}), left out of the index by an \
                             interrupted save",
                            meta.id,
                            meta.created.strftime("%Y-%m-%d %H:%M UTC")
                        ));
                    }
                    Err(why) => notices.push(unreadable(dir, &why)),
                }
            }
        }
        tx.commit()?;
        self.notices.extend(notices);
        Ok(())
    }

    fn known_ids(&self) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT id FROM takes")?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<HashSet<_>, _>>()?;
        Ok(ids)
    }
}

#[derive(Debug, Clone, Copy)]
enum Dup {
    Allow,
    SameSource,
    SameTime,
}

/// Save a freshly analysed report as a take: the one call the commands need.
pub fn save_take(
    store: &mut Store,
    report: &Report,
    file: &Path,
    question: Option<&str>,
    force: bool,
) -> Result<Saved, StoreError> {
    store.save(
        NewTake {
            report_json: report::json::render(report),
            source: file,
            question: question.map(str::to_string),
            model: report.model.path.clone(),
            duration_s: report.audio.duration_s,
        },
        force,
    )
}

/// Now, to the millisecond: the precision the index keeps.
fn now_ms() -> Timestamp {
    Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap_or(Timestamp::UNIX_EPOCH)
}

const COLUMNS: &str = "id, created_ms, question, source_path, source_sha256, audio_file, model, \
                       duration_s, report_json, note, tags, session";

fn row_to_take(r: &rusqlite::Row<'_>, takes: &Path) -> rusqlite::Result<StoredTake> {
    let created_ms: i64 = r.get(1)?;
    let meta = TakeMeta {
        id: r.get(0)?,
        created: Timestamp::from_millisecond(created_ms).unwrap_or(Timestamp::UNIX_EPOCH),
        question: r.get(2)?,
        source_path: r.get(3)?,
        source_sha256: r.get(4)?,
        audio_file: r.get(5)?,
        model: r.get(6)?,
        duration_s: r.get(7)?,
        note: r.get(9)?,
        tags: serde_json::from_str(&r.get::<_, String>(10)?).unwrap_or_default(),
        session: r.get(11)?,
    };
    let folder = take::folder(takes, &meta.id);
    let files = if !folder.as_ref().is_some_and(|f| f.is_dir()) {
        FileState::FolderMissing
    } else {
        match &meta.audio_file {
            None => FileState::NoAudio,
            Some(a) if folder.as_ref().is_some_and(|f| f.join(a).is_file()) => FileState::Ok,
            Some(_) => FileState::AudioMissing,
        }
    };
    Ok(StoredTake {
        meta,
        report_json: r.get(8)?,
        folder: folder.unwrap_or_else(|| takes.to_path_buf()),
        files,
    })
}

/// A take with this recording (and, when given, this creation time).
fn find_source(
    conn: &Connection,
    takes: &Path,
    sha: &str,
    created: Option<Timestamp>,
) -> Result<Option<TakeMeta>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM takes WHERE source_sha256 = ?1 \
         AND (?2 IS NULL OR created_ms = ?2) ORDER BY created_ms LIMIT 1"
    ))?;
    let created = created.map(|t| t.as_millisecond());
    let row = stmt
        .query_row(params![sha, created], |r| row_to_take(r, takes))
        .optional()?;
    Ok(row.map(|t| t.meta))
}

fn insert_row(conn: &Connection, meta: &TakeMeta, report_json: &str) -> Result<(), StoreError> {
    conn.execute(
        &format!(
            "INSERT INTO takes ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ),
        params![
            meta.id,
            meta.created.as_millisecond(),
            meta.question,
            meta.source_path,
            meta.source_sha256,
            meta.audio_file,
            meta.model,
            meta.duration_s,
            report_json,
            meta.note,
            tags_json(&meta.tags),
            meta.session
        ],
    )?;
    Ok(())
}

fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".into())
}

/// Open the index, set it up for several processes, migrate it and check it can be read.
/// A new index file is made private (0600) before SQLite opens it; its WAL files take the
/// same mode.
fn connect(path: &Path) -> Result<Connection, StoreError> {
    if !path.exists() {
        take::create_private(path).map_err(|cause| StoreError::Io {
            action: "create the take index",
            path: path.to_path_buf(),
            cause,
        })?;
    } else {
        take::make_private(path, false);
    }
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    schema::migrate(&mut conn)?;
    check_pages(&conn)?;
    Ok(conn)
}

/// Open the index without writing anything: read-only, and where SQLite cannot even make
/// its WAL side files (a read-only directory), as an immutable file.
fn connect_read_only(path: &Path) -> Result<Connection, StoreError> {
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let plain = Connection::open_with_flags(path, flags).map_err(StoreError::from);
    let conn = match plain.and_then(|c| {
        check_version(&c)?;
        check_pages(&c)?;
        Ok(c)
    }) {
        Ok(conn) => return Ok(conn),
        Err(StoreError::Sql(e)) if is_damage(&e) => return Err(StoreError::Sql(e)),
        Err(e @ StoreError::TooNew { .. }) => return Err(e),
        Err(_) => {
            let uri = format!("file:{}?immutable=1", uri_path(path));
            Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)?
        }
    };
    check_version(&conn)?;
    check_pages(&conn)?;
    Ok(conn)
}

fn check_version(conn: &Connection) -> Result<(), StoreError> {
    let found = schema::version(conn)?;
    if found != schema::CURRENT {
        return Err(StoreError::TooNew {
            found,
            known: schema::CURRENT,
        });
    }
    Ok(())
}

/// Every page of the index readable and well-formed (`PRAGMA quick_check`): damage deep in
/// the file is found when the store opens, and rebuilt, not when a command reads that page.
fn check_pages(conn: &Connection) -> Result<(), StoreError> {
    let verdict: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
    if verdict != "ok" {
        return Err(StoreError::Sql(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            Some(verdict),
        )));
    }
    Ok(())
}

/// A path for an SQLite `file:` URI (characters with a meaning there percent-encoded).
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for b in path.to_string_lossy().bytes() {
        match b {
            b'?' | b'#' | b'%' | 0x80.. => out.push_str(&format!("%{b:02X}")),
            _ => out.push(char::from(b)),
        }
    }
    out
}

/// Whether opening for writing failed because the store cannot be written (a read-only file
/// system or directory, a full disk), which read-only commands can work around.
fn cannot_write(e: &StoreError) -> bool {
    match e {
        StoreError::Io { .. } => true,
        StoreError::Sql(e) => matches!(
            e.sqlite_error_code(),
            Some(
                ErrorCode::ReadOnly
                    | ErrorCode::CannotOpen
                    | ErrorCode::DiskFull
                    | ErrorCode::PermissionDenied
                    | ErrorCode::SystemIoFailure
                    | ErrorCode::DatabaseBusy
                    | ErrorCode::DatabaseLocked
            )
        ),
        _ => false,
    }
}

fn damage_hint(e: &rusqlite::Error) -> &'static str {
    if is_damage(e) {
        " (the index is damaged: `rehearse reindex` rebuilds it from the take folders)"
    } else {
        ""
    }
}

fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// Move a damaged index (and its WAL files) aside; returns where it went.
fn set_aside(index: &Path) -> Result<PathBuf, StoreError> {
    let stamp = Timestamp::now().as_second();
    let aside = index.with_extension(format!("sqlite3.damaged-{stamp}"));
    fs::rename(index, &aside).map_err(|cause| StoreError::Io {
        action: "move the damaged index aside",
        path: index.to_path_buf(),
        cause,
    })?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", index.display()));
        if side.exists() {
            let _ = fs::rename(&side, format!("{}{suffix}", aside.display()));
        }
    }
    Ok(aside)
}

fn needs_recovery(dir: &Path, known: &HashSet<String>) -> bool {
    let name = file_name(dir);
    if name.starts_with(DELETED_PREFIX) {
        return true;
    }
    if name.starts_with(STAGING_PREFIX) {
        return take::staging_is_abandoned(dir);
    }
    take::is_take_id(name) && !known.contains(name)
}

fn file_name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// Move an abandoned staging folder holding a recording into place and index it; returns
/// the notice for the user. A folder whose id is taken meanwhile is left where it is.
fn adopt_staged(
    tx: &Connection,
    takes: &Path,
    dir: &Path,
    meta: &TakeMeta,
) -> Result<String, StoreError> {
    let Some(folder) = take::folder(takes, &meta.id).filter(|f| !f.exists()) else {
        return Ok(format!(
            "the folder {} holds a recording whose save was cut off, and its take id is in \
             use; it was left as it is",
            dir.display()
        ));
    };
    fs::rename(dir, &folder).map_err(|cause| StoreError::Io {
        action: "recover a take",
        path: dir.to_path_buf(),
        cause,
    })?;
    take::sync_dir(takes);
    insert_row(tx, meta, NOT_ANALYSED)?;
    Ok(format!(
        "recovered take {} (recorded {}, not analysed; `rehearse reanalyze {}` analyses it), \
         left half-saved by an interrupted process",
        meta.id,
        meta.created.strftime("%Y-%m-%d %H:%M UTC"),
        meta.id
    ))
}

fn unreadable(dir: &Path, why: &str) -> String {
    format!(
        "the take folder {} cannot be read ({why}); it was left as it is and is not listed",
        dir.display()
    )
}

fn remove_dir(dir: &Path) -> Result<(), StoreError> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(StoreError::Io {
            action: "remove a deleted take's files",
            path: dir.to_path_buf(),
            cause: e,
        }),
        _ => Ok(()),
    }
}

/// A test-only hook: `REHEARSE_TEST_PAUSE=<stage>:<ms>` sleeps at that stage of a save (or,
/// for `record`, at `analysing`, once the take is stored and before its analysis), so the
/// integration tests can kill or interrupt a process at a known point.
pub fn test_pause(stage: &str) {
    let Some(spec) = std::env::var_os("REHEARSE_TEST_PAUSE") else {
        return;
    };
    let spec = spec.to_string_lossy();
    if let Some((at, ms)) = spec.split_once(':') {
        if at == stage {
            if let Ok(ms) = ms.parse::<u64>() {
                tell!("rehearse: test pause at {stage}");
                std::thread::sleep(Duration::from_millis(ms));
            }
        }
    }
}

#[cfg(test)]
mod tests;
