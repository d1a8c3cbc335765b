//! Case lists, the allocation hub, the case page and the chronology.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use hearth_domain::access::Permission;
use hearth_domain::cases::deadlines::{Basis, Urgency, allocation_target};
use hearth_domain::FieldError;
use hearth_domain::cases::{CaseFlag, CaseStatus, EntryKind, LawType, SearchTerms, age_on, note_editable};
use hearth_store::PageRequest;
use hearth_store::cases::{self, CaseQuery, ChronologyFilter, Entry};
use serde::Deserialize;
use uuid::Uuid;

use super::{open, visibility};
use crate::dates::{long_date, short_date, today};
use crate::components::{Cell, DateInput, ErrorSummary, Input, Pagination, Select, SummaryList, SummaryRow, Table, Tag};
use crate::page::{PageCtx, Shell, render, render_with, url_encode};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Deserialize, Default)]
pub struct ListParams {
    /// `mine` (default for practitioners), `team`, or `all` (everything the caller may see).
    pub show: Option<String>,
    pub q: Option<String>,
    pub law: Option<String>,
    pub status: Option<String>,
    pub page: Option<i64>,
}

#[derive(Template)]
#[template(path = "cases/list.html")]
struct ListPage {
    shell: Shell,
    heading: String,
    tabs: Vec<(String, &'static str, bool)>,
    show: String,
    errors: Option<ErrorSummary>,
    search: Input,
    law: Select,
    status: Select,
    total: i64,
    /// A search matched more than it lists.
    more: bool,
    table: Table,
    pagination: Option<Pagination>,
    can_create: bool,
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Query(p): Query<ListParams>) -> Result<Response, AppError> {
    let show = match p.show.as_deref() {
        Some("team") => "team",
        Some("all") => "all",
        Some("mine") => "mine",
        _ if me.principal.roles.contains(&hearth_domain::org::Role::Practitioner) => "mine",
        _ => "all",
    };
    let law = p.law.as_deref().and_then(LawType::from_code);
    let status = match p.status.as_deref() {
        Some("any") => None,
        Some(s) => CaseStatus::from_code(s).or(Some(CaseStatus::Open)),
        None => Some(CaseStatus::Open),
    };
    // A search too long to run is answered on the page, not ignored.
    let q = p.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let errors: Vec<FieldError> = match q {
        Some(q) if SearchTerms::parse(q).is_none() => vec![FieldError::new("q", "Enter a search of up to 200 characters")],
        _ => vec![],
    };
    let query = CaseQuery {
        allocated_to: (show == "mine").then(|| me.id()),
        team_id: if show == "team" { me.principal.placement.team_id.or(Some(Uuid::nil())) } else { None },
        status,
        law,
        text: p.q.clone(),
        visible: Some(visibility(&state, &me, Permission::ViewCase).await?),
        ..Default::default()
    };
    let mut found = None;
    if errors.is_empty() {
        match cases::list(&state.store, &query, PageRequest::new(p.page, Some(25))).await {
            Ok(page) => found = Some(page),
            Err(e) => return Err(e.into()),
        }
    }
    let page = found.unwrap_or(hearth_store::Page { items: vec![], total: 0, page: 1, per_page: 25, more: false });
    let table = case_table(&page.items, false);
    let base = format!(
        "/cases?show={show}&q={}&law={}&status={}",
        url_encode(p.q.as_deref().unwrap_or("")),
        law.map(|l| l.code()).unwrap_or(""),
        status.map(|s| s.code()).unwrap_or("any")
    );
    let laws: Vec<(String, String)> = LawType::ALL.iter().map(|l| (l.code().to_string(), l.label().to_string())).collect();
    let statuses = vec![("open".to_string(), "Open".to_string()), ("closed".to_string(), "Closed".to_string()), ("any".to_string(), "Open and closed".to_string())];
    let tabs = vec![
        ("/cases?show=mine".to_string(), "My cases", show == "mine"),
        ("/cases?show=team".to_string(), "My team's cases", show == "team"),
        ("/cases?show=all".to_string(), "All I can see", show == "all"),
    ];
    let list = ListPage {
        shell: ctx.shell(if errors.is_empty() { "Cases" } else { "Error: Cases" }),
        heading: "Cases".into(),
        tabs,
        show: show.into(),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(&errors)),
        search: Input::text("q", "Search")
            .hint("A case reference or court case number, a name, a date of birth, or words in notes.")
            .value(p.q.as_deref().unwrap_or(""))
            .no_spellcheck()
            .errors(&errors),
        law: Select::new("law", "Law type", Some("Private and public law"), &laws, law.map(|l| l.code()).unwrap_or("")),
        status: Select::new("status", "Status", None, &statuses, status.map(|s| s.code()).unwrap_or("any")),
        total: page.total,
        more: page.more,
        table,
        pagination: Pagination::around(page.page, page.last_page(), |n| format!("{base}&page={n}")),
        can_create: me.can(Permission::CreateCase),
    };
    Ok(if errors.is_empty() { render(&list) } else { render_with(StatusCode::BAD_REQUEST, &list) })
}

fn case_table(items: &[cases::CaseSummary], hub: bool) -> Table {
    let mut head = vec![Cell::text("Case"), Cell::text("Children"), Cell::text("Law"), Cell::text("Stage")];
    head.push(Cell::text(if hub { "Waiting since" } else { "Allocated to" }));
    head.push(Cell::text(if hub { "First hearing" } else { "Team" }));
    Table {
        caption: None,
        cards: true,
        head,
        rows: items
            .iter()
            .map(|c| {
                let children = if c.children.is_empty() { "None recorded yet".to_string() } else { c.children.join(", ") };
                let mut row = vec![
                    Cell::link(format!("{} ({})", c.reference, c.court_case_number), format!("/cases/{}", c.id)),
                    Cell::text(children),
                    Cell::text(c.law.label()),
                    Cell::text(if c.status == CaseStatus::Closed { "Closed".to_string() } else { c.stage.label().to_string() }),
                ];
                if hub {
                    row.push(Cell::text(short_date(c.received_on)));
                    row.push(Cell::text(c.first_hearing_on.map(short_date).unwrap_or_else(|| "Not listed".into())));
                } else {
                    row.push(Cell::text(c.allocated_to.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "Not allocated".into())));
                    row.push(Cell::text(&c.team.name));
                }
                row
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "cases/hub.html")]
struct HubPage {
    shell: Shell,
    total: i64,
    table: Table,
    pagination: Option<Pagination>,
    target_weeks: i64,
    buffer_weeks: i64,
    transfers: Vec<hearth_store::cases::transfers::Transfer>,
    duty_team: Option<String>,
    duty_rota: Vec<(hearth_store::org::NamedRef, bool)>,
}

/// The allocation hub: unallocated open cases the caller may allocate, longest waiting first,
/// each with its allocation target.
pub async fn hub(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Query(p): Query<ListParams>) -> Result<Response, AppError> {
    let visible = Some(visibility(&state, &me, Permission::AllocateCase).await?);
    let query = CaseQuery { unallocated: true, status: Some(CaseStatus::Open), visible, ..Default::default() };
    let page = cases::list(&state.store, &query, PageRequest::new(p.page, Some(25))).await?;
    let mut table = case_table(&page.items, true);
    table.head.push(Cell::text("Allocate by"));
    let settings = &state.config.deadlines;
    for (row, c) in table.rows.iter_mut().zip(&page.items) {
        let target = allocation_target(c.first_hearing_on, None, settings);
        row.push(Cell::text(match target {
            Some(t) if t < today() => format!("{} (overdue)", short_date(t)),
            Some(t) => short_date(t),
            None => "No target yet".into(),
        }));
    }
    let receiving: Vec<Uuid> = super::transfers::receiving_teams(&state, &me).await?.into_iter().map(|t| t.id).collect();
    let transfers = hearth_store::cases::transfers::incoming(&state.store, &receiving).await?;
    // The duty desk of the caller's own team, which they manage from here.
    let team = me.principal.placement.team_id;
    let can_manage_duty = team.is_some() && me.can(Permission::ManageDuty);
    let (duty_team, duty_rota) = match team {
        Some(t) if can_manage_duty => (Some(hearth_store::org::team(&state.store, t).await?.name), hearth_store::org::duty_rota(&state.store, t).await?),
        _ => (None, vec![]),
    };
    Ok(render(&HubPage {
        transfers,
        duty_team,
        duty_rota,
        shell: ctx.shell("Allocation hub"),
        total: page.total,
        table,
        pagination: Pagination::around(page.page, page.last_page(), |n| format!("/cases/hub?page={n}")),
        target_weeks: settings.allocation_target_weeks,
        buffer_weeks: settings.allocation_buffer_weeks,
    }))
}

/// A deadline as the case page and chronology show it.
pub struct DeadlineRow {
    pub label: String,
    pub due: String,
    pub basis: String,
    pub tag: Tag,
}

/// An entry as the timeline shows it, with what the reader may do to it.
pub struct EntryView {
    pub id: Uuid,
    pub kind: String,
    pub date: String,
    pub summary: String,
    pub body: Option<String>,
    pub author: String,
    /// Where a visit or court attendance was, when the note says.
    pub place: Option<String>,
    pub edited: bool,
    pub addendum: bool,
    pub can_edit: bool,
    pub can_add_addendum: bool,
}

fn entry_view(e: &Entry, me: &Ctx, may_edit: bool) -> EntryView {
    let own = e.author.as_ref().is_some_and(|a| a.id == me.id());
    EntryView {
        id: e.id,
        kind: e.kind.label().to_string(),
        date: long_date(e.occurred_on),
        summary: e.summary.clone(),
        body: e.body.clone(),
        author: e.author.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "Hearth".into()),
        place: e.place.clone(),
        edited: e.edited_at.is_some(),
        addendum: e.kind == EntryKind::Addendum,
        can_edit: may_edit && own && e.kind.is_note() && e.kind != EntryKind::Addendum && note_editable(e.written_at, hearth_store::now()),
        can_add_addendum: may_edit && e.kind.is_note() && e.kind != EntryKind::Addendum,
    }
}

/// Orders entries so each addendum follows the note it amends.
fn threaded(entries: Vec<Entry>) -> Vec<Entry> {
    let (addenda, mut notes): (Vec<Entry>, Vec<Entry>) = entries.into_iter().partition(|e| e.amends_id.is_some());
    let mut out = Vec::with_capacity(notes.len() + addenda.len());
    let mut orphans = Vec::new();
    for a in addenda.iter().rev() {
        if !notes.iter().any(|n| Some(n.id) == a.amends_id) {
            orphans.push(a.clone());
        }
    }
    for n in notes.drain(..) {
        let id = n.id;
        out.push(n);
        out.extend(addenda.iter().filter(|a| a.amends_id == Some(id)).rev().cloned());
    }
    out.extend(orphans);
    out
}

#[derive(Template)]
#[template(path = "cases/show.html")]
struct CasePage {
    shell: Shell,
    id: Uuid,
    title: String,
    reference: String,
    tags: Vec<Tag>,
    closed: bool,
    summary: SummaryList,
    deadlines: Vec<DeadlineRow>,
    people: Table,
    people_count: usize,
    missing_checks: Vec<String>,
    hearings: Table,
    hearings_count: usize,
    checks: Vec<CheckRow>,
    tasks: Vec<TaskRow>,
    entries: Vec<EntryView>,
    can_edit: bool,
    can_allocate: bool,
    documents: Vec<super::documents::DocumentRow>,
    restricted: bool,
    /// Who sees a restricted case besides its worker.
    named: Vec<hearth_store::org::NamedRef>,
    /// An offer to another team, not yet decided.
    transfer: Option<hearth_store::cases::transfers::Transfer>,
    worker_risk: bool,
    /// The case's court work: reports and letters, drafts to filed.
    work: Table,
    work_count: usize,
    can_draft: bool,
    /// Waiting in the hub: it can be offered to the bank and associate pool.
    waiting: bool,
}

pub struct CheckRow {
    pub id: Uuid,
    pub what: String,
    pub status: Tag,
    pub requested: String,
    pub returned: String,
    pub summary: String,
}

pub struct TaskRow {
    pub id: Uuid,
    pub title: String,
    pub due: String,
    pub tag: Option<Tag>,
    pub assigned: String,
    pub done: bool,
    pub version: i64,
}

pub async fn show(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let rel = me.authorize_case(&state, id).await?;
    // Once access is settled, the case, everything the page shows and its `case.viewed` event
    // are read and written side by side. The latest few notes only: an addendum to an older note
    // shows on the chronology page.
    let latest = ChronologyFilter { limit: Some(8), ..Default::default() };
    let (case, (), people, filings, hearings, checks, tasks, chronology, documents, work) = tokio::try_join!(
        cases::case_record(&state.store, id),
        cases::record_view(&state.store, &me.audit, id),
        cases::participants(&state.store, id),
        cases::filing_dates(&state.store, id),
        cases::hearings(&state.store, id),
        cases::checks(&state.store, id),
        cases::case_tasks(&state.store, id),
        cases::chronology(&state.store, id, &latest),
        hearth_store::documents::list(&state.store, id),
        hearth_store::courtwork::for_case(&state.store, id),
    )?;
    let can_edit = case.status == CaseStatus::Open && me.may(Permission::EditCase, &rel);
    let can_allocate = case.status == CaseStatus::Open && me.may(Permission::AllocateCase, &rel);
    let today = today();
    let cal = &state.config.calendar;

    let title = {
        let children: Vec<&str> = people.iter().filter(|p| p.role == hearth_domain::cases::PartyRole::SubjectChild).map(|p| p.full_name.as_str()).collect();
        if children.is_empty() { format!("Case {}", case.reference) } else { children.join(", ") }
    };
    let mut tags = vec![Tag::new(case.law.label(), "blue")];
    tags.push(if case.status == CaseStatus::Closed { Tag::new("Closed", "grey") } else { Tag::new(case.stage.label(), "turquoise") });
    if case.allocated_to.is_none() && case.status == CaseStatus::Open {
        tags.push(Tag::new("Not allocated", "orange"));
    }
    if case.urgent {
        tags.push(Tag::new("Urgent", "red"));
    }
    for f in &case.flags {
        tags.push(Tag::new(f.label(), if matches!(f, CaseFlag::DomesticAbuse | CaseFlag::WorkerRisk) { "red" } else { "purple" }));
    }

    let mut rows = vec![
        SummaryRow::new("Court case number", &case.court_case_number),
        SummaryRow::new("Applications", case.applications.iter().map(|a| a.label()).collect::<Vec<_>>().join(", ")),
        SummaryRow::new("Court", &case.court.name),
    ];
    if let Some(la) = &case.local_authority {
        rows.push(SummaryRow::new("Local authority", &la.name));
    }
    rows.push(SummaryRow::new("Team", format!("{} ({})", case.team.name, case.service_area.name)));
    let mut alloc = SummaryRow::new(
        "Allocated to",
        match (&case.allocated_to, case.allocated_on) {
            (Some(w), Some(on)) => format!("{} since {}", w.name, long_date(on)),
            (Some(w), None) => w.name.clone(),
            _ => "Not allocated".into(),
        },
    );
    if can_allocate {
        alloc = alloc.action(format!("/cases/{id}/allocate"), "Change", "allocated worker");
    }
    rows.push(alloc);
    rows.push(SummaryRow::new("Received", long_date(case.received_on)));
    if let Some(d) = case.first_hearing_on {
        rows.push(SummaryRow::new("First hearing (FHDRA)", long_date(d)));
    }
    if let Some(d) = case.issued_on {
        rows.push(SummaryRow::new("Application issued", long_date(d)));
    }
    let mut stage = SummaryRow::new("Stage", case.stage.label());
    if can_edit {
        stage = stage.action(format!("/cases/{id}/stage"), "Change", "stage");
    }
    rows.push(stage);
    if let (Some(on), Some(reason)) = (case.closed_on, case.closure_reason) {
        rows.push(SummaryRow::new("Closed", format!("{} – {}", long_date(on), reason.label())));
        if let Some(o) = &case.closure_outcome {
            rows.push(SummaryRow::new("Outcome", o));
        }
    }

    let deadlines = if case.status == CaseStatus::Open {
        super::deadlines_of(&state, &case, &filings)
            .iter()
            .map(|d| {
                let u = Urgency::of(d.due, today, cal);
                // A deadline whose own task (made from it, so carrying its key) is done is met,
                // however long ago it fell due; another task that happens to share its title is not.
                let met = tasks.iter().any(|t| t.deadline_key.as_deref() == Some(d.key.as_str()) && t.done_at.is_some());
                DeadlineRow {
                    label: d.label.clone(),
                    due: match d.within_hours {
                        Some(h) => format!("{} (within {h} hours)", short_date(d.due)),
                        None => short_date(d.due),
                    },
                    basis: match &d.basis {
                        Basis::CourtSet => "Set by the court".into(),
                        Basis::Computed { rule } => rule.clone(),
                    },
                    tag: if met { Tag::new("Done", "green") } else { Tag::new(u.label(), u.colour()) },
                }
            })
            .collect()
    } else {
        vec![]
    };

    let people_table = Table {
        caption: None,
        cards: true,
        head: vec![Cell::text("Name"), Cell::text("Part in the case"), Cell::text("Details"), Cell::text("Contact")],
        rows: people
            .iter()
            .map(|p| {
                let mut details = Vec::new();
                if let Some(d) = p.date_of_birth {
                    details.push(format!("Born {} (age {})", long_date(d), age_on(d, today)));
                }
                if let Some(r) = p.relationship {
                    details.push(r.label().to_string());
                }
                if let Some(l) = &p.interpreter_language {
                    details.push(format!("Needs a {l} interpreter"));
                }
                if let Some(a) = p.addresses.first() {
                    details.push(if p.address_withheld {
                        "Address withheld from the other party".to_string()
                    } else {
                        format!("{}, {}", a.line, a.postcode)
                    });
                }
                if !p.other_cases.is_empty() {
                    details.push(format!("Also in {}", p.other_cases.join(", ")));
                }
                let mut contact = p.contact.map(|c| c.label().to_string()).unwrap_or_else(|| "–".into());
                if p.no_texts {
                    contact.push_str(" (no texts)");
                }
                vec![Cell::text(&p.full_name), Cell::text(p.role.label()), Cell::text(details.join(". ")), Cell::text(contact)]
            })
            .collect(),
    };

    let hearings_table = Table {
        caption: None,
        cards: true,
        head: vec![Cell::text("Hearing"), Cell::text("When"), Cell::text("Court"), Cell::text("Outcome")],
        rows: hearings
            .iter()
            .map(|h| {
                vec![
                    Cell::text(h.kind.label()),
                    Cell::text(format!("{} {:02}:{:02}", short_date(h.starts_at.date()), h.starts_at.hour(), h.starts_at.minute())),
                    Cell::text(&h.court.name),
                    Cell::text(h.outcome.clone().unwrap_or_else(|| if h.starts_at.date() >= today { "Listed".into() } else { "Not recorded".into() })),
                ]
            })
            .collect(),
    };

    let work_table = Table {
        caption: None,
        cards: true,
        head: vec![Cell::text("Work"), Cell::text("Status"), Cell::text("Court filing date"), Cell::text("Written by"), Cell::text("Words")],
        rows: work
            .iter()
            .map(|w| {
                vec![
                    Cell::link(w.work_type.label(), format!("/work/{}", w.id)),
                    Cell::text(w.status.label()),
                    Cell::text(w.due_on.map(short_date).unwrap_or_else(|| "–".into())),
                    Cell::text(&w.author.name),
                    Cell::number(w.word_count),
                ]
            })
            .collect(),
    };

    let missing_checks = if can_edit { cases::la_checks_missing(&people, &checks).into_iter().map(|l| l.name).collect() } else { vec![] };
    let checks = checks
        .into_iter()
        .map(|c| CheckRow {
            id: c.id,
            what: match &c.local_authority {
                Some(la) => format!("{} – {}", c.kind.label(), la.name),
                None => c.kind.label().to_string(),
            },
            status: Tag::new(
                c.status.label(),
                match c.status {
                    hearth_domain::cases::CheckStatus::Returned => "green",
                    hearth_domain::cases::CheckStatus::Requested => "yellow",
                    hearth_domain::cases::CheckStatus::NotRequested => "grey",
                },
            ),
            requested: c.requested_on.map(short_date).unwrap_or_else(|| "–".into()),
            returned: c.returned_on.map(short_date).unwrap_or_else(|| "–".into()),
            summary: c.result_summary.unwrap_or_default(),
        })
        .collect();

    let tasks = tasks.into_iter().map(|t| task_row(&t, today, cal)).collect();
    let entries = threaded(chronology)
        .iter()
        .map(|e| entry_view(e, &me, can_edit))
        .collect();

    Ok(render(&CasePage {
        shell: ctx.shell(format!("{} – {}", case.reference, title)),
        id,
        title,
        reference: case.reference.clone(),
        tags,
        closed: case.status == CaseStatus::Closed,
        summary: SummaryList { rows },
        deadlines,
        people_count: people.len(),
        people: people_table,
        missing_checks,
        hearings_count: hearings.len(),
        hearings: hearings_table,
        checks,
        tasks,
        entries,
        can_edit,
        can_allocate,
        documents: super::documents::rows(&documents),
        restricted: case.has(CaseFlag::Restricted),
        named: if case.has(CaseFlag::Restricted) { cases::named_staff(&state.store, id).await? } else { vec![] },
        transfer: if case.transfer_offered { hearth_store::cases::transfers::open_for_case(&state.store, id).await? } else { None },
        worker_risk: case.has(CaseFlag::WorkerRisk),
        work_count: work.len(),
        work: work_table,
        can_draft: case.status == CaseStatus::Open && me.may(Permission::DraftWork, &rel),
        waiting: case.status == CaseStatus::Open && case.allocated_to.is_none(),
    }))
}

pub fn task_row(t: &cases::Task, today: time::Date, cal: &hearth_domain::calendar::WorkingCalendar) -> TaskRow {
    TaskRow {
        id: t.id,
        title: t.title.clone(),
        due: t.due_on.map(short_date).unwrap_or_else(|| "No date".into()),
        tag: match (t.done_at, t.due_on) {
            (Some(_), _) => Some(Tag::new("Done", "green")),
            (None, Some(d)) => {
                let u = Urgency::of(d, today, cal);
                Some(Tag::new(u.label(), u.colour()))
            }
            (None, None) => None,
        },
        assigned: t.assigned_to.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| "Not assigned".into()),
        done: t.done_at.is_some(),
        version: t.version,
    }
}

#[derive(Deserialize, Default)]
pub struct ChronologyParams {
    pub kind: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Template)]
#[template(path = "cases/chronology.html")]
struct ChronologyPage {
    shell: Shell,
    id: Uuid,
    reference: String,
    kind: Select,
    from: DateInput,
    to: DateInput,
    errors: Option<crate::components::ErrorSummary>,
    upcoming: Vec<DeadlineRow>,
    entries: Vec<EntryView>,
    can_edit: bool,
}

pub async fn chronology(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Query(p): Query<ChronologyParams>) -> Result<Response, AppError> {
    let (case, rel) = open(&state, &me, id).await?;
    let can_edit = case.status == CaseStatus::Open && me.may(Permission::EditCase, &rel);
    let mut errors = Vec::new();
    let kind = p.kind.as_deref().filter(|k| !k.is_empty()).and_then(EntryKind::from_code);
    let from = hearth_domain::cases::optional_date("from", "the from date", p.from.as_deref().unwrap_or("")).map_err(|e| errors.push(e)).ok().flatten();
    let to = hearth_domain::cases::optional_date("to", "the to date", p.to.as_deref().unwrap_or("")).map_err(|e| errors.push(e)).ok().flatten();
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        errors.push(hearth_domain::FieldError::new("to", "The to date must be the same as or after the from date"));
    }
    let filter = ChronologyFilter { kinds: kind.into_iter().collect(), from, to, ..Default::default() };
    let entries = threaded(cases::chronology(&state.store, id, &filter).await?).iter().map(|e| entry_view(e, &me, can_edit)).collect();
    let today = today();
    let cal = &state.config.calendar;
    let upcoming = if case.status == CaseStatus::Open {
        super::case_deadlines(&state, &case)
            .await?
            .into_iter()
            .filter(|d| d.due >= today)
            .map(|d| {
                let u = Urgency::of(d.due, today, cal);
                DeadlineRow { label: d.label, due: long_date(d.due), basis: String::new(), tag: Tag::new(u.label(), u.colour()) }
            })
            .collect()
    } else {
        vec![]
    };
    let kinds: Vec<(String, String)> = EntryKind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())).collect();
    Ok(render(&ChronologyPage {
        shell: ctx.shell(format!("Chronology – {}", case.reference)),
        id,
        reference: case.reference,
        kind: Select::new("kind", "Type", Some("All types"), &kinds, kind.map(|k| k.code()).unwrap_or("")),
        from: DateInput::new("from", "From").value(p.from.as_deref().unwrap_or("")).errors(&errors),
        to: DateInput::new("to", "To").value(p.to.as_deref().unwrap_or("")).errors(&errors),
        errors: (!errors.is_empty()).then(|| crate::components::ErrorSummary::of(&errors)),
        upcoming,
        entries,
        can_edit,
    }))
}
