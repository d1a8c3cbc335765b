//! National and area insight: the service's key figures against their targets for a team, an
//! area or the whole service over a period, with the workload bands as a chart and a table,
//! CSV, and the API. Figures only: nobody is named.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::cases::LawType;
use hearth_domain::insight::{Month, TeamMonth, average_wait_days, closures_per_fte, percent, within_proceedings_limit};
use hearth_domain::workload::Band;
use hearth_store::quality::insight::Reach;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::dates::{long_date, today};
use crate::components::ErrorSummary;
use crate::error::ApiError;
use crate::page::{PageCtx, Shell, render, render_with};
use crate::quality::insight::{Scope, choices, csv_field, percent_chart, reach_for};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KpiQuery {
    /// `team:<id>`, `area:<id>` or `national` (the page's chooser).
    scope: Option<String>,
    /// A service area's figures.
    area: Option<Uuid>,
    /// A team's figures.
    team: Option<Uuid>,
    /// The first day of the period (YYYY-MM-DD); 90 days before `to` when left out. Figures
    /// cover whole months: from the start of this day's month.
    from: Option<String>,
    /// The last day of the period; today when left out. Figures run to the end of its month
    /// (or today).
    to: Option<String>,
}

impl KpiQuery {
    fn scope(&self) -> Scope {
        scope_of(&self.scope, self.area, self.team)
    }

    /// The period, or the fields that are wrong.
    fn period(&self, today: Date) -> Result<(Date, Date), Vec<FieldError>> {
        period_of(&self.from, &self.to, today, 90)
    }
}

/// Whose figures a query asks for: a team or area named alone, or the page's chooser.
pub(crate) fn scope_of(scope: &Option<String>, area: Option<Uuid>, team: Option<Uuid>) -> Scope {
    Scope {
        scope: match (team, area) {
            (Some(t), _) => Some(format!("team:{t}")),
            (None, Some(a)) => Some(format!("area:{a}")),
            _ => scope.clone().filter(|s| !s.is_empty()),
        },
    }
}

/// A period from its typed first and last days: the last today when left out, the first
/// `default_days` before it; or the fields that are wrong.
pub(crate) fn period_of(from: &Option<String>, to: &Option<String>, today: Date, default_days: i64) -> Result<(Date, Date), Vec<FieldError>> {
    let parse = |field: &'static str, label: &str, v: &Option<String>| match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => hearth_domain::org::parse_date(field, label, v).map(Some),
    };
    let mut c = hearth_domain::Collect::default();
    let to = c.keep(parse("to", "the last day", to)).flatten().unwrap_or(today);
    let from = c.keep(parse("from", "the first day", from)).flatten().unwrap_or(to - time::Duration::days(default_days));
    if from > to {
        c.push(FieldError::new("from", "The first day must be on or before the last day"));
    }
    if c.is_empty() { Ok((from, to)) } else { Err(c.0) }
}

/// One key figure: what it measures, its value, the target and whether it is met.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Figure {
    pub key: String,
    pub label: String,
    /// As people read it: "72% (131 of 182)".
    pub value: String,
    /// The number itself, for the API and CSV: a percentage, weeks, days or a count.
    pub number: Option<f64>,
    pub target: Option<String>,
    pub met: Option<bool>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Kpis {
    pub scope: String,
    pub name: String,
    pub from: String,
    pub to: String,
    /// The whole months the figures cover ("2026-09"): the period's first and last days' months.
    pub first_month: String,
    pub last_month: String,
    pub figures: Vec<Figure>,
    /// Month by month, oldest first.
    pub months: Vec<MonthFigures>,
    /// When the oldest of the months was measured (they are kept, and the recent ones measured
    /// again every quarter of an hour).
    pub months_measured_at: Option<String>,
    /// Practitioners in each band, green first, as last measured.
    pub bands: Vec<BandCount>,
    /// When the oldest team's bands were measured.
    pub bands_measured_at: Option<String>,
}

/// One month's main figures, for the chart and its table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MonthFigures {
    pub month: String,
    pub public_received: i64,
    pub public_within_2_percent: Option<i64>,
    /// At the month's end; none until it has ended.
    pub public_unallocated_end_percent: Option<i64>,
    pub private_unallocated_end_percent: Option<i64>,
    pub closed: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BandCount {
    pub band: String,
    pub practitioners: i64,
}

fn figure(key: &str, label: &str, value: String, number: Option<f64>, target: Option<String>, met: Option<bool>) -> Figure {
    Figure { key: key.into(), label: label.into(), value, number, target, met }
}

fn share_text(part: i64, all: i64) -> String {
    match percent(part, all) {
        Some(p) => format!("{p}% ({part} of {all})"),
        None => "None in the period".into(),
    }
}

async fn kpis(state: &AppState, reach: Reach, scope: String, name: String, from: Date, to: Date) -> Result<Kpis, AppError> {
    let s = &state.store;
    let (first, last) = (Month::of(from), Month::of(to));
    let ((months, measured), bands) = tokio::try_join!(hearth_store::insight::months(s, reach, first, last), hearth_store::workload::band_totals(s, reach))?;
    let targets = &state.config.targets;
    let mut sum = TeamMonth::default();
    for (_, m) in &months {
        sum.add(&TeamMonth { public_open_end: None, public_unallocated_end: None, private_open_end: None, private_unallocated_end: None, ..*m });
    }
    let t = sum.allocation;
    let mut figures = vec![];
    let p2 = percent(t.within_2, t.counted_2);
    figures.push(figure(
        "public_allocated_2_working_days",
        "Public law cases allocated within 2 working days",
        share_text(t.within_2, t.counted_2),
        p2.map(|p| p as f64),
        Some(format!("At least {}%", targets.public_within_2_working_days_percent)),
        targets.allocated_within_2_met(p2),
    ));
    let p28 = percent(t.within_28, t.counted_28);
    figures.push(figure(
        "public_allocated_28_days",
        "Public law cases allocated within 28 days",
        share_text(t.within_28, t.counted_28),
        p28.map(|p| p as f64),
        Some(format!("At least {}%", targets.public_within_28_days_percent)),
        targets.allocated_within_28_met(p28),
    ));
    // At month end: the last month of the period that has ended.
    let month_end = months.iter().rev().find(|(_, m)| m.public_open_end.is_some());
    for law in [LawType::Public, LawType::Private] {
        let target = targets.unallocated_target(law);
        let (key, label) = (format!("unallocated_{}_month_end", law.code()), format!("{} work unallocated at month end", law.label()));
        match month_end {
            Some((month, m)) => {
                let (all, waiting) = match law {
                    LawType::Public => (m.public_open_end.unwrap_or(0), m.public_unallocated_end.unwrap_or(0)),
                    LawType::Private => (m.private_open_end.unwrap_or(0), m.private_unallocated_end.unwrap_or(0)),
                };
                let p = percent(waiting, all);
                figures.push(figure(&key, &label, format!("{} at {}", share_text(waiting, all), long_date(month.last_day())), p.map(|p| p as f64), Some(format!("At most {target}%")), targets.unallocated_met(law, p)));
            }
            None => figures.push(figure(&key, &label, "No month in the period has ended".into(), None, Some(format!("At most {target}%")), None)),
        }
    }
    for (law, all, waiting) in [(LawType::Public, bands.public_open, bands.public_unallocated), (LawType::Private, bands.private_open, bands.private_unallocated)] {
        figures.push(figure(&format!("unallocated_{}", law.code()), &format!("{} work unallocated now", law.label()), share_text(waiting, all), percent(waiting, all).map(|p| p as f64), None, None));
    }
    figures.push(figure("filed_on_time", "Court work filed on or before the court's date", share_text(sum.filed_on_time, sum.filed), percent(sum.filed_on_time, sum.filed).map(|p| p as f64), None, None));
    figures.push(figure("good_or_better", "Work graded good or better", share_text(sum.graded_good, sum.graded), percent(sum.graded_good, sum.graded).map(|p| p as f64), None, None));
    let fte = bands.fte_hundredths as f64 / 100.0;
    let closed = sum.closed;
    let per_fte = closures_per_fte(closed, bands.fte_hundredths);
    figures.push(figure("closures_per_fte", "Cases closed per practitioner (FTE)", per_fte.map(|v| format!("{v} ({closed} closed, {fte:.1} FTE)")).unwrap_or_else(|| "No practitioners measured".into()), per_fte, None, None));
    let weeks = sum.public_weeks();
    let limit = state.config.deadlines.proceedings_limit_weeks;
    figures.push(figure(
        "public_law_weeks",
        "Average length of public law proceedings closed",
        weeks.map(|w| format!("{w} weeks ({} closed)", sum.public_closed)).unwrap_or_else(|| "None closed in the period".into()),
        weeks,
        Some(format!("{limit} weeks")),
        within_proceedings_limit(weeks, limit),
    ));
    figures.push(figure("hub_size", "Cases waiting in the allocation hub now", bands.hub_waiting.to_string(), Some(bands.hub_waiting as f64), None, None));
    let average_wait = average_wait_days(bands.hub_wait_days, bands.hub_waiting);
    figures.push(figure(
        "hub_wait_days",
        "Average wait in the hub",
        average_wait.map(|w| format!("{w:.0} days (longest {} days)", bands.hub_longest_days)).unwrap_or_else(|| "Nobody waiting".into()),
        average_wait,
        None,
        None,
    ));
    Ok(Kpis {
        scope,
        name,
        from: from.to_string(),
        to: to.to_string(),
        first_month: first.code(),
        last_month: last.code(),
        figures,
        months: months
            .iter()
            .map(|(m, f)| MonthFigures {
                month: m.code(),
                public_received: f.public_received,
                public_within_2_percent: percent(f.allocation.within_2, f.allocation.counted_2),
                public_unallocated_end_percent: f.public_unallocated_end.zip(f.public_open_end).and_then(|(w, a)| percent(w, a)),
                private_unallocated_end_percent: f.private_unallocated_end.zip(f.private_open_end).and_then(|(w, a)| percent(w, a)),
                closed: f.closed,
            })
            .collect(),
        months_measured_at: measured.map(hearth_store::ts),
        bands: Band::ALL.iter().zip(bands.counts).map(|(b, n)| BandCount { band: b.code().into(), practitioners: n }).collect(),
        bands_measured_at: bands.oldest.map(hearth_store::ts),
    })
}

fn scope_code(reach: Reach) -> String {
    match reach {
        Reach::National => "national".into(),
        Reach::Team(t) => format!("team:{t}"),
        Reach::Area(a) => format!("area:{a}"),
    }
}

#[derive(Template)]
#[template(path = "insight/kpis.html")]
struct KpiPage {
    /// The reader may see the sickness figures: the people section links them.
    sickness_link: bool,
    shell: Shell,
    errors: Option<ErrorSummary>,
    k: Kpis,
    options: Vec<(String, String, bool)>,
    from: crate::components::DateInput,
    to: crate::components::DateInput,
    bands_chart: String,
    bands: Vec<(crate::components::Tag, i64, String)>,
    measured: String,
    query: String,
    /// "September 2026 to November 2026".
    months_text: String,
    months_measured: String,
    allocation_chart: String,
    /// Month, received, within 2 working days, unallocated at month end (public, private), closed.
    month_rows: Vec<(String, i64, String, String, String, i64)>,
    /// Supervision, training, policies and the pulse, now: (measure, value).
    people: Vec<(String, String)>,
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Query(q): Query<KpiQuery>) -> Result<Response, AppError> {
    let (reach, name) = reach_for(&state, &me, &q.scope(), Permission::ViewInsight).await?;
    let today = today();
    let (period, errors) = match q.period(today) {
        Ok(p) => (p, vec![]),
        Err(e) => ((today - time::Duration::days(90), today), e),
    };
    let (k, people) = tokio::try_join!(kpis(&state, reach, scope_code(reach), name, period.0, period.1), crate::people::figures(&state, reach))?;
    let total: i64 = k.bands.iter().map(|b| b.practitioners).sum();
    let bands: Vec<(crate::components::Tag, i64, String)> = Band::ALL
        .iter()
        .zip(&k.bands)
        .map(|(b, c)| (crate::workload::band_tag(*b), c.practitioners, percent(c.practitioners, total).map(|p| format!("{p}%")).unwrap_or_else(|| "–".into())))
        .collect();
    let chart_rows: Vec<(String, Option<i64>)> = Band::ALL.iter().zip(&k.bands).map(|(b, c)| (b.label().to_string(), percent(c.practitioners, total))).collect();
    let options = choices(&state, &me, Permission::ViewInsight).await?.into_iter().map(|(v, l)| (v.clone(), l, v == k.scope)).collect();
    let label = |code: &str| Month::from_code(code).map(Month::label).unwrap_or_default();
    let short = |code: &str| Month::from_code(code).map(|m| format!("{} {}", m.short(), m.year % 100)).unwrap_or_default();
    let shown = |p: Option<i64>| p.map(|p| format!("{p}%")).unwrap_or_else(|| "–".into());
    let allocation_rows: Vec<(String, Option<i64>)> = k.months.iter().map(|m| (short(&m.month), m.public_within_2_percent)).collect();
    let month_rows = k.months.iter().map(|m| (label(&m.month), m.public_received, shown(m.public_within_2_percent), shown(m.public_unallocated_end_percent), shown(m.private_unallocated_end_percent), m.closed)).collect();
    let when = |t: &Option<String>| t.as_deref().and_then(|t| hearth_store::parse_ts(t).ok()).map(crate::dates::long_time).unwrap_or_else(|| "not yet".into());
    let page = KpiPage {
        sickness_link: me.can(Permission::ViewSicknessFigures),
        shell: ctx.shell(format!("Insight – {}", k.name)),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(&errors)),
        from: crate::components::DateInput::new("from", "From").value(&q.from.clone().unwrap_or_else(|| period.0.to_string())).errors(&errors),
        to: crate::components::DateInput::new("to", "To").value(&q.to.clone().unwrap_or_else(|| period.1.to_string())).errors(&errors),
        bands_chart: percent_chart(&chart_rows, "bands-title"),
        measured: when(&k.bands_measured_at),
        months_measured: when(&k.months_measured_at),
        months_text: if k.first_month == k.last_month { label(&k.first_month) } else { format!("{} to {}", label(&k.first_month), label(&k.last_month)) },
        allocation_chart: percent_chart(&allocation_rows, "allocation-title"),
        month_rows,
        people,
        query: format!("scope={}&from={}&to={}", crate::page::url_encode(&k.scope), period.0, period.1),
        bands,
        options,
        k,
    };
    Ok(if errors.is_empty() { render(&page) } else { render_with(StatusCode::BAD_REQUEST, &page) })
}

/// The key figures as CSV: measure, value, target, met.
pub async fn csv(State(state): State<AppState>, me: Ctx, Query(q): Query<KpiQuery>) -> Result<Response, AppError> {
    let (reach, name) = reach_for(&state, &me, &q.scope(), Permission::ViewInsight).await?;
    let (from, to) = q.period(today()).map_err(AppError::Invalid)?;
    let k = kpis(&state, reach, scope_code(reach), name, from, to).await?;
    let mut out = String::from("measure,value,number,target,met\n");
    for f in &k.figures {
        let met = match f.met {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        out.push_str(&format!("{},{},{},{},{met}\n", csv_field(&f.label), csv_field(&f.value), f.number.map(|n| n.to_string()).unwrap_or_default(), csv_field(f.target.as_deref().unwrap_or(""))));
    }
    out.push_str("\nmonth,public_received,public_within_2_working_days_percent,public_unallocated_month_end_percent,private_unallocated_month_end_percent,closed\n");
    let cell = |p: Option<i64>| p.map(|p| p.to_string()).unwrap_or_default();
    for m in &k.months {
        out.push_str(&format!("{},{},{},{},{},{}\n", m.month, m.public_received, cell(m.public_within_2_percent), cell(m.public_unallocated_end_percent), cell(m.private_unallocated_end_percent), m.closed));
    }
    out.push_str("\nband,practitioners\n");
    for b in &k.bands {
        out.push_str(&format!("{},{}\n", b.band, b.practitioners));
    }
    let mut res = out.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    res.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"hearth-key-figures.csv\""));
    Ok(res)
}

/// The key figures for a team (`team`), an area (`area`) or the service, over a period.
#[utoipa::path(get, path = "/api/v1/insight/kpis", params(KpiQuery), responses((status = 200, body = Kpis), (status = 403, body = crate::error::Problem, content_type = "application/problem+json"), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn api(State(state): State<AppState>, me: Ctx, Query(q): Query<KpiQuery>) -> Result<Json<Kpis>, ApiError> {
    let (reach, name) = reach_for(&state, &me, &q.scope(), Permission::ViewInsight).await?;
    let (from, to) = q.period(today()).map_err(AppError::Invalid)?;
    Ok(Json(kpis(&state, reach, scope_code(reach), name, from, to).await?))
}
