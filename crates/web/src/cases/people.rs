//! Likely duplicate people (same name and date of birth) in cases a manager can see, and merging
//! them. Both records must be within the manager's grant.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_domain::FieldError;
use hearth_domain::access::Permission;
use hearth_store::StoreError;
use hearth_store::cases;
use uuid::Uuid;

use super::visibility;
use crate::dates::long_date;
use crate::components::ErrorSummary;
use crate::form::Form;
use crate::page::{PageCtx, Shell, render, render_with};
use crate::session::Ctx;
use crate::{AppError, AppState};

pub struct PairView {
    pub index: usize,
    pub name: String,
    pub born: String,
    /// Both ids, for the form: "first,second".
    pub pair: String,
    /// (person id, the cases it is in)
    pub records: Vec<(Uuid, String)>,
}

#[derive(Template)]
#[template(path = "people/duplicates.html")]
struct DuplicatesPage {
    shell: Shell,
    errors: Option<ErrorSummary>,
    pairs: Vec<PairView>,
}

async fn page(state: &AppState, ctx: &PageCtx, me: &Ctx, errors: &[FieldError]) -> Result<DuplicatesPage, AppError> {
    let visible = Some(visibility(state, me, Permission::MergePeople).await?);
    let found = cases::likely_duplicates(&state.store, &visible, 50).await?;
    let pairs = found
        .into_iter()
        .enumerate()
        .map(|(index, d)| {
            let cases = |p: &cases::PersonSummary| if p.cases.is_empty() { "no case".to_string() } else { p.cases.join(", ") };
            PairView {
                index,
                name: d.first.full_name.clone(),
                born: d.first.date_of_birth.map(long_date).unwrap_or_default(),
                pair: format!("{},{}", d.first.id, d.second.id),
                records: vec![(d.first.id, cases(&d.first)), (d.second.id, cases(&d.second))],
            }
        })
        .collect();
    Ok(DuplicatesPage { shell: ctx.shell("Possible duplicate people"), errors: (!errors.is_empty()).then(|| ErrorSummary::of(errors)), pairs })
}

pub async fn duplicates(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    Ok(render(&page(&state, &ctx, &me, &[]).await?))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct MergeForm {
    /// The two records' ids, comma-separated, as the duplicates page lists them.
    pair: String,
    /// The record chosen to keep: a radio, not sent when none is chosen.
    keep: Option<Uuid>,
}

pub async fn merge(State(state): State<AppState>, ctx: PageCtx, me: Ctx, Form(f): Form<MergeForm>) -> Result<Response, AppError> {
    let ids: Vec<Uuid> = f.pair.split(',').filter_map(|s| Uuid::parse_str(s).ok()).collect();
    let keep = f.keep;
    let (keep, remove) = match (ids.as_slice(), keep) {
        ([a, b], Some(k)) if k == *a || k == *b => (k, if k == *a { *b } else { *a }),
        _ => {
            let errors = [FieldError::new("keep", "Choose which record to keep")];
            return Ok(render_with(axum::http::StatusCode::BAD_REQUEST, &page(&state, &ctx, &me, &errors).await?));
        }
    };
    let visible = Some(visibility(&state, &me, Permission::MergePeople).await?);
    for person in [keep, remove] {
        if !cases::person_is_visible(&state.store, person, &visible).await? {
            return Err(AppError::Forbidden);
        }
    }
    match cases::merge_people(&state.store, &me.audit, keep, remove).await {
        Ok(_) => Ok(Redirect::to("/people/duplicates").into_response()),
        Err(StoreError::NotEditable(why)) => {
            let errors = [FieldError::new("keep", why)];
            Ok(render_with(axum::http::StatusCode::BAD_REQUEST, &page(&state, &ctx, &me, &errors).await?))
        }
        Err(e) => Err(e.into()),
    }
}
