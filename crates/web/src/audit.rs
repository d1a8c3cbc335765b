//! The audit screen: "who viewed record X" and "what did person U do between two dates", with
//! people and records named, actions in words and times as a clock in England shows them.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use hearth_domain::FieldError;
use hearth_domain::audit::{AuditRecord, action_words, outcome_words, subject_words};
use hearth_store::audit::{self, AuditQuery};
use hearth_store::org::DirectoryQuery;
use hearth_store::{Page, PageRequest};
use serde::Deserialize;
use uuid::Uuid;

use crate::components::{Cell, DateInput, ErrorSummary, Input, Pagination, Table};
use crate::page::{PageCtx, Shell, render, render_with, url_encode};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Deserialize, Default)]
pub struct Params {
    /// A record's id, from a link on this screen.
    subject: Option<String>,
    /// A person's id, from a link on this screen.
    actor: Option<String>,
    /// A person by name or email, as the administrator types it.
    who: Option<String>,
    /// A case by its reference or court case number, or a member of staff by name or email.
    record: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<i64>,
}

/// What a typed name found: one, so the search is about it; several to choose from; or none.
enum Found {
    One(String),
    Several(Vec<(String, String)>),
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
    /// (heading, [(link, label)]): the people or records a typed name could mean.
    choices: Vec<(String, Vec<(String, String)>)>,
    /// Who or what the events are filtered to, in words.
    about: Vec<String>,
}

fn blank(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// The people a name or email could mean (leavers too: the trail outlives them).
async fn people(state: &AppState, text: &str) -> Result<Vec<(String, String)>, AppError> {
    let query = DirectoryQuery { text: Some(text.into()), include_leavers: true, ..Default::default() };
    let found = hearth_store::org::directory(&state.store, &query, PageRequest::new(Some(1), Some(10))).await?;
    Ok(found.items.into_iter().map(|p| (p.id.to_string(), format!("{} ({})", p.name, p.email))).collect())
}

async fn find(state: &AppState, text: &str, cases: bool) -> Result<Option<Found>, AppError> {
    let mut found: Vec<(String, String)> = vec![];
    if cases {
        found.extend(hearth_store::cases::named_by_reference(&state.store, text).await?.into_iter().map(|(id, r)| (id.to_string(), format!("Case {r}"))));
    }
    if found.is_empty() {
        found = people(state, text).await?;
    }
    Ok(match found.len() {
        0 => None,
        1 => Some(Found::One(found.remove(0).0)),
        _ => Some(Found::Several(found)),
    })
}

pub async fn search(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Query(p): Query<Params>) -> Result<Response, AppError> {
    // Dates from the form are whole days: from the start of `from` up to the end of `to`. A date
    // that cannot be read is said so, not quietly dropped: the search would otherwise look wider
    // than the person asked for.
    let mut errors = Vec::new();
    let mut day = |field: &'static str, label: &str, d: &Option<String>| blank(d).and_then(|d| hearth_domain::org::parse_date(field, label, &d).map_err(|e| errors.push(e)).ok());
    let (first, last) = (day("from", "the from date", &p.from), day("to", "the to date", &p.to));
    if let (Some(first), Some(last)) = (first, last)
        && last < first
    {
        errors.push(FieldError::new("to", "The to date must be the same as or after the from date"));
    }
    // A name typed in the filters becomes the id it means, or a choice of those it could mean.
    let mut choices = vec![];
    let (mut actor, mut subject) = (blank(&p.actor), blank(&p.subject));
    if let Some(who) = blank(&p.who) {
        match find(&state, &who, false).await? {
            Some(Found::One(id)) => actor = Some(id),
            Some(Found::Several(list)) => {
                errors.push(FieldError::new("who", format!("{} people match \u{201c}{who}\u{201d}: choose one below, or add more of their name", list.len())));
                choices.push(("People who match".to_string(), list.into_iter().map(|(id, label)| (format!("/admin/audit?actor={id}"), label)).collect()));
            }
            None => errors.push(FieldError::new("who", "Nobody on the staff has a name or email like this")),
        }
    }
    if let Some(record) = blank(&p.record) {
        match find(&state, &record, true).await? {
            Some(Found::One(id)) => subject = Some(id),
            Some(Found::Several(list)) => {
                errors.push(FieldError::new("record", format!("{} records match \u{201c}{record}\u{201d}: choose one below", list.len())));
                choices.push(("Records that match".to_string(), list.into_iter().map(|(id, label)| (format!("/admin/audit?subject={id}"), label)).collect()));
            }
            None => errors.push(FieldError::new("record", "No case has this reference or court case number, and nobody on the staff this name")),
        }
    }
    let stamp = |d: time::Date| format!("{}T00:00:00.000000Z", hearth_store::date_text(d));
    let query = AuditQuery {
        subject_id: subject.clone(),
        actor_id: actor.clone(),
        action_prefix: None,
        from: first.map(stamp),
        to: last.map(|d| stamp(d.next_day().unwrap_or(d))),
    };
    if !errors.is_empty() {
        let empty = Page { items: vec![], total: 0, page: 1, per_page: 50, more: false };
        let page = audit_page(&state, &ctx, &p, &query, &errors, choices, empty).await?;
        return Ok(render_with(StatusCode::BAD_REQUEST, &page));
    }
    let page = audit::search(&state.store, &query, PageRequest::new(p.page, Some(50))).await?;
    hearth_store::audit::record(
        &state.store,
        &me.audit,
        hearth_store::audit::Event::success("audit.searched").detail(serde_json::json!({ "subject": query.subject_id, "actor": query.actor_id })),
    )
    .await?;
    Ok(render(&audit_page(&state, &ctx, &p, &query, &[], choices, page).await?))
}

/// The names of the people and records on a page of events (and the filters), read at once.
async fn names(state: &AppState, events: &[AuditRecord], query: &AuditQuery) -> Result<HashMap<String, String>, AppError> {
    let ids = |s: Option<&String>| s.and_then(|s| Uuid::parse_str(s).ok());
    let mut staff: Vec<Uuid> = events.iter().filter_map(|e| ids(e.actor_id.as_ref())).collect();
    let mut cases: Vec<Uuid> = vec![];
    for e in events {
        match (e.subject_type.as_deref(), ids(e.subject_id.as_ref())) {
            (Some("case"), Some(id)) => cases.push(id),
            (Some(_), Some(id)) => staff.push(id),
            _ => {}
        }
    }
    for id in [ids(query.actor_id.as_ref()), ids(query.subject_id.as_ref())].into_iter().flatten() {
        staff.push(id);
        cases.push(id);
    }
    for list in [&mut staff, &mut cases] {
        list.sort();
        list.dedup();
    }
    let (people, refs) = tokio::try_join!(hearth_store::org::names(&state.store, &staff), hearth_store::cases::references(&state.store, &cases))?;
    Ok(people.into_iter().chain(refs.into_iter().map(|(id, r)| (id, format!("Case {r}")))).map(|(id, n)| (id.to_string(), n)).collect())
}

async fn audit_page(
    state: &AppState,
    ctx: &PageCtx,
    p: &Params,
    query: &AuditQuery,
    errors: &[FieldError],
    choices: Vec<(String, Vec<(String, String)>)>,
    page: Page<AuditRecord>,
) -> Result<AuditPage, AppError> {
    let named = names(state, &page.items, query).await?;
    let name = |id: &str| named.get(id).cloned();
    let table = Table {
        caption: None,
        cards: true,
        head: vec![Cell::text("When (UK time)"), Cell::text("Who"), Cell::text("Action"), Cell::text("Record"), Cell::text("Outcome")],
        rows: page
            .items
            .iter()
            .map(|e| {
                let when = hearth_store::parse_ts(&e.at).map(crate::dates::long_time).unwrap_or_else(|_| e.at.clone());
                vec![
                    Cell::text(when),
                    match &e.actor_id {
                        Some(a) => Cell::link(name(a).unwrap_or_else(|| "Someone no longer on record".into()), format!("/admin/audit?actor={a}")),
                        None => Cell::text("Hearth itself"),
                    },
                    Cell::text(action_words(&e.action)),
                    match (&e.subject_type, &e.subject_id) {
                        (Some(t), Some(s)) => Cell::link(name(s).unwrap_or_else(|| subject_words(t)), format!("/admin/audit?subject={s}")),
                        _ => Cell::text(""),
                    },
                    Cell::text(outcome_words(&e.outcome)),
                ]
            })
            .collect(),
    };
    let base = format!(
        "/admin/audit?subject={}&actor={}&from={}&to={}",
        url_encode(&query.subject_id.clone().unwrap_or_default()),
        url_encode(&query.actor_id.clone().unwrap_or_default()),
        url_encode(&blank(&p.from).unwrap_or_default()),
        url_encode(&blank(&p.to).unwrap_or_default())
    );
    let mut about = vec![];
    if let Some(a) = &query.actor_id {
        about.push(format!("What {} did", name(a).unwrap_or_else(|| "this person".into())));
    }
    if let Some(s) = &query.subject_id {
        about.push(format!("Who viewed or changed {}", name(s).unwrap_or_else(|| "this record".into())));
    }
    let v = |s: &Option<String>| blank(s).unwrap_or_default();
    Ok(AuditPage {
        shell: ctx.shell(if errors.is_empty() { "Audit trail" } else { "Error: Audit trail" }),
        fields: vec![
            Input::text("who", "Person").hint("Their name or work email: what they did").no_spellcheck().value(&v(&p.who)).errors(errors).to_string(),
            Input::text("record", "Record").hint("A case reference or court case number, or a colleague's name: who viewed or changed it").no_spellcheck().value(&v(&p.record)).errors(errors).to_string(),
            DateInput::new("from", "From").value(&v(&p.from)).errors(errors).to_string(),
            DateInput::new("to", "To").value(&v(&p.to)).errors(errors).to_string(),
        ],
        total: page.total,
        table,
        pagination: Pagination::around(page.page, page.last_page(), |n| format!("{base}&page={n}")),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors).to_string()),
        choices,
        about,
    })
}
