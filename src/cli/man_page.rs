//! The manual pages (`rehearse man`): clap_mangen's sections, made from the command-line
//! definition so they never fall behind it, and rehearse's own around them: a synopsis that
//! names each option's argument (`--model PATH`, where clap_mangen writes `--model` alone),
//! and on rehearse(1) EXAMPLES, FILES (the data folder and the config file) and ENVIRONMENT
//! (every `REHEARSE_*` variable the code reads, checked by tests/setup_cli.rs).

use clap::{Arg, ArgAction, Command};
use clap_mangen::Man;
use roff::{bold, italic, roman, Inline, Roff};

/// Every environment variable rehearse reads, with what it does.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "REHEARSE_HOME",
        "The data folder (take history, stories, downloaded models) instead of the XDG data \
         folder; its config/ subfolder then holds the config file. --data-dir overrides it for \
         the data.",
    ),
    (
        "REHEARSE_MODEL",
        "The Whisper model: a path or a model name (tiny.en, base.en, ...), instead of the \
         config file's [model] whisper or the first model found. --model overrides it.",
    ),
    (
        "REHEARSE_LANGUAGE_MODEL",
        "The multilingual model that checks which language an English-only model heard: a \
         path or a model name, or off for none.",
    ),
    (
        "REHEARSE_ENCODER_WINDOW",
        "How much of Whisper's 30 s encoder window each piece gets: fitted (the default: \
         the piece plus 5 s, about half the work; takes with 15 s or less to transcribe get \
         the full window), full, or fitted:FRAMES (a floor in 20 ms frames). See \
         docs/speed.md.",
    ),
    (
        "REHEARSE_DENOISE",
        "RNNoise noise suppression before the speech detector (detector), before Whisper \
         (whisper), both, or off (the default). A measured option; see docs/accuracy.md.",
    ),
    (
        "REHEARSE_THREADS",
        "Threads for transcription when --threads is not given, instead of one per core \
         that is free when the analysis starts (shared equally with the other rehearse \
         analyses running then): for scripts that run several analyses at once.",
    ),
    (
        "REHEARSE_VAD_MODEL",
        "The Silero speech detector model (a ggml file). --vad-model overrides it.",
    ),
    (
        "REHEARSE_MODEL_BASE_URL",
        "Where `rehearse model download` fetches models from (a mirror), instead of the config \
         file's [model] base_url or Hugging Face.",
    ),
    (
        "REHEARSE_COMPLETE",
        "Set by the completion scripts of `rehearse completions` to ask the binary for \
         completions; not for use by hand.",
    ),
    (
        "REHEARSE_TEST_PAUSE",
        "For rehearse's own tests: STAGE:MS pauses a save at that stage. Leave it unset.",
    ),
    (
        "NO_COLOR",
        "When set and not empty, no colour in terminal output (as --color never).",
    ),
    (
        "COLUMNS",
        "The width reports are wrapped to when standard output is not a terminal (else 80).",
    ),
    (
        "VISUAL, EDITOR",
        "The editor `rehearse story add` and `story edit` open.",
    ),
    (
        "XDG_DATA_HOME, XDG_CONFIG_HOME",
        "Where the data folder and the config file are when REHEARSE_HOME is not set.",
    ),
    (
        "XDG_RUNTIME_DIR",
        "Where the analyses running now are listed (rehearse-running/, one locked file per \
         process), so that analyses started together share the cores; else \
         rehearse-running-UID in the temporary directory.",
    ),
];

const EXAMPLES: &[(&str, &str)] = &[
    (
        "rehearse record --question conflict",
        "Answer a bank question into the microphone and get the report.",
    ),
    (
        "rehearse analyze answer.wav",
        "Analyse a recording you already have.",
    ),
    (
        "rehearse analyze answer.wav --format html --open",
        "The report as a web page, with the take to listen to.",
    ),
    (
        "rehearse history --tag second-round",
        "The saved takes with that tag.",
    ),
    (
        "rehearse progress --format html -o progress.html",
        "Charts of every metric over your takes.",
    ),
    (
        "rehearse story add billing-migration",
        "Write a story; practice and reports check answers against it.",
    ),
    (
        "rehearse practice -n 3 --format html -o session.html",
        "A mock interview of three questions, with a page linking each answer's report.",
    ),
    (
        "rehearse model download base.en",
        "Fetch a larger Whisper model.",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        "$REHEARSE_HOME, else $XDG_DATA_HOME/rehearse (~/.local/share/rehearse)",
        "The data folder (--data-dir DIR to use another), private to you:",
    ),
    ("    history/index.sqlite3", "The index of saved takes."),
    (
        "    history/takes/ID/",
        "One take: meta.json, report.json and its audio (audio.wav).",
    ),
    ("    stories/NAME.md", "Your stories (`rehearse story`)."),
    (
        "    models/ggml-NAME.bin",
        "Downloaded Whisper models (./models/ is searched first).",
    ),
    (
        "$REHEARSE_HOME/config/config.toml, else $XDG_CONFIG_HOME/rehearse/config.toml",
        "The config file: targets, extra filler words, models (`rehearse config init` writes \
         one with every key; `rehearse config path` prints where).",
    ),
];

/// One page: rehearse(1) when `top`, else a command's page.
pub fn render(cmd: &Command, top: bool) -> std::io::Result<String> {
    let man = Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    let mut own = Roff::new();
    synopsis(&mut own, cmd);
    own.to_writer(&mut out)?;
    man.render_description_section(&mut out)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut out)?;
    }
    if cmd.get_after_help().is_some() || cmd.get_after_long_help().is_some() {
        man.render_extra_section(&mut out)?;
    }
    let mut own = Roff::new();
    if top {
        section(&mut own, "EXAMPLES", EXAMPLES, true);
        section(&mut own, "FILES", FILES, false);
        section(&mut own, "ENVIRONMENT", ENVIRONMENT, false);
    } else {
        own.control("SH", ["SEE ALSO"]).text([
            bold("rehearse"),
            roman("(1) for examples, the files rehearse keeps and its environment variables."),
        ]);
    }
    if cmd.get_version().is_some() {
        own.to_writer(&mut out)?;
        man.render_version_section(&mut out)?;
    } else {
        own.to_writer(&mut out)?;
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn section(roff: &mut Roff, title: &str, items: &[(&str, &str)], code: bool) {
    roff.control("SH", [title]);
    for (term, text) in items {
        roff.control("TP", [])
            .text([if code { bold(*term) } else { roman(*term) }]);
        roff.text([roman(*text)]);
    }
}

/// `rehearse analyze [--model PATH] [--format FORMAT] ... FILE...`: every visible option with
/// its argument's placeholder, then the positionals and the subcommand.
fn synopsis(roff: &mut Roff, cmd: &Command) {
    let name = cmd.get_bin_name().unwrap_or_else(|| cmd.get_name());
    let mut line: Vec<Inline> = vec![bold(name)];
    for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        if arg.is_positional() {
            continue;
        }
        let flag = match (arg.get_long(), arg.get_short()) {
            (Some(long), _) => format!("--{long}"),
            (None, Some(short)) => format!("-{short}"),
            (None, None) => continue,
        };
        let required = arg.is_required_set();
        line.push(roman(if required { " " } else { " [" }));
        line.push(bold(flag));
        if takes_value(arg) {
            line.push(roman(" "));
            line.push(italic(placeholder(arg)));
        }
        if matches!(arg.get_action(), ArgAction::Append | ArgAction::Count) {
            line.push(roman("..."));
        }
        if !required {
            line.push(roman("]"));
        }
    }
    for arg in cmd.get_positionals().filter(|a| !a.is_hide_set()) {
        let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1)
            || matches!(arg.get_action(), ArgAction::Append);
        let (open, close) = if arg.is_required_set() {
            (" ", "")
        } else {
            (" [", "]")
        };
        line.push(roman(open));
        line.push(italic(placeholder(arg)));
        line.push(roman(format!("{}{close}", if many { "..." } else { "" })));
    }
    if cmd.has_subcommands() {
        line.push(roman(" "));
        line.push(italic("COMMAND"));
    }
    roff.control("SH", ["SYNOPSIS"]).text(line);
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values() && arg.get_num_args().is_none_or(|n| n.max_values() > 0)
}

/// The argument's name as help shows it (`value_name`), else its id in capitals.
fn placeholder(arg: &Arg) -> String {
    arg.get_value_names()
        .map(|v| v.join(" "))
        .unwrap_or_else(|| arg.get_id().as_str().to_uppercase())
}
