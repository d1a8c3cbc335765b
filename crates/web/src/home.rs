//! The home page: the worker's open tasks across their cases, soonest first, and the ways in.
//! This is My Work: the individual's load and band, cases by next court date, court work,
//! autonomy and offers of work; and for managers what waits for them.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use hearth_domain::access::Permission;
use hearth_store::PageRequest;

use crate::cases::pages::{TaskRow, task_row};
use crate::dates::today;
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
    /// Each alert with where it leads: the case, or for a case offered to the reader and not
    /// yet theirs, the offer (the case would refuse them).
    alerts: Vec<(hearth_store::cases::Alert, Option<(String, &'static str)>)>,
    links: Vec<(&'static str, &'static str, &'static str)>,
    /// The caller's court work not yet filed: their drafting list.
    work: Vec<WorkRow>,
    /// Work by the people they manage, waiting for their sign-off.
    sign_off: Vec<WorkRow>,
    /// Dip samples of the people they manage not yet done: (due this period, overdue).
    samples: (usize, usize),
    /// Their own load, band and cases by next court date, when they carry cases.
    load: Option<MyLoad>,
    /// Their standing per work type: "2 of 3 towards section 7 report autonomy".
    autonomy: Vec<(String, String, bool)>,
    /// Offers of work from the pool waiting for their answer.
    offers_open: usize,
    /// Their mandatory training as a tag, and the policies they have still to confirm:
    /// (id, title, version). None when nothing is required of them.
    training: Option<(crate::components::Tag, Vec<(uuid::Uuid, String, i64)>)>,
    /// The open pulse survey they have not answered: (title, closes on).
    pulse: Option<(String, String)>,
    /// The new starters they are mentor buddy to: (id, name).
    mentees: Vec<(uuid::Uuid, String)>,
    /// They have an induction plan of their own.
    inducted: bool,
    /// Actions from team meetings they own, not yet past: (team, meeting, title, due).
    meeting_actions: Vec<(uuid::Uuid, uuid::Uuid, String, String)>,
    /// In the office today (recorded or not), and, for new starters and anyone on an improvement
    /// plan, the expectation against what they recorded over four weeks. None without a team.
    office: Option<(bool, Option<String>)>,
    /// Leave waiting for their decision: (request, who, when).
    leave_waiting: Vec<(uuid::Uuid, String, String)>,
    /// Expense claims waiting for this manager: (claim, who, total).
    claims_waiting: Vec<(uuid::Uuid, String, String)>,
    /// Return-to-work interviews to hold: (episode, who, due, overdue).
    interviews: Vec<(uuid::Uuid, String, String, bool)>,
    /// Sickness reviews to decide: (person, who, what).
    reviews: Vec<(uuid::Uuid, String, String)>,
    /// National announcements not yet read: (id, title, words as HTML, from, when).
    announcements: Vec<(uuid::Uuid, String, String, String, String)>,
    /// Chat messages from others not yet seen.
    unread_messages: i64,
}

struct MyLoad {
    band: crate::components::Tag,
    text: String,
    cases: Vec<(uuid::Uuid, String, String, String)>,
    away: Option<String>,
    /// When their next supervision is due: a tag and words.
    supervision: (crate::components::Tag, String),
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
        due: w.due_on.map(crate::dates::short_date).unwrap_or_else(|| "No date set".into()),
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
    if me.can(Permission::ViewMyPeople) {
        links.push(("/my-people", "My People", "Your team at a glance: load and band, cases, tasks, reports due, autonomy, samples and leave."));
    }
    if me.can(Permission::ViewInsight) {
        links.push(("/insight", "Key figures", "Allocation times, unallocated work, filing, grades, workload bands, closures and how long proceedings take."));
    }
    if me.can(Permission::ViewWorkload) {
        links.push(("/my/workload", "Your workload", "Your cases and what each weighs, your capacity, duties and time away."));
    }
    if me.can(Permission::ViewLeave) {
        links.push(("/my/leave", "Your leave", "Your balance and how it adds up, and asking for leave."));
    }
    if me.can(Permission::ViewSickness) {
        links.push(("/my/sickness", "Your sickness record", "Report sickness, and see your episodes and return-to-work interviews."));
    }
    if me.can(Permission::ClaimExpenses) {
        links.push(("/my/expenses", "Your expenses", "Claim mileage for your visits, and parking or fares with a photo of the receipt."));
    }
    if me.can(Permission::ExportPayroll) {
        links.push(("/payroll/expenses", "Expenses for payroll", "Approved claims, exported month by month so each is paid once."));
    }
    if me.can(Permission::ViewSicknessFigures) {
        links.push(("/insight/sickness", "Sickness figures", "What sickness costs and the days lost per full-time equivalent, month by month."));
    }
    if me.can(Permission::ViewTeamLeave) && me.principal.placement.team_id.is_some() {
        links.push(("/my/team-leave", "Team leave calendar", "Who in your team is away, day by day."));
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
    links.push(("/training", "Training", "Courses, and where you stand on the ones your role must keep up to date."));
    links.push(("/pulse", "Wellbeing pulse", "A few questions each quarter on how you are, answered without your name."));
    links.push(("/policies", "Policies", "The service's practice policies, and confirming you have read each new version."));
    links.push(("/account", "Your account", "Your details, and signing out on every device."));
    let page = hearth_store::cases::open_tasks_for(&state.store, me.id(), PageRequest::new(Some(1), Some(10))).await?;
    let today = today();
    let tasks = page.items.iter().map(|t| (t.case_id, t.case_reference.clone(), task_row(t, today, &state.config.calendar))).collect();
    let alerts = hearth_store::cases::alerts_for(&state.store, me.id()).await?;
    let (announcements, unread_messages) = tokio::try_join!(crate::teamrooms::unread(&state, &me), crate::teamrooms::chat::unread(&state, &me))?;
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
    let settings = &state.config.workload;
    let (mine, supervised) = tokio::try_join!(hearth_store::workload::worker_load(&state.store, settings, me.id(), today), hearth_store::people::facts_for(&state.store, me.id()))?;
    let load = (mine.member.practitioner || !mine.cases.is_empty()).then(|| {
        let mut cases: Vec<_> = mine.cases.iter().collect();
        cases.sort_by_key(|c| (c.next_deadline.is_none(), c.next_deadline, c.reference.clone()));
        MyLoad {
            band: crate::workload::band_tag(mine.load.band),
            text: crate::workload::load_text(&mine.load),
            cases: cases
                .iter()
                .map(|c| (c.id, c.reference.clone(), c.weight.item.label().to_string(), c.next_deadline.map(crate::dates::short_date).unwrap_or_else(|| "None set".into())))
                .collect(),
            away: mine.away_now.as_ref().map(|a| format!("{} until {}", a.kind.label(), crate::dates::long_date(a.last))),
            supervision: crate::people::standing_text(&supervised, &state.config.supervision),
        }
    });
    let autonomy = if me.can(Permission::ViewAutonomy) && load.is_some() {
        hearth_store::quality::standing(&state.store, me.id())
            .await?
            .iter()
            .filter(|(_, a)| a.authorised || a.streak > 0)
            .map(|(t, a)| (t.label().to_string(), a.describe(*t, &state.config.autonomy), a.authorised))
            .collect()
    } else {
        vec![]
    };
    let training = {
        use hearth_store::people::training::{Whose, attestations, requirements};
        let (mut reqs, mut policies) = tokio::try_join!(requirements(&state.store, Whose::Person(me.id())), attestations(&state.store, Whose::Person(me.id())))?;
        let (reqs, policies) = (reqs.remove(&me.id()).unwrap_or_default(), policies.remove(&me.id()).unwrap_or_default());
        let summary = hearth_domain::people::training::TrainingSummary::of(crate::people::training::standings(&state, &reqs));
        let unconfirmed: Vec<_> = policies.into_iter().filter(|a| a.attested_at.is_none()).map(|a| (a.policy_id, a.title, a.number)).collect();
        (summary.required > 0 || !unconfirmed.is_empty()).then(|| (crate::people::training::summary_tag(summary), unconfirmed))
    };
    let pulse = match hearth_store::people::pulse::open_on(&state.store, today).await? {
        Some(s) if !hearth_store::people::pulse::has_taken(&state.store, s.id, me.id()).await? => Some((s.title, crate::dates::long_date(s.closes_on))),
        _ => None,
    };
    let (mentees, inducted) = tokio::try_join!(hearth_store::people::induction::mentees_of(&state.store, me.id()), hearth_store::people::induction::mentor_of(&state.store, me.id()))?;
    let (mentees, inducted) = (mentees.into_iter().map(|m| (m.id, m.name)).collect(), inducted.is_some());
    let meeting_actions = hearth_store::people::meetings::actions_for(&state.store, me.id(), today)
        .await?
        .into_iter()
        .map(|(team, meeting, title, due)| (team, meeting, title, due.map(crate::dates::long_date).unwrap_or_else(|| "No date".into())))
        .collect();
    let leave_waiting = if me.can(Permission::ApproveLeave) {
        hearth_store::people::leave::waiting_for(&state.store, me.id(), today).await?.into_iter().map(|r| (r.id, r.staff.name.clone(), r.when())).collect()
    } else {
        vec![]
    };
    let claims_waiting = if me.can(Permission::ApproveExpenses) {
        hearth_store::people::expenses::waiting_for(&state.store, me.id(), today).await?.into_iter().map(|c| (c.id, c.staff.name.clone(), hearth_domain::people::sickness::money(c.total_pence))).collect()
    } else {
        vec![]
    };
    let (interviews, reviews) = if me.can(Permission::ManageSickness) {
        let (i, r) = tokio::try_join!(hearth_store::people::sickness::interviews_waiting(&state.store, me.id()), hearth_store::people::sickness::reviews_waiting(&state.store, me.id()))?;
        (
            i.into_iter().map(|(e, who, due)| (e, who.name, crate::dates::long_date(due), due < today)).collect(),
            r.into_iter().map(|r| (r.staff.id, r.staff.name.clone(), r.kind.label().to_string())).collect(),
        )
    } else {
        (vec![], vec![])
    };
    let offers = hearth_store::workload::offers::for_worker(&state.store, me.id()).await?;
    let offers_open = offers.iter().filter(|o| o.status == hearth_domain::workload::OfferStatus::Open).count();
    let alerts = alerts
        .into_iter()
        .map(|a| {
            let offered = a.case_id.and_then(|c| offers.iter().find(|o| o.case_id == c && o.status != hearth_domain::workload::OfferStatus::Accepted));
            let link = match (offered, a.case_id) {
                (Some(o), _) => Some((format!("/my/offers/{}", o.id), "See the offer")),
                (None, Some(c)) => Some((format!("/cases/{c}"), "Go to the case")),
                (None, None) => a.link.clone().map(|l| (l, "See more")),
            };
            (a, link)
        })
        .collect();
    let office = match me.principal.placement.team_id {
        Some(_) => {
            let (in_today, line) = tokio::try_join!(async { Ok::<_, AppError>(hearth_store::people::office::recorded_on(&state.store, me.id(), today).await?) }, crate::people::office::expectation(&state, me.id(), &supervised))?;
            Some((in_today, line))
        }
        None => None,
    };
    Ok(render(&HomePage { shell: ctx.shell("Home"), name: me.principal.name.clone(), tasks, tasks_total: page.total, alerts, links, work, sign_off, samples, load, autonomy, offers_open, training, pulse, mentees, inducted, meeting_actions, office, leave_waiting, claims_waiting, interviews, reviews, announcements, unread_messages }))
}
