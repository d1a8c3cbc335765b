//! The hot-desk API: an office's desks on a day, booking, checking in and cancelling. Each acts
//! for the caller alone; another person's booking answers 404.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use hearth_domain::FieldError;
use hearth_domain::workplace::DeskFeatures;
use hearth_store::workplace::{self as store, Ask};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::json;
use crate::error::{ApiError, Problem};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DeskDayParams {
    /// `YYYY-MM-DD`; today when left out.
    pub date: String,
}

#[derive(Serialize, ToSchema)]
pub struct DeskFeaturesItem {
    pub accessible: bool,
    pub standing: bool,
    pub dual_screen: bool,
    pub quiet: bool,
}

impl From<DeskFeatures> for DeskFeaturesItem {
    fn from(f: DeskFeatures) -> Self {
        Self { accessible: f.accessible, standing: f.standing, dual_screen: f.dual_screen, quiet: f.quiet }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DeskItem {
    pub id: Uuid,
    pub label: String,
    pub zone: String,
    pub features: DeskFeaturesItem,
    /// Column and row on the floor plan, from 1.
    pub column: i64,
    pub row: i64,
    pub free: bool,
    /// The caller holds it that day.
    pub mine: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DeskDayPage {
    pub office_id: Uuid,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub items: Vec<DeskItem>,
    pub total: i64,
    pub free: i64,
}

fn day_of(field: &'static str, text: &str, or: time::Date) -> Result<time::Date, ApiError> {
    if text.trim().is_empty() {
        return Ok(or);
    }
    hearth_domain::org::parse_date(field, "the date", text).map_err(|e| ApiError(AppError::Invalid(vec![e])))
}

#[utoipa::path(get, path = "/api/v1/offices/{id}/desks", params(("id" = Uuid, Path), DeskDayParams), responses((status = 200, body = DeskDayPage), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn desks(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>, Query(q): Query<DeskDayParams>) -> Result<Json<DeskDayPage>, ApiError> {
    let day = day_of("date", &q.date, crate::dates::today())?;
    let plan = store::day_plan(&state.store, id, day).await?;
    if plan.is_empty() && !hearth_store::org::offices(&state.store).await?.iter().any(|o| o.id == id) {
        return Err(ApiError(AppError::NotFound));
    }
    let items: Vec<DeskItem> = plan
        .into_iter()
        .map(|d| DeskItem {
            mine: d.holder.as_ref().is_some_and(|h| h.staff_id == me.id()),
            free: d.holder.is_none(),
            id: d.desk.id,
            label: d.desk.label,
            zone: d.desk.zone,
            features: d.desk.features.into(),
            column: d.desk.plan_x + 1,
            row: d.desk.plan_y + 1,
        })
        .collect();
    Ok(Json(DeskDayPage { office_id: id, date: day.to_string(), total: items.len() as i64, free: items.iter().filter(|d| d.free).count() as i64, items }))
}

/// A desk to book: the office and day, and a desk or the first free one.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct BookingBody {
    pub office_id: Option<Uuid>,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Leave out for the first free desk that suits the caller.
    pub desk_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct BookingItem {
    pub id: Uuid,
    pub desk_id: Uuid,
    pub desk_label: String,
    pub office_id: Uuid,
    pub office: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `booked`, `checked_in`, `cancelled` or `released`.
    pub status: String,
}

impl From<store::Booking> for BookingItem {
    fn from(b: store::Booking) -> Self {
        Self { id: b.id, desk_id: b.desk_id, desk_label: b.desk_label, office_id: b.office_id, office: b.office_name, date: b.day.to_string(), status: b.status.code().into() }
    }
}

#[utoipa::path(post, path = "/api/v1/desk-bookings", request_body = BookingBody, responses((status = 201, body = BookingItem), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn book(State(state): State<AppState>, me: Ctx, body: String) -> Result<(StatusCode, Json<BookingItem>), ApiError> {
    let b: BookingBody = json(&body)?;
    let office = b.office_id.ok_or_else(|| ApiError(AppError::Invalid(vec![FieldError::new("office_id", "Give the office to book at")])))?;
    if b.date.trim().is_empty() {
        return Err(ApiError(AppError::Invalid(vec![FieldError::new("date", "Give the date to book")])));
    }
    let day = day_of("date", &b.date, crate::dates::today())?;
    let who = super::asker(&state, &me).await?;
    let id = store::book(&state.store, &me.audit, &state.config.desks, who, Ask { office, day, desk: b.desk_id, check_in: false }).await.map_err(|e| match e {
        hearth_store::StoreError::Refused(f) if f.field == "office" || f.field == "desk" || f.field == "day" => {
            let field = match f.field.as_ref() {
                "office" => "office_id",
                "desk" => "desk_id",
                _ => "date",
            };
            ApiError(AppError::Invalid(vec![FieldError::new(field, f.message)]))
        }
        e => ApiError(e.into()),
    })?;
    Ok((StatusCode::CREATED, Json(store::booking(&state.store, id).await?.into())))
}

async fn own(state: &AppState, me: &Ctx, id: Uuid) -> Result<store::Booking, ApiError> {
    match store::booking(&state.store, id).await {
        Ok(b) if b.staff_id == me.id() => Ok(b),
        Ok(_) | Err(hearth_store::StoreError::NotFound) => Err(ApiError(AppError::NotFound)),
        Err(e) => Err(ApiError(e.into())),
    }
}

#[utoipa::path(post, path = "/api/v1/desk-bookings/{id}/check-in", params(("id" = Uuid, Path)), responses((status = 200, body = BookingItem), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn check_in(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<BookingItem>, ApiError> {
    own(&state, &me, id).await?;
    let who = super::asker(&state, &me).await?;
    store::check_in(&state.store, &me.audit, &state.config.desks, id, who).await?;
    Ok(Json(store::booking(&state.store, id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/desk-bookings/{id}/cancel", params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn cancel(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<StatusCode, ApiError> {
    own(&state, &me, id).await?;
    store::cancel(&state.store, &me.audit, id, me.id(), crate::dates::today()).await?;
    Ok(StatusCode::NO_CONTENT)
}
