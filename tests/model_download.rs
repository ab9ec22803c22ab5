//! `rehearse model download` against a real HTTP server started by the test on 127.0.0.1:
//! the library on a small made-up payload with its own pinned hash (wrong hash, wrong size,
//! interrupted and resumed, a server that cannot resume, missing file, nothing listening),
//! and the real binary fetching the real tiny.en model (the copy `scripts/fetch-model.sh`
//! put in `models/`) from a mirror named in the environment or the config file.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rehearse::transcribe::download::{
    download, DownloadError, ModelFile, Outcome, Pin, Progress, Request,
};

/// How the server answers the next requests.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// The file, honouring `Range: bytes=N-` with a 206 when `ranges` is true.
    Serve { ranges: bool },
    /// A 200 announcing the whole file, then only its first `n` bytes and a closed connection.
    CutAfter(usize),
}

/// A one-file HTTP/1.1 server on 127.0.0.1, serving `body` at `path`, 404 elsewhere.
struct Server {
    port: u16,
    mode: Arc<Mutex<Mode>>,
    body: Arc<Mutex<Vec<u8>>>,
    /// Each request as "GET /path" plus " Range: ..." when it asked for one.
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(path: &str, body: Vec<u8>, mode: Mode) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let port = listener.local_addr().expect("local address").port();
        let server = Server {
            port,
            mode: Arc::new(Mutex::new(mode)),
            body: Arc::new(Mutex::new(body)),
            log: Arc::default(),
        };
        let (mode, body, log, path) = (
            server.mode.clone(),
            server.body.clone(),
            server.log.clone(),
            path.to_string(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mode = *mode.lock().unwrap();
                let body = body.lock().unwrap().clone();
                let _ = answer(stream, &path, &body, mode, &log);
            }
        });
        server
    }

    fn base_url(&self, folder: &str) -> String {
        format!("http://127.0.0.1:{}{folder}", self.port)
    }

    fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    fn set_body(&self, body: Vec<u8>) {
        *self.body.lock().unwrap() = body;
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn answer(
    stream: TcpStream,
    path: &str,
    body: &[u8],
    mode: Mode,
    log: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut range_from = None;
    let mut entry = request_line
        .trim()
        .trim_end_matches(" HTTP/1.1")
        .to_string();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("range") {
                entry.push_str(&format!(" Range: {}", value.trim()));
                range_from = value
                    .trim()
                    .strip_prefix("bytes=")
                    .and_then(|r| r.strip_suffix('-'))
                    .and_then(|n| n.parse::<usize>().ok());
            }
        }
    }
    log.lock().unwrap().push(entry);
    let mut out = stream;
    if request_line.split(' ').nth(1) != Some(path) {
        out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
        return Ok(());
    }
    let len = body.len();
    match (mode, range_from) {
        (Mode::Serve { ranges: true }, Some(from)) if from < len => {
            write!(
                out,
                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {from}-{}/{len}\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                len - 1,
                len - from
            )?;
            out.write_all(&body[from..])?;
        }
        (Mode::Serve { .. }, _) => {
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
            )?;
            out.write_all(body)?;
        }
        (Mode::CutAfter(n), _) => {
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
            )?;
            out.write_all(&body[..n.min(len)])?;
            out.flush()?;
            out.shutdown(Shutdown::Both)?;
        }
    }
    out.flush()
}

/// 300 kB of deterministic bytes (a linear congruential sequence), the made-up "model".
fn payload() -> Vec<u8> {
    let mut x: u32 = 12345;
    (0..300_000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect()
}

/// The payload's size and sha256, pinned here as a release would pin a real model.
const PAYLOAD_SIZE: u64 = 300_000;
const PAYLOAD_SHA256: &str = "b0d8c6a67cccc4ab82684ec13f1fc9800877a7e7d6e73dd2a561a5f0656e7c89";

fn fake_model() -> ModelFile {
    ModelFile {
        name: "fake".into(),
        file_name: "ggml-fake.bin".into(),
        pins: vec![Pin {
            size: PAYLOAD_SIZE,
            sha256: PAYLOAD_SHA256.into(),
        }],
    }
}

fn models_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("model-download")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn fetch(model: &ModelFile, base_url: &str, dir: &Path) -> Result<Outcome, DownloadError> {
    download(
        &Request {
            model,
            base_url,
            dir,
        },
        &mut |_| {},
    )
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn the_pinned_payload_is_what_the_test_serves() {
    use sha2::{Digest, Sha256};
    let body = payload();
    let sha: String = Sha256::digest(&body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        (body.len() as u64, sha.as_str()),
        (PAYLOAD_SIZE, PAYLOAD_SHA256)
    );
}

#[test]
fn a_model_is_downloaded_verified_and_not_fetched_twice() {
    let server = Server::start(
        "/mirror/whisper/ggml-fake.bin",
        payload(),
        Mode::Serve { ranges: true },
    );
    let dir = models_dir("ok");
    let model = fake_model();
    let mut seen: Vec<Progress> = Vec::new();
    let outcome = download(
        &Request {
            model: &model,
            base_url: &server.base_url("/mirror/whisper/"),
            dir: &dir,
        },
        &mut |p| seen.push(p),
    )
    .expect("downloads");
    let path = dir.join("ggml-fake.bin");
    assert_eq!(
        outcome,
        Outcome::Downloaded {
            path: path.clone(),
            size: PAYLOAD_SIZE,
            resumed_from: 0
        }
    );
    assert_eq!(std::fs::read(&path).unwrap(), payload());
    assert_eq!(files_in(&dir), ["ggml-fake.bin"]);
    assert_eq!(seen.first().map(|p| p.done), Some(0));
    assert_eq!(
        seen.last(),
        Some(&Progress {
            done: PAYLOAD_SIZE,
            total: Some(PAYLOAD_SIZE)
        })
    );
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done));

    let again = fetch(&model, &server.base_url("/mirror/whisper"), &dir).expect("checks");
    assert_eq!(again, Outcome::AlreadyThere { path });
    assert_eq!(server.requests(), ["GET /mirror/whisper/ggml-fake.bin"]);
}

#[test]
fn a_wrong_hash_is_refused_and_nothing_is_left_behind() {
    let mut tampered = payload();
    tampered[150_000] ^= 0x01;
    let server = Server::start("/ggml-fake.bin", tampered, Mode::Serve { ranges: true });
    let dir = models_dir("wrong-hash");
    let err = fetch(&fake_model(), &server.base_url(""), &dir).unwrap_err();
    assert!(
        matches!(
            err,
            DownloadError::Mismatch {
                size: PAYLOAD_SIZE,
                ..
            }
        ),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains(PAYLOAD_SHA256) && text.contains("deleted"),
        "{text}"
    );
    assert_eq!(files_in(&dir), Vec::<String>::new());
}

#[test]
fn a_file_of_the_wrong_size_is_not_downloaded() {
    let server = Server::start(
        "/ggml-fake.bin",
        vec![7u8; 1000],
        Mode::Serve { ranges: true },
    );
    let dir = models_dir("wrong-size");
    let err = fetch(&fake_model(), &server.base_url(""), &dir).unwrap_err();
    assert!(
        matches!(err, DownloadError::WrongSize { got: 1000, .. }),
        "{err}"
    );
    assert!(!dir.join("ggml-fake.bin").exists());
}

#[test]
fn an_interrupted_download_keeps_its_part_and_the_next_run_resumes() {
    let server = Server::start("/ggml-fake.bin", payload(), Mode::CutAfter(120_000));
    let dir = models_dir("resume");
    let model = fake_model();
    let err = fetch(&model, &server.base_url(""), &dir).unwrap_err();
    match &err {
        DownloadError::Interrupted { received, part, .. } => {
            assert_eq!(*received, 120_000);
            assert_eq!(std::fs::metadata(part).unwrap().len(), 120_000);
        }
        other => panic!("expected an interruption, got {other}"),
    }
    assert!(
        err.to_string().contains("run the same command again"),
        "{err}"
    );
    assert_eq!(files_in(&dir), ["ggml-fake.bin.part"]);

    server.set_mode(Mode::Serve { ranges: true });
    let outcome = fetch(&model, &server.base_url(""), &dir).expect("resumes");
    assert!(
        matches!(
            outcome,
            Outcome::Downloaded {
                resumed_from: 120_000,
                size: PAYLOAD_SIZE,
                ..
            }
        ),
        "{outcome:?}"
    );
    assert_eq!(std::fs::read(dir.join("ggml-fake.bin")).unwrap(), payload());
    assert_eq!(files_in(&dir), ["ggml-fake.bin"]);
    assert_eq!(
        server.requests(),
        [
            "GET /ggml-fake.bin",
            "GET /ggml-fake.bin Range: bytes=120000-"
        ]
    );
}

#[test]
fn a_server_that_cannot_resume_gets_a_fresh_start() {
    let server = Server::start("/ggml-fake.bin", payload(), Mode::CutAfter(50_000));
    let dir = models_dir("no-ranges");
    let model = fake_model();
    assert!(fetch(&model, &server.base_url(""), &dir).is_err());
    server.set_mode(Mode::Serve { ranges: false });
    let outcome = fetch(&model, &server.base_url(""), &dir).expect("starts over");
    assert!(
        matches!(
            outcome,
            Outcome::Downloaded {
                resumed_from: 0,
                ..
            }
        ),
        "{outcome:?}"
    );
    assert_eq!(std::fs::read(dir.join("ggml-fake.bin")).unwrap(), payload());
}

#[test]
fn a_part_from_another_file_fails_the_check_and_is_deleted() {
    // The part on disk is not the start of the served file: the resumed result cannot match.
    let dir = models_dir("stale-part");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ggml-fake.bin.part"), vec![0u8; 100_000]).unwrap();
    let server = Server::start("/ggml-fake.bin", payload(), Mode::Serve { ranges: true });
    let model = fake_model();
    let err = fetch(&model, &server.base_url(""), &dir).unwrap_err();
    assert!(matches!(err, DownloadError::Mismatch { .. }), "{err}");
    assert_eq!(files_in(&dir), Vec::<String>::new());
    // ... so the next run starts clean and succeeds.
    fetch(&model, &server.base_url(""), &dir).expect("a clean second run");
    assert_eq!(std::fs::read(dir.join("ggml-fake.bin")).unwrap(), payload());
}

#[test]
fn a_corrupt_file_in_place_is_replaced_by_a_verified_one() {
    let dir = models_dir("replace");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ggml-fake.bin"), b"not a model").unwrap();
    let server = Server::start("/ggml-fake.bin", payload(), Mode::Serve { ranges: true });
    server.set_body(payload());
    let outcome = fetch(&fake_model(), &server.base_url(""), &dir).expect("replaces");
    assert!(matches!(outcome, Outcome::Downloaded { .. }), "{outcome:?}");
    assert_eq!(std::fs::read(dir.join("ggml-fake.bin")).unwrap(), payload());
}

#[test]
fn a_missing_file_on_the_mirror_is_a_clear_error() {
    let server = Server::start("/ggml-other.bin", payload(), Mode::Serve { ranges: true });
    let dir = models_dir("missing");
    let err = fetch(&fake_model(), &server.base_url(""), &dir).unwrap_err();
    assert!(
        matches!(err, DownloadError::Status { status: 404, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("/ggml-fake.bin"), "{err}");
    assert!(
        files_in(&dir).is_empty(),
        "left behind: {:?}",
        files_in(&dir)
    );
}

#[test]
fn nothing_listening_is_a_network_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = models_dir("unreachable");
    let err = fetch(&fake_model(), &format!("http://127.0.0.1:{port}"), &dir).unwrap_err();
    assert!(matches!(err, DownloadError::Network { .. }), "{err}");
    assert!(err.to_string().contains("REHEARSE_MODEL_BASE_URL"), "{err}");
    assert!(
        files_in(&dir).is_empty(),
        "left behind: {:?}",
        files_in(&dir)
    );
}

// ---- the real binary, the real model -------------------------------------------------------

/// The tiny.en model `scripts/fetch-model.sh` put in models/ (one of tiny.en's pins).
const VAD_FILE: &str = "ggml-silero-v6.2.0.bin";

/// Put the speech detector in `home`'s models folder, so `model download` fetches only the
/// Whisper model.
fn with_speech_detector(home: &Path) {
    std::fs::create_dir_all(home.join("models")).expect("models dir");
    std::fs::copy(
        common::root().join("models").join(VAD_FILE),
        home.join("models").join(VAD_FILE),
    )
    .expect("the speech detector model: run `bash scripts/setup.sh`");
}

/// A mirror serving the speech detector's file at `/mirror` (and the file's bytes), and a data
/// dir whose models/ folder holds the Whisper model but no speech detector.
fn detector_mirror_and_home() -> (Server, Vec<u8>, PathBuf) {
    let vad = std::fs::read(common::root().join("models").join(VAD_FILE))
        .expect("the speech detector model: run `bash scripts/setup.sh`");
    let server = Server::start(
        &format!("/mirror/{VAD_FILE}"),
        vad.clone(),
        Mode::Serve { ranges: true },
    );
    let home = common::fresh_home();
    let models = home.join("models");
    std::fs::create_dir_all(&models).expect("models dir");
    std::fs::write(models.join("ggml-tiny.en.bin"), real_model()).expect("whisper model");
    (server, vad, home)
}

#[test]
fn model_download_also_fetches_the_speech_detector_when_none_is_found() {
    let (server, vad, home) = detector_mirror_and_home();
    let models = home.join("models");
    let out = rehearse_in(
        &home,
        &[
            "model",
            "download",
            "--base-url",
            &server.base_url("/mirror"),
        ],
    );
    common::assert_clean_success(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is already there and verified"), "{stderr}");
    assert!(
        stderr.contains("0.9 MB downloaded and sha256 verified"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(models.join(VAD_FILE)).expect("stored"), vad);
    // The mirror was asked for the detector only: the Whisper model was verified in place.
    assert_eq!(server.requests(), [format!("GET /mirror/{VAD_FILE}")]);
    // Now everything `analyze` needs is found in the data dir.
    let out = rehearse_in(&home, &["model"]);
    common::assert_clean_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&models.join(VAD_FILE).display().to_string()),
        "{text}"
    );
}

/// `rehearse model download 2>&1 | head -1` after head has exited: the download's messages
/// and progress go to a closed pipe, and the download still completes and says where it is.
#[cfg(unix)]
#[test]
fn a_closed_stderr_does_not_stop_a_download() {
    let (server, vad, home) = detector_mirror_and_home();
    let models = home.join("models");
    let whisper = models.join("ggml-tiny.en.bin");
    // A working directory with no models/ folder, as in rehearse_in.
    std::fs::create_dir_all(home.join("cwd")).expect("a working directory");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rehearse"))
        .args([
            "model",
            "download",
            "--base-url",
            &server.base_url("/mirror"),
        ])
        .current_dir(home.join("cwd"))
        .env("REHEARSE_HOME", &home)
        .env_remove("REHEARSE_MODEL")
        .env_remove(rehearse::settings::BASE_URL_ENV)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(common::closed_pipe())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        whisper.display().to_string()
    );
    assert_eq!(std::fs::read(models.join(VAD_FILE)).expect("stored"), vad);
}

fn real_model() -> Vec<u8> {
    std::fs::read(common::root().join("models/ggml-tiny.en.bin"))
        .expect("models/ggml-tiny.en.bin: run `bash scripts/fetch-model.sh`")
}

/// `rehearse ARGS` with its own data dir and a working directory with no models/ folder.
fn rehearse_in(home: &Path, args: &[&str]) -> std::process::Output {
    let cwd = home.join("cwd");
    std::fs::create_dir_all(&cwd).expect("a working directory");
    common::rehearse()
        .current_dir(&cwd)
        .env("REHEARSE_HOME", home)
        .env_remove(rehearse::settings::BASE_URL_ENV)
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn model_download_fetches_from_the_mirror_in_the_environment_and_the_model_is_then_found() {
    let server = Server::start(
        "/whisper/ggml-tiny.en.bin",
        real_model(),
        Mode::Serve { ranges: true },
    );
    let home = common::fresh_home();
    // The speech detector is in place already, so only the Whisper model is fetched
    // (model_download_also_fetches_the_speech_detector_when_none_is_found fetches it).
    with_speech_detector(&home);
    let out = common::rehearse()
        .current_dir(&home)
        .env("REHEARSE_HOME", &home)
        .env(
            rehearse::settings::BASE_URL_ENV,
            server.base_url("/whisper"),
        )
        .args(["model", "download"])
        .output()
        .expect("runs");
    common::assert_clean_success(&out);
    let stored = home.join("models").join("ggml-tiny.en.bin");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        stored.display().to_string()
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    common::assert_only_own_messages(&out.stderr);
    assert!(
        stderr.contains("77.7 MB downloaded and sha256 verified"),
        "{stderr}"
    );
    assert_eq!(
        files_in(&home.join("models")),
        [VAD_FILE, "ggml-tiny.en.bin"]
    );

    // `rehearse model` finds it in the data dir and says so in words.
    let out = rehearse_in(&home, &["model"]);
    common::assert_clean_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&stored.display().to_string()), "{text}");
    assert!(
        text.contains("found in: the data directory's models/ folder"),
        "{text}"
    );
    assert!(!text.contains("DataDir"), "{text}");

    // A second download finds it in place: no request.
    let out = rehearse_in(
        &home,
        &[
            "model",
            "download",
            "tiny.en",
            "--base-url",
            &server.base_url("/whisper"),
        ],
    );
    common::assert_clean_success(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already there and verified"));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn model_download_refuses_a_tampered_model() {
    let mut model = real_model();
    let middle = model.len() / 2;
    model[middle] ^= 0x40;
    let server = Server::start("/ggml-tiny.en.bin", model, Mode::Serve { ranges: true });
    let home = common::fresh_home();
    let out = rehearse_in(
        &home,
        &[
            "model",
            "download",
            "-q",
            "--base-url",
            &server.base_url(""),
        ],
    );
    let err = common::assert_one_line_error(&out);
    assert!(
        err.contains("does not match its pin") && err.contains("deleted"),
        "{err}"
    );
    assert_eq!(files_in(&home.join("models")), Vec::<String>::new());
}

#[test]
fn an_interrupted_model_download_resumes_from_the_mirror_in_the_config_file() {
    let server = Server::start(
        "/m/ggml-tiny.en.bin",
        real_model(),
        Mode::CutAfter(30_000_000),
    );
    let home = common::fresh_home();
    std::fs::create_dir_all(home.join("config")).unwrap();
    std::fs::write(
        home.join("config/config.toml"),
        format!("[model]\nbase_url = \"{}\"\n", server.base_url("/m")),
    )
    .unwrap();
    with_speech_detector(&home);
    let out = rehearse_in(&home, &["model", "download", "-q"]);
    let err = common::assert_one_line_error(&out);
    assert!(
        err.contains("stopped after 30000000 of 77704698 bytes")
            && err.contains("run the same command again"),
        "{err}"
    );
    assert_eq!(
        files_in(&home.join("models")),
        [VAD_FILE, "ggml-tiny.en.bin.part"]
    );

    server.set_mode(Mode::Serve { ranges: true });
    let out = rehearse_in(&home, &["model", "download"]);
    common::assert_clean_success(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("resumed after 30.0 MB"), "{stderr}");
    assert_eq!(
        files_in(&home.join("models")),
        [VAD_FILE, "ggml-tiny.en.bin"]
    );
    assert_eq!(
        server.requests(),
        [
            "GET /m/ggml-tiny.en.bin",
            "GET /m/ggml-tiny.en.bin Range: bytes=30000000-"
        ]
    );
    assert_eq!(
        std::fs::read(home.join("models/ggml-tiny.en.bin")).unwrap(),
        real_model()
    );
}

#[test]
fn an_unknown_model_name_is_refused_by_the_command_line() {
    let home = common::fresh_home();
    let out = rehearse_in(&home, &["model", "download", "huge"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tiny.en") && err.contains("small"), "{err}");
    assert!(!home.join("models").exists());
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn model_download_makes_the_data_dir_models_and_part_private_and_a_refused_one_leaves_no_part() {
    let server = Server::start("/ggml-tiny.en.bin", real_model(), Mode::CutAfter(300_000));
    // A data dir that does not exist yet: model download creates it.
    let home = common::fresh_home().join("data");
    let out = common::rehearse()
        .current_dir(home.parent().unwrap())
        .env("REHEARSE_HOME", &home)
        .env_remove(rehearse::settings::BASE_URL_ENV)
        .args([
            "model",
            "download",
            "tiny.en",
            "--base-url",
            &server.base_url(""),
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success(), "the cut download fails");
    let models = home.join("models");
    let part = models.join("ggml-tiny.en.bin.part");
    assert_eq!(std::fs::metadata(&part).unwrap().len(), 300_000);
    assert_eq!(mode(&home), 0o700, "the data dir");
    assert_eq!(mode(&models), 0o700, "models/");
    assert_eq!(mode(&part), 0o600, "the part file");

    // A download refused before any byte (404 on the mirror) leaves no part behind.
    std::fs::remove_file(&part).unwrap();
    let out = common::rehearse()
        .env("REHEARSE_HOME", &home)
        .env_remove(rehearse::settings::BASE_URL_ENV)
        .args([
            "model",
            "download",
            "tiny.en",
            "--base-url",
            &server.base_url("/nowhere"),
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success(), "a 404 fails");
    assert!(
        files_in(&models).is_empty(),
        "left: {:?}",
        files_in(&models)
    );
}
