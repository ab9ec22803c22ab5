//! The rehearse analyses running now for this user, so that two started together share the
//! cores instead of each taking all of them.
//!
//! [`super::threads::default_threads`] measures what other programs use over 100 ms; two
//! analyses started at the same moment (two terminals, a shell loop with `&`) each see an
//! idle machine, each take every core, and whisper.cpp's threads, which spin while they wait
//! for each other, then fight for them: on the 2-core development machine the history tests'
//! analyses took 274 s that way against 74 s on one thread each.
//!
//! Each process that chooses its thread count joins a registry first: a file named after its
//! process id in a directory of this user's ([`Registry::for_user`]), locked exclusively for
//! as long as the process lives. The lock is the proof of life: the system drops it when the
//! process ends, however it ends, so a file whose lock can be taken is left over from a
//! process that is gone, and is removed. Joining before the load is sampled and counting
//! after it means that of two analyses started within that sample, each sees the other.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Entries read at most when counting (a directory filled by something else costs no more).
const MAX_ENTRIES: usize = 256;

/// A directory of running analyses.
#[derive(Debug, Clone)]
pub struct Registry {
    dir: PathBuf,
}

/// This process's entry: its file, locked while the process lives.
#[derive(Debug)]
pub struct Entry {
    _file: File,
    name: String,
}

impl Registry {
    /// The registry in `dir`, made when missing (readable by its owner only).
    pub fn at(dir: &Path) -> Option<Registry> {
        make_private_dir(dir)?;
        Some(Registry {
            dir: dir.to_path_buf(),
        })
    }

    /// This user's registry: `$XDG_RUNTIME_DIR/rehearse-running` where that is set (a
    /// directory of the user's own, emptied at logout), else `rehearse-running-UID` in the
    /// temporary directory. `None` where neither can be made safely (another user's
    /// directory, a symbolic link): the thread count is then chosen from the load alone.
    pub fn for_user() -> Option<Registry> {
        let runtime = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|d| d.is_absolute() && d.is_dir());
        let dir = match runtime {
            Some(d) => d.join("rehearse-running"),
            None => std::env::temp_dir().join(format!("rehearse-running-{}", user_id()?)),
        };
        Registry::at(&dir)
    }

    /// Join as process `pid`: create its file and hold its lock until the entry is dropped.
    pub fn join(&self, pid: u32) -> Option<Entry> {
        let name = pid.to_string();
        let path = self.dir.join(&name);
        // Between the file's creation and its lock, another process counting may take it
        // for a leftover and remove it: then it is made again.
        for _ in 0..3 {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .ok()?;
            if try_lock(&file, true) != Lock::Taken {
                return None;
            }
            if same_file(&file, &path) {
                return Some(Entry { _file: file, name });
            }
        }
        None
    }

    /// Analyses running now besides `own`: entries whose lock is held. Entries left by
    /// processes that are gone are removed.
    pub fn others(&self, own: Option<&Entry>) -> usize {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut running = 0;
        for entry in entries.flatten().take(MAX_ENTRIES) {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if own.is_some_and(|o| o.name == name) || name.parse::<u32>().is_err() {
                continue;
            }
            let Ok(file) = File::open(entry.path()) else {
                continue;
            };
            match try_lock(&file, false) {
                Lock::Held => running += 1,
                // Nobody holds it: its process is gone.
                Lock::Taken => {
                    let _ = std::fs::remove_file(entry.path());
                }
                Lock::Failed => {}
            }
        }
        running
    }
}

/// This process's entry in its user's registry, joined the first time it is asked for and
/// held until the process ends; `None` where there is no registry.
pub fn this_process() -> (Option<&'static Registry>, Option<&'static Entry>) {
    static JOINED: OnceLock<Option<(Registry, Option<Entry>)>> = OnceLock::new();
    let joined = JOINED.get_or_init(|| {
        let registry = Registry::for_user()?;
        let entry = registry.join(std::process::id());
        Some((registry, entry))
    });
    match joined {
        Some((r, e)) => (Some(r), e.as_ref()),
        None => (None, None),
    }
}

/// What became of a try at a file's lock.
#[derive(Debug, PartialEq)]
enum Lock {
    Taken,
    /// Another open file holds it.
    Held,
    Failed,
}

/// Try to take `file`'s lock (exclusive or shared), without waiting: `flock(2)`, whose lock
/// belongs to the open file and goes with the process. (std's `File::try_lock` is the same
/// call, from Rust 1.89, after this crate's minimum.)
#[cfg(unix)]
fn try_lock(file: &File, exclusive: bool) -> Lock {
    use std::os::unix::io::AsRawFd;
    let how = if exclusive {
        libc::LOCK_EX
    } else {
        libc::LOCK_SH
    };
    // SAFETY: flock on a descriptor this `File` owns and keeps open for the call.
    if unsafe { libc::flock(file.as_raw_fd(), how | libc::LOCK_NB) } == 0 {
        return Lock::Taken;
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::EWOULDBLOCK) => Lock::Held,
        _ => Lock::Failed,
    }
}

#[cfg(not(unix))]
fn try_lock(_: &File, _: bool) -> Lock {
    Lock::Failed
}

/// `file` is what `path` names now (not a file removed since it was opened).
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, _: &Path) -> bool {
    false
}

#[cfg(unix)]
fn user_id() -> Option<u32> {
    // SAFETY: getuid has no preconditions and cannot fail.
    Some(unsafe { libc::getuid() })
}

#[cfg(not(unix))]
fn user_id() -> Option<u32> {
    None
}

/// Make `dir` (its parent must exist) readable by its owner only, or check that an existing
/// one is a real directory of this user's.
#[cfg(unix)]
fn make_private_dir(dir: &Path) -> Option<()> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(_) => return None,
    }
    let meta = std::fs::symlink_metadata(dir).ok()?;
    (meta.is_dir() && Some(meta.uid()) == user_id()).then_some(())
}

/// No registry where there is no `flock`.
#[cfg(not(unix))]
fn make_private_dir(_: &Path) -> Option<()> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_analysis_is_counted_and_one_that_ended_is_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let registry = Registry::at(&tmp.path().join("running")).unwrap();
        let me = registry.join(100).unwrap();
        assert_eq!(registry.others(Some(&me)), 0);
        let other = registry.join(200).unwrap();
        assert_eq!(registry.others(Some(&me)), 1);
        // Not a process id: not counted, not removed.
        std::fs::write(tmp.path().join("running/notes.txt"), "x").unwrap();
        assert_eq!(registry.others(Some(&me)), 1);
        // The other process ends: its lock goes, and its file is cleared away.
        drop(other);
        assert!(tmp.path().join("running/200").exists());
        assert_eq!(registry.others(Some(&me)), 0);
        assert!(!tmp.path().join("running/200").exists());
        assert!(tmp.path().join("running/notes.txt").exists());
        // Counted from outside (no entry of its own), this process is one of the running.
        assert_eq!(registry.others(None), 1);
    }

    #[test]
    fn an_entry_held_elsewhere_cannot_be_joined_twice() {
        let tmp = tempfile::tempdir().unwrap();
        let registry = Registry::at(tmp.path()).unwrap();
        let _held = registry.join(300).unwrap();
        assert!(registry.join(300).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn the_directory_is_private_and_never_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("running");
        Registry::at(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        assert!(Registry::at(&link).is_none());
        let file = tmp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(Registry::at(&file).is_none());
    }
}
