//! JSON: the stable, scriptable form. Floats are rounded to milliseconds-level precision.

use serde_json::Value;

use super::Report;

/// The report as a JSON value, with the summary worked out when an older report lacks it.
fn value(report: &Report) -> Value {
    let mut value = serde_json::to_value(report).expect("a Report always serialises");
    if report.summary.is_none() {
        if let (Some(map), Ok(summary)) = (
            value.as_object_mut(),
            serde_json::to_value(report.summary()),
        ) {
            map.insert("summary".into(), summary);
        }
    }
    value
}

pub fn render(report: &Report) -> String {
    let mut value = value(report);
    round_floats(&mut value);
    let mut out = serde_json::to_string_pretty(&value).expect("a Value always serialises");
    out.push('\n');
    out
}

/// One report as a single line of JSON, for JSON Lines output of a batch.
pub fn render_line(report: &Report) -> String {
    let mut value = value(report);
    round_floats(&mut value);
    let mut out = serde_json::to_string(&value).expect("a Value always serialises");
    out.push('\n');
    out
}

/// A batch's line for a recording that could not be analysed.
pub fn error_line(path: &str, error: &str) -> String {
    let mut out = serde_json::json!({ "path": path, "error": error }).to_string();
    out.push('\n');
    out
}

/// Round every non-integer number to 3 decimals so reports read cleanly and diff stably.
fn round_floats(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(x) = n.as_f64() {
                let r = (x * 1000.0).round() / 1000.0;
                if let Some(num) = serde_json::Number::from_f64(r) {
                    *n = num;
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(round_floats),
        Value::Object(map) => map.values_mut().for_each(round_floats),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_are_rounded_everywhere() {
        let mut v = json!({"a": 1.23456, "b": [0.0004, 2], "c": {"d": 152.99999}});
        round_floats(&mut v);
        assert_eq!(v, json!({"a": 1.235, "b": [0.0, 2], "c": {"d": 153.0}}));
    }
}
