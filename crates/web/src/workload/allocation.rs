//! Allocating one case: the ranked suggestions with every reason, who is left out and why,
//! and the manager's choice. Passing over the top suggestion needs a reason; all of it is audited.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use hearth_domain::FieldError;
use hearth_store::StoreError;
use hearth_store::cases::CaseRecord;
use hearth_store::workload::{self, Decision, Suggested};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{band_tag, load_text};
use crate::cases::forms::{open_case, to_case};
use crate::dates::{long_date, today};
use crate::components::{ErrorSummary, Tag, Textarea};
use crate::error::{ApiError, Problem};
use crate::form::{ConflictPage, ConflictRow, Form, show_conflict, version};
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

pub(crate) struct Ranked {
    pub id: Uuid,
    pub name: String,
    pub band_now: Tag,
    pub load_now: String,
    pub band_after: Tag,
    pub after: String,
    pub reasons: Vec<String>,
}

pub(crate) fn ranked(s: &Suggested) -> Vec<Ranked> {
    s.ranked
        .iter()
        .map(|(w, r)| Ranked {
            id: w.member.id,
            name: w.member.name.clone(),
            band_now: band_tag(w.load.band),
            load_now: load_text(&w.load),
            band_after: band_tag(r.load_after.band),
            after: format!("{}% after", r.load_after.percent),
            reasons: r.reasons.iter().map(|x| x.text.clone()).collect(),
        })
        .collect()
}

pub(crate) fn left_out(s: &Suggested) -> Vec<(String, String)> {
    s.ineligible.iter().map(|(w, _, why)| (w.member.name.clone(), why.clone())).collect()
}

/// The case's weight and what it needs, for people: "Section 7 report, 7.2 points (2 children +10%)".
pub(crate) fn weight_text(s: &Suggested) -> String {
    let factors: Vec<String> = s.weight.factors.iter().map(|f| format!("{} +{}%", f.label, f.percent)).collect();
    let mut t = format!("{}, {} points", s.weight.item.label(), s.weight.points.display());
    if !factors.is_empty() {
        t.push_str(&format!(" ({})", factors.join(", ")));
    }
    t
}

#[derive(Template)]
#[template(path = "workload/allocate.html")]
struct AllocatePage {
    shell: Shell,
    case_id: Uuid,
    reference: String,
    errors: Option<ErrorSummary>,
    weight: String,
    needs: String,
    deadline: String,
    ranked: Vec<Ranked>,
    left_out: Vec<(String, String)>,
    /// Who holds the case now, kept unless the manager chooses otherwise.
    current: Option<String>,
    /// The choice as it stands: `keep`, a worker's id, or empty for the hub.
    chosen: String,
    worker_error: Option<String>,
    reason: String,
    version: i64,
    /// Nobody eligible can take it without going above amber: the pool is the way.
    offer_pool: bool,
}

/// The choice that keeps the case with whoever holds it.
const KEEP: &str = "keep";

async fn page(state: &AppState, ctx: &PageCtx, case: &CaseRecord, chosen: &str, reason: &str, errors: &[FieldError]) -> Result<Response, AppError> {
    let s = workload::suggest(&state.store, &state.config.workload, case.id, None, today()).await?;
    // A case someone holds stays with them unless the manager chooses otherwise; a waiting case
    // has nothing chosen for the manager.
    let chosen = if chosen.is_empty() && errors.is_empty() && case.allocated_to.is_some() { KEEP.to_string() } else { chosen.to_string() };
    let offer_pool = case.allocated_to.is_none() && s.ranked.iter().all(|(_, r)| r.load_after.band >= hearth_domain::workload::Band::HighAmber);
    let page = AllocatePage {
        shell: ctx.shell(format!("{} {}", if case.allocated_to.is_some() { "Re-allocate" } else { "Allocate" }, case.reference)),
        case_id: case.id,
        reference: case.reference.clone(),
        errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)),
        weight: weight_text(&s),
        needs: if s.needs_skills.is_empty() { "No particular skill".into() } else { s.needs_skills.iter().map(|k| k.label()).collect::<Vec<_>>().join(", ") },
        deadline: s.next_deadline.map(long_date).unwrap_or_else(|| "None set".into()),
        ranked: ranked(&s),
        left_out: left_out(&s),
        current: case.allocated_to.as_ref().map(|w| w.name.clone()),
        chosen,
        worker_error: crate::components::error_for(errors, "worker_id"),
        reason: Textarea::new("reason", "Reason")
            .hint("For example, capacity, continuity with the family, or skills the case needs. If you choose someone other than the top suggestion, say why.")
            .rows(3)
            .value(reason)
            .errors(errors)
            .to_string(),
        version: case.version,
        offer_pool,
    };
    Ok(if errors.is_empty() { render(&page) } else { render_with(axum::http::StatusCode::BAD_REQUEST, &page) })
}

pub async fn allocate_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    page(&state, &ctx, &case, "", "", &[]).await
}

#[derive(serde::Deserialize)]
pub struct AllocationForm {
    /// A worker's id, nobody (empty), or [`KEEP`].
    #[serde(default)]
    worker_id: String,
    #[serde(default)]
    reason: String,
    version: Option<i64>,
}

pub async fn allocate(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<AllocationForm>) -> Result<Response, AppError> {
    let case = open_case(&state, &me, id).await?;
    let (chosen, reason_text) = (f.worker_id, f.reason);
    let version = version(f.version)?;
    if chosen == KEEP && case.allocated_to.is_some() && version == case.version {
        // Kept with whoever holds it: nothing to change.
        return Ok(to_case(id));
    }
    let s = workload::suggest(&state.store, &state.config.workload, id, None, today()).await?;
    // A form read before someone else allocated the case is stale whatever it names (even the
    // worker who now holds it, who is no longer among the suggestions): 409, as the store would.
    if version != case.version {
        return Ok(stale(&ctx, &case, &s, &chosen, &reason_text));
    }
    let mut errors = vec![];
    let worker = match hearth_domain::org::optional_id("worker_id", "worker", &chosen) {
        Ok(None) if case.allocated_to.is_none() => {
            errors.push(FieldError::new("worker_id", "Choose a worker"));
            None
        }
        Ok(None) => None,
        Ok(Some(w)) => match (s.ranked.iter().position(|(x, _)| x.member.id == w), s.ineligible.iter().find(|(x, _, _)| x.member.id == w)) {
            (Some(rank), _) => Some((w, s.ranked[rank].0.member.name.clone(), rank)),
            (None, Some((x, _, why))) => {
                errors.push(FieldError::new("worker_id", format!("{} cannot take this case: {}", x.member.name, why.to_lowercase())));
                None
            }
            (None, None) if case.allocated_to.as_ref().is_some_and(|a| a.id == w) => {
                errors.push(FieldError::new("worker_id", "They already hold this case: choose someone else, or nobody to return it to the hub"));
                None
            }
            (None, None) => {
                errors.push(FieldError::new("worker_id", "Choose a practitioner in the case's team"));
                None
            }
        },
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let top = s.ranked.first().map(|(w, _)| (w.member.id, w.member.name.clone()));
    let overriding = matches!((&worker, &top), (Some((w, _, _)), Some((t, _))) if w != t);
    let reason = match hearth_domain::text::required("reason", "the reason for this allocation", &reason_text, 500) {
        Ok(r) => Some(r),
        Err(e) => {
            errors.push(match (&top, overriding) {
                (Some((_, t)), true) => FieldError::new("reason", format!("Enter the reason for this allocation: why not the top suggestion, {t}")),
                _ => e,
            });
            None
        }
    };
    if let (true, Some(reason)) = (errors.is_empty(), reason) {
        let decision = Decision {
            suggested: top.as_ref().map(|(t, _)| *t),
            rank: worker.as_ref().map(|(_, _, r)| *r as i64 + 1),
            override_reason: overriding.then_some(reason.as_str()),
        };
        match workload::allocate(&state.store, &state.config.workload, &me.audit, id, worker.as_ref().map(|(w, _, _)| *w), &reason, decision, version).await {
            Ok(()) => return Ok(crate::saved::redirect(&state, &format!("/cases/{id}"), crate::saved::Saved::AllocationSaved)),
            // Allocated by someone else between this request's read and its write.
            Err(StoreError::Conflict { .. }) => {
                let now = open_case(&state, &me, id).await?;
                return Ok(stale(&ctx, &now, &s, &chosen, &reason_text));
            }
            Err(StoreError::Refused(e)) => errors.push(e),
            Err(StoreError::MissingReference { .. }) => errors.push(FieldError::new("worker_id", "Choose an active practitioner")),
            Err(e) => return Err(e.into()),
        }
    }
    page(&state, &ctx, &case, &chosen, &reason_text, &errors).await
}

/// The 409 page for an allocation made on a stale form: the case as saved now beside the choice.
fn stale(ctx: &PageCtx, case: &CaseRecord, s: &Suggested, chosen: &str, reason_text: &str) -> Response {
    let name = |w: Option<&str>| w.map(str::to_string).unwrap_or_else(|| "Nobody (the allocation hub)".into());
    let chosen_name = Uuid::parse_str(chosen).ok().map(|w| {
        s.ranked
            .iter()
            .map(|(x, _)| &x.member)
            .chain(s.ineligible.iter().map(|(x, _, _)| &x.member))
            .find(|m| m.id == w)
            .map(|m| m.name.clone())
            .or_else(|| case.allocated_to.as_ref().filter(|a| a.id == w).map(|a| a.name.clone()))
            .unwrap_or_else(|| "The worker you chose".into())
    });
    let mut page = ConflictPage::new(ctx, "case", format!("/cases/{}/allocate", case.id), format!("/cases/{}", case.id), case.version);
    page.caption = Some(case.reference.clone());
    page.rows = vec![
        ConflictRow::new("Allocated to", name(case.allocated_to.as_ref().map(|w| w.name.as_str())), name(chosen_name.as_deref())),
        ConflictRow::new("Stage", case.stage.label(), case.stage.label()),
        ConflictRow::new("Team", case.team.name.clone(), case.team.name.clone()),
    ];
    page.resubmit = vec![("worker_id".into(), chosen.to_string()), ("reason".into(), reason_text.to_string())];
    show_conflict(&page)
}

// ---- API ----

#[derive(Serialize, ToSchema)]
pub struct SuggestionJson {
    pub rank: usize,
    pub staff_id: Uuid,
    pub name: String,
    pub score: i64,
    pub percent_now: i64,
    pub percent_after: i64,
    /// The band after taking the case.
    pub band_after: String,
    pub reasons: Vec<ReasonJson>,
}

#[derive(Serialize, ToSchema)]
pub struct ReasonJson {
    pub text: String,
    pub score: i64,
}

#[derive(Serialize, ToSchema)]
pub struct IneligibleJson {
    pub staff_id: Uuid,
    pub name: String,
    /// `inactive`, `away`, `away_before_deadline`, `conflict`, `missing_skill` or `case_cap`.
    pub reason: String,
    pub detail: String,
}

#[derive(Serialize, ToSchema)]
pub struct Suggestions {
    pub case_id: Uuid,
    pub work_item: String,
    pub points: f64,
    pub needs: Vec<String>,
    pub next_deadline: Option<String>,
    pub ranked: Vec<SuggestionJson>,
    pub ineligible: Vec<IneligibleJson>,
}

/// Who could take a case, best first, with every reason; and who cannot, with why.
#[utoipa::path(get, path = "/api/v1/cases/{id}/allocation-suggestions", params(("id" = Uuid, Path)), responses((status = 200, body = Suggestions), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_suggestions(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<Suggestions>, ApiError> {
    me.authorize_case(&state, id).await?;
    let s = workload::suggest(&state.store, &state.config.workload, id, None, today()).await?;
    Ok(Json(Suggestions {
        case_id: id,
        work_item: s.weight.item.code().into(),
        points: s.weight.points.0 as f64 / 100.0,
        needs: s.needs_skills.iter().map(|k| k.code().to_string()).collect(),
        next_deadline: s.next_deadline.map(|d| d.to_string()),
        ranked: s
            .ranked
            .iter()
            .enumerate()
            .map(|(i, (w, r))| SuggestionJson {
                rank: i + 1,
                staff_id: w.member.id,
                name: w.member.name.clone(),
                score: r.score,
                percent_now: w.load.percent,
                percent_after: r.load_after.percent,
                band_after: r.load_after.band.code().into(),
                reasons: r.reasons.iter().map(|x| ReasonJson { text: x.text.clone(), score: x.score }).collect(),
            })
            .collect(),
        ineligible: s.ineligible.iter().map(|(w, why, text)| IneligibleJson { staff_id: w.member.id, name: w.member.name.clone(), reason: why.code().into(), detail: text.clone() }).collect(),
    }))
}
