//! The home page: the worker's open tasks across their cases, soonest first, and the ways in.
//! It grows into My Work when workload arrives.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use hearth_domain::access::Permission;
use hearth_store::PageRequest;

use crate::cases::pages::{TaskRow, task_row};
use crate::cases::today;
use crate::page::{PageCtx, Shell, render};
use crate::session::Ctx;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    shell: Shell,
    name: String,
    tasks: Vec<(uuid::Uuid, String, TaskRow)>,
    tasks_total: i64,
    alerts: Vec<hearth_store::cases::Alert>,
    links: Vec<(&'static str, &'static str, &'static str)>,
    /// The caller's court work not yet filed: their drafting list.
    work: Vec<WorkRow>,
    /// Work by the people they manage, waiting for their sign-off.
    sign_off: Vec<WorkRow>,
    /// Dip samples of the people they manage not yet done: (due this period, overdue).
    samples: (usize, usize),
}

struct WorkRow {
    id: uuid::Uuid,
    title: String,
    reference: String,
    author: String,
    due: String,
    status: crate::components::Tag,
}

fn work_row(w: &hearth_store::courtwork::Work) -> WorkRow {
    WorkRow {
        id: w.id,
        title: w.work_type.label().into(),
        reference: w.case_reference.clone(),
        author: w.author.name.clone(),
        due: w.due_on.map(crate::cases::short_date).unwrap_or_else(|| "No date set".into()),
        status: crate::courtwork::pages::status_tag(w.status),
    }
}

pub async fn home(State(state): State<AppState>, ctx: PageCtx, me: Ctx) -> Result<Response, AppError> {
    let mut links = Vec::new();
    if me.can(Permission::ViewCase) {
        links.push(("/cases", "Cases", "Your cases, your team's cases, and search by reference or name."));
    }
    if me.can(Permission::AllocateCase) {
        links.push(("/cases/hub", "Allocation hub", "Cases waiting for a worker, longest waiting first."));
    }
    if me.can(Permission::MergePeople) {
        links.push(("/people/duplicates", "Possible duplicate people", "Records with the same name and date of birth, to check and merge."));
    }
    if me.can(Permission::CreateCase) {
        links.push(("/cases/new", "Open a case", "Record a new application from the court."));
    }
    if me.can(Permission::ViewDirectory) {
        links.push(("/staff", "Find a colleague", "Search the staff directory by name or team."));
        links.push(("/org", "Organisation", "Service areas, teams, offices and courts."));
    }
    if me.can(Permission::ManageStaff) {
        links.push(("/admin/staff/new", "Add a member of staff", "Create an account for a new starter."));
    }
    if me.can(Permission::ViewAudit) {
        links.push(("/admin/audit", "Audit trail", "Who viewed a record, and what someone did."));
    }
    if me.can(Permission::ViewAutonomy) {
        links.push(("/my/autonomy", "Your earned autonomy", "Which kinds of court work you file without sign-off, and how close you are."));
    }
    if me.can(Permission::ViewQualityInsight) {
        links.push(("/quality", "Quality", "Grades by quarter, work filed on time and autonomy held, with charts and CSV."));
    }
    if me.can(Permission::SampleWork) {
        links.push(("/samples", "Dip samples", "This period's samples of your team's filed work: due, overdue and done."));
    }
    if me.can(Permission::ManageTemplates) {
        links.push(("/admin/templates", "Court work templates", "The sections of each report and letter, for the whole service."));
    }
    links.push(("/account", "Your account", "Your details, and signing out on every device."));
    let page = hearth_store::cases::open_tasks_for(&state.store, me.id(), PageRequest::new(Some(1), Some(10))).await?;
    let today = today();
    let tasks = page.items.iter().map(|t| (t.case_id, t.case_reference.clone(), task_row(t, today, &state.config.calendar))).collect();
    let alerts = hearth_store::cases::alerts_for(&state.store, me.id()).await?;
    let work = hearth_store::courtwork::unfiled_for(&state.store, me.id()).await?.iter().map(work_row).collect();
    let reports = if me.can(Permission::ApproveWork) || me.can(Permission::SampleWork) { hearth_store::org::reports_of(&state.store, me.id()).await? } else { vec![] };
    let sign_off = if me.can(Permission::ApproveWork) { hearth_store::courtwork::awaiting_sign_off(&state.store, &reports).await?.iter().map(work_row).collect() } else { vec![] };
    let samples = if me.can(Permission::SampleWork) {
        let open: Vec<_> = hearth_store::quality::samples::for_workers(&state.store, &reports).await?.into_iter().filter(|s| !s.done()).collect();
        let overdue = open.iter().filter(|s| s.overdue(today)).count();
        (open.len() - overdue, overdue)
    } else {
        (0, 0)
    };
    Ok(render(&HomePage { shell: ctx.shell("Home"), name: me.principal.name.clone(), tasks, tasks_total: page.total, alerts, links, work, sign_off, samples }))
}
