//! People: a person's supervision records, recording a supervision from its agenda, and the
//! worker's acknowledgement. Nested under the person (`/staff/{id}/supervisions`), so every
//! route is checked against the caller's standing to them.

pub mod api;
pub mod appraisals;
pub mod expenses;
pub mod group;
pub mod induction;
pub mod leave;
pub mod meetings;
pub mod office;
pub mod plans;
pub mod policies;
pub mod pulse;
pub mod sickness;
pub mod training;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::people::{AgendaItem, Due, DiscussionForm, RevisionForm, SupervisionFacts, SupervisionForm, SupervisionSettings, addendum_text, agenda, case_field, cadence, next_due, supervision_editable};
use hearth_store::org::NamedRef;
use hearth_store::people::{self, Supervision};
use hearth_store::{PageRequest, StoreError};
use serde::Deserialize;
use uuid::Uuid;

use crate::components::{Choices, DateInput, Tag, Textarea};
use crate::dates::{long_date, today};
use crate::form::{Fields, Form, FormPage, form_page, show};
use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;
use crate::{AppError, AppState};

/// Where someone's next supervision stands, as a tag and words: "Overdue: due 1 December 2026".
pub fn due_text(due: Due) -> (Tag, String) {
    match due {
        Due::Overdue { on, days } => (Tag::new(&format!("Overdue by {days} day{}", if days == 1 { "" } else { "s" }), "red"), format!("was due {}", long_date(on))),
        Due::Soon { on } => (Tag::new("Due soon", "yellow"), format!("due {}", long_date(on))),
        Due::Later { on } => (Tag::new("Not due yet", "grey"), format!("due {}", long_date(on))),
    }
}

/// One person's supervision standing in a line: last held, and when the next is due.
pub fn standing_text(f: &SupervisionFacts, settings: &SupervisionSettings) -> (Tag, String) {
    let (tag, due) = due_text(next_due(f, today(), settings));
    let last = f.last_held_on.map(long_date).unwrap_or_else(|| "None recorded".into());
    (tag, format!("{last}; next {due}"))
}

// ---- A person's supervisions ----

#[derive(Template)]
#[template(path = "people/supervisions.html")]
struct ListPage {
    shell: Shell,
    id: Uuid,
    name: String,
    own: bool,
    cadence: String,
    due_tag: String,
    due: String,
    can_record: bool,
    can_see_plans: bool,
    rows: Vec<(Uuid, String, String, i64, String)>,
    /// Group sessions they came to: (link, held, kind, theme), linked when the reader may open them.
    sessions: Vec<(Option<String>, String, &'static str, String)>,
    total: i64,
    page: i64,
    pages: i64,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    page: Option<i64>,
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let request = PageRequest::new(q.page, Some(25));
    let (record, facts, page, can_record, can_see_plans, sessions) = tokio::try_join!(
        async { Ok::<_, AppError>(hearth_store::org::staff_record(&state.store, id).await?) },
        async { Ok(people::facts_for(&state.store, id).await?) },
        async { Ok(people::list_for(&state.store, id, request).await?) },
        async { Ok(me.may_for_staff(&state, Permission::RecordSupervision, id).await) },
        async { Ok(me.may_for_staff(&state, Permission::ViewImprovementPlan, id).await) },
        async { Ok(people::group::attended_by(&state.store, id).await?) },
    )?;
    let mut session_rows = vec![];
    for g in sessions {
        let team = hearth_store::org::team(&state.store, g.team_id).await?;
        let link = me.may_for_team(Permission::ViewGroupSessions, team.id, team.service_area.id).then(|| format!("/teams/{}/group-sessions/{}", team.id, g.id));
        session_rows.push((link, long_date(g.held_on), g.kind.label(), g.theme));
    }
    let s = &state.config.supervision;
    let (tag, due) = due_text(next_due(&facts, today(), s));
    let own = id == me.id();
    let page_view = ListPage {
        shell: ctx.shell(if own { "Your supervision".to_string() } else { format!("Supervision – {}", record.name) }),
        id,
        name: record.name,
        own,
        cadence: cadence(&facts, today(), s).label(s),
        due_tag: tag.to_string(),
        due: hearth_domain::text::capitalise(&due),
        can_record,
        can_see_plans,
        rows: page
            .items
            .iter()
            .map(|v| {
                let ack = match v.acknowledged_at {
                    Some(at) => format!("Acknowledged {}", long_date(at.date())),
                    None if late(&state, v.recorded_at, false) => format!("Not acknowledged after {} working days", s.acknowledge_working_days),
                    None => "Not acknowledged yet".into(),
                };
                (v.id, long_date(v.held_on), v.supervisor.name.clone(), v.cases_discussed, ack)
            })
            .collect(),
        sessions: session_rows,
        total: page.total,
        page: page.page,
        pages: (page.total + page.per_page - 1) / page.per_page.max(1),
    };
    Ok(render(&page_view))
}

/// Whether a record is still not acknowledged past the working days the worker has.
fn late(state: &AppState, recorded_at: time::OffsetDateTime, acknowledged: bool) -> bool {
    hearth_domain::people::acknowledgement_late(recorded_at.date(), acknowledged, today(), &state.config.supervision, &state.config.calendar)
}

// ---- Recording a supervision ----

/// The form: the date, the agenda's cases (each revealing its reflection, decision and action
/// once chosen), the worker's other cases, and the private parts.
fn record_page(ctx: &PageCtx, worker: &NamedRef, raised: &[AgendaItem], rest: &[AgendaItem], f: &Fields, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Record a supervision", format!("/staff/{}/supervisions", worker.id), errors);
    page.back = format!("/staff/{}/supervisions", worker.id);
    page.caption = Some(worker.name.clone());
    page.intro = Some(
        "Choose the cases you discussed. For each, your reflection and decision are written into the case's chronology as management oversight, and an action becomes a task for them. Wellbeing and development stay private to them, their line managers and HR."
            .into(),
    );
    let chosen: Vec<String> = f.all("case").to_vec();
    let held_on = if f.text("held_on").is_empty() && errors.is_empty() { hearth_store::date_text(today()) } else { f.text("held_on").to_string() };
    let mut fields = vec![DateInput::new("held_on", "Date held").value(&held_on).errors(errors).to_string()];
    for (items, legend, hint) in [
        (raised, "Cases to discuss", "Raised by the agenda: overdue tasks, court dates in the next 4 weeks, domestic abuse, urgency, a quiet chronology, or court work returned."),
        (rest, "Their other cases", "Nothing raised, but you can discuss any of them."),
    ] {
        if items.is_empty() {
            continue;
        }
        let options: Vec<(String, String)> = items.iter().map(|i| (i.case_id.to_string(), i.reference.clone())).collect();
        let refs: Vec<(&str, &str)> = options.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let mut c = Choices::new(false, "case", legend, &refs, &chosen).hint(hint).errors(errors);
        c.legend_classes = "govuk-fieldset__legend--m".into();
        c.id_prefix = format!("case-{}", if std::ptr::eq(items, raised) { "raised" } else { "other" });
        for (item, agenda_item) in c.items.iter_mut().zip(items) {
            let reasons: Vec<String> = agenda_item.reasons.iter().map(|r| r.words()).collect();
            item.hint = (!reasons.is_empty()).then(|| reasons.join(" · "));
            item.conditional = Some(discussion_fields(&agenda_item.case_id.to_string(), &agenda_item.reference, f, errors));
        }
        fields.push(c.to_string());
    }
    if raised.is_empty() && rest.is_empty() {
        fields.push("<p class=\"govuk-body\">They hold no open cases, so there are none to discuss.</p>".into());
    }
    fields.push(Textarea::new("wellbeing", "Wellbeing and support (optional)").hint("Private: never written to a case.").rows(3).value(f.text("wellbeing")).errors(errors).to_string());
    fields.push(Textarea::new("development", "Learning and development (optional)").hint("Private: never written to a case.").rows(3).value(f.text("development")).errors(errors).to_string());
    page.fields = fields;
    page.button = "Save the supervision".into();
    page
}

fn discussion_fields(case_id: &str, reference: &str, f: &Fields, errors: &[FieldError]) -> String {
    let field = |part: &str| case_field(part, case_id);
    [
        Textarea::new(&field("reflection"), &format!("Your reflection on {reference}")).rows(3).value(f.text(&field("reflection"))).errors(errors).to_string(),
        Textarea::new(&field("decision"), &format!("Decision for {reference}")).rows(2).value(f.text(&field("decision"))).errors(errors).to_string(),
        crate::components::Input::text(&field("action"), &format!("Action for them on {reference} (optional)")).value(f.text(&field("action"))).errors(errors).to_string(),
        DateInput::new(&field("action_due"), "Action due by (optional)").value(f.text(&field("action_due"))).errors(errors).to_string(),
    ]
    .concat()
}

/// The agenda for a worker now: their cases with reasons, and the rest.
async fn agenda_for(state: &AppState, me: &Ctx, worker: Uuid) -> Result<(Vec<AgendaItem>, Vec<AgendaItem>), AppError> {
    let facts = people::facts_for(&state.store, worker).await?;
    let cases = people::agenda_cases(&state.store, worker, me.id(), facts.last_held_on, today()).await?;
    Ok(agenda(&cases, today(), &state.config.supervision))
}

async fn worker_ref(state: &AppState, id: Uuid) -> Result<NamedRef, AppError> {
    let r = hearth_store::org::staff_record(&state.store, id).await?;
    Ok(NamedRef { id, name: r.name })
}

pub async fn record_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let (worker, (raised, rest)) = tokio::try_join!(worker_ref(&state, id), agenda_for(&state, &me, id))?;
    Ok(show(&record_page(&ctx, &worker, &raised, &rest, &Fields::default(), &[]), &[]))
}

/// What the form sent, as the domain reads it: only the chosen cases' parts are read, so a case
/// left unchosen (its fields shown without JavaScript) is never saved.
pub fn supervision_form(f: &Fields) -> SupervisionForm {
    SupervisionForm {
        held_on: f.text("held_on").into(),
        discussions: f
            .all("case")
            .iter()
            .map(|c| DiscussionForm {
                case_id: c.clone(),
                reflection: f.text(&case_field("reflection", c)).into(),
                decision: f.text(&case_field("decision", c)).into(),
                action: f.text(&case_field("action", c)).into(),
                action_due: f.text(&case_field("action_due", c)).into(),
            })
            .collect(),
        wellbeing: f.text("wellbeing").into(),
        development: f.text("development").into(),
    }
}

pub async fn record(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<Fields>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let record = hearth_store::org::staff_record(&state.store, id).await?;
    let supervisor = NamedRef { id: me.id(), name: me.principal.name.clone() };
    let errors = match supervision_form(&f).validate(record.start_date, today()) {
        Ok(s) => match people::record(&state.store, &me.audit, id, &supervisor, &s).await {
            Ok(sid) => return Ok(crate::saved::redirect(&state, &format!("/staff/{id}/supervisions/{sid}"), crate::saved::Saved::SupervisionRecorded)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let (raised, rest) = agenda_for(&state, &me, id).await?;
    // With several cases open on the form, each message names its case.
    let references: std::collections::HashMap<String, &str> = raised.iter().chain(&rest).map(|i| (i.case_id.to_string(), i.reference.as_str())).collect();
    let errors: Vec<FieldError> = errors
        .into_iter()
        .map(|mut e| {
            if let Some(reference) = e.field.split_once('-').and_then(|(_, case)| references.get(case)) {
                e.message = format!("{} ({reference})", e.message);
            }
            e
        })
        .collect();
    Ok(show(&record_page(&ctx, &NamedRef { id, name: record.name }, &raised, &rest, &f, &errors), &errors))
}

// ---- One supervision, and acknowledging it ----

#[derive(Template)]
#[template(path = "people/supervision.html")]
struct RecordPage {
    shell: Shell,
    worker_id: Uuid,
    s: Supervision,
    held_on: String,
    acknowledged: String,
    /// The case discussions: for the worker and their line chain, not for HR.
    case_content: bool,
    can_acknowledge: bool,
    errors: Option<crate::components::ErrorSummary>,
    comment: String,
    /// "You can change this record until 7 December 2026 at 15:40", for the manager who recorded it.
    change_until: Option<String>,
    edited: Option<String>,
    /// The addenda: seen by those who see the case discussions.
    addenda: Vec<(String, String, String)>,
    /// The addendum form, for the line chain once the record can no longer be changed.
    addendum: Option<String>,
}

/// Until when the manager who recorded a record may still change it; none once they may not.
fn change_until(me: &Ctx, s: &Supervision) -> Option<time::OffsetDateTime> {
    let now = time::OffsetDateTime::now_utc();
    (s.supervisor.id == me.id() && supervision_editable(s.recorded_at, s.acknowledged_at.is_some(), now)).then(|| s.recorded_at + hearth_domain::cases::NOTE_EDIT_WINDOW)
}

async fn record_view(state: &AppState, ctx: &PageCtx, me: &Ctx, worker: Uuid, s: Supervision, comment: &str, addendum: &str, errors: &[FieldError]) -> Result<Response, AppError> {
    let own = worker == me.id();
    let may_record = me.may_for_staff(state, Permission::RecordSupervision, worker).await;
    let case_content = own || may_record;
    let until = change_until(me, &s);
    let page = RecordPage {
        change_until: until.map(|u| format!("You can change this record until {} (or until they acknowledge it). After that, add an addendum.", crate::dates::long_time(u))),
        edited: s.edited_at.map(crate::dates::long_time),
        addenda: if case_content { s.addenda.iter().map(|a| (a.author.name.clone(), crate::dates::long_time(a.written_at), a.body.clone())).collect() } else { vec![] },
        addendum: (may_record && until.is_none()).then(|| Textarea::new("addendum", "Add an addendum").hint("The record stays as it was; this is kept after it, with your name and the time. They are told.").rows(3).value(addendum).errors(errors).to_string()),
        shell: ctx.shell(format!("Supervision on {}", long_date(s.held_on))),
        worker_id: worker,
        held_on: long_date(s.held_on),
        acknowledged: match s.acknowledged_at {
            Some(a) => long_date(a.date()),
            None if late(state, s.recorded_at, false) => format!("Not yet: more than {} working days since it was recorded", state.config.supervision.acknowledge_working_days),
            None => "Not yet".into(),
        },
        case_content,
        can_acknowledge: own && s.acknowledged_at.is_none(),
        errors: (!errors.is_empty()).then(|| crate::components::ErrorSummary::of(errors)),
        comment: Textarea::new("comment", "Your comment (optional)").hint("For example, anything you see differently. Your manager reads it.").rows(3).value(comment).errors(errors).to_string(),
        s,
    };
    Ok(if errors.is_empty() { render(&page) } else { crate::page::render_with(axum::http::StatusCode::BAD_REQUEST, &page) })
}

pub async fn view(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, supervision)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let s = people::view(&state.store, &me.audit, id, supervision).await?;
    record_view(&state, &ctx, &me, id, s, "", "", &[]).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AcknowledgeForm {
    comment: String,
}

pub async fn acknowledge(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, supervision)): Path<(Uuid, Uuid)>, Form(f): Form<AcknowledgeForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    match hearth_domain::text::optional("comment", "your comment", &f.comment, 2_000) {
        Ok(comment) => {
            people::acknowledge(&state.store, &me.audit, id, supervision, &comment).await?;
            Ok(crate::saved::redirect(&state, &format!("/staff/{id}/supervisions/{supervision}"), crate::saved::Saved::SupervisionAcknowledged))
        }
        Err(e) => {
            let s = people::view(&state.store, &me.audit, id, supervision).await?;
            record_view(&state, &ctx, &me, id, s, &f.comment, "", &[e]).await
        }
    }
}

// ---- Changing a record, and addenda ----

fn revision_page(ctx: &PageCtx, s: &Supervision, f: &Fields, version: i64, errors: &[FieldError]) -> FormPage {
    let back = format!("/staff/{}/supervisions/{}", s.worker.id, s.id);
    let mut page = form_page(ctx, "Change a supervision record", format!("{back}/edit"), errors);
    page.back = back;
    page.caption = Some(format!("{}: supervision on {}", s.worker.name, long_date(s.held_on)));
    page.intro = Some("Each case's reflection and decision is written again into its chronology. The date, the cases discussed and their actions stay as recorded.".into());
    page.version = Some(version);
    let mut fields = vec![];
    for d in &s.discussions {
        let id = d.case_id.to_string();
        fields.push(Textarea::new(&case_field("reflection", &id), &format!("Your reflection on {}", d.reference)).rows(3).value(f.text(&case_field("reflection", &id))).errors(errors).to_string());
        fields.push(Textarea::new(&case_field("decision", &id), &format!("Decision for {}", d.reference)).rows(2).value(f.text(&case_field("decision", &id))).errors(errors).to_string());
    }
    fields.push(Textarea::new("wellbeing", "Wellbeing and support (optional)").hint("Private: never written to a case.").rows(3).value(f.text("wellbeing")).errors(errors).to_string());
    fields.push(Textarea::new("development", "Learning and development (optional)").hint("Private: never written to a case.").rows(3).value(f.text("development")).errors(errors).to_string());
    page.fields = fields;
    page.button = "Save the changes".into();
    page
}

/// The record as its form starts: what is saved now.
fn fields_of(s: &Supervision) -> Fields {
    let mut pairs: Vec<(String, String)> = vec![("wellbeing".into(), s.wellbeing.clone()), ("development".into(), s.development.clone())];
    for d in &s.discussions {
        pairs.push((case_field("reflection", &d.case_id.to_string()), d.reflection.clone()));
        pairs.push((case_field("decision", &d.case_id.to_string()), d.decision.clone()));
    }
    Fields::from_pairs(pairs)
}

/// The record, for its edit form: refused with the reason once it can no longer be changed by
/// the caller, so nobody fills a form that cannot be saved.
async fn editable(state: &AppState, me: &Ctx, worker: Uuid, supervision: Uuid) -> Result<Supervision, AppError> {
    let s = people::view(&state.store, &me.audit, worker, supervision).await?;
    if change_until(me, &s).is_none() {
        return Err(StoreError::NotEditable("A supervision can be changed by the manager who recorded it for 24 hours, until it is acknowledged. Add an addendum instead.").into());
    }
    Ok(s)
}

pub async fn edit_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, supervision)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let s = editable(&state, &me, id, supervision).await?;
    Ok(show(&revision_page(&ctx, &s, &fields_of(&s), s.version, &[]), &[]))
}

pub async fn edit(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, supervision)): Path<(Uuid, Uuid)>, Form(f): Form<Fields>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let version = f.version()?;
    let s = editable(&state, &me, id, supervision).await?;
    let form = RevisionForm {
        discussions: s.discussions.iter().map(|d| (d.case_id, f.text(&case_field("reflection", &d.case_id.to_string())).to_string(), f.text(&case_field("decision", &d.case_id.to_string())).to_string())).collect(),
        wellbeing: f.text("wellbeing").into(),
        development: f.text("development").into(),
    };
    let errors = match form.validate() {
        Ok(r) => match people::revise(&state.store, &me.audit, id, supervision, me.id(), version, &r).await {
            Ok(()) => return Ok(crate::saved::redirect(&state, &format!("/staff/{id}/supervisions/{supervision}"), crate::saved::Saved::SupervisionChanged)),
            Err(StoreError::Conflict { current }) => return Ok(revision_conflict(&ctx, &s, &form, current)),
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let references: std::collections::HashMap<String, &str> = s.discussions.iter().map(|d| (d.case_id.to_string(), d.reference.as_str())).collect();
    let errors: Vec<FieldError> = errors
        .into_iter()
        .map(|mut e| {
            if let Some(reference) = e.field.split_once('-').and_then(|(_, case)| references.get(case)) {
                e.message = format!("{} ({reference})", e.message);
            }
            e
        })
        .collect();
    Ok(show(&revision_page(&ctx, &s, &f, version, &errors), &errors))
}

/// The record as saved now beside the refused change (the same manager in two tabs).
fn revision_conflict(ctx: &PageCtx, saved: &Supervision, yours: &RevisionForm, current: i64) -> Response {
    let back = format!("/staff/{}/supervisions/{}", saved.worker.id, saved.id);
    let mut page = crate::form::ConflictPage::new(ctx, "supervision record", format!("{back}/edit"), back, current);
    page.caption = Some(saved.worker.name.clone());
    page.changed_by = saved.supervisor.name.clone();
    for (d, (case_id, reflection, decision)) in saved.discussions.iter().zip(&yours.discussions) {
        page.rows.push(crate::form::ConflictRow::new(&format!("Reflection on {}", d.reference), d.reflection.clone(), reflection.clone()));
        page.rows.push(crate::form::ConflictRow::new(&format!("Decision for {}", d.reference), d.decision.clone(), decision.clone()));
        page.resubmit.push((case_field("reflection", &case_id.to_string()), reflection.clone()));
        page.resubmit.push((case_field("decision", &case_id.to_string()), decision.clone()));
    }
    page.rows.push(crate::form::ConflictRow::new("Wellbeing and support", saved.wellbeing.clone(), yours.wellbeing.clone()));
    page.rows.push(crate::form::ConflictRow::new("Learning and development", saved.development.clone(), yours.development.clone()));
    page.resubmit.push(("wellbeing".into(), yours.wellbeing.clone()));
    page.resubmit.push(("development".into(), yours.development.clone()));
    crate::form::show_conflict(&page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AddendumForm {
    addendum: String,
}

pub async fn add_addendum(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, supervision)): Path<(Uuid, Uuid)>, Form(f): Form<AddendumForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    match addendum_text(&f.addendum) {
        Ok(text) => {
            people::add_addendum(&state.store, &me.audit, id, supervision, me.id(), &text).await?;
            Ok(crate::saved::redirect(&state, &format!("/staff/{id}/supervisions/{supervision}#addenda"), crate::saved::Saved::SupervisionAddendumAdded))
        }
        Err(e) => {
            let s = people::view(&state.store, &me.audit, id, supervision).await?;
            record_view(&state, &ctx, &me, id, s, "", &f.addendum, &[e]).await
        }
    }
}

/// The people figures for a team, an area or the service, as (measure, value) for the key
/// figures page: supervision on time, mandatory training and policies, and the latest pulse's
/// "I feel cared for by the service" (the whole service's, which is the figure the pulse shows
/// by default; a team's or an area's is on the pulse results page).
pub async fn figures(state: &AppState, reach: hearth_store::quality::insight::Reach) -> Result<Vec<(String, String)>, AppError> {
    use hearth_domain::people::training::{TrainingSummary, percent};
    use hearth_store::quality::insight::Reach;
    let whose = match reach {
        Reach::Team(t) => people::Whose::Team(t),
        Reach::Area(a) => people::Whose::Area(a),
        Reach::National => people::Whose::Everyone,
    };
    // Held on time over the last twelve months. The supervision before the first of them is read
    // too when it is within 200 days, so the first knows when it was due; one further back than
    // that makes the first late whichever cadence applied.
    let year_ago = today() - time::Duration::days(365);
    let (facts, courses, policies, cared_for, appraised, (held, plans)) = tokio::try_join!(
        async { Ok::<_, AppError>(people::facts_of_many(&state.store, whose).await?) },
        async { Ok(people::training::requirements(&state.store, whose).await?) },
        async { Ok(people::training::attestations(&state.store, whose).await?) },
        pulse::cared_for(state),
        async { Ok(people::appraisals::last_completed(&state.store, whose).await?) },
        async { Ok(people::supervision_history(&state.store, whose, year_ago - time::Duration::days(200)).await?) },
    )?;
    let (held_in_time, held_all) = facts.iter().fold((0, 0), |(a, b), (id, f)| {
        let (on, of) = hearth_domain::people::held_on_time(f.started_on, f.qualified_on, plans.get(id).map(Vec::as_slice).unwrap_or_default(), held.get(id).map(Vec::as_slice).unwrap_or_default(), year_ago, &state.config.supervision);
        (a + on, b + of)
    });
    let appraised_in_time = appraised.values().filter(|(started, last)| hearth_domain::people::appraisal::due_on(*started, *last) >= today()).count();
    let share = |part: usize, whole: usize| match percent(part, whole) {
        Some(p) => format!("{p}% ({part} of {whole})"),
        None => "No one yet".into(),
    };
    let on_time = facts.values().filter(|f| !next_due(f, today(), &state.config.supervision).overdue()).count();
    let trained = facts.keys().filter(|id| TrainingSummary::of(training::standings(state, courses.get(id).map(Vec::as_slice).unwrap_or_default())).compliant()).count();
    let bound: Vec<_> = facts.keys().filter(|id| policies.contains_key(id)).collect();
    let attested = bound.iter().filter(|id| policies[**id].iter().all(|a| a.attested_at.is_some())).count();
    Ok(vec![
        ("Supervision not overdue".into(), share(on_time, facts.len())),
        ("Supervisions held on time (last 12 months)".into(), share(held_in_time, held_all)),
        ("Mandatory training up to date".into(), share(trained, facts.len())),
        ("Current policies confirmed".into(), share(attested, bound.len())),
        ("Appraised within 12 months (or not yet due)".into(), share(appraised_in_time, appraised.len())),
        (
            "Feel cared for by the service (latest pulse, the whole service)".into(),
            cared_for.map(|(title, p)| format!("{p}% ({title})")).unwrap_or_else(|| "No pulse results yet".into()),
        ),
    ])
}

/// The caller's own supervisions: a stable link for My Work.
pub async fn mine(me: Ctx) -> Response {
    Redirect::to(&format!("/staff/{}/supervisions", me.id())).into_response()
}
