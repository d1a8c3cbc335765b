//! Quality insight: grades by quarter, the share of work filed on or before the court's date and
//! the share of workers with autonomy, for a team, a service area or the service. Each chart is an
//! SVG with its data in a table beside it (the table is what a screen reader reads), and every
//! figure downloads as CSV.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use hearth_domain::access::{Permission, permits_nationally};
use hearth_domain::quality::{Grade, WorkType};
use hearth_store::quality::insight::{self, GradeCounts, Reach};
use serde::Deserialize;
use uuid::Uuid;

use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Deserialize, Default)]
pub struct Scope {
    /// `team:<id>`, `area:<id>` or `national`; the caller's own team or area when left out.
    pub scope: Option<String>,
}

/// Where the figures are for, once the caller is shown to be allowed to see them.
pub(crate) async fn reach_for(state: &AppState, me: &Ctx, scope: &Scope, permission: Permission) -> Result<(Reach, String), AppError> {
    let p = &me.principal.placement;
    let chosen = match scope.scope.as_deref() {
        Some("national") => Reach::National,
        Some(s) if s.starts_with("team:") => Reach::Team(Uuid::parse_str(&s[5..]).map_err(|_| AppError::NotFound)?),
        Some(s) if s.starts_with("area:") => Reach::Area(Uuid::parse_str(&s[5..]).map_err(|_| AppError::NotFound)?),
        Some(_) => return Err(AppError::NotFound),
        None if permits_nationally(&me.principal.roles, permission) => Reach::National,
        None => match (me.principal.roles.contains(&hearth_domain::org::Role::ServiceManager), p.service_area_id, p.team_id) {
            (true, Some(a), _) => Reach::Area(a),
            (_, _, Some(t)) => Reach::Team(t),
            (_, Some(a), None) => Reach::Area(a),
            _ => Reach::National,
        },
    };
    match chosen {
        Reach::National => {
            if !permits_nationally(&me.principal.roles, permission) {
                return Err(me.refuse(state, "insight", Uuid::nil()).await?);
            }
            Ok((Reach::National, "the whole service".into()))
        }
        Reach::Team(t) => {
            let team = hearth_store::org::team(&state.store, t).await?;
            me.authorize_team(state, t, team.service_area.id).await?;
            Ok((chosen, team.name))
        }
        Reach::Area(a) => {
            let area = hearth_store::org::area(&state.store, a).await?;
            // A service area's figures need the area scope (or national): no team of it is named.
            me.authorize_team(state, Uuid::nil(), a).await?;
            Ok((chosen, area.name))
        }
    }
}

/// The scopes the caller may choose between, as (value, label).
pub(crate) async fn choices(state: &AppState, me: &Ctx, permission: Permission) -> Result<Vec<(String, String)>, AppError> {
    let national = permits_nationally(&me.principal.roles, permission);
    let mut out = vec![];
    if national {
        out.push(("national".to_string(), "The whole service".to_string()));
    }
    for a in hearth_store::org::areas(&state.store).await? {
        let mine = me.principal.placement.service_area_id == Some(a.id);
        if national || (mine && me.principal.roles.contains(&hearth_domain::org::Role::ServiceManager)) {
            out.push((format!("area:{}", a.id), a.name.clone()));
            if !national {
                for t in hearth_store::org::teams(&state.store, Some(a.id)).await? {
                    out.push((format!("team:{}", t.id), format!("– {}", t.name)));
                }
            }
        }
    }
    if let (false, Some(t)) = (national || me.principal.roles.contains(&hearth_domain::org::Role::ServiceManager), me.principal.placement.team_id) {
        let team = hearth_store::org::team(&state.store, t).await?;
        out.push((format!("team:{t}"), team.name));
    }
    Ok(out)
}

/// An empty chart: its SVG element and the 0, 50 and 100% lines, each labelled.
/// A chart's frame: its grid at 0, 50 and 100%, with room above the top line for its label.
fn frame(w: f64, h: f64, left: f64, bottom: f64, title_id: &str) -> String {
    frame_labelled(w, h, left, bottom, title_id, ["0%".into(), "50%".into(), "100%".into()])
}

/// A chart's frame with its own labels for the bottom, middle and top lines.
fn frame_labelled(w: f64, h: f64, left: f64, bottom: f64, title_id: &str, labels: [String; 3]) -> String {
    let mut svg = format!("<svg class=\"hearth-chart\" viewBox=\"0 -{TOP} {w} {}\" role=\"img\" aria-labelledby=\"{title_id}\" xmlns=\"http://www.w3.org/2000/svg\">", h + bottom + TOP);
    for (pct, label) in [0, 50, 100].into_iter().zip(labels) {
        let y = h - h * pct as f64 / 100.0;
        svg.push_str(&format!("<line x1=\"{left}\" x2=\"{w}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#b1b4b6\" stroke-width=\"1\"/><text x=\"0\" y=\"{}\" font-size=\"{FONT}\" fill=\"#0b0c0c\">{}</text>", y + 5.0, esc(&label)));
    }
    svg
}

/// Bars of one amount per label, the highest reaching the top line; `label` writes an amount.
pub(crate) fn amount_chart(rows: &[(String, i64)], title_id: &str, label: impl Fn(i64) -> String) -> String {
    let (w, h, left, bottom) = (WIDTH, 110.0, 48.0, 26.0);
    let top = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let n = rows.len().max(1) as f64;
    let slot = (w - left) / n;
    let bar = (slot * 0.7).min(40.0);
    let mut svg = frame_labelled(w, h, left, bottom, title_id, [label(0), label(top / 2), label(top)]);
    for (i, (name, amount)) in rows.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let height = h * *amount as f64 / top as f64;
        svg.push_str(&format!("<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{height:.1}\" fill=\"#1d70b8\"><title>{}: {}</title></rect>", h - height, esc(name), esc(&label(*amount))));
        axis_label(&mut svg, i, rows.len(), w - left, x + bar / 2.0, h, name);
    }
    svg.push_str("</svg>");
    svg
}

/// The label under bar `i` of `n`: every one while they fit side by side in `room`, otherwise every
/// second or third (the table beside the chart has them all).
fn axis_label(svg: &mut String, i: usize, n: usize, room: f64, x: f64, h: f64, label: &str) {
    let widest = FONT * 0.6 * label.chars().count().max(4) as f64 + 6.0;
    let every = (n as f64 * widest / room).ceil().max(1.0) as usize;
    if i % every == 0 {
        svg.push_str(&format!("<text x=\"{x:.1}\" y=\"{}\" font-size=\"{FONT}\" text-anchor=\"middle\" fill=\"#0b0c0c\">{}</text>", h + 18.0, esc(label)));
    }
}

/// Charts are drawn in coordinates this wide (see `.hearth-chart`), with words this big.
const WIDTH: f64 = 400.0;
const FONT: f64 = 13.0;
/// Room above the 100% line, so its label is not cut off.
const TOP: f64 = 12.0;

const COLOURS: [&str; 4] = ["#00703c", "#85994b", "#f47738", "#d4351c"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Stacked bars of each quarter's grades as shares of that quarter, 100% high.
fn grades_chart(rows: &[GradeCounts], title_id: &str) -> String {
    let (w, h, left, bottom) = (WIDTH, 150.0, 40.0, 26.0);
    let n = rows.len().max(1) as f64;
    let slot = (w - left) / n;
    let bar = (slot * 0.7).min(40.0);
    let mut svg = frame(w, h, left, bottom, title_id);
    for (i, r) in rows.iter().enumerate() {
        let total = r.total().max(1) as f64;
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let mut y = h;
        for (k, count) in r.counts.iter().enumerate() {
            let height = h * *count as f64 / total;
            y -= height;
            svg.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{height:.1}\" fill=\"{}\"><title>{} {}: {count}</title></rect>",
                COLOURS[k],
                esc(&r.quarter),
                Grade::ALL[k].label()
            ));
        }
        axis_label(&mut svg, i, rows.len(), w - left, x + bar / 2.0, h, &r.quarter);
    }
    svg.push_str("</svg>");
    svg
}

/// Bars of one percentage per label.
pub(crate) fn percent_chart(rows: &[(String, Option<i64>)], title_id: &str) -> String {
    let (w, h, left, bottom) = (WIDTH, 110.0, 40.0, 26.0);
    let n = rows.len().max(1) as f64;
    let slot = (w - left) / n;
    let bar = (slot * 0.7).min(40.0);
    let mut svg = frame(w, h, left, bottom, title_id);
    for (i, (label, pct)) in rows.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        if let Some(p) = pct {
            let height = h * *p as f64 / 100.0;
            svg.push_str(&format!("<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{height:.1}\" fill=\"#1d70b8\"><title>{}: {p}%</title></rect>", h - height, esc(label)));
        }
        axis_label(&mut svg, i, rows.len(), w - left, x + bar / 2.0, h, label);
    }
    svg.push_str("</svg>");
    svg
}

fn percent(part: i64, all: i64) -> Option<i64> {
    (all > 0).then(|| (part * 100 + all / 2) / all)
}

struct QuarterRow {
    quarter: String,
    counts: [i64; 4],
    good: String,
    filed: i64,
    on_time: String,
}

#[derive(Template)]
#[template(path = "quality/insight.html")]
struct InsightPage {
    shell: Shell,
    name: String,
    scope: String,
    options: Vec<(String, String, bool)>,
    grades_chart: String,
    quarters: Vec<QuarterRow>,
    timeliness_chart: String,
    autonomy_chart: String,
    autonomy: Vec<(String, i64, String)>,
    practitioners: i64,
    headline: Option<(String, String, String)>,
}

struct Figures {
    quarters: Vec<QuarterRow>,
    autonomy: Vec<(WorkType, i64)>,
    practitioners: i64,
    grades: Vec<GradeCounts>,
}

async fn figures(state: &AppState, reach: Reach) -> Result<Figures, AppError> {
    let (grades, timeliness, (autonomy, practitioners)) =
        tokio::try_join!(insight::grades(&state.store, reach), insight::timeliness(&state.store, reach), insight::autonomy_share(&state.store, reach))?;
    let mut labels: Vec<String> = grades.iter().map(|g| g.quarter.clone()).chain(timeliness.iter().map(|t| t.0.clone())).collect();
    labels.sort();
    labels.dedup();
    let quarters = labels
        .into_iter()
        .map(|q| {
            let g = grades.iter().find(|g| g.quarter == q).cloned().unwrap_or(GradeCounts { quarter: q.clone(), counts: [0; 4] });
            let (on, all) = timeliness.iter().find(|t| t.0 == q).map(|t| (t.1, t.2)).unwrap_or((0, 0));
            QuarterRow {
                quarter: q,
                counts: g.counts,
                good: g.good_or_better().map(|p| format!("{p}%")).unwrap_or_else(|| "–".into()),
                filed: all,
                on_time: percent(on, all).map(|p| format!("{p}%")).unwrap_or_else(|| "–".into()),
            }
        })
        .collect();
    Ok(Figures { quarters, autonomy, practitioners, grades })
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Query(q): Query<Scope>) -> Result<Response, AppError> {
    let (reach, name) = reach_for(&state, &me, &q, Permission::ViewQualityInsight).await?;
    let f = figures(&state, reach).await?;
    let scope = match reach {
        Reach::National => "national".to_string(),
        Reach::Team(t) => format!("team:{t}"),
        Reach::Area(a) => format!("area:{a}"),
    };
    let options = choices(&state, &me, Permission::ViewQualityInsight).await?.into_iter().map(|(v, l)| (v.clone(), l, v == scope)).collect();
    let timeliness: Vec<(String, Option<i64>)> = f.quarters.iter().map(|r| (r.quarter.clone(), r.on_time.trim_end_matches('%').parse().ok())).collect();
    let autonomy_pct: Vec<(String, Option<i64>)> = f.autonomy.iter().map(|(t, n)| (short_label(*t).to_string(), percent(*n, f.practitioners))).collect();
    let headline = match (f.grades.first(), f.grades.last()) {
        (Some(a), Some(b)) if f.grades.len() > 1 => Some((
            a.quarter.clone(),
            a.good_or_better().map(|p| format!("{p}%")).unwrap_or_default(),
            format!("{} in {}", b.good_or_better().map(|p| format!("{p}%")).unwrap_or_default(), b.quarter),
        )),
        _ => None,
    };
    Ok(render(&InsightPage {
        shell: ctx.shell(format!("Quality – {name}")),
        grades_chart: grades_chart(&f.grades, "grades-title"),
        timeliness_chart: percent_chart(&timeliness, "timeliness-title"),
        autonomy_chart: percent_chart(&autonomy_pct, "autonomy-title"),
        autonomy: f.autonomy.iter().map(|(t, n)| (t.label().to_string(), *n, percent(*n, f.practitioners).map(|p| format!("{p}%")).unwrap_or_else(|| "–".into()))).collect(),
        practitioners: f.practitioners,
        quarters: f.quarters,
        name,
        scope,
        options,
        headline,
    }))
}

/// Short names for chart labels, where the full ones do not fit under a bar.
fn short_label(t: WorkType) -> &'static str {
    match t {
        WorkType::SafeguardingLetter => "Safeguarding",
        WorkType::Section7Report => "Section 7",
        WorkType::Section16aRiskAssessment => "16A",
        WorkType::GuardiansReport => "Rule 16.4",
        WorkType::InitialCaseAnalysis => "ICA",
        WorkType::FinalAnalysis => "Final",
        WorkType::CaseClosure => "Closure",
    }
}

pub(crate) fn csv_field(s: &str) -> String {
    // Quoted, with a leading apostrophe for anything a spreadsheet would run as a formula.
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The page's figures as CSV: a row per quarter, then the autonomy held per work type.
pub async fn csv(State(state): State<AppState>, me: Ctx, Query(q): Query<Scope>) -> Result<Response, AppError> {
    let (reach, name) = reach_for(&state, &me, &q, Permission::ViewQualityInsight).await?;
    let f = figures(&state, reach).await?;
    let mut out = String::from("quarter,outstanding,good,requires_improvement,inadequate,good_or_better,filed_with_a_date,filed_on_time\n");
    for r in &f.quarters {
        out.push_str(&format!("{},{},{},{},{},{},{},{}\n", csv_field(&r.quarter), r.counts[0], r.counts[1], r.counts[2], r.counts[3], csv_field(&r.good), r.filed, csv_field(&r.on_time)));
    }
    out.push_str("\nwork_type,practitioners_with_autonomy,practitioners\n");
    for (t, n) in &f.autonomy {
        out.push_str(&format!("{},{n},{}\n", t.code(), f.practitioners));
    }
    let mut res = out.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    let file = format!("attachment; filename=\"quality-{}.csv\"", name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ').collect::<String>().trim().replace(' ', "-").to_lowercase());
    if let Ok(v) = HeaderValue::from_str(&file) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
