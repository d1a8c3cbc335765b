//! Who is fit to take a case and why: eligibility (and the part of it no path may pass, `barred`),
//! ranked suggestions with their reasons, and how urgently a waiting case needs someone.

use super::*;

/// What allocation needs to know about a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNeeds {
    pub weight: Points,
    /// Skills the case cannot go without (Welsh for a Welsh-language case, a guardian's for public law).
    pub skills: Vec<Skill>,
    /// Skills that help (domestic abuse practice on a domestic abuse case).
    pub helpful: Vec<Skill>,
    /// The next court deadline: a filing date or hearing.
    pub next_deadline: Option<Date>,
}

/// What allocation needs to know about one worker, for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub terms: WorkerTerms,
    pub skills: Vec<Skill>,
    pub load: Points,
    pub open_cases: i64,
    pub absences: Vec<Away>,
    /// A declared conflict of interest with anyone in the case.
    pub conflicted: bool,
    /// Has worked with someone in this case before.
    pub knows_family: bool,
    /// Works in the service area of the case's court.
    pub court_area: bool,
    pub active: bool,
}

coded_enum!(
    /// Why someone cannot be given a case.
    Ineligible {
        Inactive = "inactive", "Has left the service";
        Away = "away", "Away now";
        AwayBeforeDeadline = "away_before_deadline", "Away in the week before the next deadline";
        Conflict = "conflict", "Has declared a conflict of interest";
        MissingSkill = "missing_skill", "Lacks a skill the case needs";
        CaseCap = "case_cap", "At their contracted number of cases";
    }
);

/// One reason in a worker's ranking, with what it added to their score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub text: String,
    pub score: i64,
}

/// A worker fit to take the case, with everything that placed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// Index into the candidates given.
    pub index: usize,
    pub score: i64,
    pub load_after: Load,
    pub reasons: Vec<Reason>,
}

/// The ranked suggestions, best first, and everyone left out with why.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Suggestions {
    pub ranked: Vec<Suggestion>,
    pub ineligible: Vec<(usize, Ineligible, String)>,
}

/// What no path may allocate past, whatever a manager decides: someone who has left, is away
/// today, has declared a conflict of interest with anyone in the case, or is at their case cap.
/// The store checks this inside every allocating transaction (`workload::clear`); the rest of
/// [`eligibility`] (time away before the deadline, skills the case needs) is for ranking.
pub fn barred(settings: &WorkloadSettings, c: &Candidate, today: Date) -> Result<(), (Ineligible, String)> {
    let no_needs = CaseNeeds { weight: Points(0), skills: vec![], helpful: vec![], next_deadline: None };
    eligibility(settings, &no_needs, c, today)
}

/// Whether a worker can take the case at all, and if not the first reason why.
pub fn eligibility(settings: &WorkloadSettings, case: &CaseNeeds, c: &Candidate, today: Date) -> Result<(), (Ineligible, String)> {
    if !c.active {
        return Err((Ineligible::Inactive, "Has left the service".into()));
    }
    if let Some(a) = away_on(&c.absences, today) {
        return Err((Ineligible::Away, format!("Away until {}", crate::text::long_date(a.last))));
    }
    if let Some(deadline) = case.next_deadline {
        let from = deadline - time::Duration::days(settings.away_before_deadline_days);
        if let Some(a) = c.absences.iter().find(|a| a.overlaps(from.max(today), deadline)) {
            return Err((
                Ineligible::AwayBeforeDeadline,
                format!("Away {} to {}, before the deadline on {}", crate::text::long_date(a.first), crate::text::long_date(a.last), crate::text::long_date(deadline)),
            ));
        }
    }
    if c.conflicted {
        return Err((Ineligible::Conflict, "Has declared a conflict of interest with someone in the case".into()));
    }
    if let Some(missing) = case.skills.iter().find(|s| !c.skills.contains(s)) {
        return Err((Ineligible::MissingSkill, format!("Needs {}", missing.label())));
    }
    if let Some(cap) = case_cap(settings, &c.terms)
        && c.open_cases >= cap
    {
        return Err((Ineligible::CaseCap, format!("Has {} cases, their contracted number", c.open_cases)));
    }
    Ok(())
}

/// Ranks the workers for one case, explaining each place. Headroom counts most; continuity with
/// the family, the court's area and helpful skills add to it.
pub fn suggest(settings: &WorkloadSettings, case: &CaseNeeds, candidates: &[Candidate], today: Date) -> Suggestions {
    let mut out = Suggestions::default();
    for (index, c) in candidates.iter().enumerate() {
        if let Err((why, text)) = eligibility(settings, case, c, today) {
            out.ineligible.push((index, why, text));
            continue;
        }
        let cap = capacity(settings, &c.terms, today);
        let after = load(settings, c.load + case.weight, cap);
        let mut reasons = Vec::new();
        let headroom = 100 - after.percent;
        reasons.push(Reason {
            text: if headroom >= 0 {
                format!("{}% of capacity left after this case ({} after)", headroom, after.band.label().to_lowercase())
            } else {
                format!("{}% over capacity after this case ({} after)", -headroom, after.band.label().to_lowercase())
            },
            score: headroom.max(-100),
        });
        if after.band >= Band::HighAmber {
            reasons.push(Reason { text: "Would go above amber".into(), score: -50 });
        }
        if c.knows_family {
            reasons.push(Reason { text: "Has worked with this family before".into(), score: 30 });
        }
        reasons.push(if c.court_area {
            Reason { text: "Works in the court's area".into(), score: 10 }
        } else {
            Reason { text: "Based outside the court's area: travel".into(), score: -10 }
        });
        for s in &case.skills {
            reasons.push(Reason { text: format!("Has {}", s.label()), score: 0 });
        }
        for s in case.helpful.iter().filter(|s| c.skills.contains(s)) {
            reasons.push(Reason { text: format!("Has {}", s.label()), score: 10 });
        }
        if newly_qualified(settings, &c.terms, today) {
            reasons.push(Reason { text: "Newly qualified: protected load".into(), score: 0 });
        }
        let score = reasons.iter().map(|r| r.score).sum();
        out.ranked.push(Suggestion { index, score, load_after: after, reasons });
    }
    out.ranked.sort_by(|a, b| b.score.cmp(&a.score).then(a.load_after.percent.cmp(&b.load_after.percent)).then(a.index.cmp(&b.index)));
    out
}

/// How urgently a waiting case needs a worker, at least 1: public law first (its target is two
/// working days), then urgent cases, cases past or near the date they must be allocated by
/// (the filing-date buffer), and time waited.
pub fn priority(law: LawType, urgent: bool, received_on: Date, allocate_by: Option<Date>, today: Date) -> i64 {
    let mut p = 1;
    if law == LawType::Public {
        p += 6;
    }
    if urgent {
        p += 3;
    }
    if let Some(by) = allocate_by {
        let days = (by - today).whole_days();
        p += if days < 0 { 5 } else if days <= 14 { 3 } else if days <= 28 { 1 } else { 0 };
    }
    p + ((today - received_on).whole_weeks() / 4).clamp(0, 4)
}
