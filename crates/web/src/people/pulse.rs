//! The wellbeing pulse: answering the open survey (once, kept without the person), opening a
//! survey, and the results by the service, area and team, only for groups of five or more.

use std::collections::HashMap;

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::people::pulse::{AnswerForm, MIN_GROUP, QUESTIONS, Responses, SCALE, SurveyForm, agreement, shown};
use hearth_store::StoreError;
use hearth_store::people::pulse::{self as store, Survey, TeamCounts};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::components::{Choices, DateInput, Input, Select};
use crate::dates::{long_date, today};
use crate::error::{ApiError, Problem};
use crate::form::{Form, FormPage, form_page, show};
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

// ---- Answering ----

#[derive(Template)]
#[template(path = "people/pulse.html")]
struct PulsePage {
    shell: Shell,
    open: Option<Survey>,
    closes: String,
    taken: bool,
    errors: Option<crate::components::ErrorSummary>,
    questions: Vec<String>,
    can_see_results: bool,
    can_open: bool,
}

fn question_fields(f: &AnswerForm, errors: &[FieldError]) -> Vec<String> {
    let values = [&f.cared_for, &f.workload, &f.manager, &f.wellbeing, &f.proud];
    let scale: Vec<(String, String)> = SCALE.iter().map(|(n, words)| (n.to_string(), words.to_string())).collect();
    let options: Vec<(&str, &str)> = scale.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    QUESTIONS
        .iter()
        .zip(values)
        .map(|((code, text), v)| {
            let mut c = Choices::new(true, code, text, &options, std::slice::from_ref(v)).errors(errors);
            c.legend_classes = "govuk-fieldset__legend--s".into();
            c.to_string()
        })
        .collect()
}

async fn pulse_page(state: &AppState, ctx: &PageCtx, me: &Ctx, f: &AnswerForm, errors: &[FieldError]) -> Result<PulsePage, AppError> {
    let open = store::open_on(&state.store, today()).await?;
    let taken = match &open {
        Some(s) => store::has_taken(&state.store, s.id, me.id()).await?,
        None => false,
    };
    Ok(PulsePage {
        shell: ctx.shell("Wellbeing pulse"),
        closes: open.as_ref().map(|s| long_date(s.closes_on)).unwrap_or_default(),
        open,
        taken,
        errors: (!errors.is_empty()).then(|| crate::components::ErrorSummary::of(errors)),
        questions: question_fields(f, errors),
        can_see_results: me.can(Permission::ViewPulse),
        can_open: me.can(Permission::ManagePulse),
    })
}

pub async fn page(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    Ok(render(&pulse_page(&state, &ctx, &me, &AnswerForm::default(), &[]).await?))
}

pub async fn answer(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<AnswerForm>) -> Result<Response, AppError> {
    match f.validate() {
        Ok(answers) => {
            store::answer(&state.store, &me.audit, id, me.id(), me.principal.placement.team_id, &answers, today()).await?;
            Ok(crate::saved::redirect(&state, "/pulse", crate::saved::Saved::PulseAnswered))
        }
        Err(errors) => Ok(render_with(axum::http::StatusCode::BAD_REQUEST, &pulse_page(&state, &ctx, &me, &f, &errors).await?)),
    }
}

// ---- Opening a survey ----

fn open_page(ctx: &PageCtx, f: &SurveyForm, errors: &[FieldError]) -> FormPage {
    let mut page = form_page(ctx, "Open a pulse survey", "/pulse/surveys".into(), errors);
    page.back = "/pulse".into();
    page.intro = Some("Everyone in the service is asked the national questions while it is open. Answers are kept without names, and results show only for groups of 5 or more.".into());
    page.fields = vec![
        Input::text("title", "Title").hint("For example, Winter 2026 pulse.").value(&f.title).errors(errors).to_string(),
        DateInput::new("opens_on", "Opens on").value(&f.opens_on).errors(errors).to_string(),
        DateInput::new("closes_on", "Closes on").hint("Up to 8 weeks after it opens.").value(&f.closes_on).errors(errors).to_string(),
    ];
    page.button = "Open the survey".into();
    page
}

pub async fn open_form(ctx: PageCtx, _me: Ctx) -> Response {
    show(&open_page(&ctx, &SurveyForm::default(), &[]), &[])
}

pub async fn open(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Form(f): Form<SurveyForm>) -> Result<Response, AppError> {
    let errors = match f.validate(today()) {
        Ok(d) => match store::open_survey(&state.store, &me.audit, me.id(), &d).await {
            Ok(_) => return Ok(crate::saved::redirect(&state, "/pulse", crate::saved::Saved::PulseOpened)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    Ok(show(&open_page(&ctx, &f, &errors), &errors))
}

// ---- Results ----

/// One group's results: its responses and, for each question, (% agreeing, mean score); none
/// when the group is too small to show (or would give a smaller one away).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupResult {
    pub name: String,
    /// Responses, when the group shows.
    pub responses: Option<i64>,
    /// For each question in order: the share agreeing or strongly agreeing, in whole percent.
    pub agree: Vec<Option<u32>>,
}

impl GroupResult {
    fn hidden(name: String) -> Self {
        Self { name, responses: None, agree: vec![None; QUESTIONS.len()] }
    }

    fn of(name: String, counts: &[&TeamCounts]) -> Self {
        let mut by_question = [[0i64; 5]; 5];
        for c in counts {
            for (q, scores) in c.by_question.iter().enumerate() {
                for (s, n) in scores.iter().enumerate() {
                    by_question[q][s] += n;
                }
            }
        }
        Self { name, responses: Some(counts.iter().map(|c| c.responses).sum()), agree: by_question.iter().map(|q| agreement(q).map(|(a, _)| a)).collect() }
    }
}

/// One survey's results: the service, every area, and every team, each shown only as the
/// small-group rule allows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SurveyResults {
    pub nation: GroupResult,
    /// (area id, result), by name.
    pub areas: Vec<(Uuid, GroupResult)>,
    /// (team id, area id, result), by name.
    pub teams: Vec<(Uuid, Uuid, GroupResult)>,
}

pub fn results_of(counts: &[TeamCounts]) -> SurveyResults {
    let rule = shown(&Responses { teams: counts.iter().map(|c| (c.team_id, c.area_id, c.responses)).collect() });
    let all: Vec<&TeamCounts> = counts.iter().filter(|c| c.team_id.is_some() || rule.no_team).collect();
    let nation = if rule.nation { GroupResult::of("The service".into(), &all) } else { GroupResult::hidden("The service".into()) };
    let mut by_area: HashMap<Uuid, Vec<&TeamCounts>> = HashMap::new();
    for c in counts.iter().filter(|c| c.team_id.is_some()) {
        by_area.entry(c.area_id).or_default().push(c);
    }
    let mut areas: Vec<(Uuid, GroupResult)> = by_area
        .iter()
        .map(|(a, teams)| {
            let name = teams[0].area.clone();
            (*a, if rule.areas.contains(a) { GroupResult::of(name, teams) } else { GroupResult::hidden(name) })
        })
        .collect();
    areas.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    let mut teams: Vec<(Uuid, Uuid, GroupResult)> = counts
        .iter()
        .filter_map(|c| c.team_id.map(|t| (t, c)))
        .map(|(t, c)| (t, c.area_id, if rule.teams.contains(&t) { GroupResult::of(c.team.clone(), &[c]) } else { GroupResult::hidden(c.team.clone()) }))
        .collect();
    teams.sort_by(|a, b| a.2.name.cmp(&b.2.name));
    SurveyResults { nation, areas, teams }
}

/// The latest survey's share who feel cared for by the service, for the key figures: (survey
/// title, percent), when a survey has enough responses to show.
pub async fn cared_for(state: &AppState) -> Result<Option<(String, u32)>, AppError> {
    // Newest first, reading one survey's counts at a time: usually only the latest is read.
    for s in store::surveys(&state.store).await?.into_iter().filter(|s| s.opens_on <= today()) {
        if let Some(p) = results_of(&store::counts_of(&state.store, s.id).await?).nation.agree[0] {
            return Ok(Some((s.title, p)));
        }
    }
    Ok(None)
}

#[derive(Template)]
#[template(path = "people/pulse_results.html")]
struct ResultsPage {
    shell: Shell,
    questions: Vec<&'static str>,
    picker: String,
    survey: Option<Survey>,
    results: Option<SurveyResults>,
    /// The service, then each area.
    groups: Vec<GroupResult>,
    area_name: String,
    /// (survey title, the service, the chosen area): % feeling cared for, or none.
    trend: Vec<(String, Option<i64>, Option<u32>, Option<u32>)>,
    min_group: i64,
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultsQuery {
    /// A survey's id; the newest by default.
    pub survey: Option<Uuid>,
    /// An area whose teams to show, and whose trend to show beside the service's.
    pub area: Option<Uuid>,
}

pub async fn results(State(state): State<AppState>, ctx: PageCtx, _me: Ctx, Query(q): Query<ResultsQuery>) -> Result<Response, AppError> {
    let (surveys, counts) = tokio::try_join!(store::surveys(&state.store), store::counts(&state.store))?;
    let survey = match q.survey {
        Some(id) => Some(surveys.iter().find(|s| s.id == id).cloned().ok_or(AppError::NotFound)?),
        None => surveys.iter().find(|s| s.opens_on <= today()).cloned(),
    };
    let empty = vec![];
    let results = survey.as_ref().map(|s| results_of(counts.get(&s.id).unwrap_or(&empty)));
    let area = q.area.or_else(|| results.as_ref().and_then(|r| r.areas.iter().find(|(_, g)| g.responses.is_some()).map(|(a, _)| *a)));
    let area_name = results.as_ref().and_then(|r| r.areas.iter().find(|(a, _)| Some(*a) == area)).map(|(_, g)| g.name.clone()).unwrap_or_default();
    let trend = surveys
        .iter()
        .filter(|s| s.opens_on <= today())
        .map(|s| {
            let r = results_of(counts.get(&s.id).unwrap_or(&empty));
            let in_area = r.areas.iter().find(|(a, _)| Some(*a) == area).and_then(|(_, g)| g.agree[0]);
            (s.title.clone(), r.nation.responses, r.nation.agree[0], in_area)
        })
        .collect();
    let survey_options: Vec<(String, String)> = surveys.iter().map(|s| (s.id.to_string(), format!("{} ({} to {})", s.title, long_date(s.opens_on), long_date(s.closes_on)))).collect();
    let area_options: Vec<(String, String)> = results.as_ref().map(|r| r.areas.iter().map(|(a, g)| (a.to_string(), g.name.clone())).collect()).unwrap_or_default();
    let picker = [
        Select::new("survey", "Survey", None, &survey_options, &survey.as_ref().map(|s| s.id.to_string()).unwrap_or_default()).to_string(),
        Select::new("area", "Area", None, &area_options, &area.map(|a| a.to_string()).unwrap_or_default()).to_string(),
    ]
    .concat();
    let mut results = results;
    if let Some(r) = results.as_mut() {
        r.teams.retain(|(_, a, _)| Some(*a) == area);
    }
    let groups = results.as_ref().map(|r| std::iter::once(r.nation.clone()).chain(r.areas.iter().map(|(_, g)| g.clone())).collect()).unwrap_or_default();
    Ok(render(&ResultsPage { shell: ctx.shell("Wellbeing pulse results"), questions: QUESTIONS.iter().map(|(_, t)| *t).collect(), picker, survey, results, groups, area_name, trend, min_group: MIN_GROUP }))
}

#[derive(Serialize, ToSchema)]
pub struct PulseResults {
    pub survey_id: Uuid,
    pub title: String,
    pub opens_on: String,
    pub closes_on: String,
    /// The question codes, in the order of each group's `agree`.
    pub questions: Vec<String>,
    pub results: SurveyResults,
}

#[utoipa::path(get, path = "/api/v1/pulse/results", params(ResultsQuery), responses((status = 200, body = PulseResults), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_results(State(state): State<AppState>, _me: Ctx, Query(q): Query<ResultsQuery>) -> Result<Json<PulseResults>, ApiError> {
    let (surveys, counts) = tokio::try_join!(store::surveys(&state.store), store::counts(&state.store))?;
    let s = match q.survey {
        Some(id) => surveys.into_iter().find(|s| s.id == id),
        None => surveys.into_iter().find(|s| s.opens_on <= today()),
    }
    .ok_or(ApiError(AppError::NotFound))?;
    let results = results_of(counts.get(&s.id).map(Vec::as_slice).unwrap_or_default());
    Ok(Json(PulseResults { survey_id: s.id, title: s.title, opens_on: s.opens_on.to_string(), closes_on: s.closes_on.to_string(), questions: QUESTIONS.iter().map(|(c, _)| c.to_string()).collect(), results }))
}
