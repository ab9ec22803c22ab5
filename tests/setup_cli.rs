//! The commands a user runs once: shell completions installed the way the README says (and
//! checked in a real bash with bash-completion), the manual page, and `config init`.

mod common;

use std::path::Path;
use std::process::Command;

use common::{assert_clean_success, assert_one_line_error, rehearse};

fn stdout_of(args: &[&str], home: &Path) -> String {
    let out = rehearse()
        .env("REHEARSE_HOME", home)
        .args(args)
        .output()
        .expect("runs");
    assert_clean_success(&out);
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The README's bash line: the script in bash-completion's per-user folder, where
/// bash-completion loads it the first time `rehearse` is completed. Then a real bash completes
/// `rehearse mo` and `rehearse model d`, and (the script calls the binary back) the user's
/// story names after `--story` and the bank's question ids after `--question`.
#[test]
fn bash_completions_install_as_the_readme_says_and_complete_commands() {
    let bash_completion = Path::new("/usr/share/bash-completion/bash_completion");
    if !bash_completion.exists() {
        panic!("bash-completion is not installed: `apt-get install bash-completion` (scripts/setup.sh does)");
    }
    let home = common::fresh_home();
    let script = stdout_of(&["completions", "bash"], &home);
    let data = home.join("xdg-data");
    let dir = data.join("bash-completion/completions");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("rehearse"), script).unwrap();
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    assert!(
        readme.contains(
            "rehearse completions bash > ~/.local/share/bash-completion/completions/rehearse"
        ),
        "the README no longer says where the bash script goes"
    );

    // `rehearse` as the shell finds it: the binary under test first on PATH.
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_rehearse")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    // Two stories, and files in the stories folder that are not stories by name.
    let stories = home.join("stories");
    std::fs::create_dir_all(stories.join("folder.md")).unwrap();
    for name in [
        "billing-migration.md",
        "review.md",
        "Bad Name.md",
        "notes.txt",
    ] {
        std::fs::write(stories.join(name), "# A story\n").unwrap();
    }

    let complete = |words: &str| -> String {
        let probe = format!(
            "source {bc}; __load_completion rehearse || exit 3; \
             COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             COMP_LINE='{words}'; COMP_POINT=${{#COMP_LINE}}; \
             $(complete -p rehearse | sed -E 's/.*-F ([^ ]+).*/\\1/') rehearse \"${{COMP_WORDS[-1]}}\" \"${{COMP_WORDS[-2]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            bc = bash_completion.display()
        );
        let out = Command::new("bash")
            .arg("-c")
            .arg(probe)
            .env("XDG_DATA_HOME", &data)
            .env("HOME", &home)
            .env("REHEARSE_HOME", &home)
            .env("PATH", &path)
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(complete("rehearse mo").trim(), "model");
    assert!(complete("rehearse model d")
        .lines()
        .any(|l| l == "download"));
    assert!(complete("rehearse analyze --for")
        .lines()
        .any(|l| l == "--format"));

    let sorted = |words: &str| -> Vec<String> {
        let mut v: Vec<String> = complete(words).lines().map(str::to_string).collect();
        v.sort();
        v
    };
    assert_eq!(
        sorted("rehearse analyze a.wav --story ''"),
        ["billing-migration", "review"]
    );
    assert_eq!(sorted("rehearse record --story b"), ["billing-migration"]);
    assert_eq!(
        sorted("rehearse story show r"),
        ["review"],
        "story show NAME completes story names"
    );
    assert_eq!(sorted("rehearse record --question confl"), ["conflict"]);
    let ids = sorted("rehearse practice --question ''");
    assert!(
        ids.len() >= 10 && ids.iter().any(|i| i == "technical_problem"),
        "{ids:?}"
    );
    assert_eq!(
        sorted("rehearse retag last --question lead"),
        ["leadership"]
    );
}

#[test]
fn zsh_and_fish_scripts_call_the_binary_back() {
    let home = common::fresh_home();
    let zsh = stdout_of(&["completions", "zsh"], &home);
    assert!(zsh.starts_with("#compdef rehearse"), "{zsh:.200}");
    assert!(zsh.contains("compdef _clap_dynamic_completer_rehearse rehearse"));
    assert!(zsh.contains("REHEARSE_COMPLETE=\"zsh\""), "{zsh}");
    let fish = stdout_of(&["completions", "fish"], &home);
    assert!(
        fish.contains("complete --keep-order --exclusive --command rehearse")
            && fish.contains("REHEARSE_COMPLETE=fish rehearse"),
        "{fish}"
    );
    // What the scripts run on each Tab: the binary answers from its own definition.
    let out = rehearse()
        .env("REHEARSE_COMPLETE", "fish")
        .args(["--", "rehearse", "model", "d"])
        .output()
        .expect("runs");
    assert_clean_success(&out);
    assert!(String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.starts_with("download")));
}

#[test]
fn the_man_page_documents_every_command() {
    let home = common::fresh_home();
    let page = stdout_of(&["man"], &home);
    assert!(page.contains(".TH rehearse 1"), "{page:.300}");
    for cmd in [
        "analyze",
        "record",
        "history",
        "model",
        "completions",
        "config",
    ] {
        assert!(page.contains(cmd), "{cmd} missing from the man page");
    }
    let dir = home.join("man1");
    let out = rehearse()
        .args(["man", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_clean_success(&out);
    for name in [
        "rehearse.1",
        "rehearse-analyze.1",
        "rehearse-model-download.1",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|_| panic!("{name}"));
        assert!(text.contains(".TH"), "{name}");
    }
    // Argument placeholders in the synopsis, and rehearse(1)'s own sections.
    assert!(
        page.contains("[\\fB\\-\\-data\\-dir\\fR \\fIDIR\\fR]"),
        "no placeholder for --data-dir in the synopsis: {page:.600}"
    );
    let analyze = std::fs::read_to_string(dir.join("rehearse-analyze.1")).unwrap();
    let synopsis = analyze
        .split(".SH SYNOPSIS")
        .nth(1)
        .and_then(|s| s.split(".SH").next())
        .unwrap();
    assert!(
        synopsis.contains("\\fB\\-\\-model\\fR \\fIPATH|NAME\\fR")
            && synopsis.contains("\\fIFILE\\fR..."),
        "{synopsis}"
    );
    for section in ["EXAMPLES", "FILES", "ENVIRONMENT"] {
        assert!(
            page.contains(&format!(".SH {section}")),
            "no {section} section"
        );
    }
    assert!(page.contains("config.toml") && page.contains("stories/NAME.md"));
    assert!(page.contains("rehearse record \\-\\-question conflict"));

    if Path::new("/usr/bin/man").exists() {
        let out = Command::new("man")
            .arg(dir.join("rehearse-model-download.1"))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains("sha256"));
    }
}

#[test]
fn config_init_writes_every_key_commented_and_keeps_an_existing_file() {
    let home = common::fresh_home();
    let path = stdout_of(&["config", "init"], &home);
    let file = home.join("config/config.toml");
    assert_eq!(path.trim(), file.display().to_string());
    let text = std::fs::read_to_string(&file).unwrap();
    for key in [
        "pace_wpm",
        "pace_window_s",
        "pause_min_s",
        "long_pause_s",
        "answer_length_s",
        "fillers_per_minute_max",
        "fillers_per_minute_distracting",
        "extra_filler_words",
        "base_url",
    ] {
        assert!(
            text.contains(&format!("# {key} = ")),
            "{key} missing:\n{text}"
        );
    }
    // The written file is the defaults: `config show` reads it without complaint.
    let shown = stdout_of(&["config", "show"], &home);
    assert!(shown.contains("long_pause_s = 2.0"), "{shown}");

    std::fs::write(&file, "[targets]\nlong_pause_s = 3.0\n").unwrap();
    let out = rehearse()
        .env("REHEARSE_HOME", &home)
        .args(["config", "init"])
        .output()
        .unwrap();
    let err = assert_one_line_error(&out);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "[targets]\nlong_pause_s = 3.0\n"
    );
    stdout_of(&["config", "init", "--force"], &home);
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("# long_pause_s = 2.0"));
}

/// Every `REHEARSE_*` variable named in the shipped code (src/) is documented: in the man
/// page's ENVIRONMENT section and in the README or docs/.
#[test]
fn every_environment_variable_the_code_reads_is_documented() {
    let mut names = std::collections::BTreeSet::new();
    let mut files = vec![common::root().join("src")];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("REHEARSE_") {
                let name: String = rest[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                    .collect();
                rest = &rest[at + name.len()..];
                // `REHEARSE_*` in prose names no variable.
                let name = name.trim_end_matches('_');
                if name != "REHEARSE" {
                    names.insert(name.to_string());
                }
            }
        }
    }
    assert!(
        names.len() >= 6 && names.contains("REHEARSE_HOME"),
        "{names:?}"
    );

    let home = common::fresh_home();
    let page = stdout_of(&["man"], &home);
    let environment = page
        .split(".SH ENVIRONMENT")
        .nth(1)
        .and_then(|s| s.split(".SH").next())
        .expect("an ENVIRONMENT section");
    let mut docs = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    for e in std::fs::read_dir(common::root().join("docs")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "md") {
            docs.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    let listed = |text: &str, name: &str| {
        text.match_indices(name).any(|(i, _)| {
            !text[i + name.len()..].starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
        })
    };
    for name in &names {
        assert!(
            listed(environment, name),
            "{name} is read by the code but not in the man page's ENVIRONMENT"
        );
        assert!(
            listed(&docs, name),
            "{name} is read by the code but in neither README.md nor docs/"
        );
    }
}
