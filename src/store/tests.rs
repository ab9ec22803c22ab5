//! Unit tests of the store on a temporary directory, with stand-in reports and audio bytes.

use super::*;
use jiff::Timestamp;

fn audio(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p
}

fn new_take<'a>(source: &'a Path, question: Option<&str>, wpm: f64) -> NewTake<'a> {
    NewTake {
        report_json: format!("{{\"pace\": {{\"wpm\": {wpm}}}}}"),
        source,
        question: question.map(str::to_string),
        model: "ggml-tiny.en.bin".into(),
        duration_s: 12.5,
    }
}

fn stored(saved: Saved) -> TakeMeta {
    match saved {
        Saved::Stored(m) => m,
        Saved::Duplicate(m) => panic!("unexpected duplicate of {}", m.id),
        Saved::Finished(m) => panic!("unexpected finishing of {}", m.id),
    }
}

#[test]
fn a_session_id_is_kept_in_the_index_and_in_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let src = audio(tmp.path(), "a.wav", b"RIFF session");
    let mut store = Store::open(&tmp.path().join("data")).unwrap();
    let meta = stored(
        store
            .save_in_session(new_take(&src, None, 140.0), Some("5e55a0aa"), false)
            .unwrap(),
    );
    assert_eq!(meta.session.as_deref(), Some("5e55a0aa"));
    assert_eq!(
        store.list().unwrap()[0].meta.session.as_deref(),
        Some("5e55a0aa")
    );
    assert_eq!(store.reindex().unwrap(), 1);
    assert_eq!(
        store.list().unwrap()[0].meta.session.as_deref(),
        Some("5e55a0aa")
    );
}

#[test]
fn a_saved_take_is_listed_with_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    let src = audio(tmp.path(), "a.wav", b"RIFF one");
    let mut store = Store::open(&tmp.path().join("data")).unwrap();
    let meta = stored(
        store
            .save(new_take(&src, Some("conflict"), 140.0), false)
            .unwrap(),
    );
    let all = store.list().unwrap();
    assert_eq!(all.len(), 1);
    let t = &all[0];
    assert_eq!(t.meta, meta);
    assert_eq!(t.files, FileState::Ok);
    assert_eq!(t.report_value()["pace"]["wpm"], 140.0);
    assert_eq!(fs::read(t.audio_path().unwrap()).unwrap(), b"RIFF one");
    assert!(t.folder.join("meta.json").is_file());
    assert_eq!(t.meta.question.as_deref(), Some("conflict"));
}

#[test]
fn the_same_recording_is_not_saved_twice_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let src = audio(tmp.path(), "a.wav", b"same bytes");
    let copy = audio(tmp.path(), "renamed.wav", b"same bytes");
    let mut store = Store::open(tmp.path()).unwrap();
    let first = stored(store.save(new_take(&src, None, 1.0), false).unwrap());
    assert_eq!(
        store.save(new_take(&copy, None, 2.0), false).unwrap(),
        Saved::Duplicate(first.clone())
    );
    let forced = stored(store.save(new_take(&copy, None, 2.0), true).unwrap());
    assert_ne!(forced.id, first.id);
    assert_eq!(store.list().unwrap().len(), 2);
}

#[test]
fn takes_are_found_by_id_prefix_and_last() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(tmp.path()).unwrap();
    assert!(matches!(store.resolve("last"), Err(StoreError::Empty)));
    let mut ids = Vec::new();
    for i in 0..3u8 {
        let src = audio(tmp.path(), &format!("{i}.wav"), &[i]);
        ids.push(stored(store.save(new_take(&src, None, 1.0), false).unwrap()).id);
    }
    assert_eq!(store.resolve("last").unwrap().meta.id, ids[2]);
    assert_eq!(store.resolve("last~2").unwrap().meta.id, ids[0]);
    assert!(matches!(
        store.resolve("last~3"),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.resolve(&ids[1]).unwrap().meta.id, ids[1]);
    assert_eq!(store.resolve(&ids[1][..7]).unwrap().meta.id, ids[1]);
    assert!(matches!(
        store.resolve("zzzz"),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn deleting_removes_row_and_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let src = audio(tmp.path(), "a.wav", b"x");
    let mut store = Store::open(tmp.path()).unwrap();
    let meta = stored(store.save(new_take(&src, None, 1.0), false).unwrap());
    store.delete(&meta.id).unwrap();
    assert!(store.list().unwrap().is_empty());
    assert!(!store.takes_dir().join(&meta.id).exists());
}

#[test]
fn a_folder_without_a_row_is_adopted_and_leftovers_are_cleaned() {
    let tmp = tempfile::tempdir().unwrap();
    let src = audio(tmp.path(), "a.wav", b"x");
    let meta = {
        let mut store = Store::open(tmp.path()).unwrap();
        stored(store.save(new_take(&src, Some("q"), 1.0), false).unwrap())
    };
    let takes = tmp.path().join("history/takes");
    // As if a save crashed after the rename, and another before it (its process is gone).
    Connection::open(tmp.path().join("history").join(INDEX_FILE))
        .unwrap()
        .execute("DELETE FROM takes", [])
        .unwrap();
    fs::create_dir(takes.join(".staging-0badf00d-999999999")).unwrap();
    // And a deletion that stopped after renaming the folder.
    fs::create_dir(takes.join(".deleted-12345678")).unwrap();
    let mut store = Store::open(tmp.path()).unwrap();
    let notices = store.take_notices();
    assert!(notices[0].contains(&meta.id), "{notices:?}");
    let all = store.list().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].meta, meta);
    let left: Vec<_> = fs::read_dir(&takes).unwrap().collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

#[test]
fn a_damaged_index_is_set_aside_and_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    let src = audio(tmp.path(), "a.wav", b"x");
    let meta = {
        let mut store = Store::open(tmp.path()).unwrap();
        stored(store.save(new_take(&src, None, 1.0), false).unwrap())
    };
    let index = tmp.path().join("history").join(INDEX_FILE);
    for side in ["-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{side}", index.display()));
    }
    fs::write(&index, vec![0x5a; 8192]).unwrap();
    let mut store = Store::open(tmp.path()).unwrap();
    let notices = store.take_notices().join("\n");
    assert!(notices.contains("damaged"), "{notices}");
    assert!(notices.contains(&index.display().to_string()), "{notices}");
    assert_eq!(store.list().unwrap()[0].meta, meta);
}

#[test]
fn missing_audio_is_reported_per_take() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(tmp.path()).unwrap();
    let a = audio(tmp.path(), "a.wav", b"a");
    let b = audio(tmp.path(), "b.wav", b"b");
    stored(store.save(new_take(&a, None, 1.0), false).unwrap());
    stored(store.save(new_take(&b, None, 1.0), false).unwrap());
    let first = &store.list().unwrap()[0];
    fs::remove_file(first.audio_path().unwrap()).unwrap();
    let all = store.list().unwrap();
    assert_eq!(all[0].files, FileState::AudioMissing);
    assert!(all[0].files.problem(&all[0]).unwrap().contains("missing"));
    assert_eq!(all[1].files, FileState::Ok);
}

#[test]
fn import_skips_what_is_already_there() {
    let tmp = tempfile::tempdir().unwrap();
    let src = audio(tmp.path(), "a.wav", b"x");
    let mut store = Store::open(&tmp.path().join("one")).unwrap();
    let meta = stored(store.save(new_take(&src, None, 1.0), false).unwrap());
    let report = store.get(&meta.id).unwrap().unwrap().report_json;
    assert!(matches!(
        store.import(meta.clone(), &report).unwrap(),
        Imported::Skipped(_)
    ));
    let mut other = Store::open(&tmp.path().join("two")).unwrap();
    let Imported::Stored(imported) = other.import(meta.clone(), &report).unwrap() else {
        panic!("not imported");
    };
    assert_eq!(imported.id, meta.id);
    assert_eq!(imported.audio_file, None);
    assert_eq!(other.list().unwrap()[0].files, FileState::NoAudio);
}

#[test]
fn reindex_rebuilds_rows_from_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let src = audio(tmp.path(), "a.wav", b"x");
    let mut store = Store::open(tmp.path()).unwrap();
    let meta = stored(store.save(new_take(&src, None, 1.0), false).unwrap());
    assert_eq!(store.reindex().unwrap(), 1);
    assert_eq!(store.list().unwrap()[0].meta, meta);
}

#[test]
fn a_missing_folder_is_reported_until_reindex_drops_it() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(tmp.path()).unwrap();
    let a = audio(tmp.path(), "a.wav", b"a");
    let b = audio(tmp.path(), "b.wav", b"b");
    let gone = stored(store.save(new_take(&a, None, 1.0), false).unwrap());
    let kept = stored(store.save(new_take(&b, None, 2.0), false).unwrap());
    fs::remove_dir_all(store.takes_dir().join(&gone.id)).unwrap();
    let all = store.list().unwrap();
    assert_eq!(all[0].files, FileState::FolderMissing);
    assert!(all[0].files.problem(&all[0]).unwrap().contains("folder"));
    assert_eq!(
        all[0].report_value()["pace"]["wpm"],
        1.0,
        "the report is still there"
    );
    assert_eq!(store.reindex().unwrap(), 1);
    let all = store.list().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].meta, kept);
}

/// A take as an export file would carry it, with the given id.
fn exported(id: &str) -> TakeMeta {
    TakeMeta {
        id: id.to_string(),
        created: Timestamp::from_second(1_700_000_000).unwrap(),
        question: Some("q".into()),
        source_path: "/elsewhere/a.wav".into(),
        source_sha256: "ab".repeat(32),
        audio_file: Some("audio.wav".into()),
        model: "m".into(),
        duration_s: 3.0,
        note: None,
        tags: Vec::new(),
        session: None,
    }
}

/// Every path under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn crafted_import_ids_are_refused_and_touch_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).unwrap();
    let mut store = Store::open(&data).unwrap();
    let victim = stored(
        store
            .save(
                new_take(&audio(tmp.path(), "v.wav", b"v"), None, 1.0),
                false,
            )
            .unwrap(),
    );
    let before = tree(tmp.path());
    let escape = format!("/../../../../../../..{}/x", outside.display());
    for id in [
        ".staging-",
        escape.as_str(),
        "../outside/x",
        &format!(".deleted-{}", victim.id),
        &format!("{}/..", victim.id),
        "ABCDEF12",
        "1234567",
        "",
        "\u{1b}]0;hi\u{7}",
    ] {
        let err = store.import(exported(id), "{}").unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{id:?}: {err}");
        assert!(err.to_string().contains("not a take id"), "{err}");
        assert!(!err.to_string().contains('\u{1b}'), "{err}");
    }
    assert_eq!(tree(tmp.path()), before, "an import wrote or removed files");
    assert_eq!(store.list().unwrap().len(), 1);
    assert_eq!(store.resolve(&victim.id).unwrap().files, FileState::Ok);
}

#[test]
fn imported_fields_are_checked_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(tmp.path()).unwrap();
    let mut bad_hash = exported("0123abcd");
    bad_hash.source_sha256 = "../../x".into();
    let mut bad_len = exported("0123abcd");
    bad_len.duration_s = f64::NAN;
    let mut long_q = exported("0123abcd");
    long_q.question = Some("x".repeat(100_000));
    let mut long_note = exported("0123abcd");
    long_note.note = Some("x".repeat(100_000));
    let mut many_tags = exported("0123abcd");
    many_tags.tags = vec!["t".into(); 10_000];
    for meta in [bad_hash, bad_len, long_q, long_note, many_tags] {
        assert!(matches!(
            store.import(meta, "{}"),
            Err(StoreError::Invalid(_))
        ));
    }
    assert!(matches!(
        store.import(exported("0123abcd"), "[1, 2]"),
        Err(StoreError::Invalid(_))
    ));
    assert!(store.list().unwrap().is_empty());
    assert_eq!(fs::read_dir(store.takes_dir()).unwrap().count(), 0);
}

#[test]
fn an_id_already_in_use_gets_a_new_one() {
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(tmp.path()).unwrap();
    let Imported::Stored(first) = store.import(exported("0123abcd"), "{}").unwrap() else {
        panic!("not stored");
    };
    let mut other = exported("0123abcd");
    other.created = Timestamp::from_second(1_800_000_000).unwrap();
    let Imported::Stored(second) = store.import(other, "{}").unwrap() else {
        panic!("not stored");
    };
    assert_eq!(first.id, "0123abcd");
    assert_ne!(second.id, first.id);
    assert!(take::is_take_id(&second.id));
}

#[test]
fn reindex_keeps_the_index_copy_of_a_damaged_folder_and_repairs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let src = audio(tmp.path(), "a.wav", b"x");
    let mut store = Store::open(tmp.path()).unwrap();
    let meta = stored(store.save(new_take(&src, None, 7.0), false).unwrap());
    let report = store.takes_dir().join(&meta.id).join(take::REPORT_FILE);
    fs::write(&report, b"{ not json").unwrap();
    assert_eq!(store.reindex().unwrap(), 1);
    let notices = store.take_notices().join("\n");
    assert!(notices.contains("kept"), "{notices}");
    let all = store.list().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].meta, meta);
    assert_eq!(all[0].report_value()["pace"]["wpm"], 7.0);
    let repaired: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(repaired["pace"]["wpm"], 7.0);
    // A second reindex now has a good folder to read.
    assert_eq!(store.reindex().unwrap(), 1);
}

#[test]
fn a_damaged_page_deep_in_the_index_is_found_on_open_and_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ids = Vec::new();
    {
        let mut store = Store::open(tmp.path()).unwrap();
        for i in 0..40u8 {
            let src = audio(tmp.path(), &format!("{i}.wav"), &[i]);
            let mut t = new_take(&src, None, 1.0);
            // Reports big enough to fill many pages.
            t.report_json = format!("{{\"pad\": \"{}\"}}", "z".repeat(3000));
            ids.push(stored(store.save(t, false).unwrap()).id);
        }
    }
    let index = tmp.path().join("history").join(INDEX_FILE);
    let mut bytes = fs::read(&index).unwrap();
    assert!(bytes.len() > 40 * 4096, "{}", bytes.len());
    // Damage pages in the middle of the file; the header and the schema page stay intact.
    let mid = bytes.len() / 2;
    bytes[mid..mid + 3 * 4096].fill(0xa5);
    fs::write(&index, &bytes).unwrap();
    let mut store = Store::open(tmp.path()).unwrap();
    let notices = store.take_notices().join("\n");
    assert!(notices.contains("damaged"), "{notices}");
    let mut listed: Vec<String> = store
        .list()
        .unwrap()
        .into_iter()
        .map(|t| t.meta.id)
        .collect();
    listed.sort();
    ids.sort();
    assert_eq!(listed, ids);
}

#[cfg(unix)]
#[test]
fn the_store_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let src = audio(tmp.path(), "a.wav", b"x");
    fs::set_permissions(&src, fs::Permissions::from_mode(0o644)).unwrap();
    let data = tmp.path().join("data");
    let mut store = Store::open(&data).unwrap();
    stored(store.save(new_take(&src, None, 1.0), false).unwrap());
    drop(store);
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    for rel in tree(&data) {
        let p = data.join(&rel);
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&p), want, "{rel}");
    }
}

#[cfg(unix)]
#[test]
fn an_older_world_readable_store_is_closed_on_open() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    drop(Store::open(tmp.path()).unwrap());
    let history = tmp.path().join("history");
    for p in [&history, &history.join("takes")] {
        fs::set_permissions(p, fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::set_permissions(history.join(INDEX_FILE), fs::Permissions::from_mode(0o644)).unwrap();
    drop(Store::open(tmp.path()).unwrap());
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&history), 0o700);
    assert_eq!(mode(&history.join("takes")), 0o700);
    assert_eq!(mode(&history.join(INDEX_FILE)), 0o600);
}

#[test]
fn a_read_only_open_reads_an_index_it_cannot_write() {
    let tmp = tempfile::tempdir().unwrap();
    let src = audio(tmp.path(), "a.wav", b"x");
    let meta = {
        let mut store = Store::open(tmp.path()).unwrap();
        stored(store.save(new_take(&src, None, 1.0), false).unwrap())
    };
    let why = StoreError::ReadOnly(tmp.path().to_path_buf());
    let store = Store::open_read_only(tmp.path(), &why).unwrap();
    assert_eq!(store.list().unwrap()[0].meta, meta);
    // No index at all: the folders are read in memory, and nothing is written.
    fs::remove_file(tmp.path().join("history").join(INDEX_FILE)).unwrap();
    let store = Store::open_read_only(tmp.path(), &why).unwrap();
    assert_eq!(store.list().unwrap()[0].meta, meta);
    assert!(!tmp.path().join("history").join(INDEX_FILE).exists());
}

fn recording<'a>(audio: &'a Path, keep: Keep) -> Recording<'a> {
    Recording {
        audio,
        keep,
        question: Some("Tell me about a conflict.".into()),
        duration_s: 4.0,
        session: None,
    }
}

#[test]
fn a_recording_is_moved_in_and_stays_not_analysed_until_its_report_comes() {
    let tmp = tempfile::tempdir().unwrap();
    let recordings = tmp.path().join(RECORDINGS_DIR);
    fs::create_dir(&recordings).unwrap();
    let wav = audio(&recordings, "2026-11-27-220000.wav", b"RIFF recorded");
    let mut store = Store::open(tmp.path()).unwrap();
    let meta = store.add_recording(recording(&wav, Keep::Move)).unwrap();
    assert!(!wav.exists(), "moved, not copied");
    assert!(fs::read_dir(&recordings).unwrap().next().is_none());
    let t = store.resolve("last").unwrap();
    assert!(!t.analysed());
    assert_eq!(t.files, FileState::Ok);
    assert_eq!(fs::read(t.audio_path().unwrap()).unwrap(), b"RIFF recorded");
    assert_eq!(
        t.meta.source_path,
        t.audio_path().unwrap().display().to_string()
    );
    assert!(!t.folder.join(take::REPORT_FILE).exists());
    // The folder alone says it is not analysed: a rebuilt index agrees.
    assert_eq!(store.reindex().unwrap(), 1);
    assert!(!store.resolve("last").unwrap().analysed());

    let done = store
        .attach_report(
            &meta.id,
            "{\"pace\": {\"wpm\": 150}}",
            "ggml-tiny.en.bin",
            3.9,
        )
        .unwrap();
    assert_eq!(
        (done.model.as_str(), done.duration_s),
        ("ggml-tiny.en.bin", 3.9)
    );
    store.reindex().unwrap();
    let t = store.resolve("last").unwrap();
    assert!(t.analysed());
    assert_eq!(t.report_value()["pace"]["wpm"], 150);
    assert_eq!(t.meta.model, "ggml-tiny.en.bin");
    assert_eq!(
        t.meta.question.as_deref(),
        Some("Tell me about a conflict.")
    );
}

#[test]
fn an_out_file_is_copied_and_delete_leaves_it_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let mine = audio(tmp.path(), "answer.wav", b"RIFF mine");
    let mut store = Store::open(&tmp.path().join("data")).unwrap();
    let meta = store.add_recording(recording(&mine, Keep::Copy)).unwrap();
    let t = store.resolve(&meta.id).unwrap();
    assert_eq!(fs::read(t.audio_path().unwrap()).unwrap(), b"RIFF mine");
    assert_eq!(store.delete(&meta.id).unwrap(), None);
    assert_eq!(
        fs::read(&mine).unwrap(),
        b"RIFF mine",
        "the user's file stays"
    );
    assert!(!t.folder.exists());
}

#[test]
fn analysing_the_audio_of_a_take_not_analysed_finishes_that_take() {
    let tmp = tempfile::tempdir().unwrap();
    let recordings = tmp.path().join(RECORDINGS_DIR);
    fs::create_dir(&recordings).unwrap();
    let wav = audio(&recordings, "a.wav", b"RIFF pending");
    let mut store = Store::open(tmp.path()).unwrap();
    let meta = store.add_recording(recording(&wav, Keep::Move)).unwrap();
    let kept = store.resolve(&meta.id).unwrap().audio_path().unwrap();
    match store.save(new_take(&kept, None, 133.0), false).unwrap() {
        Saved::Finished(m) => assert_eq!(m.id, meta.id),
        other => panic!("expected the pending take to be finished: {other:?}"),
    }
    let all = store.list().unwrap();
    assert_eq!(all.len(), 1, "no second copy");
    assert!(all[0].analysed());
    assert_eq!(all[0].report_value()["pace"]["wpm"], 133.0);
}

#[test]
fn a_recording_whose_save_was_cut_off_is_adopted_not_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let meta = {
        let store = Store::open(tmp.path()).unwrap();
        let meta = TakeMeta {
            id: "0badcafe".into(),
            created: Timestamp::from_second(1_795_000_000).unwrap(),
            question: None,
            source_path: "/x/audio.wav".into(),
            source_sha256: "00".repeat(32),
            audio_file: Some("audio.wav".into()),
            model: String::new(),
            duration_s: 2.0,
            note: None,
            tags: Vec::new(),
            session: None,
        };
        // The staging folder of a process that no longer runs, with the moved recording.
        let staged = store.takes_dir().join(".staging-0badcafe-4294967294");
        fs::create_dir(&staged).unwrap();
        fs::write(
            staged.join("meta.json"),
            serde_json::to_string(&meta).unwrap(),
        )
        .unwrap();
        fs::write(staged.join("audio.wav"), b"RIFF only copy").unwrap();
        // And one of a save that copied a file which still exists: only a leftover.
        let copied = store.takes_dir().join(".staging-1badcafe-4294967294");
        fs::create_dir(&copied).unwrap();
        fs::write(copied.join("report.json"), "{}").unwrap();
        meta
    };
    let mut store = Store::open(tmp.path()).unwrap();
    let notices = store.take_notices();
    assert!(
        notices
            .iter()
            .any(|n| n.contains("recovered take 0badcafe")),
        "{notices:?}"
    );
    let t = store.resolve("0badcafe").unwrap();
    assert!(!t.analysed());
    assert_eq!(t.meta, meta);
    assert_eq!(
        fs::read(t.audio_path().unwrap()).unwrap(),
        b"RIFF only copy"
    );
    assert_eq!(
        tree(&store.takes_dir()),
        ["0badcafe", "0badcafe/audio.wav", "0badcafe/meta.json"]
    );
}

#[test]
fn delete_also_removes_the_first_copy_an_older_rehearse_left_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let recordings = tmp.path().join(RECORDINGS_DIR);
    fs::create_dir(&recordings).unwrap();
    let first = audio(&recordings, "2026-11-01-090000.wav", b"RIFF twice");
    let elsewhere = audio(tmp.path(), "mine.wav", b"RIFF user");
    let mut store = Store::open(tmp.path()).unwrap();
    // What `record` did before takes were moved: the history copied the recording.
    let old = stored(store.save(new_take(&first, None, 1.0), false).unwrap());
    let users = stored(store.save(new_take(&elsewhere, None, 1.0), false).unwrap());
    let d = store.disk_use();
    assert_eq!((d.recordings, d.recordings_bytes), (1, 10));
    assert!(d.history_bytes > 20, "{d:?}");
    assert_eq!(store.delete(&old.id).unwrap(), Some(first.clone()));
    assert!(!first.exists());
    assert_eq!(store.delete(&users.id).unwrap(), None);
    assert!(elsewhere.exists(), "a file the user named is theirs");
    assert_eq!(store.disk_use().recordings, 0);
}
