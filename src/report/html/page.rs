//! The page shell shared by the take and progress pages: doctype, a Content-Security-Policy
//! that forbids every network request, the viewport for phones, and the inline CSS and script.

/// Nothing may be fetched: styles and scripts are inline, media only from data URIs.
pub const CSP: &str = "default-src 'none'; img-src data:; media-src data:; \
                       style-src 'unsafe-inline'; script-src 'unsafe-inline'";

const CSS: &str = include_str!("page.css");
const HEAD_SCRIPT: &str = include_str!("page-head.js");
const SCRIPT: &str = include_str!("page.js");

pub fn wrap(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<script>\n{HEAD_SCRIPT}</script>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}\
         <script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        super::escape(title)
    )
}
