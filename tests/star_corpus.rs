//! STAR labelling accuracy on the hand-labelled corpus in tests/corpus/star/.
//!
//! Each answer's text becomes a transcript with evenly spaced word timings (150 words a
//! minute) and goes through the same analysis as a recording: sentence splitting, labelling,
//! flags. For every split and batch (01-48, 49-96, and the three authors' `spoken/` answers)
//! it prints sentence-level accuracy and per-part presence accuracy for the rules alone and
//! for the shipped labeller (learned, reading the rules' output), with the content-flag
//! checks, and fails when the shipped labeller drops below its floor: each floor is above the
//! split's own trivial baseline (majority label, every part present) and set from the
//! measured figure with a small margin. The on-topic check is asserted both ways.
//!
//! The splits are listed in [`SPLITS`] with their role: tuning answers, the old held-out
//! answers (scored once, then trained on: regression checks now), and held-out answers never
//! trained on (scored once with the frozen model; `cargo run --release --example train_star --
//! --score <split>` prints the same figures). A new split is one line in `SPLITS` and one in
//! [`FLOORS`] and [`TOPIC_FLOORS`]; a split with no floors fails until they are set.
//!
//! `STAR_CORPUS_SHOW=1 cargo test --test star_corpus -- --nocapture` also lists the
//! mislabelled sentences of the splits trained on. It never scores or lists a held-out split.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rehearse::analyze::flags::FlagKind;
use rehearse::analyze::questions::Asked;
use rehearse::analyze::sentences;
use rehearse::analyze::star::corpus::{self, CorpusAnswer};
use rehearse::analyze::star::{self as star_mod, Labeller, Part, Presence, StarAnalysis};
use rehearse::analyze::vad::SpeechActivity;
use rehearse::analyze::{analyze_answer, Analysis};
use rehearse::config::Targets;

type Answer = CorpusAnswer;

fn corpus_dir(split: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/star")
        .join(split)
}

/// The corpus's batches: 01-48 (written as text), 49-96 (spoken style, written blind to the
/// rules) and the spoken corpus of three authors (`spoken/`, files `authorN-NNN-slug.txt`).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Batch {
    First,
    Spoken,
    Authors,
}

impl Batch {
    /// The batch of an answer in a split folder: everything under `spoken/` is the authors'.
    fn of(split: &str, name: &str) -> Batch {
        if split.starts_with("spoken/") || name.starts_with("author") {
            return Batch::Authors;
        }
        let number: u32 = name
            .split('-')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("corpus files are named NN-slug.txt or authorN-NNN-slug.txt");
        if number <= 48 {
            Batch::First
        } else {
            Batch::Spoken
        }
    }
}

/// The answers of a split folder (`tune`, `heldout`, `spoken/tune`, ...); none when it does
/// not exist.
fn load(split: &str) -> Vec<Answer> {
    let dir = corpus_dir(split);
    if !dir.is_dir() {
        return Vec::new();
    }
    corpus::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"))
}

/// What a split is to the shipped model.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Role {
    /// Tuning answers: trained on from the start.
    Tune,
    /// Held out and scored once (figures in docs/star.md), then trained on: its floors are
    /// regression checks now, not held-out figures.
    TrainedOnHeldout,
    /// Never trained on or tuned against: scored once, with the frozen model. In tuning mode
    /// (`STAR_CORPUS_SHOW`) it is not even scored.
    Heldout,
}

/// Every split folder the tests read, the batches in it and its role. A new held-out split
/// is one line here and its floors one line in [`FLOORS`] and one in [`TOPIC_FLOORS`].
const SPLITS: &[(&str, &[Batch], Role)] = &[
    ("tune", &[Batch::First, Batch::Spoken], Role::Tune),
    ("spoken/tune", &[Batch::Authors], Role::Tune),
    // Three more blind authors' answers written as training data (tests/corpus/star/README.md).
    ("spoken/tune2", &[Batch::Authors], Role::Tune),
    ("spoken/tune3", &[Batch::Authors], Role::Tune),
    (
        "heldout",
        &[Batch::First, Batch::Spoken],
        Role::TrainedOnHeldout,
    ),
    ("spoken/heldout", &[Batch::Authors], Role::TrainedOnHeldout),
    // Three new authors, blind to the rules and to each other (tests/corpus/star/README.md):
    // scored once (docs/star.md), trained on since.
    ("spoken/heldout2", &[Batch::Authors], Role::TrainedOnHeldout),
    // A third set of blind authors, imported after the model was frozen and scored once
    // (docs/star.md), trained on since.
    ("spoken/heldout3", &[Batch::Authors], Role::TrainedOnHeldout),
    // A fourth set of blind authors, imported after the model was frozen and scored once
    // (docs/star.md), trained on since.
    ("spoken/heldout4", &[Batch::Authors], Role::TrainedOnHeldout),
    // A fifth set of blind authors, imported after the model was frozen and scored once.
    ("spoken/heldout5", &[Batch::Authors], Role::Heldout),
];

fn run(a: &Answer, labeller: Labeller) -> (Analysis, Vec<Part>) {
    let (t, starts) = a.transcript();
    let end = t.words.last().map_or(0.0, |w| w.end_s);
    let vad = SpeechActivity {
        segments: vec![(0.0, end)],
        duration_s: end + 0.5,
        clipped_share: 0.0,
        speech_level_db: -20.0,
    };
    let asked = Asked::parse(&a.question).expect("corpus question ids are bank ids");
    let mut analysis = analyze_answer(&t, &vad, &Targets::default(), Some(&asked));
    if labeller == Labeller::Rules {
        let split = sentences::split(&t.words, &[]);
        analysis.star = star_mod::analyze_with(&t.words, &split, Labeller::Rules);
    }
    // The predicted label of each gold sentence: that of the sentence holding its first word.
    let sentences = &analysis.star.sentences;
    let predicted = starts
        .iter()
        .map(|&w| {
            sentences
                .iter()
                .rfind(|s| s.sentence.word_start <= w)
                .expect("a sentence holds every word")
                .label
        })
        .collect();
    (analysis, predicted)
}

#[derive(Default)]
struct Tally {
    answers: usize,
    sentences: usize,
    sentences_right: usize,
    split_mismatches: usize,
    presence: usize,
    presence_right: usize,
    baseline_presence_right: usize,
    baseline_sentences_right: usize,
    /// (gold, predicted) -> count
    confusion: BTreeMap<(char, char), usize>,
    /// check -> (right, total)
    checks: BTreeMap<&'static str, (usize, usize)>,
    /// part letter -> (presence right, answers)
    presence_by_part: BTreeMap<char, (usize, usize)>,
    /// Parts called "missing", and how many of those the labels also lack.
    missing_calls: usize,
    missing_right: usize,
    /// Parts called "can't tell", and how many of those the labels lack.
    cant_tell: usize,
    cant_tell_absent: usize,
    show_errors: bool,
    current: String,
}

impl Tally {
    fn check(&mut self, name: &'static str, right: bool) {
        if self.show_errors && !right {
            println!("  {}: {name} wrong", self.current);
        }
        let e = self.checks.entry(name).or_default();
        e.0 += usize::from(right);
        e.1 += 1;
    }

    fn sentence_accuracy(&self) -> f64 {
        self.sentences_right as f64 / self.sentences as f64
    }

    fn presence_accuracy(&self) -> f64 {
        self.presence_right as f64 / self.presence as f64
    }
}

fn evaluate(split: &str, batch: Batch, labeller: Labeller, show_errors: bool) -> Tally {
    let mut tally = Tally {
        show_errors,
        ..Tally::default()
    };
    for a in load(split)
        .into_iter()
        .filter(|a| Batch::of(split, &a.name) == batch)
    {
        let (analysis, predicted) = run(&a, labeller);
        tally.current = a.name.clone();
        tally.answers += 1;
        if analysis.star.sentences.len() != a.sentences.len() {
            tally.split_mismatches += 1;
        }
        for (i, (&g, &p)) in a.gold.iter().zip(&predicted).enumerate() {
            tally.sentences += 1;
            tally.sentences_right += usize::from(g == p);
            tally.baseline_sentences_right += usize::from(g == Part::Action);
            *tally.confusion.entry((g.letter(), p.letter())).or_default() += 1;
            if show_errors && g != p {
                println!(
                    "  {} #{i}: gold {} got {} {:?}  | {}",
                    a.name,
                    g.letter(),
                    p.letter(),
                    analysis.star.sentences.get(i).map(|s| &s.cues),
                    a.sentences[i]
                );
            }
        }
        for part in Part::STORY {
            let gold = a.gold.contains(&part);
            let stats = analysis.star.part(part).unwrap();
            let got = stats.present;
            match stats.verdict {
                Presence::Missing => {
                    tally.missing_calls += 1;
                    tally.missing_right += usize::from(!gold);
                }
                Presence::CantTell => {
                    tally.cant_tell += 1;
                    tally.cant_tell_absent += usize::from(!gold);
                }
                Presence::Present => {}
            }
            tally.presence += 1;
            tally.presence_right += usize::from(gold == got);
            let by_part = tally.presence_by_part.entry(part.letter()).or_default();
            by_part.0 += usize::from(gold == got);
            by_part.1 += 1;
            if show_errors && gold != got {
                println!("  {}: {} gold {gold} got {got}", a.name, part.name());
            }
            tally.baseline_presence_right += usize::from(gold);
        }
        check_content(&a, &analysis, &mut tally);
        check_verdicts(&analysis.star);
    }
    tally
}

/// No part is called missing below the shipped model's stated confidence.
fn check_verdicts(star: &StarAnalysis) {
    let floor = star_mod::learned::Model::shipped().missing_confidence;
    for part in Part::STORY {
        let p = star.part(part).unwrap();
        if p.verdict == Presence::Missing {
            assert!(
                p.confidence >= floor,
                "{part:?} missing at {}",
                p.confidence
            );
        }
        assert_eq!(p.present, p.verdict == Presence::Present);
    }
}

/// Answer-level checks against the corpus's quality tags.
fn check_content(a: &Answer, analysis: &Analysis, tally: &mut Tally) {
    let tagged = |t: &str| a.tags.iter().any(|x| x == t);
    let flagged = |k: FlagKind| analysis.flags.iter().any(|f| f.kind == k);
    let star = &analysis.star;
    if a.gold.contains(&Part::Result) {
        tally.check(
            "result_quantified (answers with an R line)",
            star.result_quantified != tagged("unquantified"),
        );
    }
    tally.check(
        "actions all \"we\" vs all_we tag",
        (star.action_i == 0 && star.action_we > 0) == tagged("all_we"),
    );
    for (name, kind, tag) in [
        ("blame flag vs tag", FlagKind::Blame, "blame"),
        ("hedge flag vs tag", FlagKind::Hedge, "hedging"),
        ("jargon flag vs tag", FlagKind::Jargon, "jargon"),
        (
            "no_weakness flag vs tag",
            FlagKind::NoWeakness,
            "no_weakness",
        ),
    ] {
        tally.check(name, flagged(kind) == tagged(tag));
    }
    tally.check(
        "order_ok vs out_of_order tag",
        star.order_ok != tagged("out_of_order"),
    );
}

fn print(split: &str, t: &Tally) {
    println!(
        "\n== {split}: {} answers, {} sentences ({} answers split differently from the labels)",
        t.answers, t.sentences, t.split_mismatches
    );
    println!(
        "sentence-level labelling accuracy: {:.1}% ({}/{})   baseline \"all Action\": {:.1}%",
        t.sentence_accuracy() * 100.0,
        t.sentences_right,
        t.sentences,
        t.baseline_sentences_right as f64 * 100.0 / t.sentences as f64
    );
    println!(
        "per-part presence accuracy:        {:.1}% ({}/{})   baseline \"all present\": {:.1}%",
        t.presence_accuracy() * 100.0,
        t.presence_right,
        t.presence,
        t.baseline_presence_right as f64 * 100.0 / t.presence as f64
    );
    println!(
        "\"missing\" verdicts right: {}/{}; \"can't tell\" verdicts on parts the labels lack: \
         {}/{}",
        t.missing_right, t.missing_calls, t.cant_tell_absent, t.cant_tell
    );
    let by_part: Vec<String> = ['S', 'T', 'A', 'R']
        .iter()
        .map(|p| {
            let (right, total) = t.presence_by_part[p];
            format!("{p} {right}/{total}")
        })
        .collect();
    println!("presence right per part: {}", by_part.join(", "));
    println!("confusion (rows gold, columns predicted):");
    println!("      S    T    A    R    -");
    for g in ['S', 'T', 'A', 'R', '-'] {
        let row: Vec<String> = ['S', 'T', 'A', 'R', '-']
            .iter()
            .map(|&p| format!("{:>4}", t.confusion.get(&(g, p)).copied().unwrap_or(0)))
            .collect();
        println!("  {g} {}", row.join(" "));
    }
    for (name, (right, total)) in &t.checks {
        println!("{name}: {right}/{total}");
    }
}

/// Questions whose answers can fairly tell the same story: an answer to one is not off the
/// other's topic.
const KINDRED: &[&[&str]] = &[
    &["conflict", "disagree_manager", "difficult_customer"],
    &["mistake", "failure"],
    &["technical_problem", "tech_debt", "improve_process"],
    &[
        "proud_project",
        "leadership",
        "deadline",
        "learn_quickly",
        "improve_process",
        "technical_problem",
        "tech_debt",
    ],
];

fn kindred(a: &str, b: &str) -> bool {
    a == b || KINDRED.iter().any(|g| g.contains(&a) && g.contains(&b))
}

/// The on-topic check against the corpus. Per split: answers on their own question said yes
/// (must be all of them), answers tagged `off_topic` said no, and answers put under a question
/// of another kind said no.
#[derive(Default, Debug)]
struct TopicTally {
    own_yes: usize,
    own: usize,
    tagged_no: usize,
    tagged: usize,
    other_no: usize,
    other: usize,
}

fn on_topic(split: &str, show: bool) -> TopicTally {
    let mut t = TopicTally::default();
    for a in load(split) {
        let (words, _) = a.transcript();
        let off_tagged = a.tags.iter().any(|x| x == "off_topic");
        for q in rehearse::analyze::questions::BANK {
            let missing = rehearse::analyze::questions::untouched(q, &words.words);
            if q.id == a.question && off_tagged {
                t.tagged += 1;
                t.tagged_no += usize::from(!missing.is_empty());
                if show && missing.is_empty() {
                    println!("  {}: tagged off_topic, called on topic", a.name);
                }
            } else if q.id == a.question {
                t.own += 1;
                t.own_yes += usize::from(missing.is_empty());
                if show && !missing.is_empty() {
                    let names: Vec<&str> = missing.iter().map(|c| c.name).collect();
                    println!("  {}: off its own question ({names:?})", a.name);
                }
            } else if !kindred(q.id, &a.question) && !off_tagged {
                t.other += 1;
                t.other_no += usize::from(!missing.is_empty());
            }
        }
    }
    t
}

/// The on-topic check's floors per split: (own question called on topic, answers tagged
/// `off_topic` caught, answers under a question of another kind called off topic). An
/// "always on topic" check scores 0 on the last two and fails. The check reads the words
/// alone, so sentence splitting does not move it.
const TOPIC_FLOORS: &[(&str, (f64, f64, f64))] = &[
    // Measured 64/64, 3/4, 480/677 (71%).
    ("tune", (0.95, 0.5, 0.65)),
    // Scored once at 24/26 (92%), 1/2, 213/278 (77%).
    ("heldout", (0.90, 0.5, 0.70)),
    // The three authors' tuning answers: measured 155/209 (74%), 13/16, 1698/2214 (77%).
    ("spoken/tune", (0.70, 0.75, 0.72)),
    // The three authors' held-out answers: scored once at 65/86 (76%), 3/4, 708/920 (77%).
    ("spoken/heldout", (0.70, 0.5, 0.72)),
    // The second blind authors' answers: scored once at 91/114 (80%), 5/6, 895/1204 (74%);
    // trained on since (the check reads words alone: the same figures now).
    ("spoken/heldout2", (0.75, 0.75, 0.70)),
    // The third blind authors' answers: scored once at 95/114 (83%), 4/6, 878/1202 (73%).
    ("spoken/heldout3", (0.75, 0.5, 0.70)),
    // Training answers of three more authors: measured 88/113 (78%), 6/7, 858/1186 (72%).
    ("spoken/tune2", (0.70, 0.75, 0.68)),
    // Training answers of three more authors: measured 85/114 (75%), 5/6, 875/1206 (73%).
    ("spoken/tune3", (0.70, 0.75, 0.68)),
    // The fourth blind authors' answers: scored once at 87/114 (76%), 6/6, 889/1190 (75%).
    ("spoken/heldout4", (0.70, 0.75, 0.70)),
    // The seventh blind authors' answers: scored once at 83/114 (73%), 4/6, 856/1201 (71%).
    ("spoken/heldout5", (0.70, 0.5, 0.68)),
];

#[test]
fn the_on_topic_check_on_the_corpus() {
    let show = std::env::var_os("STAR_CORPUS_SHOW").is_some();
    let mut failures = Vec::new();
    for &(split, _, role) in SPLITS {
        if show && role == Role::Heldout {
            continue;
        }
        let t = on_topic(split, show && role != Role::Heldout);
        if t.own == 0 && t.tagged == 0 {
            continue;
        }
        println!(
            "{split}: on topic for its own question {}/{}; answers tagged off_topic called off \
             topic {}/{}; off topic for a question of another kind {}/{} ({:.0}%)",
            t.own_yes,
            t.own,
            t.tagged_no,
            t.tagged,
            t.other_no,
            t.other,
            t.other_no as f64 * 100.0 / t.other.max(1) as f64
        );
        let Some(&(_, (own, tagged, other))) = TOPIC_FLOORS.iter().find(|f| f.0 == split) else {
            failures.push(format!(
                "{split}: no on-topic floors; add a line to TOPIC_FLOORS"
            ));
            continue;
        };
        for (ok, what) in [
            (
                t.own_yes as f64 >= own * t.own as f64,
                "answers called off their own question",
            ),
            (
                t.tagged_no as f64 >= tagged * t.tagged as f64,
                "answers tagged off_topic called on topic",
            ),
            (
                t.other_no as f64 >= other * t.other as f64,
                "answers to another kind of question called on topic",
            ),
        ] {
            if !ok {
                failures.push(format!("{split}: {what}: {t:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Floors per split and batch: (sentence accuracy, presence accuracy), each above the split's
/// own trivial baseline (majority label "Action", every part present), set from the measured
/// figures (in comments, with the baselines in brackets) with a small margin.
const FLOORS: &[(&str, Batch, f64, f64)] = &[
    // Training data (tune); measured with the shipped weights (trained on 1011 answers).
    // 100% (290/290), 100% (144/144) [37.9%, 88.9%].
    ("tune", Batch::First, 0.97, 0.97),
    // 95.9% (232/242), 97.7% (125/128) [30.6%, 87.5%].
    ("tune", Batch::Spoken, 0.91, 0.95),
    // 96.7% (1387/1434), 99.4% (895/900) [33.3%, 82.7%].
    ("spoken/tune", Batch::Authors, 0.93, 0.97),
    // 97.3% (924/950), 99.6% (478/480) [33.5%, 89.6%].
    ("spoken/tune2", Batch::Authors, 0.93, 0.97),
    // 97.9% (873/892), 99.4% (477/480).
    ("spoken/tune3", Batch::Authors, 0.93, 0.97),
    // The old held-out splits, scored once (docs/star.md) and trained on since: regression
    // checks, not held-out figures.
    // 100% (91/91), 100% (48/48) [38.5%, 85.4%].
    ("heldout", Batch::First, 0.97, 0.97),
    // 95.2% (118/124), 100% (64/64) [29.0%, 85.9%].
    ("heldout", Batch::Spoken, 0.90, 0.95),
    // 97.1% (563/580), 98.6% (355/360) [32.4%, 84.4%].
    ("spoken/heldout", Batch::Authors, 0.93, 0.95),
    // The second blind authors' 120 answers: scored once with the model frozen before them at
    // 86.2% (815/946), 93.1% (447/480) [33.9%, 88.3%]; trained on since: 95.8% (906/946),
    // 98.8% (474/480).
    ("spoken/heldout2", Batch::Authors, 0.92, 0.96),
    // The third blind authors' 120 answers: scored once with the model frozen before them
    // (trained on 531 answers) at 88.2% (801/908), 93.1% (447/480) [34.0%, 88.3%]; trained on
    // since: 96.4% (875/908), 99.0% (475/480).
    ("spoken/heldout3", Batch::Authors, 0.92, 0.96),
    // The fourth blind authors' 120 answers: scored once with the model frozen before them
    // (trained on 771 answers) at 87.5% (755/863), 94.6% (454/480) [32.0%, 87.9%]; trained on
    // since: 96.4% (832/863), 98.1% (471/480).
    ("spoken/heldout4", Batch::Authors, 0.92, 0.96),
    // Held out, never trained or tuned on: the seventh blind authors' 120 answers, scored once
    // with the frozen model (trained on 1011 answers) at 88.9% (808/909), 94.4% (453/480)
    // [31.9%, 87.1%].
    ("spoken/heldout5", Batch::Authors, 0.86, 0.93),
];

fn floors(split: &str, batch: Batch) -> Option<(f64, f64)> {
    FLOORS
        .iter()
        .find(|f| f.0 == split && f.1 == batch)
        .map(|f| (f.2, f.3))
}

/// The content checks' floors: the share of answers where each flag agrees with its tag.
const CHECK_FLOOR: f64 = 0.85;
/// `result_quantified` against the hand-judged `unquantified` tag is weaker on the three
/// authors' answers: 142/172 (82.6%) tune, 61/77 (79.2%) held-out, scored once.
const QUANTIFIED_FLOOR: f64 = 0.75;
#[test]
fn star_labelling_accuracy_on_the_corpus() {
    let show = std::env::var_os("STAR_CORPUS_SHOW").is_some();
    let splits = SPLITS
        .iter()
        .flat_map(|&(split, batches, role)| batches.iter().map(move |&b| (split, b, role)));
    let mut failures = Vec::new();
    for (split, batch, role) in splits {
        if show && role == Role::Heldout {
            // Tuning mode: the held-out splits are not even scored.
            continue;
        }
        let rules = evaluate(split, batch, Labeller::Rules, false);
        if rules.answers == 0 {
            continue;
        }
        let learned = evaluate(split, batch, Labeller::Learned, show);
        let name = format!("{split}, {batch:?}");
        print(&format!("{name}, rules"), &rules);
        print(&format!("{name}, shipped (learned + rules)"), &learned);
        let Some((sentence_floor, presence_floor)) = floors(split, batch) else {
            failures.push(format!("{name}: no floors; add a line to FLOORS"));
            continue;
        };
        let baseline_sentences = learned.baseline_sentences_right as f64 / learned.sentences as f64;
        let baseline_presence = learned.baseline_presence_right as f64 / learned.presence as f64;
        let mut fail = |ok: bool, what: String| {
            if !ok {
                failures.push(what);
            }
        };
        fail(
            sentence_floor > baseline_sentences && presence_floor > baseline_presence,
            format!(
                "{name}: floors ({sentence_floor}, {presence_floor}) must beat the baselines \
                 ({baseline_sentences:.3}, {baseline_presence:.3})"
            ),
        );
        fail(
            learned.sentence_accuracy() >= sentence_floor,
            format!(
                "{name}: sentence accuracy {:.1}% is below {:.1}%",
                learned.sentence_accuracy() * 100.0,
                sentence_floor * 100.0
            ),
        );
        fail(
            learned.presence_accuracy() >= presence_floor,
            format!(
                "{name}: presence accuracy {:.1}% is below {:.1}%",
                learned.presence_accuracy() * 100.0,
                presence_floor * 100.0
            ),
        );
        for (check, (right, total)) in &learned.checks {
            let floor = if check.starts_with("result_quantified") {
                QUANTIFIED_FLOOR
            } else {
                CHECK_FLOOR
            };
            fail(
                *right as f64 >= floor * *total as f64,
                format!("{name}: {check} right for only {right}/{total}"),
            );
        }
    }
    // Every split is scored and printed before any floor fails.
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_file_parses() {
    let mut names = std::collections::BTreeSet::new();
    for &(split, _, _) in SPLITS {
        for a in load(split) {
            assert!(names.insert(a.name.clone()), "{} is in two splits", a.name);
            assert!(!a.sentences.is_empty() && a.gold.len() == a.sentences.len());
            if Batch::of(split, &a.name) == Batch::Authors {
                assert!(a.author.is_some(), "{}: no `# author:` line", a.name);
            }
        }
    }
    assert!(names.len() >= 96, "{} answers", names.len());
}
