//! Improvement plans under the person (`/staff/{id}/improvement-plans`): the list, opening one
//! with an HR partner, and one plan with its reviews, a review, and closing it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_domain::people::improvement::{CloseForm, PlanForm, PlanOutcome, ReviewForm};
use hearth_store::StoreError;
use hearth_store::people::plans::{self, Plan};
use uuid::Uuid;

use crate::components::{Choices, DateInput, Select, Textarea};
use crate::dates::{long_date, today};
use crate::form::{Form, FormPage, form_page, show};
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "people/plans.html")]
struct ListPage {
    shell: Shell,
    id: Uuid,
    name: String,
    own: bool,
    /// (plan id, opened, state words)
    plans: Vec<(Uuid, String, String)>,
    can_open: bool,
}

pub async fn list(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let (record, list, can_open) = tokio::try_join!(
        async { Ok::<_, AppError>(hearth_store::org::staff_record(&state.store, id).await?) },
        async { Ok(plans::list_for(&state.store, id).await?) },
        async { Ok(me.may_for_staff(&state, Permission::ManageImprovementPlan, id).await) },
    )?;
    hearth_store::audit::record(&state.store, &me.audit, hearth_store::audit::Event::success("improvement_plan.listed").about("staff", id)).await?;
    let own = id == me.id();
    let open = list.iter().any(|p| p.closed_on.is_none());
    Ok(render(&ListPage {
        shell: ctx.shell(if own { "Your improvement plans".to_string() } else { format!("Improvement plans – {}", record.name) }),
        id,
        name: record.name,
        own,
        plans: list
            .iter()
            .map(|p| {
                let state = match (p.closed_on, p.outcome) {
                    (Some(on), Some(o)) => format!("Closed {}: {}", long_date(on), o.label()),
                    (Some(on), None) => format!("Closed {}", long_date(on)),
                    (None, _) => format!("Open: next review {}", long_date(p.next_review_on)),
                };
                (p.id, long_date(p.opened_on), state)
            })
            .collect(),
        can_open: can_open && !open,
    }))
}

async fn open_page(state: &AppState, ctx: &PageCtx, id: Uuid, f: &PlanForm, errors: &[FieldError]) -> Result<FormPage, AppError> {
    let (record, partners) = tokio::try_join!(async { Ok::<_, AppError>(hearth_store::org::staff_record(&state.store, id).await?) }, async { Ok(plans::hr_partners(&state.store).await?) })?;
    let mut page = form_page(ctx, "Open an improvement plan", format!("/staff/{id}/improvement-plans"), errors);
    page.back = format!("/staff/{id}/improvement-plans");
    page.caption = Some(record.name);
    page.intro = Some("Agree the plan with HR first. While it is open they are supervised every few weeks. Only they, their line managers and HR can read it.".into());
    let options: Vec<(String, String)> = partners.iter().map(|p| (p.id.to_string(), p.name.clone())).collect();
    page.fields = vec![
        Textarea::new("goals", "Goals").hint("What must improve, and how you will both know it has.").rows(5).value(&f.goals).errors(errors).to_string(),
        Textarea::new("support", "Support offered").hint("For example, weekly check-ins, a mentor, training.").rows(4).value(&f.support).errors(errors).to_string(),
        DateInput::new("first_review_on", "First review").hint("Within 90 days.").value(&f.first_review_on).errors(errors).to_string(),
        Select::new("hr_partner", "HR partner", Some("Choose"), &options, &f.hr_partner).errors(errors).to_string(),
    ];
    page.button = "Open the plan".into();
    Ok(page)
}

pub async fn open_form(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    Ok(show(&open_page(&state, &ctx, id, &PlanForm::default(), &[]).await?, &[]))
}

pub async fn open(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path(id): Path<Uuid>, Form(f): Form<PlanForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let errors = match f.validate(today()) {
        Ok(d) => match plans::open(&state.store, &me.audit, id, me.id(), &d).await {
            Ok(plan) => return Ok(crate::saved::redirect(&state, &format!("/staff/{id}/improvement-plans/{plan}"), crate::saved::Saved::PlanOpened)),
            Err(StoreError::Refused(e)) => vec![e],
            Err(e) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    Ok(show(&open_page(&state, &ctx, id, &f, &errors).await?, &errors))
}

#[derive(Template)]
#[template(path = "people/plan.html")]
struct PlanPage {
    shell: Shell,
    p: Plan,
    opened: String,
    next_review: String,
    closed: Option<String>,
    reviews: Vec<(String, String, String, String)>,
    can_manage: bool,
    errors: Option<crate::components::ErrorSummary>,
    review_fields: String,
    close_fields: String,
}

async fn plan_view(state: &AppState, ctx: &PageCtx, me: &Ctx, id: Uuid, plan: Uuid, review: &ReviewForm, close: &CloseForm, errors: &[FieldError]) -> Result<Response, AppError> {
    let p = plans::view(&state.store, &me.audit, id, plan).await?;
    let can_manage = p.closed_on.is_none() && me.may_for_staff(state, Permission::ManageImprovementPlan, id).await;
    let outcomes: Vec<(&str, &str)> = PlanOutcome::ALL.iter().map(|o| (o.code(), o.label())).collect();
    let page = PlanPage {
        shell: ctx.shell(format!("Improvement plan – {}", p.worker.name)),
        opened: long_date(p.opened_on),
        next_review: long_date(p.next_review_on),
        closed: p.closed_on.map(|on| format!("{}: {}", long_date(on), p.outcome.map(|o| o.label()).unwrap_or_default())),
        reviews: p.reviews.iter().map(|r| (long_date(r.reviewed_on), r.progress.clone(), long_date(r.next_review_on), r.recorded_by.name.clone())).collect(),
        can_manage,
        errors: (!errors.is_empty()).then(|| crate::components::ErrorSummary::of(errors)),
        review_fields: [
            Textarea::new("progress", "Progress since the last review").rows(4).value(&review.progress).errors(errors).to_string(),
            DateInput::new("next_review_on", "Next review").hint("Within 90 days.").value(&review.next_review_on).errors(errors).to_string(),
        ]
        .concat(),
        close_fields: [
            Choices::new(true, "outcome", "How did it end?", &outcomes, std::slice::from_ref(&close.outcome)).errors(errors).to_string(),
            Textarea::new("summary", "Summary").rows(3).value(&close.summary).errors(errors).to_string(),
        ]
        .concat(),
        p,
    };
    Ok(if errors.is_empty() { render(&page) } else { render_with(axum::http::StatusCode::BAD_REQUEST, &page) })
}

pub async fn view(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, plan)): Path<(Uuid, Uuid)>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    plan_view(&state, &ctx, &me, id, plan, &ReviewForm::default(), &CloseForm::default(), &[]).await
}

fn stale(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict { .. } => AppError::Conflict("Someone else changed this plan after you opened it. Nothing was saved. Open it again to see their change.".into()),
        e => e.into(),
    }
}

pub async fn review(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, plan)): Path<(Uuid, Uuid)>, Form(f): Form<ReviewForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let version = crate::form::version(f.version.trim().parse().ok())?;
    match f.validate(today()) {
        Ok(r) => {
            plans::review(&state.store, &me.audit, id, plan, version, me.id(), &r).await.map_err(stale)?;
            Ok(crate::saved::redirect(&state, &format!("/staff/{id}/improvement-plans/{plan}"), crate::saved::Saved::PlanReviewed))
        }
        Err(errors) => plan_view(&state, &ctx, &me, id, plan, &f, &CloseForm::default(), &errors).await,
    }
}

pub async fn close(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Path((id, plan)): Path<(Uuid, Uuid)>, Form(f): Form<CloseForm>) -> Result<Response, AppError> {
    me.authorize_staff(&state, id).await?;
    let version = crate::form::version(f.version.trim().parse().ok())?;
    match f.validate() {
        Ok((outcome, summary)) => {
            plans::close(&state.store, &me.audit, id, plan, version, outcome, &summary).await.map_err(stale)?;
            Ok(crate::saved::redirect(&state, &format!("/staff/{id}/improvement-plans/{plan}"), crate::saved::Saved::PlanClosed))
        }
        Err(errors) => plan_view(&state, &ctx, &me, id, plan, &ReviewForm::default(), &f, &errors).await,
    }
}
