use super::*;
use crate::report::tests::sample_report;

/// The page body without the inline CSS and script, which have their own tests.
fn body(page: &str) -> &str {
    let start = page.find("<body>").expect("a body");
    let end = start + page[start..].find("<script>").expect("a script");
    &page[start..end]
}

#[test]
fn page_structure_snapshot() {
    let page = render(
        &sample_report(),
        &Embedded::Wav("data:audio/wav;base64,AAAA".into()),
    );
    insta::assert_snapshot!(body(&page));
}

#[test]
fn the_page_forbids_network_requests_and_fits_phones() {
    let page = render(&sample_report(), &Embedded::Missing("gone.".into()));
    assert!(page.contains(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        page::CSP
    )));
    assert!(page.contains("name=\"viewport\""));
    assert!(!page.contains("http://") && !page.contains("https://"));
    assert!(!page.contains(" src=\"http") && !page.contains("url("));
}

#[test]
fn without_audio_the_page_says_why_and_words_are_not_buttons() {
    let page = render(
        &sample_report(),
        &Embedded::Missing("the audio could not be read (take.wav: no such file).".into()),
    );
    assert!(page.contains("No audio player: the audio could not be read"));
    assert!(!page.contains("<audio"));
    assert!(!page.contains("<button"));
    assert!(page.contains("<span class=\"w\" data-t=\"0.00\""));
}

#[test]
fn words_play_from_their_start_and_flags_are_underlined_with_the_reason() {
    let page = render(&sample_report(), &Embedded::Wav("data:,".into()));
    assert!(page.contains("<button type=\"button\" class=\"w\" data-t=\"0.00\""));
    assert!(page.contains("class=\"w flagged\""));
    assert!(page.contains("red flag (blame): "));
    assert!(
        page.contains("<li><strong>blame</strong> at 0:05: <q>The previous team was useless.</q>")
    );
}

#[test]
fn star_bands_are_labelled_in_words_not_only_colour() {
    let page = render(&sample_report(), &Embedded::Missing(String::new()));
    assert!(page.contains("<p class=\"p-s\"><span class=\"tag\">Situation</span>"));
    assert!(page.contains("<p class=\"p-a\"><span class=\"tag\">Action</span>"));
    assert!(page.contains("<title>Sentence 1: Situation"));
}

#[test]
fn text_from_the_transcript_is_escaped() {
    assert_eq!(
        escape("<b>\"R&D\"</b>'"),
        "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;&#39;"
    );
    let mut r = sample_report();
    r.transcript.words[0].text = "<script>alert(1)</script>".into();
    let page = render(&r, &Embedded::Missing(String::new()));
    assert!(!page.contains("<script>alert"));
    assert_eq!(page.matches("<script>").count(), 2, "the page's own two");
}

#[test]
fn a_take_without_speech_has_no_charts() {
    let mut r = sample_report();
    r.speech_found = false;
    let page = render(&r, &Embedded::Missing(String::new()));
    assert!(page.contains("No speech was found"));
    assert!(!page.contains("<svg"));
}
