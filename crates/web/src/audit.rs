//! The audit screen: "who viewed record X" and "what did user U do between T1 and T2".

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use hearth_store::PageRequest;
use hearth_store::audit::{self, AuditQuery};
use serde::Deserialize;

use axum::http::StatusCode;

use crate::components::{Cell, ErrorSummary, Input, Pagination, Table};
use crate::page::{PageCtx, Shell, render, render_with, url_encode};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Deserialize, Default)]
pub struct Params {
    subject: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "audit/search.html")]
struct AuditPage {
    shell: Shell,
    fields: Vec<String>,
    total: i64,
    table: Table,
    pagination: Option<Pagination>,
    errors: Option<String>,
}

fn blank(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

pub async fn search(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Query(p): Query<Params>) -> Result<Response, AppError> {
    // Dates from the form are whole days: from the start of `from` up to the end of `to`. A date
    // that cannot be read is said so, not quietly dropped: the search would otherwise look wider
    // than the person asked for.
    let mut errors = Vec::new();
    let mut day = |field: &'static str, label: &str, d: &Option<String>| {
        blank(d).and_then(|d| hearth_domain::org::parse_date(field, label, &d).map_err(|e| errors.push(e)).ok())
    };
    let (first, last) = (day("from", "the from date", &p.from), day("to", "the to date", &p.to));
    if let (Some(first), Some(last)) = (first, last)
        && last < first
    {
        errors.push(hearth_domain::FieldError::new("to", "The to date must be the same as or after the from date"));
    }
    let stamp = |d: time::Date| format!("{}T00:00:00.000000Z", hearth_store::date_text(d));
    let query = AuditQuery {
        subject_id: blank(&p.subject),
        actor_id: blank(&p.actor),
        action_prefix: None,
        from: first.map(stamp),
        to: last.map(|d| stamp(d.next_day().unwrap_or(d))),
    };
    if !errors.is_empty() {
        return Ok(render_with(StatusCode::BAD_REQUEST, &audit_page(&ctx, &p, &errors, hearth_store::Page { items: vec![], total: 0, page: 1, per_page: 50 })));
    }
    let page = audit::search(&state.store, &query, PageRequest::new(p.page, Some(50))).await?;
    hearth_store::audit::record(
        &state.store,
        &me.audit,
        hearth_store::audit::Event::success("audit.searched").detail(serde_json::json!({ "subject": query.subject_id, "actor": query.actor_id })),
    )
    .await?;
    Ok(render(&audit_page(&ctx, &p, &[], page)))
}

fn audit_page(ctx: &PageCtx, p: &Params, errors: &[hearth_domain::FieldError], page: hearth_store::Page<hearth_domain::audit::AuditRecord>) -> AuditPage {
    let table = Table {
        caption: None,
        head: vec![Cell::text("When (UTC)"), Cell::text("Who"), Cell::text("Action"), Cell::text("Record"), Cell::text("Outcome"), Cell::text("Request")],
        rows: page
            .items
            .iter()
            .map(|e| {
                vec![
                    Cell::text(e.at.replace('T', " ").chars().take(19).collect::<String>()),
                    match &e.actor_id {
                        Some(a) => Cell::link(short(a), format!("/admin/audit?actor={a}")),
                        None => Cell::text("System"),
                    },
                    Cell::text(&e.action),
                    match (&e.subject_type, &e.subject_id) {
                        (Some(t), Some(s)) => Cell::link(format!("{t} {}", short(s)), format!("/admin/audit?subject={s}")),
                        _ => Cell::text(""),
                    },
                    Cell::text(&e.outcome),
                    Cell::text(e.request_id.as_deref().map(short).unwrap_or_default()),
                ]
            })
            .collect(),
    };
    let base = format!(
        "/admin/audit?subject={}&actor={}&from={}&to={}",
        url_encode(&blank(&p.subject).unwrap_or_default()),
        url_encode(&blank(&p.actor).unwrap_or_default()),
        url_encode(&blank(&p.from).unwrap_or_default()),
        url_encode(&blank(&p.to).unwrap_or_default())
    );
    let v = |s: &Option<String>| blank(s).unwrap_or_default();
    AuditPage {
        shell: ctx.shell("Audit trail"),
        fields: vec![
            Input::text("subject", "Record id").hint("Who viewed or changed this record").no_spellcheck().value(&v(&p.subject)).to_string(),
            Input::text("actor", "Person id").hint("What this person did").no_spellcheck().value(&v(&p.actor)).to_string(),
            Input::text("from", "From").kind("date").classes("govuk-input--width-10").value(&v(&p.from)).errors(errors).to_string(),
            Input::text("to", "To").kind("date").classes("govuk-input--width-10").value(&v(&p.to)).errors(errors).to_string(),
        ],
        total: page.total,
        table,
        pagination: Pagination::around(page.page, page.last_page(), |n| format!("{base}&page={n}")),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors).to_string()),
    }
}

/// The first block of a UUID: enough to tell events apart on screen; the link carries the whole id.
fn short(id: &str) -> String {
    id.split('-').next().unwrap_or(id).to_string()
}
