//! Golden tests: Hearth's typed components render the same markup as GOV.UK Frontend's own
//! fixtures (`fixtures.json`, shipped in the pinned npm package), compared after normalising
//! whitespace, attribute order and character references.
//!
//! Each component is tried on every fixture whose options it supports; a component must match
//! at least a minimum number of fixtures, so a change to the package that we stop matching fails.

use std::collections::BTreeSet;

use hearth_web::components::*;
use serde_json::Value;

fn fixtures(component: &str) -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../node_modules/govuk-frontend/dist/govuk/components")
        .join(component)
        .join("fixtures.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (run npm ci)", path.display()));
    let json: Value = serde_json::from_str(&text).unwrap();
    json["fixtures"].as_array().unwrap().clone()
}

// ---- HTML normalisation ----

#[derive(Debug, PartialEq)]
enum Token {
    Open(String, Vec<(String, String)>),
    Close(String),
    Text(String),
}

/// Decodes character references, named and numeric: askama writes `&#60;` where Nunjucks writes
/// `&lt;`, and both mean the same text.
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let entity = &tail[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn normalise(html: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        if let Some(stripped) = rest.strip_prefix('<') {
            let end = stripped.find('>').expect("tag closes");
            let tag = &stripped[..end];
            rest = &stripped[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                tokens.push(Token::Close(name.trim().to_string()));
                continue;
            }
            let tag = tag.trim_end_matches('/');
            let (name, mut attrs_text) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
            let mut attrs = Vec::new();
            loop {
                attrs_text = attrs_text.trim_start();
                if attrs_text.is_empty() {
                    break;
                }
                let key_end = attrs_text.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(attrs_text.len());
                let key = attrs_text[..key_end].to_string();
                attrs_text = &attrs_text[key_end..];
                let mut value = String::new();
                if let Some(after) = attrs_text.strip_prefix('=') {
                    let quote = after.chars().next().unwrap();
                    let close = after[1..].find(quote).unwrap();
                    value = decode(&after[1..1 + close]);
                    attrs_text = &after[close + 2..];
                }
                if key == "class" {
                    let classes: BTreeSet<&str> = value.split_whitespace().collect();
                    value = classes.into_iter().collect::<Vec<_>>().join(" ");
                }
                attrs.push((key, value));
            }
            attrs.sort();
            tokens.push(Token::Open(name.to_string(), attrs));
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = decode(&rest[..end]).split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                // Adjacent text runs (split by nothing but whitespace) compare as one.
                match tokens.last_mut() {
                    Some(Token::Text(t)) => {
                        t.push(' ');
                        t.push_str(&text);
                    }
                    _ => tokens.push(Token::Text(text)),
                }
            }
            rest = &rest[end..];
        }
    }
    tokens
}

// ---- option readers ----

fn keys_within(v: &Value, allowed: &[&str]) -> bool {
    v.as_object().is_some_and(|o| o.keys().all(|k| allowed.contains(&k.as_str())))
}

fn s(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn text_of(v: &Value) -> Option<String> {
    keys_within(v, &["text"]).then(|| s(&v["text"])).flatten()
}

/// Runs `build` on each fixture; returns how many it supported, failing on any mismatch.
fn golden(component: &str, min: usize, build: impl Fn(&Value) -> Option<String>) {
    let mut matched = Vec::new();
    for f in fixtures(component) {
        let Some(html) = build(&f["options"]) else { continue };
        let expected = f["html"].as_str().unwrap();
        assert_eq!(normalise(&html), normalise(expected), "{component} fixture {:?}\nours:\n{html}\ntheirs:\n{expected}", f["name"]);
        matched.push(f["name"].as_str().unwrap().to_string());
    }
    assert!(matched.len() >= min, "{component}: only {} fixtures matched: {matched:?}", matched.len());
}

#[test]
fn normalising_ignores_only_layout() {
    assert_eq!(normalise("<a  class=\"b a\" href='x'>\n  Hi\n</a>"), normalise("<a href=\"x\" class=\"a b\">Hi</a>"));
    assert_ne!(normalise("<a href=\"x\">Hi</a>"), normalise("<a href=\"y\">Hi</a>"));
    assert_ne!(normalise("<p>Hi</p>"), normalise("<div>Hi</div>"));
}

#[test]
fn button_matches_govuk_frontend() {
    golden("button", 4, |o| {
        if !keys_within(o, &["text", "classes", "name", "href"]) {
            return None;
        }
        Some(Button { text: s(&o["text"])?, classes: s(&o["classes"]).unwrap_or_default(), name: s(&o["name"]), href: s(&o["href"]) }.to_string())
    });
}

#[test]
fn input_matches_govuk_frontend() {
    golden("input", 8, |o| {
        if !keys_within(o, &["id", "name", "label", "hint", "errorMessage", "classes", "type", "value", "autocomplete", "inputmode", "spellcheck"]) {
            return None;
        }
        let label = text_of(&o["label"])?;
        let hint = if o["hint"].is_null() { None } else { Some(text_of(&o["hint"])?) };
        let error = if o["errorMessage"].is_null() { None } else { Some(text_of(&o["errorMessage"])?) };
        let name = s(&o["name"])?;
        Some(
            Input {
                id: s(&o["id"]).unwrap_or_else(|| name.clone()),
                name,
                label,
                hint,
                error,
                value: s(&o["value"]),
                input_type: s(&o["type"]).unwrap_or_else(|| "text".into()),
                autocomplete: s(&o["autocomplete"]),
                inputmode: s(&o["inputmode"]),
                spellcheck: o["spellcheck"].as_bool(),
                classes: s(&o["classes"]).unwrap_or_default(),
                autofocus: false,
            }
            .to_string(),
        )
    });
}

#[test]
fn date_input_matches_govuk_frontend() {
    golden("date-input", 4, |o| {
        if !keys_within(o, &["id", "namePrefix", "fieldset", "hint", "errorMessage", "items"]) || s(&o["namePrefix"])? != s(&o["id"])? {
            return None;
        }
        let legend = text_of(&o["fieldset"]["legend"])?;
        if !keys_within(&o["fieldset"], &["legend"]) {
            return None;
        }
        let hint = if o["hint"].is_null() { None } else { Some(text_of(&o["hint"])?) };
        let error = if o["errorMessage"].is_null() { None } else { Some(text_of(&o["errorMessage"])?) };
        // Only the three standard parts, in order, each with its standard width (and the error mark).
        let items = o["items"].as_array()?;
        let standard = [("day", "govuk-input--width-2"), ("month", "govuk-input--width-2"), ("year", "govuk-input--width-4")];
        if items.len() != 3 {
            return None;
        }
        let mut values: [Option<String>; 3] = Default::default();
        let mut wrong = [false; 3];
        for (i, (item, (name, width))) in items.iter().zip(standard).enumerate() {
            if !keys_within(item, &["name", "classes", "value"]) || s(&item["name"])? != name {
                return None;
            }
            let classes = s(&item["classes"])?;
            wrong[i] = classes == format!("{width} govuk-input--error");
            if !wrong[i] && classes != width {
                return None;
            }
            values[i] = s(&item["value"]);
        }
        let id = s(&o["id"])?;
        Some(DateInput { name: id.clone(), id, legend, hint, error, values, wrong }.to_string())
    });
}

#[test]
fn error_summary_matches_govuk_frontend() {
    golden("error-summary", 1, |o| {
        if !keys_within(o, &["titleText", "errorList"]) || s(&o["titleText"])? != "There is a problem" {
            return None;
        }
        let errors = o["errorList"]
            .as_array()?
            .iter()
            .map(|e| keys_within(e, &["text", "href"]).then(|| Some((s(&e["href"])?, s(&e["text"])?))).flatten())
            .collect::<Option<Vec<_>>>()?;
        Some(ErrorSummary { errors }.to_string())
    });
}

#[test]
fn tag_matches_govuk_frontend() {
    golden("tag", 8, |o| {
        keys_within(o, &["text", "classes"]).then(|| Tag { text: s(&o["text"]).unwrap_or_default(), classes: s(&o["classes"]).unwrap_or_default() }.to_string())
    });
}

#[test]
fn summary_list_matches_govuk_frontend() {
    golden("summary-list", 1, |o| {
        if !keys_within(o, &["rows"]) {
            return None;
        }
        let rows = o["rows"]
            .as_array()?
            .iter()
            .map(|r| {
                if !keys_within(r, &["key", "value", "actions"]) {
                    return None;
                }
                let actions = match &r["actions"] {
                    Value::Null => vec![],
                    a if keys_within(a, &["items"]) => a["items"]
                        .as_array()?
                        .iter()
                        .map(|i| {
                            keys_within(i, &["href", "text", "visuallyHiddenText"])
                                .then(|| Some(SummaryAction { href: s(&i["href"])?, text: s(&i["text"])?, hidden: s(&i["visuallyHiddenText"])? }))
                                .flatten()
                        })
                        .collect::<Option<Vec<_>>>()?,
                    _ => return None,
                };
                Some(SummaryRow { key: text_of(&r["key"])?, value: text_of(&r["value"])?, href: None, actions })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(SummaryList { rows }.to_string())
    });
}

#[test]
fn table_matches_govuk_frontend() {
    golden("table", 2, |o| {
        if !keys_within(o, &["head", "rows", "caption", "captionClasses"]) {
            return None;
        }
        if !o["caption"].is_null() && s(&o["captionClasses"]).as_deref() != Some("govuk-table__caption--m") {
            return None;
        }
        let cell = |c: &Value| -> Option<Cell> {
            if !keys_within(c, &["text", "format"]) {
                return None;
            }
            Some(Cell { text: s(&c["text"])?, href: None, numeric: s(&c["format"]).as_deref() == Some("numeric") })
        };
        let head = match &o["head"] {
            Value::Null => vec![],
            h => h.as_array()?.iter().map(cell).collect::<Option<Vec<_>>>()?,
        };
        let rows = o["rows"].as_array()?.iter().map(|r| r.as_array()?.iter().map(cell).collect::<Option<Vec<_>>>()).collect::<Option<Vec<_>>>()?;
        Some(Table { caption: s(&o["caption"]), head, rows, cards: false }.to_string())
    });
}

#[test]
fn select_matches_govuk_frontend() {
    golden("select", 2, |o| {
        if !keys_within(o, &["id", "name", "label", "hint", "errorMessage", "items"]) {
            return None;
        }
        let items = o["items"]
            .as_array()?
            .iter()
            .map(|i| {
                keys_within(i, &["value", "text", "selected", "disabled"])
                    .then(|| {
                        Some(SelectItem {
                            value: s(&i["value"])?,
                            text: s(&i["text"])?,
                            selected: i["selected"].as_bool().unwrap_or(false),
                            disabled: i["disabled"].as_bool().unwrap_or(false),
                        })
                    })
                    .flatten()
            })
            .collect::<Option<Vec<_>>>()?;
        Some(
            Select {
                id: s(&o["id"])?,
                name: s(&o["name"])?,
                label: text_of(&o["label"])?,
                hint: if o["hint"].is_null() { None } else { Some(text_of(&o["hint"])?) },
                error: if o["errorMessage"].is_null() { None } else { Some(text_of(&o["errorMessage"])?) },
                items,
            }
            .to_string(),
        )
    });
}

fn choices(radios: bool) -> impl Fn(&Value) -> Option<String> {
    move |o| {
        if !keys_within(o, &["name", "idPrefix", "fieldset", "hint", "errorMessage", "items"]) || !keys_within(&o["fieldset"], &["legend"]) {
            return None;
        }
        let legend = &o["fieldset"]["legend"];
        if !keys_within(legend, &["text", "classes"]) {
            return None;
        }
        let name = s(&o["name"])?;
        let items = o["items"]
            .as_array()?
            .iter()
            .map(|i| {
                // Conditional reveals differ on purpose: see `ChoiceItem::conditional`.
                if !keys_within(i, &["value", "text", "hint", "id", "checked"]) {
                    return None;
                }
                Some(ChoiceItem {
                    id: s(&i["id"]),
                    value: s(&i["value"])?,
                    text: s(&i["text"])?,
                    hint: if i["hint"].is_null() { None } else { Some(text_of(&i["hint"])?) },
                    checked: i["checked"].as_bool().unwrap_or(false),
                    conditional: None,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(
            Choices {
                radios,
                id_prefix: s(&o["idPrefix"]).unwrap_or_else(|| name.clone()),
                name,
                legend: s(&legend["text"])?,
                legend_classes: s(&legend["classes"]).unwrap_or_default(),
                hint: if o["hint"].is_null() { None } else { Some(text_of(&o["hint"])?) },
                error: if o["errorMessage"].is_null() { None } else { Some(text_of(&o["errorMessage"])?) },
                items,
            }
            .to_string(),
        )
    }
}

#[test]
fn checkboxes_match_govuk_frontend() {
    golden("checkboxes", 3, choices(false));
}

#[test]
fn radios_match_govuk_frontend() {
    golden("radios", 3, choices(true));
}

#[test]
fn pagination_matches_govuk_frontend() {
    golden("pagination", 1, |o| {
        if !keys_within(o, &["previous", "next", "items"]) {
            return None;
        }
        let link = |v: &Value| -> Option<Option<String>> {
            match v {
                Value::Null => Some(None),
                l if keys_within(l, &["href"]) => Some(Some(s(&l["href"])?)),
                _ => None,
            }
        };
        let items = match &o["items"] {
            Value::Null => vec![],
            items => items
                .as_array()?
                .iter()
                .map(|i| {
                    if i["ellipsis"].as_bool() == Some(true) && keys_within(i, &["ellipsis"]) {
                        return Some(PageItem { number: 0, href: None, current: false });
                    }
                    keys_within(i, &["number", "href", "current"])
                        .then(|| Some(PageItem { number: i["number"].as_i64()?, href: Some(s(&i["href"])?), current: i["current"].as_bool().unwrap_or(false) }))
                        .flatten()
                })
                .collect::<Option<Vec<_>>>()?,
        };
        if items.is_empty() {
            return None;
        }
        Some(Pagination { prev: link(&o["previous"])?, next: link(&o["next"])?, items }.to_string())
    });
}

#[test]
fn back_link_matches_govuk_frontend() {
    golden("back-link", 1, |o| {
        keys_within(o, &["href", "text"])
            .then(|| BackLink { href: s(&o["href"]).unwrap_or_else(|| "#".into()), text: s(&o["text"]).unwrap_or_else(|| "Back".into()) }.to_string())
    });
}

#[test]
fn inset_and_warning_text_match_govuk_frontend() {
    golden("inset-text", 1, |o| keys_within(o, &["text"]).then(|| InsetText { text: s(&o["text"]).unwrap_or_default() }.to_string()));
    golden("warning-text", 1, |o| {
        (keys_within(o, &["text", "iconFallbackText"]) && s(&o["iconFallbackText"]).is_none_or(|t| t == "Warning"))
            .then(|| WarningText { text: s(&o["text"]).unwrap_or_default() }.to_string())
    });
}
