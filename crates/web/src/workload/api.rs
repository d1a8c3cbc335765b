//! The workload API: one person's weighted caseload and a team's My People snapshot.

use axum::Json;
use axum::extract::{Path, State};
use hearth_domain::workload::Points;
use hearth_store::workload::{self, WorkerLoad};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::dates::today;
use crate::error::{ApiError, Problem};
use crate::session::Ctx;
use crate::AppState;

#[derive(Serialize, ToSchema)]
pub struct CaseWeight {
    pub case_id: Uuid,
    pub reference: String,
    /// The kind of work the weighting tool counts it as.
    pub work_item: String,
    pub base_points: f64,
    /// Complexity factors, each in percent added.
    pub factors: Vec<WeightFactor>,
    pub points: f64,
    pub next_deadline: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WeightFactor {
    pub label: String,
    pub percent: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Workload {
    pub staff_id: Uuid,
    pub name: String,
    pub points: f64,
    pub capacity: f64,
    pub percent: i64,
    /// `green`, `amber`, `high_amber`, `red` or `high_red`.
    pub band: String,
    pub band_label: String,
    pub case_cap: Option<i64>,
    pub newly_qualified: bool,
    pub away_now: bool,
    pub cases: Vec<CaseWeight>,
}

fn points(p: Points) -> f64 {
    p.0 as f64 / 100.0
}

fn workload_json(w: &WorkerLoad) -> Workload {
    Workload {
        staff_id: w.member.id,
        name: w.member.name.clone(),
        points: points(w.load.points),
        capacity: points(w.load.capacity),
        percent: w.load.percent,
        band: w.load.band.code().into(),
        band_label: w.load.band.label().into(),
        case_cap: w.case_cap,
        newly_qualified: w.newly_qualified,
        away_now: w.away_now.is_some(),
        cases: w
            .cases
            .iter()
            .map(|c| CaseWeight {
                case_id: c.id,
                reference: c.reference.clone(),
                work_item: c.weight.item.code().into(),
                base_points: points(c.weight.base),
                factors: c.weight.factors.iter().map(|f| WeightFactor { label: f.label.clone(), percent: f.percent }).collect(),
                points: points(c.weight.points),
                next_deadline: c.next_deadline.map(|d| d.to_string()),
            })
            .collect(),
    }
}

/// A person's workload: every open case they carry with its weight and how it was reached, their
/// capacity and band.
#[utoipa::path(get, path = "/api/v1/staff/{id}/workload", params(("id" = Uuid, Path)), responses((status = 200, body = Workload), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_workload(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<Workload>, ApiError> {
    me.authorize_staff(&state, id).await?;
    hearth_store::org::view_staff_record(&state.store, &me.audit, id).await?;
    let w = workload::worker_load(&state.store, &state.config.workload, id, today()).await?;
    Ok(Json(workload_json(&w)))
}

#[derive(Serialize, ToSchema)]
pub struct PersonSnapshot {
    pub workload: Workload,
    pub overdue_tasks: i64,
    pub reports_due_2_weeks: usize,
    /// Work types they file without sign-off.
    pub autonomous_in: Vec<String>,
    pub samples_due: i64,
    pub samples_overdue: i64,
    /// Current or next time away: `kind first..last`.
    pub leave: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MyPeople {
    pub team_id: Uuid,
    pub team: String,
    pub people: Vec<PersonSnapshot>,
    /// People placed in the team who have left but still hold open cases: theirs need moving.
    pub leavers: Vec<Leaver>,
}

#[derive(Serialize, ToSchema)]
pub struct Leaver {
    pub staff_id: Uuid,
    pub name: String,
    pub open_cases: i64,
}

/// A team's snapshot: everyone's load and band, overdue tasks, reports due in two weeks,
/// autonomy, dip samples and leave.
#[utoipa::path(get, path = "/api/v1/teams/{id}/my-people", params(("id" = Uuid, Path)), responses((status = 200, body = MyPeople), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn api_my_people(State(state): State<AppState>, me: Ctx, Path(id): Path<Uuid>) -> Result<Json<MyPeople>, ApiError> {
    let team = hearth_store::org::team(&state.store, id).await?;
    me.authorize_team(&state, team.id, team.service_area.id).await?;
    let (rows, leavers) = tokio::try_join!(workload::my_people(&state.store, &state.config.workload, id, today()), hearth_store::cases::facts::held_by_leavers(&state.store, id))?;
    Ok(Json(MyPeople {
        team_id: id,
        team: team.name,
        leavers: leavers.into_iter().map(|(who, open_cases)| Leaver { staff_id: who.id, name: who.name, open_cases }).collect(),
        people: rows
            .iter()
            .map(|r| PersonSnapshot {
                workload: workload_json(&r.worker),
                overdue_tasks: r.overdue_tasks,
                reports_due_2_weeks: r.reports_due_2_weeks,
                autonomous_in: r.autonomy.iter().filter(|(_, a)| a.authorised).map(|(t, _)| t.code().to_string()).collect(),
                samples_due: r.samples_due,
                samples_overdue: r.samples_overdue,
                leave: r.worker.away_now.as_ref().or(r.worker.next_away()).map(|a| format!("{} {}..{}", a.kind.code(), a.first, a.last)),
            })
            .collect(),
    }))
}
