//! Workload's tables: absences, other duties, contracted case caps, declared conflicts, every
//! allocation decision, batch plans and offers to the bank and associate pool.
//!
//! Loads are computed when read, from the cases each worker carries (read through
//! `cases::facts`) and the weighting rules in `hearth_domain::workload`, so a load is never
//! stale. Allocation goes through `cases::allocate_in`, in the same transaction as its record here.

use std::collections::{HashMap, HashSet};

use hearth_domain::FieldError;
use hearth_domain::cases::{LawType, deadlines::{DeadlineSettings, allocation_target}};
use hearth_domain::org::{ContractType, Skill};
use hearth_domain::quality::WorkType;
use hearth_domain::workload::{
    self as rules, AbsenceKind, Away, Band, CaseNeeds, Candidate, DutyKind, Ineligible, Load, PlanCase, PlanMeasures, PlanWorker, Points, Suggestion, Weight,
    WorkItem, WorkerTerms, WorkloadSettings,
};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::cases::facts::{self, CaseFacts, Which};
use crate::cases::{code, insert_alerts};
use crate::org::{self, Member, Members, NamedRef, named};
use crate::{Result, Store, StoreError, date_text, new_id, now, parse_date, parse_id, parse_ts, placeholders, ts};

pub mod capacity;
pub mod demo;
pub mod hub;
pub mod offers;
pub mod plans;
pub mod snapshots;

pub use capacity::*;
pub use demo::*;
pub use hub::*;
pub use snapshots::*;

// ---- Loads ----

/// An open case a worker carries, with its weight.
#[derive(Debug, Clone, Serialize)]
pub struct CarriedCase {
    pub id: Uuid,
    pub reference: String,
    pub weight: Weight,
    pub next_deadline: Option<Date>,
    pub next_filing: Option<Date>,
}

/// A time away, as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Absence {
    pub id: Uuid,
    pub kind: AbsenceKind,
    pub first: Date,
    pub last: Date,
}

impl Absence {
    fn away(&self) -> Away {
        Away { first: self.first, last: self.last }
    }
}

/// A duty that takes capacity.
#[derive(Debug, Clone, Serialize)]
pub struct Duty {
    pub id: Uuid,
    pub kind: DutyKind,
    pub points: Points,
    pub first: Date,
    pub last: Option<Date>,
}

/// A worker's load: who they are, their terms, every case with its weight, and their time away.
#[derive(Debug, Clone, Serialize)]
pub struct WorkerLoad {
    pub member: Member,
    pub load: Load,
    pub cases: Vec<CarriedCase>,
    pub case_cap: Option<i64>,
    pub newly_qualified: bool,
    pub duties: Vec<Duty>,
    /// Current and future absences, soonest first.
    pub absences: Vec<Absence>,
    /// Away today: the allocation pool drops them, and their cases show as covered.
    pub away_now: Option<Absence>,
    #[serde(skip)]
    terms: WorkerTerms,
}

impl WorkerLoad {
    pub fn next_away(&self) -> Option<&Absence> {
        self.absences.iter().find(|a| self.away_now.as_ref().is_none_or(|n| n.id != a.id))
    }

    pub fn reports_due_within(&self, today: Date, days: i64) -> usize {
        self.cases.iter().filter(|c| c.next_filing.is_some_and(|d| d <= today + time::Duration::days(days))).count()
    }
}

/// The loads of everyone in a team who carries cases or is a practitioner, busiest first.
pub async fn team_loads(store: &Store, settings: &WorkloadSettings, team_id: Uuid, today: Date) -> Result<Vec<WorkerLoad>> {
    let members = org::members(store, Members::Team(team_id)).await?;
    team_loads_of(store, settings, team_id, members, today).await
}

/// A team's loads, its members already read (so callers can read more about them at once).
async fn team_loads_of(store: &Store, settings: &WorkloadSettings, team_id: Uuid, members: Vec<Member>, today: Date) -> Result<Vec<WorkerLoad>> {
    let mut loads = loads_of(store, settings, members, facts::facts(store, Which::CarriedByTeam(team_id), today), today).await?;
    loads.retain(|l| l.member.practitioner || !l.cases.is_empty());
    loads.sort_by(|a, b| (b.load.points.0 * a.load.capacity.0.max(1)).cmp(&(a.load.points.0 * b.load.capacity.0.max(1))).then(a.member.name.cmp(&b.member.name)));
    Ok(loads)
}

/// One worker's load, with every case they carry.
pub async fn worker_load(store: &Store, settings: &WorkloadSettings, staff_id: Uuid, today: Date) -> Result<WorkerLoad> {
    let members = org::members(store, Members::One(staff_id)).await?;
    loads_of(store, settings, members, facts::facts(store, Which::CarriedBy(staff_id), today), today).await?.into_iter().next().ok_or(StoreError::NotFound)
}

/// Puts members and the cases they carry together with their absences, duties and caps. The
/// cases are read while the rest is, so a load costs the slowest read, not all of them.
async fn loads_of(store: &Store, settings: &WorkloadSettings, members: Vec<Member>, cases: impl Future<Output = Result<Vec<CaseFacts>>>, today: Date) -> Result<Vec<WorkerLoad>> {
    let ids: Vec<Uuid> = members.iter().map(|m| m.id).collect();
    let (cases, mut around) = tokio::try_join!(cases, Around::read(store, &ids, today))?;
    let mut carried: HashMap<Uuid, Vec<CarriedCase>> = HashMap::new();
    for c in cases {
        let Some(worker) = c.allocated_to else { continue };
        let weight = around.weigh(settings, c.id, weigh_facts(&c));
        carried.entry(worker).or_default().push(CarriedCase { id: c.id, reference: c.reference, weight, next_deadline: c.next_deadline, next_filing: c.next_filing });
    }
    Ok(members
        .into_iter()
        .map(|m| {
            let cases = carried.remove(&m.id).unwrap_or_default();
            let s = around.standing(settings, &m, cases.iter().map(|c| c.weight.points).sum(), today);
            WorkerLoad { load: s.load, case_cap: s.case_cap, newly_qualified: s.newly_qualified, member: m, cases, duties: s.duties, absences: s.absences, away_now: s.away_now, terms: s.terms }
        })
        .collect())
}

/// What a load needs beside the cases: the court work in progress that weighs on them, and each
/// worker's absences, duties and case cap.
pub struct Around {
    work: HashMap<Uuid, Vec<WorkType>>,
    absences: HashMap<Uuid, Vec<Absence>>,
    duties: HashMap<Uuid, Vec<Duty>>,
    caps: HashMap<Uuid, i64>,
}

/// A worker's terms and load, from `Around` and the points of what they carry.
struct Standing {
    terms: WorkerTerms,
    load: Load,
    case_cap: Option<i64>,
    newly_qualified: bool,
    duties: Vec<Duty>,
    absences: Vec<Absence>,
    away_now: Option<Absence>,
}

impl Around {
    /// Reads it all at once, for these workers (court work by any of them).
    pub async fn read(store: &Store, ids: &[Uuid], today: Date) -> Result<Self> {
        let (in_progress, absences, duties, caps) = tokio::try_join!(crate::courtwork::in_progress_by(store, ids), absences_for(store.pool(), ids, today), duties_for(store.pool(), ids, today), caps_for(store.pool(), ids))?;
        let mut work: HashMap<Uuid, Vec<WorkType>> = HashMap::new();
        for (case, t) in in_progress {
            work.entry(case).or_default().push(t);
        }
        Ok(Self { work, absences, duties, caps })
    }

    /// Weighs a case with the court work in progress on it.
    fn weigh(&mut self, settings: &WorkloadSettings, case_id: Uuid, mut facts: rules::CaseFacts) -> Weight {
        facts.work_in_progress = self.work.remove(&case_id).unwrap_or_default();
        rules::weigh(settings, &facts)
    }

    /// Takes a member's duties, cap and absences, with their load for these points.
    fn standing(&mut self, settings: &WorkloadSettings, m: &Member, points: Points, today: Date) -> Standing {
        let duties = self.duties.remove(&m.id).unwrap_or_default();
        let terms = WorkerTerms { contract: m.contract, fte: m.fte, qualified_on: m.qualified_date, case_cap: self.caps.get(&m.id).copied(), duties: duties.iter().map(|d| d.points).sum() };
        let absences = self.absences.remove(&m.id).unwrap_or_default();
        let away_now = absences.iter().find(|a| a.away().covers(today)).cloned();
        Standing {
            load: rules::load(settings, points, rules::capacity(settings, &terms, today)),
            case_cap: rules::case_cap(settings, &terms),
            newly_qualified: rules::newly_qualified(settings, &terms, today),
            terms,
            duties,
            absences,
            away_now,
        }
    }
}

/// Bank and associate staff: the pool cases are offered to, not allocated from the team.
fn in_pool(c: ContractType) -> bool {
    matches!(c, ContractType::Bank | ContractType::Associate)
}

/// What weighs in a case, without its court work in progress (`Around::weigh` adds that).
fn weigh_facts(c: &CaseFacts) -> rules::CaseFacts {
    rules::CaseFacts {
        law: Some(c.law),
        stage: Some(c.stage),
        children: c.children,
        domestic_abuse: c.domestic_abuse,
        interpreter: c.interpreter,
        contested: c.contested,
        work_in_progress: vec![],
    }
}

/// What a case needs of whoever takes it.
fn needs(c: &CaseFacts, weight: &Weight) -> CaseNeeds {
    let mut skills = vec![];
    if c.welsh {
        skills.push(Skill::WelshLanguage);
    }
    if c.law == LawType::Public {
        skills.push(Skill::PublicLawGuardian);
    }
    if weight.item == WorkItem::Rule16_4 {
        skills.push(Skill::Rule16_4);
    }
    let helpful = if c.domestic_abuse { vec![Skill::DomesticAbusePractice] } else { vec![] };
    CaseNeeds { weight: weight.points, skills, helpful, next_deadline: c.next_deadline }
}

fn ids_query(sql_head: &str, ids: &[Uuid], from: usize) -> String {
    format!("{sql_head} ({})", placeholders(from, ids.len()))
}

async fn absences_for<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(ex: E, ids: &[Uuid], today: Date) -> Result<HashMap<Uuid, Vec<Absence>>> {
    let mut out: HashMap<Uuid, Vec<Absence>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let sql = ids_query("SELECT staff_id, id, kind, first_day, last_day FROM absences WHERE cancelled_at IS NULL AND last_day >= $1 AND staff_id IN", ids, 2) + " ORDER BY first_day";
    for r in crate::bind_ids(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(date_text(today)), ids).fetch_all(ex).await? {
        out.entry(parse_id(&r.get::<String, _>(0))?).or_default().push(Absence {
            id: parse_id(&r.get::<String, _>(1))?,
            kind: code(r.get(2), AbsenceKind::from_code)?,
            first: parse_date(&r.get::<String, _>(3))?,
            last: parse_date(&r.get::<String, _>(4))?,
        });
    }
    Ok(out)
}

async fn duties_for<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(ex: E, ids: &[Uuid], today: Date) -> Result<HashMap<Uuid, Vec<Duty>>> {
    let mut out: HashMap<Uuid, Vec<Duty>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let sql = ids_query("SELECT staff_id, id, kind, points, first_day, last_day FROM duties WHERE first_day <= $1 AND (last_day IS NULL OR last_day >= $1) AND staff_id IN", ids, 2);
    for r in crate::bind_ids(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(date_text(today)), ids).fetch_all(ex).await? {
        out.entry(parse_id(&r.get::<String, _>(0))?).or_default().push(Duty {
            id: parse_id(&r.get::<String, _>(1))?,
            kind: code(r.get(2), DutyKind::from_code)?,
            points: Points(r.get(3)),
            first: parse_date(&r.get::<String, _>(4))?,
            last: r.get::<Option<String>, _>(5).map(|d| parse_date(&d)).transpose()?,
        });
    }
    Ok(out)
}

async fn caps_for<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(ex: E, ids: &[Uuid]) -> Result<HashMap<Uuid, i64>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    crate::bind_ids(sqlx::query(sqlx::AssertSqlSafe(ids_query("SELECT staff_id, case_cap FROM case_caps WHERE staff_id IN", ids, 1))), ids)
        .fetch_all(ex).await?.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, r.get(1)))).collect()
}

/// Declared conflicts with any of these people, as (member of staff, person).
async fn conflicts_with<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(ex: E, people: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>> {
    if people.is_empty() {
        return Ok(vec![]);
    }
    crate::bind_ids(sqlx::query(sqlx::AssertSqlSafe(ids_query("SELECT staff_id, person_id FROM conflicts WHERE person_id IN", people, 1))), people)
        .fetch_all(ex).await?.iter().map(|r| Ok((parse_id(&r.get::<String, _>(0))?, parse_id(&r.get::<String, _>(1))?))).collect()
}

/// Which workers are conflicted with each case, given everyone in the cases as (case, person).
fn conflicted_by_case(people: &[(Uuid, Uuid)], declared: &[(Uuid, Uuid)]) -> HashMap<Uuid, HashSet<Uuid>> {
    let mut by_person: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (staff, person) in declared {
        by_person.entry(*person).or_default().push(*staff);
    }
    let mut out: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
    for (case, person) in people {
        out.entry(*case).or_default().extend(by_person.get(person).into_iter().flatten());
    }
    out
}

// ---- Candidates: the one place a worker is weighed for a case ----

/// What ties workers to one case's people: who has declared a conflict of interest with anyone
/// in it, and who has held another case with someone in it (continuity).
#[derive(Debug, Clone, Default)]
pub struct Ties {
    pub conflicted: HashSet<Uuid>,
    pub known: HashSet<Uuid>,
}

/// The ties of each of these cases, read at once: for a suggestion (one case) and a batch or
/// moving plan (every case in it) alike. A case with nobody tied to it has default ties.
pub async fn ties_for(store: &Store, case_ids: &[Uuid]) -> Result<HashMap<Uuid, Ties>> {
    let conflicted = async {
        let people = facts::people_of(store.pool(), case_ids).await?;
        let persons: Vec<Uuid> = people.iter().map(|(_, p)| *p).collect::<HashSet<_>>().into_iter().collect();
        Ok(conflicted_by_case(&people, &conflicts_with(store.pool(), &persons).await?))
    };
    let (conflicted, known) = tokio::try_join!(conflicted, facts::workers_who_know(store, case_ids))?;
    let mut ties: HashMap<Uuid, Ties> = case_ids.iter().map(|c| (*c, Ties::default())).collect();
    for (case, staff) in conflicted {
        ties.entry(case).or_default().conflicted = staff;
    }
    for (case, worker) in known {
        ties.entry(case).or_default().known.insert(worker);
    }
    Ok(ties)
}

/// The one way a worker becomes a candidate for a case: suggestions, batch plans, moving plans,
/// offers and the allocating check (`clear`) all build it here, so what the domain's
/// eligibility reads (a declared conflict above all) cannot be left out on one path.
fn candidate(m: &Member, terms: &WorkerTerms, absences: &[Absence], load: Points, open_cases: i64, ties: &Ties, court_area_id: Option<Uuid>) -> Candidate {
    Candidate {
        terms: terms.clone(),
        skills: m.skills.clone(),
        load,
        open_cases,
        absences: absences.iter().map(Absence::away).collect(),
        conflicted: ties.conflicted.contains(&m.id),
        knows_family: ties.known.contains(&m.id),
        court_area: court_area_id.is_some_and(|a| m.service_area_id == Some(a)),
        active: m.active,
    }
}

// ---- The allocating check ----

/// A worker cleared to take a case now. Only [`clear`] makes one, inside the allocating
/// transaction, and `cases::allocate_in` will not give a case to anyone without one: the form,
/// the API, batch and moving plans and accepted offers all pass the same check.
#[derive(Debug)]
pub struct Cleared {
    case_id: Uuid,
    worker_id: Uuid,
    name: String,
}

impl Cleared {
    pub(crate) fn case_id(&self) -> Uuid {
        self.case_id
    }
    pub(crate) fn worker_id(&self) -> Uuid {
        self.worker_id
    }
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
}

/// Checks, inside the allocating transaction, that nothing bars this worker from this case
/// (`rules::barred`: left the service, away today, a declared conflict with anyone in the case,
/// at their case cap), and gives the proof `cases::allocate_in` needs. Refused on `worker_id`,
/// naming the reason. The worker is locked first (`lock_worker`), as recording a conflict, an
/// absence or a cap also does, so one recorded at the same moment is either seen here or waits
/// until this allocation has committed.
pub(crate) async fn clear(conn: &mut AnyConnection, settings: &WorkloadSettings, case_id: Uuid, worker_id: Uuid, today: Date) -> Result<Cleared> {
    lock_worker(&mut *conn, worker_id).await?;
    let member = org::members_on(&mut *conn, Members::One(worker_id)).await?.into_iter().next().ok_or(StoreError::MissingReference { field: "worker_id" })?;
    let absences = absences_for(&mut *conn, &[worker_id], today).await?;
    let caps = caps_for(&mut *conn, &[worker_id]).await?;
    let open_cases = facts::open_cases_of(&mut *conn, worker_id).await?;
    let people = facts::people_of(&mut *conn, &[case_id]).await?;
    let persons: Vec<Uuid> = people.iter().map(|(_, p)| *p).collect();
    let declared = conflicts_with(&mut *conn, &persons).await?;
    let ties = Ties { conflicted: conflicted_by_case(&people, &declared).remove(&case_id).unwrap_or_default(), known: HashSet::new() };
    // Duties and court work change capacity, not whether someone may take a case.
    let mut around = Around { work: HashMap::new(), absences, duties: HashMap::new(), caps };
    let s = around.standing(settings, &member, Points(0), today);
    let c = candidate(&member, &s.terms, &s.absences, Points(0), open_cases, &ties, None);
    rules::barred(settings, &c, today).map_err(|(_, why)| StoreError::Refused(FieldError::new("worker_id", format!("{} cannot take this case: {}", member.name, lower_first(&why)))))?;
    Ok(Cleared { case_id, worker_id, name: member.name })
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// Serialises everything that decides whether a worker may take a case (allocating to them,
/// and recording their conflicts, absences and case cap) for the rest of the transaction.
/// SQLite's writing transactions already hold the database's one write lock (`BEGIN
/// IMMEDIATE`); on PostgreSQL a transaction-scoped advisory lock keyed by the worker does it.
pub(crate) async fn lock_worker(conn: &mut AnyConnection, worker_id: Uuid) -> Result<()> {
    if conn.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))").bind(worker_id.to_string()).execute(&mut *conn).await?;
    }
    Ok(())
}

// ---- Suggestions ----

/// A case's ranked suggestions, each with the worker's load now, and who was left out and why.
#[derive(Debug, Clone, Serialize)]
pub struct Suggested {
    pub case: CaseRef,
    pub weight: Weight,
    pub needs_skills: Vec<Skill>,
    pub next_deadline: Option<Date>,
    pub ranked: Vec<(Colleague, Suggestion)>,
    pub ineligible: Vec<(Colleague, Ineligible, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseRef {
    pub id: Uuid,
    pub reference: String,
    pub team_id: Uuid,
    pub allocated_to: Option<Uuid>,
}

/// Someone who might take a case, as a suggestion weighs them: who they are and their load now.
#[derive(Debug, Clone, Serialize)]
pub struct Colleague {
    pub member: Member,
    pub load: Load,
}

/// One open case's weight, the skills it needs and its next court date: what someone offered
/// the case weighs before accepting it. `None` once the case is closed.
pub async fn weigh_one(store: &Store, settings: &WorkloadSettings, case_id: Uuid, today: Date) -> Result<Option<(Weight, Vec<Skill>, Option<Date>)>> {
    let Some(case) = facts::facts(store, Which::One(case_id), today).await?.into_iter().next() else { return Ok(None) };
    let holder: Vec<Uuid> = case.allocated_to.into_iter().collect();
    let mut around = Around::read(store, &holder, today).await?;
    let weight = around.weigh(settings, case_id, weigh_facts(&case));
    let skills = needs(&case, &weight).skills;
    Ok(Some((weight, skills, case.next_deadline)))
}

/// Who to give a case to, from its team's practitioners (or, for `pool`, the bank and associate
/// workers of that service area), ranked with reasons.
///
/// Three chains of reads run at once, so a suggestion costs the longest chain, not every read:
/// - the case, then its team's members, then their court work, absences, duties and caps;
/// - what weighs in the cases that team (or pool) carries, found from the case alone
///   (`facts::weighings`: no court dates, which a suggestion does not show);
/// - who is tied to the case: who has declared a conflict with anyone in it, and who has known
///   the family (`ties_for`).
pub async fn suggest(store: &Store, settings: &WorkloadSettings, case_id: Uuid, pool: Option<Uuid>, today: Date) -> Result<Suggested> {
    let carried = match pool {
        Some(area) => Which::CarriedByPoolOf(area),
        None => Which::CarriedByTeamOf(case_id),
    };
    let team = async {
        let case = facts::facts(store, Which::One(case_id), today).await?.into_iter().next().ok_or(StoreError::NotFound)?;
        let members = org::members(store, pool.map_or(Members::Team(case.team_id), Members::PoolOf)).await?;
        // The team's own suggestions are its employed (and agency) staff; the bank and
        // associates are offered cases through the pool. The case's holder is read with them,
        // for the court work on the case itself.
        let members: Vec<Member> = members.into_iter().filter(|m| m.practitioner && case.allocated_to != Some(m.id) && (pool.is_some() || !in_pool(m.contract))).collect();
        let ids: Vec<Uuid> = members.iter().map(|m| m.id).chain(case.allocated_to).collect();
        let around = Around::read(store, &ids, today).await?;
        Ok((case, members, around))
    };
    let one = [case_id];
    let ((case, members, mut around), carried, mut ties) = tokio::try_join!(team, facts::weighings(store, carried, today), ties_for(store, &one))?;
    let ties = ties.remove(&case_id).unwrap_or_default();
    let weight = around.weigh(settings, case_id, weigh_facts(&case));
    let needs = needs(&case, &weight);
    let mut carrying: HashMap<Uuid, (Points, i64)> = HashMap::new();
    for c in carried {
        let Some(worker) = c.allocated_to else { continue };
        let points = around.weigh(settings, c.id, c.facts).points;
        let held = carrying.entry(worker).or_insert((Points(0), 0));
        held.0 = held.0 + points;
        held.1 += 1;
    }
    let (mut colleagues, candidates): (Vec<Option<Colleague>>, Vec<Candidate>) = members
        .into_iter()
        .map(|m| {
            let (points, open_cases) = carrying.get(&m.id).copied().unwrap_or((Points(0), 0));
            let s = around.standing(settings, &m, points, today);
            let candidate = candidate(&m, &s.terms, &s.absences, points, open_cases, &ties, Some(case.court_area_id));
            (Some(Colleague { member: m, load: s.load }), candidate)
        })
        .unzip();
    let got = rules::suggest(settings, &needs, &candidates, today);
    // Each colleague is either ranked or left out, once: move them rather than copy them.
    let mut take = |i: usize| colleagues[i].take().ok_or(StoreError::NotFound);
    let ranked = got.ranked.into_iter().map(|s| Ok((take(s.index)?, s))).collect::<Result<Vec<_>>>()?;
    let ineligible = got.ineligible.into_iter().map(|(i, why, text)| Ok((take(i)?, why, text))).collect::<Result<Vec<_>>>()?;
    Ok(Suggested {
        case: CaseRef { id: case.id, reference: case.reference.clone(), team_id: case.team_id, allocated_to: case.allocated_to },
        needs_skills: needs.skills.clone(),
        next_deadline: case.next_deadline,
        weight,
        ranked,
        ineligible,
    })
}

/// An allocation decision and what it followed: the suggestion's top worker and the chosen
/// worker's rank in it, and why the top one was passed over.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decision<'a> {
    pub suggested: Option<Uuid>,
    pub rank: Option<i64>,
    pub override_reason: Option<&'a str>,
}

/// Allocates a case (or returns it to the hub) with the suggestion it followed or overrode,
/// all in one transaction: the check that nothing bars the worker (`clear`), the allocation, its
/// chronology entry, the record here and the audit. The one way to allocate a case by hand, from
/// the form and the API alike.
#[allow(clippy::too_many_arguments)]
pub async fn allocate(store: &Store, settings: &WorkloadSettings, ctx: &AuditContext, case_id: Uuid, worker: Option<Uuid>, reason: &str, decision: Decision<'_>, version: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    let cleared = match worker {
        Some(w) => Some(clear(&mut tx, settings, case_id, w, now().date()).await?),
        None => None,
    };
    crate::cases::allocate_in(&mut tx, ctx, case_id, cleared.as_ref(), reason, crate::cases::Expect::Version(version)).await?;
    record(&mut tx, case_id, worker, ctx.actor_id, decision, None, None).await?;
    if let (Some(top), Some(why)) = (decision.suggested, decision.override_reason) {
        audit::append(
            &mut tx,
            ctx,
            Event::success("allocation.overridden").about("case", case_id).detail(serde_json::json!({ "suggested_id": top, "chosen_id": worker, "rank": decision.rank, "reason": why })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn record(conn: &mut AnyConnection, case_id: Uuid, worker: Option<Uuid>, by: Option<Uuid>, d: Decision<'_>, plan: Option<Uuid>, offer: Option<Uuid>) -> Result<()> {
    sqlx::query(
        "INSERT INTO allocations (id, case_id, worker_id, decided_by, decided_at, suggested_id, rank, override_reason, plan_id, offer_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new_id().to_string())
    .bind(case_id.to_string())
    .bind(worker.map(|w| w.to_string()))
    .bind(by.map(|b| b.to_string()))
    .bind(ts(now()))
    .bind(d.suggested.map(|s| s.to_string()))
    .bind(d.rank)
    .bind(d.override_reason)
    .bind(plan.map(|p| p.to_string()))
    .bind(offer.map(|o| o.to_string()))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

// ---- My People: the grid's other columns ----

/// One row of a manager's team grid.
#[derive(Debug, Clone, Serialize)]
pub struct PersonRow {
    pub worker: WorkerLoad,
    pub overdue_tasks: i64,
    pub tasks_this_week: i64,
    pub reports_due_2_weeks: usize,
    /// Work types they file on their own authority, and their progress in the others.
    pub autonomy: Vec<(WorkType, hearth_domain::quality::Autonomy)>,
    pub samples_due: i64,
    pub samples_overdue: i64,
}

/// The team grid: each person's load and band, cases, tasks, reports due, autonomy, samples
/// and leave, read in a handful of queries side by side.
pub async fn my_people(store: &Store, settings: &WorkloadSettings, team_id: Uuid, today: Date) -> Result<Vec<PersonRow>> {
    // The members first; then their loads, tasks, autonomy and samples all at once.
    let members = org::members(store, Members::Team(team_id)).await?;
    let ids: Vec<Uuid> = members.iter().map(|m| m.id).collect();
    let (loads, tasks, standings, samples) = tokio::try_join!(
        team_loads_of(store, settings, team_id, members, today),
        crate::cases::task_counts(store, &ids, today),
        crate::quality::standings(store, &ids),
        crate::quality::samples::due_counts(store, &ids, today)
    )?;
    let tasks: HashMap<Uuid, (i64, i64)> = tasks.into_iter().map(|(w, a, b)| (w, (a, b))).collect();
    let samples: HashMap<Uuid, (i64, i64)> = samples.into_iter().map(|(w, a, b)| (w, (a, b))).collect();
    let mut autonomy: HashMap<Uuid, Vec<(WorkType, hearth_domain::quality::Autonomy)>> = HashMap::new();
    for (w, t, a) in standings {
        autonomy.entry(w).or_default().push((t, a));
    }
    Ok(loads
        .into_iter()
        .map(|worker| {
            let id = worker.member.id;
            let (overdue_tasks, tasks_this_week) = tasks.get(&id).copied().unwrap_or((0, 0));
            let (samples_due, samples_overdue) = samples.get(&id).copied().unwrap_or((0, 0));
            let mut autonomy = autonomy.remove(&id).unwrap_or_default();
            autonomy.sort_by_key(|(t, _)| *t);
            PersonRow { reports_due_2_weeks: worker.reports_due_within(today, 14), worker, overdue_tasks, tasks_this_week, autonomy, samples_due, samples_overdue }
        })
        .collect())
}

/// How many in each band: a team's, area's or the nation's spread.
pub fn band_counts(loads: &[WorkerLoad]) -> Vec<(Band, usize)> {
    Band::ALL.iter().map(|b| (*b, loads.iter().filter(|l| l.load.band == *b).count())).collect()
}
