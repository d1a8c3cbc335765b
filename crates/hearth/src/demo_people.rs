//! Demo supervision: two years of history for everyone with a line manager (most on time, some
//! late, some overdue now), and for the demo practitioner a recorded supervision that discussed a
//! case, so its management oversight shows in that case's chronology.

use anyhow::Result;
use hearth_domain::people::{Discussion, NewSupervision, SupervisionSettings, cadence};
use hearth_store::cases::facts::{self, Which};
use hearth_store::org::{self, Members, NamedRef};
use hearth_store::people::{self, DemoSupervision};
use hearth_store::{AuditContext, Store};
use rand::RngExt;
use rand::rngs::StdRng;
use time::Duration;
use uuid::Uuid;

/// `practitioner` and `manager` are the demo accounts: the practitioner's last supervision was
/// recorded through Hearth itself, about three and a half months ago, so it is overdue now.
pub async fn generate(store: &Store, rng: &mut StdRng, practitioner: Option<Uuid>, manager: Option<Uuid>) -> Result<usize> {
    let today = hearth_store::now().date();
    let settings = SupervisionSettings::default();
    let mut rows = vec![];
    for m in org::members(store, Members::Everyone).await? {
        let Some(supervisor) = m.line_manager_id else { continue };
        let facts = people::facts_for(store, m.id).await?;
        // Most are seen on time; about one in five is late now.
        let mut held = if rng.random_bool(0.2) { today - Duration::days(rng.random_range(95..140)) } else { today - Duration::days(rng.random_range(3..85)) };
        if Some(m.id) == practitioner {
            continue;
        }
        let mut n = 0;
        while held >= facts.started_on && held > today - Duration::days(730) && n < 20 {
            rows.push(DemoSupervision { worker: m.id, supervisor, held_on: held, acknowledged: held < today - Duration::days(14) || rng.random_bool(0.5) });
            let weeks = cadence(&hearth_domain::people::SupervisionFacts { last_held_on: Some(held), ..facts }, held, &settings).weeks(&settings);
            held -= Duration::weeks(weeks) + Duration::days(rng.random_range(-7..10));
            n += 1;
        }
    }
    people::load_demo(store, &rows).await?;
    if let (Some(worker), Some(manager)) = (practitioner, manager) {
        let held_on = today - Duration::days(104);
        let case = facts::facts(store, Which::CarriedBy(worker), today).await?.into_iter().filter(|c| c.received_on < held_on).min_by_key(|c| c.received_on);
        let record = org::staff_record(store, manager).await?;
        let supervision = NewSupervision {
            held_on,
            discussions: case
                .map(|c| Discussion {
                    case_id: c.id,
                    reflection: "The children's wishes are clear and well recorded. Father's engagement has been patchy since the last hearing.".into(),
                    decision: "Complete the home visit to father before the report is written; consider whether a further safeguarding check is needed.".into(),
                    action: None,
                })
                .into_iter()
                .collect(),
            wellbeing: "Managing the court list; asked for a quieter week after the final hearing.".into(),
            development: "Interested in the domestic abuse practice training.".into(),
        };
        people::record(store, &AuditContext::actor(manager, None), worker, &NamedRef { id: manager, name: record.name }, &supervision).await?;
        rows.push(DemoSupervision { worker, supervisor: manager, held_on, acknowledged: true });
    }
    Ok(rows.len())
}

/// A few open improvement plans (about one practitioner in a hundred), with the demo HR partner:
/// one of them in the demo team manager's team, so they see it from their own people.
pub async fn improvement_plans(store: &Store, hr: Uuid, manager: Uuid, practitioner: Option<Uuid>) -> Result<usize> {
    use hearth_domain::people::improvement::PlanDraft;
    let today = hearth_store::now().date();
    let mut opened = 0;
    let members = org::members(store, Members::Everyone).await?;
    let in_team = members.iter().find(|m| m.line_manager_id == Some(manager) && Some(m.id) != practitioner).map(|m| m.id);
    for (i, m) in members.iter().enumerate() {
        let Some(line) = m.line_manager_id else { continue };
        if !(i % 100 == 37 || Some(m.id) == in_team) || Some(m.id) == practitioner {
            continue;
        }
        let d = PlanDraft {
            goals: "Court reports filed by their filing dates, with analysis that weighs the evidence.\nCase records kept up to date within two working days of each visit.".into(),
            support: "Fortnightly check-ins with their manager; a senior practitioner reads each report before it is submitted; the court writing module.".into(),
            first_review_on: today + Duration::days(21 + (i as i64 % 20)),
            hr_partner: hr,
        };
        hearth_store::people::plans::open(store, &AuditContext::actor(line, None), m.id, line, &d).await?;
        opened += 1;
    }
    Ok(opened)
}

/// Induction plans for everyone who started in the last six months, each with a mentor buddy
/// from their team who has been in the service for years, and the steps of the weeks gone by
/// mostly ticked off. In the demo team, the demo practitioner mentors its newest starter, so
/// they see the plan from My Work.
pub async fn inductions(store: &Store, practitioner: Option<Uuid>) -> Result<usize> {
    use hearth_domain::people::induction::{InductionDraft, TEMPLATE, week_of};
    let today = hearth_store::now().date();
    let facts = people::facts_of_many(store, people::Whose::Everyone).await?;
    let members = org::members(store, Members::Everyone).await?;
    let team_of = |id: Uuid| members.iter().find(|m| m.id == id).and_then(|m| m.team.as_ref().map(|t| t.id));
    let demo_team = practitioner.and_then(team_of);
    let mut starters: Vec<_> = members.iter().filter(|m| facts.get(&m.id).is_some_and(|f| f.started_on > today - Duration::days(183) && f.started_on <= today)).collect();
    starters.sort_by_key(|m| m.id);
    let mut started = 0;
    for s in starters {
        let Some(team) = s.team.as_ref().map(|t| t.id) else { continue };
        let starts_on = facts[&s.id].started_on;
        let seasoned = |m: &&org::Member| m.id != s.id && m.team.as_ref().map(|t| t.id) == Some(team) && facts.get(&m.id).is_some_and(|f| f.started_on < today - Duration::days(3 * 365));
        let mentor = match practitioner {
            Some(p) if Some(team) == demo_team && p != s.id => Some(p),
            _ => members.iter().filter(seasoned).map(|m| m.id).min(),
        };
        let (Some(mentor), Some(line)) = (mentor, s.line_manager_id) else { continue };
        let d = InductionDraft { mentor, starts_on };
        let id = hearth_store::people::induction::start(store, &AuditContext::actor(line, None), s.id, line, &d, &Default::default(), &Default::default()).await?;
        // The steps of the weeks gone by, all but the last of them.
        let week = week_of(starts_on, today);
        let done = TEMPLATE.iter().filter(|(w, _, _)| *w < week).count().saturating_sub(1) as i64;
        hearth_store::people::induction::load_demo_progress(store, id, s.id, done, (starts_on + Duration::days(7 * week.min(6))).midnight().assume_utc()).await?;
        started += 1;
    }
    Ok(started)
}

/// Six months of monthly team meetings for every team: most in the office, some joining
/// remotely, a few away (on leave, in court), with an action or two each.
pub async fn team_meetings(store: &Store, rng: &mut StdRng) -> Result<usize> {
    use hearth_domain::people::meetings::{Attendance, Attendee, MeetingAction, MeetingDraft};
    let today = hearth_store::now().date();
    let mut meetings = vec![];
    for team in org::teams(store, None).await? {
        let members = org::members(store, Members::Team(team.id)).await?;
        if members.is_empty() {
            continue;
        }
        for months_ago in (0..6).rev() {
            let held_on = today - Duration::days(months_ago * 30 + rng.random_range(3..20));
            let attendees = members
                .iter()
                .map(|m| {
                    let roll: f64 = rng.random();
                    let (attendance, reason) = if roll < 0.66 {
                        (Attendance::Office, None)
                    } else if roll < 0.9 {
                        (Attendance::Remote, None)
                    } else {
                        (Attendance::Absent, Some(["Annual leave", "In court", "Unwell", "On a training course"][rng.random_range(0..4)].to_string()))
                    };
                    Attendee { staff_id: m.id, attendance, reason }
                })
                .collect();
            let actions = (0..rng.random_range(1..3))
                .map(|i| MeetingAction {
                    title: ["Share the court list for next month", "Book the safeguarding refresher", "Bring two cases for group reflection", "Check the office rota"][(i + months_ago as usize) % 4].into(),
                    owner: members[rng.random_range(0..members.len())].id,
                    due_on: Some(held_on + Duration::days(14)),
                })
                .collect();
            let agenda = "Caseloads and the allocation hub\nCourt dates this month\nPractice: the domestic abuse practice policy\nWellbeing and the pulse results".to_string();
            meetings.push((team.id, MeetingDraft { held_on, office_id: team.office.as_ref().map(|o| o.id), agenda, attendees, actions }));
        }
    }
    hearth_store::people::meetings::load_demo(store, &meetings).await?;
    Ok(meetings.len())
}

/// A year of group sessions for every team, one a quarter, alternating group supervision and
/// reflective practice, led by the team's manager with three to six of its practitioners. Drawn
/// from their own generator, so the rest of the demo is as it was.
pub async fn group_sessions(store: &Store) -> Result<usize> {
    use hearth_domain::people::group::{SessionDraft, SessionKind};
    use rand::SeedableRng;
    let mut rng = StdRng::seed_from_u64(21);
    let today = hearth_store::now().date();
    let themes = [
        ("Hearing the quieter child in a sibling group", "Three-houses work with each child alone before together. Be curious about the child who says 'I don't mind'."),
        ("Domestic abuse and the first hearing", "Check the safety of contact arrangements before the FHDRA, and say so in the safeguarding letter."),
        ("Writing for the child: goodbye letters", "Short sentences; the child's own words; what happens next; who to talk to."),
        ("Working with a parent who will not engage", "Offer a choice of channel and time; record each attempt; explain what the court will hear."),
    ];
    let mut sessions = vec![];
    for team in org::teams(store, None).await? {
        let members = org::members(store, Members::Team(team.id)).await?;
        let ids: std::collections::HashSet<Uuid> = members.iter().map(|m| m.id).collect();
        let mut lines: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
        for m in members.iter().filter_map(|m| m.line_manager_id).filter(|l| ids.contains(l)) {
            *lines.entry(m).or_default() += 1;
        }
        let Some(lead) = lines.into_iter().max_by_key(|(id, n)| (*n, *id)).map(|(id, _)| id) else { continue };
        let workers: Vec<Uuid> = members.iter().filter(|m| m.practitioner && m.id != lead).map(|m| m.id).collect();
        if workers.len() < 3 {
            continue;
        }
        for quarter in 0..4i64 {
            let (theme, notes) = themes[(quarter as usize + sessions.len()) % themes.len()];
            let n = rng.random_range(3..=workers.len().min(6));
            let start = rng.random_range(0..workers.len());
            let attendees = (0..n).map(|i| workers[(start + i) % workers.len()]).collect();
            let kind = if quarter % 2 == 0 { SessionKind::ReflectivePractice } else { SessionKind::GroupSupervision };
            let held_on = today - Duration::days(quarter * 91 + rng.random_range(5..40));
            sessions.push((team.id, lead, SessionDraft { kind, held_on, theme: theme.into(), notes: notes.into(), attendees }));
        }
    }
    hearth_store::people::group::load_demo(store, &sessions).await?;
    Ok(sessions.len())
}

/// Four weeks of office days before today: most people in on about one working day in four
/// (the service's share of time in the office is under 30%), new starters and anyone on an
/// improvement plan on about half, so some meet their expectation and some fall short. Never
/// today, so "I'm in the office today" is always there to press. Drawn from their own generator.
pub async fn office_days(store: &Store) -> Result<usize> {
    use rand::SeedableRng;
    let mut rng = StdRng::seed_from_u64(29);
    let today = hearth_store::now().date();
    let settings = hearth_domain::people::induction::InductionSettings::default();
    let mut facts: Vec<_> = hearth_store::people::facts_of_many(store, hearth_store::people::Whose::Everyone).await?.into_iter().collect();
    facts.sort_by_key(|(id, _)| *id);
    let mut days = vec![];
    for (id, f) in facts {
        let share = if settings.office_first(f.started_on, f.improvement_plan, today).is_some() { 0.5 } else { 0.22 };
        for back in 1..hearth_domain::people::induction::OFFICE_WINDOW_DAYS {
            let day = today - Duration::days(back);
            if day >= f.started_on && day.weekday().number_from_monday() <= 5 && rng.random_bool(share) {
                days.push((id, day));
            }
        }
    }
    hearth_store::people::office::load_demo(store, &days).await?;
    Ok(days.len())
}

/// Appraisals for everyone with a line manager: last year's completed (most within the last 12
/// months, some not, so they are overdue), and for most this year's objectives set, with the
/// mid-year review done for some.
pub async fn appraisals(store: &Store, rng: &mut StdRng) -> Result<usize> {
    use hearth_domain::people::appraisal::Rating;
    use hearth_store::people::appraisals::{DemoAppraisal, load_demo};
    let today = hearth_store::now().date();
    let facts = people::facts_of_many(store, people::Whose::Everyone).await?;
    let mut rows = vec![];
    for m in org::members(store, Members::Everyone).await? {
        let (Some(manager), Some(f)) = (m.line_manager_id, facts.get(&m.id)) else { continue };
        if f.started_on > today - Duration::days(300) {
            continue;
        }
        let completed_on = today - Duration::days(if rng.random_bool(0.12) { rng.random_range(370..450) } else { rng.random_range(20..330) });
        let rating = [Rating::Exceeded, Rating::Met, Rating::Met, Rating::Met, Rating::PartlyMet][rng.random_range(0..5)];
        rows.push(DemoAppraisal { worker: m.id, manager, set_on: completed_on - Duration::days(365), completed: Some((completed_on, rating)), mid_year: true });
        if completed_on < today - Duration::days(30) && rng.random_bool(0.85) {
            let set_on = completed_on + Duration::days(rng.random_range(7..28));
            rows.push(DemoAppraisal { worker: m.id, manager, set_on, completed: None, mid_year: set_on < today - Duration::days(180) });
        }
    }
    load_demo(store, &rows).await?;
    Ok(rows.len())
}
