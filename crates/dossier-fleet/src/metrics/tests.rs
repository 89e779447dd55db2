//! The exposition is parsed strictly, by the rules of the Prometheus text format 0.0.4: a
//! family's TYPE before its samples and at most once, a family's samples contiguous, names
//! and labels well formed, no series twice, and histograms whole (ascending `le`, cumulative
//! counts, `+Inf` equal to `_count`). See: issue 14, point 6 (one family was malformed).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use super::Metrics;

fn is_name(text: &str, colon: bool) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || (colon && c == ':'))
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':'))
}

/// Parses `{a="x",b="y"}` (the braces included) into pairs; `None` when malformed.
fn parse_labels(text: &str) -> Option<Vec<(String, String)>> {
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    let mut labels = Vec::new();
    let mut rest = inner;
    while !rest.is_empty() {
        let (name, after) = rest.split_once("=\"")?;
        if !is_name(name, false) {
            return None;
        }
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '\\' => match chars.next()?.1 {
                    '\\' => value.push('\\'),
                    '"' => value.push('"'),
                    'n' => value.push('\n'),
                    _ => return None,
                },
                '"' => break i,
                other => value.push(other),
            }
        };
        labels.push((name.to_string(), value));
        rest = &after[end + 1..];
        rest = match rest.strip_prefix(',') {
            Some(next) => next,
            None if rest.is_empty() => rest,
            None => return None,
        };
    }
    Some(labels)
}

struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

/// The metric name of a series (`a_total{x="1"}` → `a_total`), suffixes kept.
fn family_prefix(series: &str) -> &str {
    series.split('{').next().unwrap_or(series)
}

/// Every problem of an exposition, one line each.
fn exposition_problems(text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut finished: BTreeSet<String> = BTreeSet::new();
    let mut current: Option<String> = None;
    let mut series = BTreeSet::new();
    let mut samples: Vec<(String, Sample)> = Vec::new();
    let family_of = |name: &str, types: &BTreeMap<String, String>| -> String {
        for suffix in ["_bucket", "_sum", "_count"] {
            if let Some(base) = name.strip_suffix(suffix)
                && types.get(base).is_some_and(|t| t == "histogram")
            {
                return base.to_string();
            }
        }
        name.to_string()
    };
    for (number, line) in text.lines().enumerate() {
        let at = number + 1;
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix("# ") {
            let mut parts = comment.splitn(3, ' ');
            let (keyword, name) = (parts.next(), parts.next());
            // HELP and TYPE open their family's group: all its lines come together.
            if let (Some("HELP" | "TYPE"), Some(name)) = (keyword, name)
                && current.as_deref() != Some(name)
            {
                if let Some(previous) = current.take() {
                    finished.insert(previous);
                }
                if finished.contains(name) {
                    problems.push(format!("line {at}: lines of {name} are not one group"));
                }
                current = Some(name.to_string());
            }
            match (keyword, name, parts.next()) {
                (Some("TYPE"), Some(name), Some(kind)) => {
                    if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind) {
                        problems.push(format!("line {at}: unknown type {kind}"));
                    }
                    if types.insert(name.to_string(), kind.to_string()).is_some() {
                        problems.push(format!("line {at}: second TYPE for {name}"));
                    }
                    if series.iter().any(|s: &String| family_prefix(s) == name) {
                        problems.push(format!("line {at}: TYPE of {name} after its samples"));
                    }
                }
                (Some("HELP"), Some(name), _) if !is_name(name, true) => {
                    problems.push(format!("line {at}: bad name in HELP"));
                }
                _ => {}
            }
            continue;
        }
        let (series_text, value_text) = match line.rsplit_once(' ') {
            Some(split) => split,
            None => {
                problems.push(format!("line {at}: no value"));
                continue;
            }
        };
        let (name, labels) = match series_text.find('{') {
            Some(open) => (&series_text[..open], parse_labels(&series_text[open..])),
            None => (series_text, Some(Vec::new())),
        };
        let Some(labels) = labels else {
            problems.push(format!("line {at}: malformed labels"));
            continue;
        };
        if !is_name(name, true) {
            problems.push(format!("line {at}: bad metric name {name}"));
        }
        let value = match value_text {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            "NaN" => f64::NAN,
            other => match other.parse::<f64>() {
                Ok(v) => v,
                Err(_) => {
                    problems.push(format!("line {at}: bad value {other}"));
                    continue;
                }
            },
        };
        let family = family_of(name, &types);
        if !types.contains_key(&family) {
            problems.push(format!("line {at}: sample of {family} before its TYPE"));
        }
        if current.as_deref() != Some(family.as_str()) {
            if let Some(previous) = current.take() {
                finished.insert(previous);
            }
            if finished.contains(&family) {
                problems.push(format!("line {at}: samples of {family} are not contiguous"));
            }
            current = Some(family.clone());
        }
        if !series.insert(series_text.to_string()) {
            problems.push(format!("line {at}: series {series_text} twice"));
        }
        samples.push((
            family,
            Sample {
                name: name.to_string(),
                labels,
                value,
            },
        ));
    }
    // Histograms: per label set without `le`.
    type Key = (String, Vec<(String, String)>);
    let mut buckets: BTreeMap<Key, Vec<(f64, f64)>> = BTreeMap::new();
    let mut counts: BTreeMap<Key, f64> = BTreeMap::new();
    let mut sums: BTreeSet<Key> = BTreeSet::new();
    for (family, sample) in &samples {
        if types.get(family).map(String::as_str) != Some("histogram") {
            continue;
        }
        let mut rest: Vec<(String, String)> = sample
            .labels
            .iter()
            .filter(|(n, _)| n != "le")
            .cloned()
            .collect();
        rest.sort();
        let key = (family.clone(), rest);
        if sample.name.ends_with("_bucket") {
            let le = sample
                .labels
                .iter()
                .find(|(n, _)| n == "le")
                .map(|(_, v)| v.as_str());
            let bound = match le {
                Some("+Inf") => f64::INFINITY,
                Some(text) => text.parse::<f64>().unwrap_or(f64::NAN),
                None => f64::NAN,
            };
            if bound.is_nan() {
                problems.push(format!("{family}: bucket without a valid le"));
            }
            buckets.entry(key).or_default().push((bound, sample.value));
        } else if sample.name.ends_with("_count") {
            counts.insert(key, sample.value);
        } else if sample.name.ends_with("_sum") {
            sums.insert(key);
        } else {
            problems.push(format!("{family}: stray sample {}", sample.name));
        }
    }
    for (key, list) in &buckets {
        let ascending = list.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1);
        if !ascending {
            problems.push(format!("{}: buckets not ascending and cumulative", key.0));
        }
        match (list.last(), counts.get(key)) {
            (Some((bound, value)), Some(count)) if bound.is_infinite() && value == count => {}
            _ => problems.push(format!("{}: +Inf bucket missing or not _count", key.0)),
        }
        if !sums.contains(key) {
            problems.push(format!("{}: no _sum", key.0));
        }
    }
    problems
}

#[test]
fn the_exposition_parses_strictly() {
    let metrics = Metrics::default();
    metrics.message("verdict-worker", "ok");
    metrics.message("extract-worker", "retried");
    metrics.message("triage", "invalid_message");
    metrics.document("text_layer");
    metrics.document("ocr");
    metrics.ocr_pages(3, Duration::from_secs(6));
    metrics.internal_error();
    metrics.observe("read", Duration::from_millis(3));
    metrics.observe("end_to_end", Duration::from_secs(200));
    let text = metrics.render(&[("timeout", 1), ("out_of_memory", 0)]);
    let problems = exposition_problems(&text);
    assert!(problems.is_empty(), "{problems:#?}\n{text}");
    // Buckets reach past the document budget: a 200 s wait is not lost in +Inf.
    assert!(
        text.contains("dossier_stage_seconds_bucket{stage=\"end_to_end\",le=\"300\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("dossier_ocr_page_seconds_bucket{le=\"2.5\"} 1"),
        "{text}"
    );
}

/// The checker itself catches what the former exposition did: two families' samples mixed,
/// a sample before its TYPE, a broken histogram.
#[test]
fn the_checker_rejects_malformed_expositions() {
    let interleaved = "# TYPE a_total counter\n# TYPE b_total counter\nb_total{x=\"1\"} 1\na_total{y=\"2\"} 2\nb_total{x=\"3\"} 1\n";
    assert!(!exposition_problems(interleaved).is_empty());
    // The former layout: both families' HELP and TYPE first, then their samples.
    let grouped_wrong = "# HELP m_total M.\n# TYPE m_total counter\n# HELP d_total D.\n# TYPE d_total counter\nd_total{s=\"x\"} 1\nm_total{w=\"y\"} 1\n";
    assert!(!exposition_problems(grouped_wrong).is_empty());
    assert!(!exposition_problems("c_total 1\n").is_empty());
    let broken =
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n";
    assert!(!exposition_problems(broken).is_empty());
    assert!(!exposition_problems("# TYPE d gauge\nd{a=\"x} 1\n").is_empty());
}
