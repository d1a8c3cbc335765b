//! The court-work pages: start a piece on a case, write it (saved by hand, or every few seconds by
//! the page's script through the API), submit it, the manager's review, and filing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::{Permission, Relationships};
use hearth_domain::cases::{CaseStatus, PersonKind};
use hearth_domain::courtwork::{FilingMethod, FilingRoute, Sections, WorkStatus, check_complete, check_draft, filing_route, section_field, word_count, work_types_for};
use hearth_domain::quality::{Grade, WorkType};
use hearth_store::StoreError;
use hearth_store::courtwork::{self, Comment, Filing, Work};
use serde::Deserialize;
use uuid::Uuid;

use super::{report_of, standing_in, typeset};
use crate::cases::forms::{case_form, open_case};
use crate::dates::{long_date, long_time as time_of, today};
use crate::components::{Choices, ErrorSummary, Select, SummaryList, SummaryRow, Tag};
use crate::form::{ConflictPage, ConflictRow, Fields, Form, FormPage, form_page, show, show_conflict, version};
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

pub fn status_tag(status: WorkStatus) -> Tag {
    Tag::new(
        status.label(),
        match status {
            WorkStatus::Draft => "grey",
            WorkStatus::Submitted => "yellow",
            WorkStatus::Returned => "orange",
            WorkStatus::Approved => "blue",
            WorkStatus::Filed => "green",
        },
    )
}


// ---- Starting ----

/// The domestic abuse practice policy, if the caller has not confirmed its current version: a
/// reminder (never a block) where they assess risk.
async fn da_policy_reminder(state: &AppState, staff: Uuid) -> Result<Option<hearth_store::people::training::Attestation>, AppError> {
    Ok(hearth_store::people::training::unattested(&state.store, staff, hearth_domain::people::training::DOMESTIC_ABUSE_POLICY).await?)
}

fn reminder_words(a: &hearth_store::people::training::Attestation) -> String {
    format!("You have not yet confirmed you have read version {} of the {}. Read it before you assess risk.", a.number, a.title)
}

fn start_page(ctx: &PageCtx, case: &hearth_store::cases::CaseRecord, chosen: &str, reminder: Option<&hearth_store::people::training::Attestation>, errors: &[FieldError]) -> FormPage {
    let mut page = case_form(ctx, case, "Start a piece of court work", "work/new", errors);
    let types = work_types_for(case.law);
    let options: Vec<(&str, &str)> = types.iter().map(|t| (t.code(), t.label())).collect();
    page.intro = Some("It starts as a draft that only you can change. Hearth saves it as you write.".into());
    let mut choices = Choices::new(true, "work_type", "What are you writing?", &options, &[chosen.to_string()]).errors(errors);
    if let Some(a) = reminder {
        for (item, t) in choices.items.iter_mut().zip(types) {
            if *t == WorkType::Section16aRiskAssessment {
                item.hint = Some(reminder_words(a));
            }
        }
    }
    page.fields = vec![choices.to_string()];
    page.button = "Start writing".into();
    page
}

pub async fn start_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let (case, reminder) = tokio::try_join!(open_case(&state, &me, id), da_policy_reminder(&state, me.id()))?;
    Ok(show(&start_page(&ctx, &case, "", reminder.as_ref(), &[]), &[]))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StartForm {
    work_type: String,
}

pub async fn start(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<StartForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let chosen = f.work_type;
    match WorkType::from_code(&chosen).filter(|t| work_types_for(case.law).contains(t)) {
        Some(t) => {
            let work = courtwork::start(&state.store, &me.audit, id, t, me.id()).await?;
            Ok(Redirect::to(&format!("/work/{work}")).into_response())
        }
        None => {
            let errors = vec![FieldError::new("work_type", "Choose what you are writing")];
            let reminder = da_policy_reminder(&state, me.id()).await?;
            Ok(show(&start_page(&ctx, &case, &chosen, reminder.as_ref(), &errors), &errors))
        }
    }
}

// ---- The work page ----

struct SectionView {
    field: String,
    heading: String,
    guidance: String,
    required: bool,
    text: String,
    paragraphs: Vec<String>,
    error: Option<String>,
    comments: Vec<Comment>,
    words: usize,
}

#[derive(Template)]
#[template(path = "courtwork/work.html")]
struct WorkPage {
    shell: Shell,
    id: Uuid,
    case_id: Uuid,
    caption: String,
    heading: String,
    status: Tag,
    errors: Option<ErrorSummary>,
    summary: SummaryList,
    banner: Option<(String, String)>,
    editable: bool,
    version: i64,
    sections: Vec<SectionView>,
    total_words: usize,
    may_file_alone: bool,
    review: bool,
    file: bool,
    document: Option<String>,
    revisions: usize,
    /// For the author of a section 16A risk assessment who has not confirmed the current
    /// domestic abuse practice policy: (policy id, words).
    policy_reminder: Option<(Uuid, String)>,
}

/// What the page shows of a piece, with `typed` in place of the saved text when a save was refused.
async fn work_page(state: &AppState, ctx: &PageCtx, me: &Ctx, work: &Work, rel: &Relationships, typed: Option<&Sections>, errors: &[FieldError]) -> Result<WorkPage, AppError> {
    let (comments, revisions) = tokio::try_join!(courtwork::comments(&state.store, work.id), courtwork::revisions(&state.store, work.id))?;
    let latest_round = comments.first().map(|c| c.round);
    let may_draft = me.may(Permission::DraftWork, rel);
    let editable = work.status.editable() && may_draft;
    // Grades are the author's and their managers' business only.
    let sees_grades = me.may_for_staff(state, Permission::ViewAutonomy, work.author.id).await;
    let standing = if sees_grades || may_draft { Some(standing_in(state, work.author.id, work.work_type).await?) } else { None };
    let mine = work.author.id == me.id();
    let may_file_alone = editable && mine && standing.is_some_and(|s| s.may_file_alone());
    let text = typed.unwrap_or(&work.sections);
    let sections = work
        .template
        .iter()
        .map(|s| {
            let t = text.get(&s.key).cloned().unwrap_or_default();
            let field = section_field(&s.key);
            SectionView {
                heading: s.heading.clone(),
                guidance: s.guidance.clone(),
                required: s.required,
                paragraphs: t.split("\n\n").map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect(),
                words: word_count(&t),
                text: t,
                error: crate::components::error_for(errors, &field),
                comments: comments.iter().filter(|c| c.section_key == s.key && Some(c.round) == latest_round).cloned().collect(),
                field,
            }
        })
        .collect::<Vec<_>>();
    let mut rows = vec![SummaryRow::new("Written by", &work.author.name)];
    if let Some(d) = work.due_on {
        rows.push(SummaryRow::new("Court filing date", long_date(d)));
    }
    if let (true, Some(s)) = (sees_grades || mine, standing) {
        rows.push(SummaryRow::new("Autonomy", s.describe(work.work_type, &state.config.autonomy)));
    }
    if let Some(at) = work.submitted_at {
        rows.push(SummaryRow::new("Submitted", time_of(at)));
    }
    if let (Some(by), Some(at)) = (&work.approved_by, work.approved_at) {
        rows.push(SummaryRow::new("Approved", format!("{} by {}", time_of(at), by.name)));
    }
    if let (true, Some(g)) = (sees_grades, work.grade) {
        rows.push(SummaryRow::new("Grade at sign-off", g.label()));
    }
    if let Some(at) = work.filed_at {
        let by = work.filed_by.as_ref().map(|b| b.name.as_str()).unwrap_or("Hearth");
        let how = work.filing_route.unwrap_or(FilingRoute::AfterSignOff).label().to_lowercase();
        rows.push(SummaryRow::new("Filed", format!("{} by {by}, {how}", time_of(at))));
        if let Some(m) = work.filing_method {
            rows.push(SummaryRow::new("How it was filed", m.label()));
        }
        if work.filed_late() {
            rows.push(SummaryRow::new("Timeliness", "Filed after the court's filing date"));
        }
    }
    if let Some(p) = &work.withheld_from {
        rows.push(SummaryRow::new("Withheld from", &p.name));
    }
    rows.push(SummaryRow::new("Template", format!("Version {}", work.template_version)));
    let banner = match work.status {
        WorkStatus::Returned => Some((
            "Returned with comments".to_string(),
            format!("{} commented on the sections marked below. Change what is needed and submit it again.", comments.first().and_then(|c| c.author.as_ref()).map(|a| a.name.as_str()).unwrap_or("Your manager")),
        )),
        WorkStatus::Submitted => Some(("Waiting for sign-off".to_string(), "It cannot be changed while the manager reviews it.".to_string())),
        WorkStatus::Approved => Some(("Approved".to_string(), "It is ready to file with the court.".to_string())),
        WorkStatus::Filed => Some(("Filed with the court".to_string(), "The filed PDF is kept on the case and cannot be changed.".to_string())),
        WorkStatus::Draft => None,
    };
    let case_open = hearth_store::cases::case_record(&state.store, work.case_id).await?.status == CaseStatus::Open;
    Ok(WorkPage {
        shell: ctx.shell(format!("{} – {}", work.work_type.label(), work.case_reference)),
        id: work.id,
        case_id: work.case_id,
        caption: work.case_reference.clone(),
        heading: work.work_type.label().to_string(),
        status: status_tag(work.status),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        summary: SummaryList { rows },
        banner,
        editable: editable && case_open,
        version: work.version,
        total_words: sections.iter().map(|s| s.words).sum(),
        sections,
        may_file_alone: may_file_alone && case_open,
        review: work.status == WorkStatus::Submitted && !mine && me.can(Permission::ApproveWork),
        file: work.status == WorkStatus::Approved && may_draft && case_open,
        document: work.document_id.map(|d| format!("/cases/{}/documents/{d}", work.case_id)),
        revisions: revisions.len(),
        policy_reminder: if mine && work.work_type == WorkType::Section16aRiskAssessment && work.status.editable() {
            da_policy_reminder(state, me.id()).await?.map(|a| (a.policy_id, reminder_words(&a)))
        } else {
            None
        },
    })
}

pub async fn show_work(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let (work, rel) = me.authorize_work(&state, id).await?;
    Ok(render(&work_page(&state, &ctx, &me, &work, &rel, None, &[]).await?))
}


/// The sections a form sent, by the work's template.
fn typed_sections(work: &Work, f: &Fields) -> Sections {
    work.template.iter().map(|s| (s.key.clone(), f.text(&section_field(&s.key)).to_string())).collect()
}

/// Saves (and, as asked, submits or goes on to filing) the draft from the page's form.
pub async fn save(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<Fields>) -> Result<Response, AppError> {
    let (work, rel) = me.authorize_work(&state, id).await?;
    let version = f.version()?;
    let typed = typed_sections(&work, &f);
    let action = f.text("action").to_string();
    let again = |errors: Vec<FieldError>| {
        let (state, ctx, me, work, rel, typed) = (&state, &ctx, &me, &work, &rel, &typed);
        async move { Ok::<_, AppError>(render_with(StatusCode::BAD_REQUEST, &work_page(state, ctx, me, work, rel, Some(typed), &errors).await?)) }
    };
    let clean = match check_draft(&work.template, &typed) {
        Ok(c) => c,
        Err(errors) => return again(errors).await,
    };
    if action == "submit"
        && let Err(errors) = check_complete(&work.template, &clean)
    {
        return again(errors).await;
    }
    let saved = match courtwork::save(&state.store, &me.audit, id, &clean, version).await {
        Ok(v) => v,
        Err(StoreError::Conflict { .. }) => return conflict(&state, &ctx, id, &typed, &action).await,
        Err(StoreError::Refused(e)) => return again(vec![e]).await,
        Err(e) => return Err(e.into()),
    };
    match action.as_str() {
        "submit" => match courtwork::submit(&state.store, &me.audit, id, saved).await {
            Ok(()) => Ok(Redirect::to(&format!("/work/{id}")).into_response()),
            Err(StoreError::Refused(e)) => again(vec![e]).await,
            Err(e) => Err(e.into()),
        },
        "file" => Ok(Redirect::to(&format!("/work/{id}/file")).into_response()),
        _ => Ok(Redirect::to(&format!("/work/{id}")).into_response()),
    }
}

/// A save refused because the draft was saved elsewhere since the page was read: both versions,
/// section by section, and the person chooses.
async fn conflict(state: &AppState, ctx: &PageCtx, id: Uuid, typed: &Sections, action: &str) -> Result<Response, AppError> {
    let now = courtwork::get(&state.store, id).await?;
    if !now.status.editable() {
        return Err(AppError::Conflict(format!("This has been {} since you opened it, so your changes were not saved.", now.status.label().to_lowercase())));
    }
    let mut page = ConflictPage::new(ctx, "draft", format!("/work/{id}"), format!("/work/{id}"), now.version);
    page.caption = Some(format!("{} – {}", now.work_type.label(), now.case_reference));
    page.changed_by = format!("It was last saved {}.", time_of(now.updated_at));
    page.rows = now
        .template
        .iter()
        .map(|s| ConflictRow::new(&s.heading, now.sections.get(&s.key).cloned().unwrap_or_default(), typed.get(&s.key).cloned().unwrap_or_default()))
        .collect();
    page.resubmit = now.template.iter().map(|s| (section_field(&s.key), typed.get(&s.key).cloned().unwrap_or_default())).collect();
    page.resubmit.push(("action".into(), action.to_string()));
    Ok(show_conflict(&page))
}

// ---- History and preview ----

#[derive(Template)]
#[template(path = "courtwork/history.html")]
struct HistoryPage {
    shell: Shell,
    id: Uuid,
    caption: String,
    rows: Vec<(i64, String, String, i64, bool)>,
    shown: Option<(i64, Vec<(String, String)>)>,
}

#[derive(Deserialize)]
pub struct HistoryQuery {
    revision: Option<i64>,
}

pub async fn history(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Query(q): Query<HistoryQuery>) -> Result<Response, AppError> {
    let (work, _) = me.authorize_work(&state, id).await?;
    let revisions = courtwork::revisions(&state.store, id).await?;
    let shown = match q.revision {
        Some(n) => {
            let r = revisions.iter().find(|r| r.revision == n).ok_or(AppError::NotFound)?;
            Some((n, work.template.iter().filter_map(|s| r.sections.get(&s.key).map(|t| (s.heading.clone(), t.clone()))).collect()))
        }
        None => None,
    };
    let rows = revisions
        .iter()
        .map(|r| (r.revision, time_of(r.saved_at), r.saved_by.as_ref().map(|s| s.name.clone()).unwrap_or_default(), r.word_count, Some(r.revision) == q.revision))
        .collect();
    Ok(render(&HistoryPage { shell: ctx.shell(format!("History of {} – {}", work.work_type.label(), work.case_reference)), id, caption: format!("{} – {}", work.work_type.label(), work.case_reference), rows, shown }))
}

/// The piece as a PDF, as it would be filed today: for checking the layout before filing.
pub async fn preview(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let (work, _) = me.authorize_work(&state, id).await?;
    let case = hearth_store::cases::case_record(&state.store, work.case_id).await?;
    // Until it is filed, every page of the preview says DRAFT.
    let draft = work.status != hearth_domain::courtwork::WorkStatus::Filed;
    let report = report_of(&state, &work, &work.sections, &case, today(), work.withheld_from.as_ref().map(|p| p.name.clone()), draft).await?;
    let pdf = typeset(&state, report).await?;
    let mut res = pdf.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    res.headers_mut().insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("inline; filename=\"preview.pdf\""));
    Ok(res)
}

// ---- Review (sign-off) ----

#[derive(Template)]
#[template(path = "courtwork/review.html")]
struct ReviewPage {
    shell: Shell,
    id: Uuid,
    caption: String,
    heading: String,
    author: String,
    version: i64,
    errors: Option<ErrorSummary>,
    sections: Vec<(String, String, Vec<String>, String, Option<String>)>,
    decision: String,
    grades: String,
}

fn review_page(ctx: &PageCtx, work: &Work, f: &Fields, errors: &[FieldError]) -> ReviewPage {
    let decision = f.text("decision").to_string();
    let decisions = Choices::new(true, "decision", "Your decision", &[("approve", "Approve it for filing"), ("return", "Return it with comments")], &[decision])
        .errors(errors)
        .to_string();
    let grades: Vec<(&str, &str)> = Grade::ALL.iter().map(|g| (g.code(), g.label())).collect();
    let grades = Choices::new(true, "grade", "Grade, if you approve it", &grades, &[f.text("grade").to_string()])
        .hint("Good or better counts towards the author's autonomy in this work type. Anything less takes it away.")
        .errors(errors)
        .to_string();
    ReviewPage {
        shell: ctx.shell(format!("Review {} – {}", work.work_type.label(), work.case_reference)),
        id: work.id,
        caption: work.case_reference.clone(),
        heading: format!("Review the {}", work.work_type.label().to_lowercase()),
        author: work.author.name.clone(),
        version: work.version,
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        sections: work
            .template
            .iter()
            .map(|s| {
                let text = work.sections.get(&s.key).cloned().unwrap_or_default();
                let field = format!("comment-{}", s.key);
                let value = f.text(&field).to_string();
                (s.heading.clone(), field.clone(), text.split("\n\n").map(str::to_string).filter(|t| !t.trim().is_empty()).collect(), value, crate::components::error_for(errors, &field))
            })
            .collect(),
        decision: decisions,
        grades,
    }
}

async fn reviewable(state: &AppState, me: &Ctx, id: Uuid) -> Result<Work, AppError> {
    let (work, _) = me.authorize_work(state, id).await?;
    if work.status != WorkStatus::Submitted {
        return Err(AppError::Conflict(format!("This is not waiting for sign-off: it is {}.", work.status.label().to_lowercase())));
    }
    Ok(work)
}

pub async fn review_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let work = reviewable(&state, &me, id).await?;
    Ok(render(&review_page(&ctx, &work, &Fields::default(), &[])))
}

pub async fn review(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<Fields>) -> Result<Response, AppError> {
    let work = reviewable(&state, &me, id).await?;
    let version = f.version()?;
    let comments: Vec<(String, String)> = work
        .template
        .iter()
        .filter_map(|s| {
            let c = f.text(&format!("comment-{}", s.key));
            (!c.trim().is_empty()).then(|| (s.key.clone(), c.trim().to_string()))
        })
        .collect();
    let mut errors = vec![];
    for (key, c) in &comments {
        if c.chars().count() > 5_000 {
            errors.push(FieldError::new(format!("comment-{key}"), "A comment must be 5,000 characters or fewer"));
        }
    }
    let outcome = match (f.text("decision"), Grade::from_code(f.text("grade"))) {
        ("approve", Some(g)) => Some(Ok(g)),
        ("approve", None) => {
            errors.push(FieldError::new("grade", "Choose a grade for the work you are approving"));
            None
        }
        ("return", _) if comments.is_empty() => {
            errors.push(FieldError::new("decision", "Write a comment on at least one section, so the author knows what to change"));
            None
        }
        ("return", _) => Some(Err(())),
        _ => {
            errors.push(FieldError::new("decision", "Choose whether to approve the work or return it"));
            None
        }
    };
    if let (true, Some(outcome)) = (errors.is_empty(), outcome) {
        let done = match outcome {
            Ok(grade) => courtwork::approve(&state.store, &me.audit, id, grade, version, &state.config.autonomy).await.map(|_| ()),
            Err(()) => courtwork::return_work(&state.store, &me.audit, id, &comments, version).await,
        };
        match done {
            Ok(()) => return Ok(Redirect::to(&format!("/work/{id}")).into_response()),
            Err(StoreError::Refused(e)) => errors.push(e),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(render_with(StatusCode::BAD_REQUEST, &review_page(&ctx, &work, &f, &errors)))
}

// ---- Filing ----

async fn file_page(state: &AppState, ctx: &PageCtx, work: &Work, route: FilingRoute, f: &FilingForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let mut page = form_page(ctx, &format!("File the {}", work.work_type.label().to_lowercase()), format!("/work/{}/file", work.id), errors);
    page.back = format!("/work/{}", work.id);
    page.caption = Some(work.case_reference.clone());
    page.version = Some(work.version);
    page.intro = Some(match route {
        FilingRoute::AfterSignOff => "Hearth makes a PDF of the approved work and keeps it on the case. The filed version cannot be changed.".into(),
        FilingRoute::OwnAuthority => format!(
            "You have earned authority to file {} work without sign-off, so it goes to the court as it is. Hearth makes a PDF and keeps it on the case. The filed version cannot be changed.",
            work.work_type.label().to_lowercase()
        ),
    });
    let methods: Vec<(&str, &str)> = FilingMethod::ALL.iter().map(|m| (m.code(), m.label())).collect();
    page.fields = vec![Choices::new(true, "method", "How are you sending it to the court?", &methods, std::slice::from_ref(&f.method)).errors(errors).to_string()];
    if work.work_type == WorkType::SafeguardingLetter {
        let adults: Vec<(String, String)> = hearth_store::cases::participants(&state.store, work.case_id)
            .await?
            .into_iter()
            .filter(|x| x.kind == PersonKind::Adult)
            .map(|x| (x.person_id.to_string(), format!("{} ({})", x.full_name, x.role.label().to_lowercase())))
            .collect();
        page.fields.push(
            Select::new("withheld_from", "Withhold it from a party (optional)", Some("Do not withhold it"), &adults, &f.withheld_from)
                .hint("Choose a party only where sharing the letter with them would put someone at risk.")
                .errors(errors)
                .to_string(),
        );
    }
    page.button = "File with the court".into();
    Ok(page)
}

async fn fileable(state: &AppState, me: &Ctx, id: Uuid) -> Result<(Work, FilingRoute), AppError> {
    let (work, _) = me.authorize_work(state, id).await?;
    let authorised = work.status.editable() && standing_in(state, me.id(), work.work_type).await?.may_file_alone();
    match filing_route(work.work_type, work.status, authorised) {
        Ok(route) => Ok((work, route)),
        Err(e) => Err(AppError::Conflict(format!("{}.", e.message))),
    }
}

pub async fn file_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let (work, route) = fileable(&state, &me, id).await?;
    Ok(show(&file_page(&state, &ctx, &work, route, &FilingForm::default(), &[]).await?, &[]))
}

#[derive(Deserialize, Default)]
pub struct FilingForm {
    #[serde(default)]
    method: String,
    #[serde(default)]
    withheld_from: String,
    version: Option<i64>,
}

pub async fn file(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<FilingForm>) -> Result<Response, AppError> {
    let (work, route) = fileable(&state, &me, id).await?;
    let version = version(f.version)?;
    let mut errors = vec![];
    let method = FilingMethod::from_code(&f.method);
    if method.is_none() {
        errors.push(FieldError::new("method", "Choose how you are sending it to the court"));
    }
    let withheld = match hearth_domain::org::optional_id("withheld_from", "party", &f.withheld_from) {
        Ok(w) => w,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    if let (true, Some(method)) = (errors.is_empty(), method) {
        match file_work(&state, &me, &work, method, withheld, version).await {
            Ok(_) => return Ok(Redirect::to(&format!("/work/{id}")).into_response()),
            Err(FileError::Field(e)) => errors.push(e),
            Err(FileError::App(e)) => return Err(e),
        }
    }
    Ok(show(&file_page(&state, &ctx, &work, route, &f, &errors).await?, &errors))
}

/// Why a filing did not happen: something the person can put right, or anything else.
pub enum FileError {
    Field(FieldError),
    App(AppError),
}

impl From<AppError> for FileError {
    fn from(e: AppError) -> Self {
        FileError::App(e)
    }
}

/// Typesets the work as read and files it. The store checks authority again under its lock.
pub async fn file_work(state: &AppState, me: &Ctx, work: &Work, method: FilingMethod, withheld: Option<Uuid>, version: i64) -> Result<courtwork::Filed, FileError> {
    if version != work.version {
        return Err(FileError::App(AppError::Conflict("This work was changed after you opened it, so it was not filed. Open it again to see the latest.".into())));
    }
    let case = hearth_store::cases::case_record(&state.store, work.case_id).await.map_err(AppError::from)?;
    let people = hearth_store::cases::participants(&state.store, work.case_id).await.map_err(AppError::from)?;
    let withheld_name = match withheld {
        Some(w) => Some(people.iter().find(|x| x.person_id == w).map(|x| x.full_name.clone()).ok_or_else(|| FileError::Field(FieldError::new("withheld_from", "Choose a party to this case")))?),
        None => None,
    };
    let on = today();
    let report = report_of(state, work, &work.sections, &case, on, withheld_name, false).await?;
    let pdf = typeset(state, report).await?;
    let title = format!("{} filed {}", work.work_type.label(), long_date(on));
    let filing = Filing { method, withheld_from: withheld, pdf: &pdf, title: &title, version };
    match courtwork::file(&state.store, &state.config.files, &state.config.deadlines, &me.audit, work.id, &filing).await {
        Ok(f) => Ok(f),
        Err(StoreError::Refused(e)) => Err(FileError::Field(e)),
        Err(StoreError::MissingReference { field }) => Err(FileError::Field(FieldError::new(field, "Choose a party to this case"))),
        Err(e) => Err(FileError::App(e.into())),
    }
}
