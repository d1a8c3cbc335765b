//! How the estate is used, over the last twelve weeks: desks per person by office, utilisation
//! by weekday (chart and table), no-shows, and the share of staff time spent in the office. Counts
//! only, never a person. `?format=csv` gives the offices' table.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use hearth_domain::workplace::no_show_rate;
use hearth_store::people::Whose;
use serde::Deserialize;
use time::{Date, Duration};

use crate::dates::{long_date, today};
use crate::page::{PageCtx, Shell, render};
use crate::quality::insight::{csv_field, percent_chart};
use crate::{AppError, AppState};

/// The weeks the figures cover, to yesterday.
const WEEKS: i64 = 12;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FiguresQuery {
    pub format: String,
}

struct OfficeRow {
    name: String,
    area: String,
    desks: i64,
    staff: i64,
    /// "9.5" people a desk, or "–" with none.
    per_desk: String,
    used: i64,
    utilisation: Option<i64>,
    no_shows: Option<i64>,
}

#[derive(Template)]
#[template(path = "workplace/figures.html")]
struct FiguresPage {
    shell: Shell,
    from: String,
    to: String,
    desks: i64,
    staff: i64,
    chart: String,
    /// (weekday, utilisation %)
    weekdays: Vec<(String, String)>,
    offices: Vec<OfficeRow>,
    no_shows: String,
    in_office: String,
    cancelled_for_absence: i64,
}

fn percent(n: Option<i64>) -> String {
    n.map(|p| format!("{p}%")).unwrap_or_else(|| "–".into())
}

fn weekdays_between(from: Date, to: Date) -> [i64; 5] {
    let mut n = [0; 5];
    let mut d = from;
    while d <= to {
        if let Some(slot) = n.get_mut(d.weekday().number_days_from_monday() as usize) {
            *slot += 1;
        }
        d += Duration::days(1);
    }
    n
}

fn share(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 100 + whole / 2) / whole)
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, Query(q): Query<FiguresQuery>) -> Result<Response, AppError> {
    let to = today() - Duration::days(1);
    let from = to - Duration::days(WEEKS * 7 - 1);
    let (offices, uses, days_in) = tokio::try_join!(
        async { Ok::<_, AppError>(hearth_store::org::offices(&state.store).await?) },
        async { Ok(hearth_store::workplace::office_use(&state.store, from, to).await?) },
        async { Ok(hearth_store::people::office::counts(&state.store, Whose::Everyone, from, to).await?) },
    )?;
    let weekdays = weekdays_between(from, to);
    let open_days: i64 = weekdays.iter().sum();
    let rows: Vec<OfficeRow> = offices
        .iter()
        .map(|o| {
            let u = uses.get(&o.id).cloned().unwrap_or_default();
            let used: i64 = u.checked_in.iter().sum();
            OfficeRow {
                name: o.name.clone(),
                area: o.service_area.name.clone(),
                desks: o.desks,
                staff: o.staff,
                per_desk: if o.desks > 0 { format!("{:.1}", o.staff as f64 / o.desks as f64) } else { "–".into() },
                used,
                utilisation: share(used, o.desks * open_days),
                no_shows: no_show_rate(u.released, used),
            }
        })
        .collect();
    if q.format == "csv" {
        let mut out = String::from("office,service area,desks,staff based,staff per desk,desk-days used,utilisation (%),no-shows (%)\n");
        for r in &rows {
            out.push_str(&format!("{},{},{},{},{},{},{},{}\n", csv_field(&r.name), csv_field(&r.area), r.desks, r.staff, r.per_desk.replace('–', ""), r.used, r.utilisation.map(|p| p.to_string()).unwrap_or_default(), r.no_shows.map(|p| p.to_string()).unwrap_or_default()));
        }
        let mut res = out.into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
        res.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"hearth-desks.csv\""));
        return Ok(res);
    }
    let desks: i64 = offices.iter().map(|o| o.desks).sum();
    let staff: i64 = offices.iter().map(|o| o.staff).sum();
    let names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
    let by_day: Vec<(String, Option<i64>)> = (0..5).map(|i| (names[i][..3].to_string(), share(uses.values().map(|u| u.checked_in[i]).sum(), desks * weekdays[i]))).collect();
    let released: i64 = uses.values().map(|u| u.released).sum();
    let kept: i64 = uses.values().map(|u| u.checked_in.iter().sum::<i64>()).sum();
    let office_days: i64 = days_in.values().sum();
    Ok(render(&FiguresPage {
        shell: ctx.shell("Desks and office time"),
        from: long_date(from),
        to: long_date(to),
        desks,
        staff,
        chart: percent_chart(&by_day, "weekday-chart-title"),
        weekdays: by_day.iter().enumerate().map(|(i, (_, p))| (names[i].to_string(), percent(*p))).collect(),
        offices: rows,
        no_shows: percent(no_show_rate(released, kept)),
        in_office: percent(share(office_days, staff * open_days)),
        cancelled_for_absence: uses.values().map(|u| u.cancelled_for_absence).sum(),
    }))
}
