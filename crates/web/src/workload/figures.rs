//! A worker's figures over the last twelve months, part of My Work: court work filed on time,
//! grades, cases closed and days from allocation to first contact, each as an SVG chart with its
//! table, beside their team's median. Colleagues are never named or shown one by one.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::insight::{Month, StaffMonth, median};
use hearth_store::insight::{Whose, staff_months};
use uuid::Uuid;

use crate::dates::today;
use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;
use crate::{AppError, AppState};

/// One measure: its chart, its rows (month, theirs, team median) and the year's summary.
struct Measure {
    id: &'static str,
    title: &'static str,
    summary: String,
    chart: String,
    rows: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "workload/figures.html")]
struct FiguresPage {
    shell: Shell,
    own: bool,
    id: Uuid,
    name: String,
    months: String,
    measured: bool,
    measures: Vec<Measure>,
}

type Value = fn(&StaffMonth) -> Option<f64>;

/// The measures shown, in order: (id, title, unit, one month's value).
const MEASURES: [(&str, &str, &str, Value); 4] = [
    ("on-time", "Court work filed on or before the court's date", "%", StaffMonth::on_time_percent),
    ("good", "Work graded good or better", "%", StaffMonth::good_percent),
    ("closed", "Cases closed", "", StaffMonth::closed_count),
    ("first-contact", "Days from allocation to first contact", " days", StaffMonth::first_contact_average),
];

/// What the year's figure counts: "(8 of 9)".
fn detail(key: &str, m: &StaffMonth) -> String {
    match key {
        "on-time" => format!(" ({} of {})", m.filed_on_time, m.filed),
        "good" => format!(" ({} of {})", m.graded_good, m.graded),
        "first-contact" => format!(" ({} cases)", m.first_contacts),
        _ => String::new(),
    }
}

fn shown(v: Option<f64>, unit: &str) -> String {
    match v {
        Some(v) if v.fract() == 0.0 => format!("{v:.0}{unit}"),
        Some(v) => format!("{v:.1}{unit}"),
        None => "–".into(),
    }
}

/// The year in one line: theirs over the twelve months (the months added up, then measured the
/// same way as one month), and the team's median of the same.
fn summary(value: Value, unit: &str, detail: String, mine: &StaffMonth, team: &[StaffMonth]) -> String {
    let middle = median(team.iter().filter_map(value).collect());
    match value(mine) {
        Some(v) => format!("Over the 12 months: {}{detail}. Team median: {}.", shown(Some(v), unit), shown(middle, unit)),
        None => format!("Nothing to measure over the 12 months. Team median: {}.", shown(middle, unit)),
    }
}

pub async fn person(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::view_staff_record(&state.store, &me.audit, id).await?;
    let last = Month::of(today());
    let mut first = last;
    for _ in 1..12 {
        first = first.previous();
    }
    let months = Month::span(first, last);
    let mine = staff_months(&state.store, Whose::Worker(id), first, last).await?;
    let team = match record.team.as_ref() {
        Some(t) => staff_months(&state.store, Whose::Team(t.id), first, last).await?,
        None => vec![],
    };
    let mut year_mine = StaffMonth::default();
    let mut year_team: std::collections::HashMap<Uuid, StaffMonth> = std::collections::HashMap::new();
    for (_, _, m) in &mine {
        year_mine.add(m);
    }
    for (who, _, m) in &team {
        year_team.entry(*who).or_default().add(m);
    }
    let year_team: Vec<StaffMonth> = year_team.into_values().collect();
    let measures = MEASURES
        .iter()
        .map(|(key, title, unit, value)| {
            let points: Vec<(String, Option<f64>, Option<f64>)> = months
                .iter()
                .map(|m| {
                    let theirs = mine.iter().find(|(_, month, _)| month == m).and_then(|(_, _, f)| value(f));
                    let middle = median(team.iter().filter(|(_, month, _)| month == m).filter_map(|(_, _, f)| value(f)).collect());
                    (format!("{} {}", m.short(), m.year % 100), theirs, middle)
                })
                .collect();
            Measure {
                id: key,
                title,
                summary: summary(*value, unit, detail(key, &year_mine), &year_mine, &year_team),
                chart: compare_chart(&points, unit, &format!("{key}-title")),
                rows: months.iter().zip(&points).map(|(m, (_, a, b))| (m.label(), shown(*a, unit), shown(*b, unit))).collect(),
            }
        })
        .collect();
    Ok(render(&FiguresPage {
        shell: ctx.shell(format!("Figures – {}", record.name)),
        own: id == me.id(),
        id,
        name: record.name,
        months: format!("{} to {}", first.label(), last.label()),
        measured: !mine.is_empty() || !team.is_empty(),
        measures,
    }))
}

/// The caller's own figures: a stable link for My Work.
pub async fn mine(me: Ctx) -> Response {
    Redirect::to(&format!("/staff/{}/figures", me.id())).into_response()
}

/// Bars of the worker's value a month, with the team's median as a marked line across each
/// month's slot. The scale runs from nought to 100% for shares, or to the largest value.
fn compare_chart(rows: &[(String, Option<f64>, Option<f64>)], unit: &str, title_id: &str) -> String {
    let (w, h, left, bottom) = (640.0, 160.0, 44.0, 28.0);
    let largest = rows.iter().flat_map(|(_, a, b)| [*a, *b]).flatten().fold(0.0_f64, f64::max);
    let top = if unit == "%" { 100.0 } else { (largest.max(1.0) * 1.1).ceil() };
    let y = |v: f64| h - h * (v / top).clamp(0.0, 1.0);
    let mut svg = format!("<svg class=\"hearth-chart\" viewBox=\"0 0 {w} {}\" role=\"img\" aria-labelledby=\"{title_id}\" xmlns=\"http://www.w3.org/2000/svg\">", h + bottom);
    for v in [0.0, top / 2.0, top] {
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{w}\" y1=\"{0:.1}\" y2=\"{0:.1}\" stroke=\"#b1b4b6\" stroke-width=\"1\"/><text x=\"0\" y=\"{1:.1}\" font-size=\"11\" fill=\"#0b0c0c\">{2}</text>",
            y(v),
            y(v) + 4.0,
            shown(Some((v * 10.0).round() / 10.0), unit.trim())
        ));
    }
    let slot = (w - left) / rows.len().max(1) as f64;
    let bar = (slot * 0.6).min(32.0);
    for (i, (label, theirs, middle)) in rows.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        if let Some(v) = theirs {
            svg.push_str(&format!("<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"#1d70b8\"><title>{label}, you: {}</title></rect>", y(*v), h - y(*v), shown(Some(*v), unit)));
        }
        if let Some(m) = middle {
            svg.push_str(&format!(
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{2:.1}\" y2=\"{2:.1}\" stroke=\"#0b0c0c\" stroke-width=\"3\"><title>{label}, team median: {3}</title></line>",
                x - 4.0,
                x + bar + 4.0,
                y(*m),
                shown(Some(*m), unit)
            ));
        }
        svg.push_str(&format!("<text x=\"{:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#0b0c0c\">{label}</text>", x + bar / 2.0, h + 16.0));
    }
    svg.push_str("</svg>");
    svg
}
