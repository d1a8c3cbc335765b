//! Training: the course catalogue and each module, finishing a module, a person's training
//! record (mandatory courses, policies confirmed, what they have done), recording a course done
//! elsewhere, and writing the modules.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::org::Role;
use hearth_domain::people::training::{CourseForm, Standing, TrainingSummary, parse_quiz, read_answers};
use hearth_store::StoreError;
use hearth_store::people::training::{self as store, Attestation, Course, Requirement, Whose};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::components::{Choices, DateInput, Input, Tag, Textarea};
use crate::dates::{long_date, today};
use crate::error::{ApiError, Problem};
use crate::form::{ConflictPage, ConflictRow, Fields, Form, FormPage, form_page, show, show_conflict};
use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;
use crate::{AppError, AppState};

/// Where someone stands on a course, as a tag.
pub fn standing_tag(s: Standing) -> Tag {
    let colour = match s {
        Standing::Current { .. } => "green",
        Standing::Expiring { .. } | Standing::Due { .. } => "yellow",
        Standing::Expired { .. } | Standing::Missing { .. } => "red",
    };
    Tag::new(s.label(), colour)
}

/// A person's mandatory training in a line, as a tag: for My People and My Work.
pub fn summary_tag(t: TrainingSummary) -> Tag {
    let colour = if t.overdue > 0 {
        "red"
    } else if t.soon > 0 {
        "yellow"
    } else {
        "green"
    };
    Tag::new(&t.words(), colour)
}

/// The standings of a person's requirements today.
pub fn standings(state: &AppState, reqs: &[Requirement]) -> Vec<Standing> {
    reqs.iter().map(|r| r.standing(today(), &state.config.training)).collect()
}

fn renewal(months: Option<i64>) -> String {
    match months {
        None => "Once".into(),
        Some(12) => "Every year".into(),
        Some(m) if m % 12 == 0 => format!("Every {} years", m / 12),
        Some(m) => format!("Every {m} months"),
    }
}

fn roles_text(roles: &[Role]) -> String {
    if roles.is_empty() {
        return "Optional: anyone may take it".into();
    }
    if roles.len() == Role::ALL.len() {
        return "Everyone".into();
    }
    // "HR" stays as it is; "Team manager" reads "team manager" inside a sentence.
    let words: Vec<String> = roles
        .iter()
        .map(|r| r.label())
        .map(|l| if l.chars().filter(|c| c.is_alphabetic()).all(|c| c.is_uppercase()) { l.to_string() } else { l.to_lowercase() })
        .collect();
    hearth_domain::text::capitalise(&hearth_domain::text::and_list(&words.iter().map(String::as_str).collect::<Vec<_>>()))
}

// ---- The catalogue and one module ----

#[derive(Template)]
#[template(path = "people/courses.html")]
struct CoursesPage {
    shell: Shell,
    me: Uuid,
    /// (id, title, summary, renewal, who must do it, the caller's standing as a tag and words)
    courses: Vec<(Uuid, String, String, String, String, Option<(String, String)>)>,
    can_manage: bool,
    can_edit_induction: bool,
}

pub async fn catalogue(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    let (courses, mut mine) = tokio::try_join!(store::courses(&state.store), store::requirements(&state.store, Whose::Person(me.id())))?;
    let mine = mine.remove(&me.id()).unwrap_or_default();
    let page = CoursesPage {
        shell: ctx.shell("Training"),
        me: me.id(),
        courses: courses
            .into_iter()
            .map(|c| {
                let standing = mine.iter().find(|r| r.course_id == c.id).map(|r| r.standing(today(), &state.config.training)).map(|s| (standing_tag(s).to_string(), s.when()));
                (c.id, c.title, c.summary, renewal(c.renew_months), roles_text(&c.mandatory_for), standing)
            })
            .collect(),
        can_manage: me.can(Permission::ManageTraining),
        can_edit_induction: me.can(Permission::ManageInductionTemplate),
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "people/course.html")]
struct CoursePage {
    shell: Shell,
    course: Course,
    body: String,
    renewal: String,
    roles: String,
    /// The caller's standing, if the course is mandatory for them.
    standing: Option<(String, String)>,
    last_done: Option<String>,
    can_manage: bool,
    /// The quiz's questions as radio groups, with its pass mark; empty for a module without one.
    quiz: Vec<String>,
    pass_mark: i64,
    /// How an attempt that did not pass went.
    result: Option<String>,
    errors: Option<crate::components::ErrorSummary>,
}

pub async fn course(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let course = store::course(&state.store, id).await?;
    course_view(&state, &ctx, &me, course, &Fields::default(), None, &[]).await
}

async fn course_view(state: &AppState, ctx: &PageCtx, me: &Ctx, course: Course, f: &Fields, result: Option<String>, errors: &[FieldError]) -> Result<Response, AppError> {
    let id = course.id;
    let (mut mine, done) = tokio::try_join!(store::requirements(&state.store, Whose::Person(me.id())), store::completions(&state.store, me.id()))?;
    let standing = mine.remove(&me.id()).unwrap_or_default().into_iter().find(|r| r.course_id == id).map(|r| r.standing(today(), &state.config.training));
    let questions = parse_quiz(&course.quiz).ok().flatten().unwrap_or_default();
    let quiz = questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let field = format!("answer-{}", i + 1);
            let values: Vec<String> = (1..=q.options.len()).map(|n| n.to_string()).collect();
            let options: Vec<(&str, &str)> = values.iter().map(String::as_str).zip(q.options.iter().map(String::as_str)).collect();
            let mut c = Choices::new(true, &field, &format!("{}. {}", i + 1, q.text), &options, &[f.text(&field).to_string()]).errors(errors);
            c.legend_classes = "govuk-fieldset__legend--s".into();
            c.to_string()
        })
        .collect();
    let page = CoursePage {
        shell: ctx.shell(course.title.clone()),
        body: crate::markdown::render(&course.body),
        renewal: renewal(course.renew_months),
        roles: roles_text(&course.mandatory_for),
        standing: standing.map(|s| (standing_tag(s).to_string(), s.when())),
        last_done: done.iter().find(|c| c.course_id == id).map(|c| long_date(c.completed_on)),
        can_manage: me.can(Permission::ManageTraining),
        quiz,
        pass_mark: course.pass_mark.unwrap_or(100),
        result,
        errors: (!errors.is_empty()).then(|| crate::components::ErrorSummary::of(errors)),
        course,
    };
    Ok(if errors.is_empty() { render(&page) } else { crate::page::render_with(axum::http::StatusCode::BAD_REQUEST, &page) })
}

/// The caller finishes a module, answering its quiz if it has one, at the version they read: a
/// module without a quiz, or a pass, is recorded done today; otherwise the page says how it
/// went and which questions to look at again.
pub async fn complete(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<Fields>) -> Result<Response, AppError> {
    let read = f.version()?;
    let course = store::course(&state.store, id).await?;
    let questions = parse_quiz(&course.quiz).ok().flatten().unwrap_or_default();
    let answers = match read_answers(&questions, |field| f.text(field).to_string()) {
        Ok(a) => a,
        Err(errors) => return course_view(&state, &ctx, &me, course, &f, None, &errors).await,
    };
    let attempt = match store::finish_module(&state.store, &me.audit, me.id(), id, read, &answers).await {
        Err(StoreError::Refused(e)) => return course_view(&state, &ctx, &me, course, &f, None, &[e]).await,
        other => other?,
    };
    if attempt.passed {
        return Ok(crate::saved::redirect(&state, &format!("/training/{id}"), crate::saved::Saved::CourseCompleted));
    }
    let missed: Vec<String> = questions.iter().zip(&answers).enumerate().filter(|(_, (q, a))| q.answer != **a).map(|(i, _)| (i + 1).to_string()).collect();
    let result = format!(
        "You answered {} of {} questions rightly; the pass mark is {}%. Look again at question{} {}, read the module again, and try again.",
        attempt.correct,
        attempt.questions,
        course.pass_mark.unwrap_or(100),
        if missed.len() == 1 { "" } else { "s" },
        hearth_domain::text::and_list(&missed.iter().map(String::as_str).collect::<Vec<_>>())
    );
    course_view(&state, &ctx, &me, course, &Fields::default(), Some(result), &[]).await
}

// ---- Writing a module ----

fn course_page(ctx: &PageCtx, heading: &str, action: String, f: &CourseForm, version: Option<i64>, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, heading, action, errors);
    page.back = "/training".into();
    page.version = version;
    page.intro = Some("The module is written in Markdown: # for headings, - for lists, [words](https://…) for links. Raw HTML shows as text.".into());
    let roles: Vec<(&str, &str)> = Role::ALL.iter().map(|r| (r.code(), r.label())).collect();
    page.fields = vec![
        Input::text("title", "Title").value(&f.title).errors(errors).to_string(),
        Input::text("summary", "Summary").hint("One sentence for the catalogue.").value(&f.summary).errors(errors).to_string(),
        Input::text("renew_months", "Months between renewals (optional)").hint("For example, 24 for every two years. Leave empty for a course done once.").inputmode("numeric").classes("govuk-input--width-3").value(&f.renew_months).errors(errors).to_string(),
        Choices::new(false, "mandatory_for", "Who must do it", &roles, &f.mandatory_for).hint("Leave all unticked for an optional course.").errors(errors).to_string(),
        Textarea::new("body", "The module").rows(20).value(&f.body).errors(errors).to_string(),
        Textarea::new("quiz", "Quiz (optional)")
            .hint("One line each: ? starts a question, - a wrong answer, * the right one. Two to six answers a question, up to 20 questions. Finishing the module records it done only on a pass.")
            .rows(10)
            .value(&f.quiz)
            .errors(errors)
            .to_string(),
        Input::text("pass_mark", "Pass mark, as a percentage").hint("For example, 80: four of five questions right.").inputmode("numeric").classes("govuk-input--width-3").value(&f.pass_mark).errors(errors).to_string(),
    ];
    page.button = "Save the course".into();
    page
}

pub async fn new_course_form(ctx: PageCtx, _me: Ctx) -> Response {
    show(&course_page(&ctx, "Add a course", "/training".into(), &CourseForm { pass_mark: "80".into(), ..Default::default() }, None, &[]), &[])
}

pub async fn create_course(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Form(f): Form<CourseForm>) -> Result<Response, AppError> {
    match f.validate() {
        Ok(d) => {
            let id = store::create_course(&state.store, &me.audit, Some(me.id()), &d).await?;
            Ok(crate::saved::redirect(&state, &format!("/training/{id}"), crate::saved::Saved::CoursePublished))
        }
        Err(errors) => Ok(show(&course_page(&ctx, "Add a course", "/training".into(), &f, None, &errors), &errors)),
    }
}

fn form_of(c: &Course) -> CourseForm {
    CourseForm {
        title: c.title.clone(),
        summary: c.summary.clone(),
        body: c.body.clone(),
        renew_months: c.renew_months.map(|m| m.to_string()).unwrap_or_default(),
        mandatory_for: c.mandatory_for.iter().map(|r| r.code().to_string()).collect(),
        version: c.version.to_string(),
        quiz: c.quiz.clone(),
        pass_mark: c.pass_mark.map(|m| m.to_string()).unwrap_or_else(|| "80".into()),
    }
}

pub async fn edit_course_form(State(state): State<AppState>, ctx: PageCtx, _me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let c = store::course(&state.store, id).await?;
    let mut page = course_page(&ctx, "Change the course", format!("/training/{id}/edit"), &form_of(&c), Some(c.version), &[]);
    page.back = format!("/training/{id}");
    Ok(show(&page, &[]))
}

pub async fn edit_course(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<CourseForm>) -> Result<Response, AppError> {
    let version = crate::form::version(f.version.trim().parse().ok())?;
    let errors = match f.validate() {
        Ok(d) => match store::update_course(&state.store, &me.audit, me.id(), id, version, &d).await {
            Ok(_) => return Ok(crate::saved::redirect(&state, &format!("/training/{id}"), crate::saved::Saved::CoursePublished)),
            Err(StoreError::Conflict { current }) => {
                let saved = store::course(&state.store, id).await?;
                let mut page = ConflictPage::new(&ctx, "course", format!("/training/{id}/edit"), format!("/training/{id}"), current);
                page.caption = Some(saved.title.clone());
                page.rows = vec![
                    ConflictRow::new("Title", &saved.title, &f.title),
                    ConflictRow::new("Summary", &saved.summary, &f.summary),
                    ConflictRow::new("Months between renewals", saved.renew_months.map(|m| m.to_string()).unwrap_or_default(), &f.renew_months),
                    ConflictRow::new("Who must do it", roles_text(&saved.mandatory_for), roles_text(&d.mandatory_for)),
                    ConflictRow::new("The module", &saved.body, &f.body),
                    ConflictRow::new("Quiz", &saved.quiz, &f.quiz),
                    ConflictRow::new("Pass mark", saved.pass_mark.map(|m| m.to_string()).unwrap_or_default(), &f.pass_mark),
                ];
                page.resubmit = [("title", &f.title), ("summary", &f.summary), ("renew_months", &f.renew_months), ("body", &f.body), ("quiz", &f.quiz), ("pass_mark", &f.pass_mark)].iter().map(|(k, v)| (k.to_string(), v.to_string())).chain(f.mandatory_for.iter().map(|r| ("mandatory_for".to_string(), r.clone()))).collect();
                return Ok(show_conflict(&page));
            }
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    let mut page = course_page(&ctx, "Change the course", format!("/training/{id}/edit"), &f, Some(version), &errors);
    page.back = format!("/training/{id}");
    Ok(show(&page, &errors))
}

// ---- A person's training ----

#[derive(Template)]
#[template(path = "people/training.html")]
struct PersonPage {
    shell: Shell,
    id: Uuid,
    name: String,
    own: bool,
    summary: String,
    /// (course id, title, tag, when)
    required: Vec<(Uuid, String, String, String)>,
    /// (policy id, title, version, confirmed: words)
    policies: Vec<(Uuid, String, i64, Option<String>)>,
    /// (course id, title, version, completed on, recorded by)
    history: Vec<(Uuid, String, i64, String, String)>,
    can_record: bool,
}

/// A person's training as read for a page or the API: each read is audited.
async fn record_of(state: &AppState, me: &Ctx, id: Uuid) -> Result<(Vec<Requirement>, Vec<Attestation>, Vec<store::Completion>), AppError> {
    let (mut reqs, mut policies, history) = tokio::try_join!(store::requirements(&state.store, Whose::Person(id)), store::attestations(&state.store, Whose::Person(id)), store::completions(&state.store, id))?;
    hearth_store::audit::record(&state.store, &me.audit, hearth_store::audit::Event::success("training.viewed").about("staff", id)).await?;
    Ok((reqs.remove(&id).unwrap_or_default(), policies.remove(&id).unwrap_or_default(), history))
}

pub async fn person(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let (record, (reqs, policies, history), can_record) = tokio::try_join!(
        async { Ok::<_, AppError>(hearth_store::org::staff_record(&state.store, id).await?) },
        record_of(&state, &me, id),
        async { Ok(me.may_for_staff(&state, Permission::RecordTraining, id).await) },
    )?;
    let own = id == me.id();
    let now = standings(&state, &reqs);
    let page = PersonPage {
        shell: ctx.shell(if own { "Your training".to_string() } else { format!("Training – {}", record.name) }),
        id,
        name: record.name,
        own,
        summary: format!("{}", summary_tag(TrainingSummary::of(now.iter().copied()))),
        required: reqs.iter().zip(&now).map(|(r, s)| (r.course_id, r.title.clone(), standing_tag(*s).to_string(), s.when())).collect(),
        policies: policies.into_iter().map(|a| (a.policy_id, a.title, a.number, a.attested_at.map(|at| long_date(at.date())))).collect(),
        history: history.into_iter().map(|c| (c.course_id, c.course, c.course_version, long_date(c.completed_on), if c.recorded_by.id == id { "Themselves".into() } else { c.recorded_by.name })).collect(),
        can_record,
    };
    Ok(render(&page))
}

/// The caller's own training: a stable link for My Work.
pub async fn mine(me: Ctx) -> Response {
    Redirect::to(&format!("/staff/{}/training", me.id())).into_response()
}

// ---- Recording a course done elsewhere ----

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CompletionForm {
    course: String,
    completed_on: String,
}

async fn completion_page(state: &AppState, ctx: &PageCtx, me: &Ctx, id: Uuid, f: &CompletionForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let (record, courses, (reqs, _, _)) = tokio::try_join!(
        async { Ok::<_, AppError>(hearth_store::org::staff_record(&state.store, id).await?) },
        async { Ok(store::courses(&state.store).await?) },
        record_of(state, me, id),
    )?;
    let mut page = form_page(ctx, "Record a completed course", format!("/staff/{id}/training"), errors);
    page.back = format!("/staff/{id}/training");
    page.caption = Some(record.name);
    page.intro = Some("For a course done away from Hearth: a classroom day or an external course. Modules in Hearth are recorded when the person finishes them.".into());
    let options: Vec<(String, String)> = courses.iter().map(|c| (c.id.to_string(), c.title.clone())).collect();
    let refs: Vec<(&str, &str)> = options.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let mut choices = Choices::new(true, "course", "Course", &refs, std::slice::from_ref(&f.course)).errors(errors);
    for (item, c) in choices.items.iter_mut().zip(&courses) {
        item.hint = reqs.iter().find(|r| r.course_id == c.id).map(|r| {
            let s = r.standing(today(), &state.config.training);
            format!("{}: {}", s.label(), s.when())
        });
    }
    page.fields = vec![choices.to_string(), DateInput::new("completed_on", "Date completed").value(&f.completed_on).errors(errors).to_string()];
    page.button = "Record it".into();
    Ok(page)
}

pub async fn completion_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    Ok(show(&completion_page(&state, &ctx, &me, id, &CompletionForm::default(), &[]).await?, &[]))
}

pub async fn record_completion(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<CompletionForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let mut c = hearth_domain::Collect::default();
    let course = c.keep(Uuid::parse_str(f.course.trim()).map_err(|_| FieldError::new("course", "Choose the course they completed")));
    let on = c.keep(hearth_domain::org::parse_date("completed_on", "the date it was completed", &f.completed_on));
    let errors = match (course, on) {
        (Some(course), Some(on)) => match store::record_completion(&state.store, &me.audit, id, course, on, me.id()).await {
            Ok(_) => return Ok(crate::saved::redirect(&state, &format!("/staff/{id}/training"), crate::saved::Saved::TrainingRecorded)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(StoreError::NotFound) => vec![FieldError::new("course", "Choose the course they completed")],
            Err(e) => return Err(e.into()),
        },
        _ => c.0,
    };
    Ok(show(&completion_page(&state, &ctx, &me, id, &f, &errors).await?, &errors))
}

// ---- API ----

#[derive(Serialize, ToSchema)]
pub struct RequiredCourse {
    pub course_id: Uuid,
    pub title: String,
    /// `current`, `expiring`, `expired`, `due` (a new starter's, not yet late) or `missing`.
    pub state: String,
    /// The date that goes with the state: valid until, expires or expired on, due by.
    pub on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyStanding {
    pub policy_id: Uuid,
    pub title: String,
    /// The current version.
    pub number: i64,
    /// When they confirmed the current version (RFC 3339); none if they have not.
    pub attested_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CompletionItem {
    pub course_id: Uuid,
    pub course: String,
    pub course_version: i64,
    pub completed_on: String,
    pub recorded_by: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct TrainingRecord {
    pub required: Vec<RequiredCourse>,
    pub out_of_date: usize,
    pub due_soon: usize,
    pub policies: Vec<PolicyStanding>,
    /// Newest first, up to 200.
    pub completions: Vec<CompletionItem>,
}

fn state_of(s: Standing) -> (&'static str, Option<time::Date>) {
    match s {
        Standing::Current { until } => ("current", until),
        Standing::Expiring { on } => ("expiring", Some(on)),
        Standing::Expired { on } => ("expired", Some(on)),
        Standing::Due { by } => ("due", Some(by)),
        Standing::Missing { since } => ("missing", Some(since)),
    }
}

#[utoipa::path(get, path = "/api/v1/staff/{id}/training", params(("id" = Uuid, Path)), responses((status = 200, body = TrainingRecord), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_training(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<TrainingRecord>, ApiError> {
    me.authorize_staff(&state, id).await?;
    hearth_store::org::staff_record(&state.store, id).await?;
    let (reqs, policies, history) = record_of(&state, &me, id).await?;
    let now = standings(&state, &reqs);
    let summary = TrainingSummary::of(now.iter().copied());
    Ok(Json(TrainingRecord {
        required: reqs
            .iter()
            .zip(&now)
            .map(|(r, s)| {
                let (state, on) = state_of(*s);
                RequiredCourse { course_id: r.course_id, title: r.title.clone(), state: state.into(), on: on.map(|d| d.to_string()) }
            })
            .collect(),
        out_of_date: summary.overdue,
        due_soon: summary.soon,
        policies: policies.into_iter().map(|a| PolicyStanding { policy_id: a.policy_id, title: a.title, number: a.number, attested_at: a.attested_at.and_then(|at| at.format(&time::format_description::well_known::Rfc3339).ok()) }).collect(),
        completions: history.into_iter().map(|c| CompletionItem { course_id: c.course_id, course: c.course, course_version: c.course_version, completed_on: c.completed_on.to_string(), recorded_by: c.recorded_by.id }).collect(),
    }))
}
