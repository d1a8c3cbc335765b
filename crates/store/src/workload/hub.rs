//! The allocation hub, weighed: the waiting cases with their weights and needs, the inputs of a
//! batch plan, and the national instance the plan benchmark solves.

use super::*;

/// A waiting case with its weight, priority and the date it should be allocated by.
#[derive(Debug, Clone, Serialize)]
pub struct HubCase {
    pub facts: HubFacts,
    pub weight: Weight,
    pub priority: i64,
    pub allocate_by: Option<Date>,
    pub needs: Vec<Skill>,
}

/// The parts of a case's facts the hub shows.
#[derive(Debug, Clone, Serialize)]
pub struct HubFacts {
    pub id: Uuid,
    pub reference: String,
    pub law: LawType,
    pub urgent: bool,
    pub received_on: Date,
    pub next_deadline: Option<Date>,
    /// The service area of the case's court, for travel.
    pub court_area_id: Uuid,
}

/// Weighs and prioritises the waiting cases given.
pub fn hub_cases(settings: &WorkloadSettings, deadlines: &DeadlineSettings, cases: Vec<CaseFacts>, today: Date) -> Vec<(HubCase, CaseNeeds, Uuid)> {
    cases
        .into_iter()
        .map(|c| {
            let weight = rules::weigh(settings, &weigh_facts(&c));
            let allocate_by = allocation_target(c.first_hearing_on, c.next_filing, deadlines);
            let priority = rules::priority(c.law, c.urgent, c.received_on, allocate_by, today);
            let needs = needs(&c, &weight);
            let team = c.team_id;
            (
                HubCase {
                    needs: needs.skills.clone(),
                    facts: HubFacts { id: c.id, reference: c.reference, law: c.law, urgent: c.urgent, received_on: c.received_on, next_deadline: c.next_deadline, court_area_id: c.court_area_id },
                    weight,
                    priority,
                    allocate_by,
                },
                needs,
                team,
            )
        })
        .collect()
}

/// The plan's inputs for a set of waiting cases and workers: each case's fits are the workers
/// eligible for it (built by `candidate` with the case's `ties`, as a suggestion's are), with
/// their suggestion score.
pub fn plan_inputs(settings: &WorkloadSettings, cases: &[(HubCase, CaseNeeds, Uuid)], workers: &[WorkerLoad], ties: &HashMap<Uuid, Ties>, today: Date) -> (Vec<PlanCase>, Vec<PlanWorker>) {
    let by_team: HashMap<Uuid, Vec<usize>> = workers.iter().enumerate().filter(|(_, w)| w.member.practitioner && w.member.active && !in_pool(w.member.contract)).fold(HashMap::new(), |mut m, (j, w)| {
        if let Some(t) = &w.member.team {
            m.entry(t.id).or_default().push(j);
        }
        m
    });
    let plan_workers = workers
        .iter()
        .map(|w| PlanWorker { load: w.load.points, capacity: w.load.capacity, open_cases: w.cases.len() as i64, case_cap: w.case_cap })
        .collect();
    let untied = Ties::default();
    let plan_cases = cases
        .iter()
        .map(|(hub, needs, team)| {
            let team_workers = by_team.get(team).cloned().unwrap_or_default();
            let ties = ties.get(&hub.facts.id).unwrap_or(&untied);
            let candidates: Vec<Candidate> = team_workers
                .iter()
                .map(|j| {
                    let w = &workers[*j];
                    candidate(&w.member, &w.terms, &w.absences, w.load.points, w.cases.len() as i64, ties, Some(hub.facts.court_area_id))
                })
                .collect();
            let got = rules::suggest(settings, needs, &candidates, today);
            PlanCase { weight: hub.weight.points, priority: hub.priority, fits: got.ranked.iter().map(|s| (team_workers[s.index], s.score)).collect() }
        })
        .collect();
    (plan_cases, plan_workers)
}

/// Every active worker's load and every waiting case nationally: the batch benchmark's instance.
pub async fn national_instance(store: &Store, settings: &WorkloadSettings, today: Date) -> Result<(Vec<WorkerLoad>, Vec<CaseFacts>)> {
    let members = org::members(store, Members::Everyone).await?;
    let teams: HashSet<Uuid> = members.iter().filter_map(|m| m.team.as_ref().map(|t| t.id)).collect();
    let carried = async {
        let mut carried = vec![];
        for t in teams {
            carried.extend(facts::facts(store, Which::CarriedByTeam(t), today).await?);
        }
        Ok(carried)
    };
    let loads = loads_of(store, settings, members, carried, today).await?;
    let hub = facts::facts(store, Which::EveryHub, today).await?;
    Ok((loads, hub))
}

/// Measures for a plan and its greedy yardstick, as stored with a plan.
#[derive(Debug, Clone, Copy, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Compared {
    pub allocated: usize,
    pub priority: i64,
    /// Points above the amber line after the plan, summed.
    pub overload_hundredths: i64,
    /// Points above the green line after the plan, summed: how even load is left.
    #[serde(default)]
    pub above_green_hundredths: i64,
    pub greedy_allocated: usize,
    pub greedy_priority: i64,
    pub greedy_overload_hundredths: i64,
    #[serde(default)]
    pub greedy_above_green_hundredths: i64,
}

impl Compared {
    pub fn of(plan: PlanMeasures, greedy: PlanMeasures) -> Self {
        Self {
            allocated: plan.allocated,
            priority: plan.priority,
            overload_hundredths: plan.overload.0,
            above_green_hundredths: plan.above_green.0,
            greedy_allocated: greedy.allocated,
            greedy_priority: greedy.priority,
            greedy_overload_hundredths: greedy.overload.0,
            greedy_above_green_hundredths: greedy.above_green.0,
        }
    }
}
