//! Quality: grades, and earned autonomy per work type.
//!
//! A worker files a piece of court work on their own only once they have earned it for that type
//! of work: N consecutive pieces graded good or better (N = 3 by default, a national setting). A
//! piece graded below good, a manager's revocation or a manager's reset after long absence takes
//! it away, and the count starts again. Each work type is kept apart: authority never carries over.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

coded_enum!(
    /// A kind of court work that is quality-assured, and that autonomy is earned in.
    WorkType {
        SafeguardingLetter = "safeguarding_letter", "Safeguarding letter";
        Section7Report = "section_7_report", "Section 7 report";
        Section16aRiskAssessment = "section_16a_risk_assessment", "Section 16A risk assessment";
        GuardiansReport = "rule_16_4_guardians_report", "Rule 16.4 guardian's report";
        InitialCaseAnalysis = "initial_case_analysis", "Initial case analysis";
        FinalAnalysis = "final_analysis", "Final analysis";
        CaseClosure = "case_closure", "Case closure";
    }
);

coded_enum!(
    /// The Ofsted 4-point scale.
    Grade {
        Outstanding = "outstanding", "Outstanding";
        Good = "good", "Good";
        RequiresImprovement = "requires_improvement", "Requires improvement";
        Inadequate = "inadequate", "Inadequate";
    }
);

impl Grade {
    /// Good or better: the standard a piece must meet to count towards autonomy.
    pub fn meets_standard(self) -> bool {
        matches!(self, Grade::Outstanding | Grade::Good)
    }
}

coded_enum!(
    /// The four outcomes for the child that an audit judges the work's impact on.
    ImpactOutcome {
        Safe = "safe", "Safe";
        Heard = "heard", "Heard";
        BetterRepresented = "better_represented", "Better represented";
        Enabled = "enabled", "Enabled";
    }
);

/// National setting: how many consecutive good-or-better pieces earn autonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AutonomySettings {
    pub pieces_to_earn: u32,
}

impl Default for AutonomySettings {
    fn default() -> Self {
        Self { pieces_to_earn: 3 }
    }
}

impl AutonomySettings {
    pub fn validate(&self) -> Result<(), String> {
        if (1..=10).contains(&self.pieces_to_earn) { Ok(()) } else { Err("pieces_to_earn must be between 1 and 10".into()) }
    }
}

/// What happens to a worker's standing in one work type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutonomyEvent {
    /// A piece was graded, at sign-off or in a dip sample.
    Graded(Grade),
    /// A manager took authority away, with a reason.
    Revoked,
    /// A manager started the count again, for someone back from a long absence.
    Reset,
}

coded_enum!(
    /// A change in authority that must be audited and shown with its reason.
    AutonomyChange {
        Granted = "granted", "Granted";
        Lost = "lost", "Lost on a piece graded below good";
        Revoked = "revoked", "Revoked by a manager";
        Reset = "reset", "Reset after a long absence";
    }
);

/// A worker's standing in one work type: whether they may file it without sign-off, and how many
/// consecutive pieces have met the standard since the count last started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Autonomy {
    pub authorised: bool,
    pub streak: u32,
}

impl Autonomy {
    /// Where everyone starts, new starters included: no authority, nothing counted.
    pub const NONE: Autonomy = Autonomy { authorised: false, streak: 0 };

    /// The standing after one event, and the change in authority it makes, if any.
    pub fn after(self, event: AutonomyEvent, settings: &AutonomySettings) -> (Autonomy, Option<AutonomyChange>) {
        match event {
            AutonomyEvent::Graded(grade) if grade.meets_standard() => {
                let streak = self.streak.saturating_add(1);
                let earned = !self.authorised && streak >= settings.pieces_to_earn;
                (Autonomy { authorised: self.authorised || earned, streak }, earned.then_some(AutonomyChange::Granted))
            }
            AutonomyEvent::Graded(_) => (Autonomy::NONE, self.authorised.then_some(AutonomyChange::Lost)),
            AutonomyEvent::Revoked => (Autonomy::NONE, self.authorised.then_some(AutonomyChange::Revoked)),
            AutonomyEvent::Reset => (Autonomy::NONE, Some(AutonomyChange::Reset)),
        }
    }

    /// The standing a history of events leaves, from the start.
    pub fn from_history(events: impl IntoIterator<Item = AutonomyEvent>, settings: &AutonomySettings) -> Autonomy {
        events.into_iter().fold(Autonomy::NONE, |a, e| a.after(e, settings).0)
    }

    /// Whether a piece of this type can be filed without a manager's sign-off.
    pub fn may_file_alone(&self) -> bool {
        self.authorised
    }

    /// How it reads to the worker and their manager, e.g. "2 of 3 towards section 7 report autonomy".
    pub fn describe(&self, work_type: WorkType, settings: &AutonomySettings) -> String {
        if self.authorised {
            // Not "files section 7 reports": labels do not all take a plain plural ("final analysis").
            format!("{}: files without sign-off", work_type.label())
        } else {
            let name = work_type.label().to_lowercase();
            format!("{} of {} towards {name} autonomy", self.streak.min(settings.pieces_to_earn), settings.pieces_to_earn)
        }
    }
}

/// A worker's standing in every work type. Events for one type never touch another.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AutonomyRecord {
    by_type: BTreeMap<WorkType, Autonomy>,
}

impl AutonomyRecord {
    pub fn get(&self, work_type: WorkType) -> Autonomy {
        self.by_type.get(&work_type).copied().unwrap_or(Autonomy::NONE)
    }

    pub fn apply(&mut self, work_type: WorkType, event: AutonomyEvent, settings: &AutonomySettings) -> Option<AutonomyChange> {
        let (next, change) = self.get(work_type).after(event, settings);
        self.by_type.insert(work_type, next);
        change
    }
}

// ---- Dip sampling ----

coded_enum!(
    /// How often managers sample each worker's filed work.
    Cadence {
        Quarterly = "quarterly", "Each quarter";
        Monthly = "monthly", "Each month";
    }
);

/// National setting: K pieces of filed work per worker per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SamplingSettings {
    pub per_worker: u32,
    #[serde(with = "cadence_code")]
    pub cadence: Cadence,
    /// Work filed on autonomy earned this many days ago or less counts as newly autonomous: the
    /// greatest risk in the draw.
    #[serde(default = "default_newly_autonomous_days")]
    pub newly_autonomous_days: i64,
    /// Work on a case open longer than this many days when it was filed weighs more in the draw.
    #[serde(default = "default_long_open_days")]
    pub long_open_days: i64,
}

fn default_newly_autonomous_days() -> i64 {
    91
}

fn default_long_open_days() -> i64 {
    182
}

/// What a filed piece's place in the sample draw follows from.
#[derive(Debug, Clone, Copy)]
pub struct FiledFacts {
    pub filed_at: time::OffsetDateTime,
    pub due_on: Option<time::Date>,
    pub case_received_on: time::Date,
    /// Filed on the author's own authority, not signed off.
    pub own_authority: bool,
    /// When the author last earned autonomy in its type, before filing it.
    pub autonomy_granted_at: Option<time::OffsetDateTime>,
    pub domestic_abuse: bool,
}

mod cadence_code {
    use super::Cadence;
    pub fn serialize<S: serde::Serializer>(c: &Cadence, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(c.code())
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Cadence, D::Error> {
        let code = <String as serde::Deserialize>::deserialize(d)?;
        Cadence::from_code(&code).ok_or_else(|| serde::de::Error::custom("cadence must be quarterly or monthly"))
    }
}

impl Default for SamplingSettings {
    fn default() -> Self {
        Self { per_worker: 3, cadence: Cadence::Quarterly, newly_autonomous_days: default_newly_autonomous_days(), long_open_days: default_long_open_days() }
    }
}

impl SamplingSettings {
    /// A filed piece as the draw weighs it: the risks it carries.
    pub fn candidate(&self, f: &FiledFacts) -> Candidate {
        Candidate {
            newly_autonomous: f.own_authority && f.autonomy_granted_at.is_some_and(|g| f.filed_at - g <= time::Duration::days(self.newly_autonomous_days)),
            domestic_abuse: f.domestic_abuse,
            long_open: (f.filed_at.date() - f.case_received_on).whole_days() > self.long_open_days,
            late: f.due_on.is_some_and(|d| f.filed_at.date() > d),
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if !(1..=3650).contains(&self.newly_autonomous_days) || !(1..=3650).contains(&self.long_open_days) {
            return Err("newly_autonomous_days and long_open_days must be between 1 and 3650".into());
        }
        if (1..=20).contains(&self.per_worker) { Ok(()) } else { Err("per_worker must be between 1 and 20".into()) }
    }
}

/// A sampling period: a quarter or a month, with its first and last days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub first: time::Date,
    pub last: time::Date,
    pub cadence: Cadence,
}

impl Period {
    /// The period a day falls in.
    pub fn containing(day: time::Date, cadence: Cadence) -> Period {
        let first_month = match cadence {
            Cadence::Quarterly => ((u8::from(day.month()) - 1) / 3) * 3 + 1,
            Cadence::Monthly => u8::from(day.month()),
        };
        let months = match cadence {
            Cadence::Quarterly => 3,
            Cadence::Monthly => 1,
        };
        let month = time::Month::try_from(first_month).expect("a month");
        let first = time::Date::from_calendar_date(day.year(), month, 1).expect("the first of a month");
        let mut next = first;
        for _ in 0..months {
            next = next.replace_day(1).expect("day 1") + time::Duration::days(next.month().length(next.year()) as i64);
        }
        Period { first, last: next - time::Duration::days(1), cadence }
    }

    /// The period before this one.
    pub fn previous(&self) -> Period {
        Period::containing(self.first - time::Duration::days(1), self.cadence)
    }

    /// "2026-Q4" or "2026-11": how a period is stored and named in links.
    pub fn code(&self) -> String {
        match self.cadence {
            Cadence::Quarterly => format!("{}-Q{}", self.first.year(), (u8::from(self.first.month()) - 1) / 3 + 1),
            Cadence::Monthly => format!("{}-{:02}", self.first.year(), u8::from(self.first.month())),
        }
    }

    /// "October to December 2026" or "November 2026".
    pub fn label(&self) -> String {
        match self.cadence {
            Cadence::Quarterly => format!("{} to {} {}", self.first.month(), self.last.month(), self.last.year()),
            Cadence::Monthly => format!("{} {}", self.first.month(), self.first.year()),
        }
    }
}

coded_enum!(
    /// Why Hearth proposed a piece for sampling.
    SampleBasis {
        Random = "random", "Chosen at random";
        NewlyAutonomous = "newly_autonomous", "Newly autonomous in this work type";
        DomesticAbuse = "domestic_abuse", "Domestic abuse on the case";
        LongOpen = "long_open", "Long-open case";
        LateFiling = "late_filing", "Filed after the court's date";
        Chosen = "chosen", "Swapped in by the manager";
    }
);

/// A filed piece that could be sampled, with the facts that make it riskier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub newly_autonomous: bool,
    pub domestic_abuse: bool,
    pub long_open: bool,
    pub late: bool,
}

impl Candidate {
    /// Weight for the risk-led part of the sample: one, plus the risks it carries.
    fn weight(&self) -> u32 {
        1 + 3 * self.newly_autonomous as u32 + 2 * self.late as u32 + self.domestic_abuse as u32 + self.long_open as u32
    }

    /// Its biggest risk, to say why it was proposed.
    fn basis(&self) -> SampleBasis {
        if self.newly_autonomous {
            SampleBasis::NewlyAutonomous
        } else if self.late {
            SampleBasis::LateFiling
        } else if self.domestic_abuse {
            SampleBasis::DomesticAbuse
        } else if self.long_open {
            SampleBasis::LongOpen
        } else {
            SampleBasis::Random
        }
    }
}

/// Hearth's proposal: `k` of the candidates, by index, with why each was picked. Most of the
/// sample (all but a third, rounded down) is drawn weighted by risk; the rest is drawn purely at
/// random from what is left, so every piece can be sampled. `seed` makes the draw repeatable.
pub fn propose(candidates: &[Candidate], k: usize, seed: u64) -> Vec<(usize, SampleBasis)> {
    let mut state = seed | 1;
    let mut next = move |bound: u64| {
        // xorshift64*: small, repeatable, and plenty for choosing work to read.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound.max(1)
    };
    let k = k.min(candidates.len());
    let random_part = k / 3;
    let mut left: Vec<usize> = (0..candidates.len()).collect();
    let mut chosen = vec![];
    while chosen.len() < k - random_part {
        let total: u64 = left.iter().map(|i| candidates[*i].weight() as u64).sum();
        let mut r = next(total);
        let pos = left.iter().position(|i| {
            let w = candidates[*i].weight() as u64;
            if r < w { true } else { r -= w; false }
        }).expect("a draw within the total");
        let i = left.remove(pos);
        chosen.push((i, candidates[i].basis()));
    }
    while chosen.len() < k {
        let i = left.remove(next(left.len() as u64) as usize);
        chosen.push((i, SampleBasis::Random));
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const N3: AutonomySettings = AutonomySettings { pieces_to_earn: 3 };

    fn graded(grades: &[Grade]) -> Autonomy {
        Autonomy::from_history(grades.iter().map(|g| AutonomyEvent::Graded(*g)), &N3)
    }

    #[test]
    fn three_good_pieces_in_a_row_earn_autonomy_and_the_third_says_so() {
        use Grade::*;
        let two = graded(&[Good, Outstanding]);
        assert_eq!(two, Autonomy { authorised: false, streak: 2 });
        assert_eq!(two.describe(WorkType::Section7Report, &N3), "2 of 3 towards section 7 report autonomy");
        assert_eq!(two.after(AutonomyEvent::Graded(Good), &N3), (Autonomy { authorised: true, streak: 3 }, Some(AutonomyChange::Granted)));
        assert!(graded(&[Good, Good, Good]).may_file_alone());
        assert_eq!(graded(&[Good, Good, Good]).describe(WorkType::Section7Report, &N3), "Section 7 report: files without sign-off");
        assert_eq!(graded(&[Good, Good, Good]).describe(WorkType::FinalAnalysis, &N3), "Final analysis: files without sign-off");
        assert!(!graded(&[Good, RequiresImprovement, Good, Good]).may_file_alone(), "the run must be unbroken");
    }

    #[test]
    fn a_piece_below_good_a_revocation_or_a_reset_take_it_away() {
        let earned = graded(&[Grade::Good; 3]);
        assert_eq!(earned.after(AutonomyEvent::Graded(Grade::RequiresImprovement), &N3), (Autonomy::NONE, Some(AutonomyChange::Lost)));
        assert_eq!(earned.after(AutonomyEvent::Revoked, &N3), (Autonomy::NONE, Some(AutonomyChange::Revoked)));
        assert_eq!(earned.after(AutonomyEvent::Reset, &N3), (Autonomy::NONE, Some(AutonomyChange::Reset)));
        let counting = graded(&[Grade::Good; 2]);
        assert_eq!(counting.after(AutonomyEvent::Graded(Grade::Inadequate), &N3), (Autonomy::NONE, None), "nothing was held, so nothing is lost");
        assert_eq!(counting.after(AutonomyEvent::Reset, &N3).0, Autonomy::NONE, "a reset starts the count again");
    }

    #[test]
    fn the_number_of_pieces_is_a_setting() {
        let one = AutonomySettings { pieces_to_earn: 1 };
        assert_eq!(Autonomy::NONE.after(AutonomyEvent::Graded(Grade::Good), &one).1, Some(AutonomyChange::Granted));
        assert!(AutonomySettings { pieces_to_earn: 0 }.validate().is_err());
        assert!(AutonomySettings::default().validate().is_ok());
    }

    #[test]
    fn codes_round_trip() {
        for w in WorkType::ALL {
            assert_eq!(WorkType::from_code(w.code()), Some(*w));
        }
        for g in Grade::ALL {
            assert_eq!(Grade::from_code(g.code()), Some(*g));
        }
        assert_eq!(Grade::ALL.iter().filter(|g| g.meets_standard()).count(), 2);
    }

    fn grade() -> impl Strategy<Value = Grade> {
        prop::sample::select(Grade::ALL.to_vec())
    }

    fn event() -> impl Strategy<Value = AutonomyEvent> {
        prop_oneof![
            8 => grade().prop_map(AutonomyEvent::Graded),
            1 => Just(AutonomyEvent::Revoked),
            1 => Just(AutonomyEvent::Reset),
        ]
    }

    fn work_type() -> impl Strategy<Value = WorkType> {
        prop::sample::select(WorkType::ALL.to_vec())
    }

    #[test]
    fn periods_are_quarters_or_months() {
        use time::macros::date;
        let q = Period::containing(date!(2026 - 11 - 23), Cadence::Quarterly);
        assert_eq!((q.first, q.last, q.code().as_str()), (date!(2026 - 10 - 01), date!(2026 - 12 - 31), "2026-Q4"));
        assert_eq!(q.label(), "October to December 2026");
        assert_eq!(q.previous().code(), "2026-Q3");
        let m = Period::containing(date!(2024 - 02 - 10), Cadence::Monthly);
        assert_eq!((m.last, m.code().as_str()), (date!(2024 - 02 - 29), "2024-02"));
        assert_eq!(Period::containing(date!(2027 - 01 - 01), Cadence::Quarterly).previous().code(), "2026-Q4");
    }

    #[test]
    fn a_proposal_is_part_risk_part_random_and_repeatable() {
        let plain = Candidate { newly_autonomous: false, domestic_abuse: false, long_open: false, late: false };
        let mut pieces = vec![plain; 12];
        pieces[7] = Candidate { newly_autonomous: true, late: true, ..plain };
        let p = propose(&pieces, 3, 42);
        assert_eq!(p.len(), 3);
        assert_eq!(p, propose(&pieces, 3, 42), "the same seed proposes the same pieces");
        assert_eq!(p.iter().filter(|(_, b)| *b == SampleBasis::Random).count() >= 1, true, "a third is purely random");
        let mut idx: Vec<usize> = p.iter().map(|(i, _)| *i).collect();
        idx.dedup();
        assert_eq!(idx.len(), 3, "no piece twice");
        assert_eq!(propose(&pieces[..2], 3, 1).len(), 2, "never more than there are");
        // Over many draws the risky piece is proposed far more often than a plain one.
        let risky = (0..400).filter(|s| propose(&pieces, 3, *s).iter().any(|(i, _)| *i == 7)).count();
        let plain_one = (0..400).filter(|s| propose(&pieces, 3, *s).iter().any(|(i, _)| *i == 0)).count();
        assert!(risky > plain_one * 2, "risky {risky}, plain {plain_one}");
    }

    proptest! {
        /// Authority is held only if the last N events were all grades of good or better.
        #[test]
        fn never_granted_after_fewer_than_n_consecutive_good_grades(n in 1u32..6, events in prop::collection::vec(event(), 0..40)) {
            let settings = AutonomySettings { pieces_to_earn: n };
            let mut a = Autonomy::NONE;
            for (i, e) in events.iter().enumerate() {
                a = a.after(*e, &settings).0;
                if a.authorised {
                    // Find the run of good grades that earned it: at least N, unbroken, since the
                    // last event that took authority away.
                    let run = events[..=i].iter().rev().take_while(|e| matches!(e, AutonomyEvent::Graded(g) if g.meets_standard())).count();
                    prop_assert!(run as u32 >= n, "authorised after a run of {run} with N = {n}");
                }
            }
        }

        /// Any grade below good leaves the worker without authority, whatever came before.
        #[test]
        fn any_grade_below_good_removes_it(n in 1u32..6, before in prop::collection::vec(event(), 0..40), low in prop::sample::select(vec![Grade::RequiresImprovement, Grade::Inadequate])) {
            let settings = AutonomySettings { pieces_to_earn: n };
            let held = Autonomy::from_history(before.iter().copied(), &settings);
            let (after, change) = held.after(AutonomyEvent::Graded(low), &settings);
            prop_assert!(!after.may_file_alone());
            prop_assert_eq!(after.streak, 0);
            prop_assert_eq!(change.is_some(), held.authorised, "the loss is reported exactly when something was held");
        }

        /// What happens in one work type never changes another.
        #[test]
        fn autonomy_is_independent_between_work_types(events in prop::collection::vec((work_type(), event()), 0..80)) {
            let mut record = AutonomyRecord::default();
            for (t, e) in &events {
                record.apply(*t, *e, &N3);
            }
            for t in WorkType::ALL {
                let own = Autonomy::from_history(events.iter().filter(|(w, _)| w == t).map(|(_, e)| *e), &N3);
                prop_assert_eq!(record.get(*t), own);
            }
        }

        /// Earned exactly at the Nth unbroken good grade, never earlier.
        #[test]
        fn granted_exactly_at_the_nth_good_grade(n in 1u32..8, grades in prop::collection::vec(prop::sample::select(vec![Grade::Good, Grade::Outstanding]), 1..12)) {
            let settings = AutonomySettings { pieces_to_earn: n };
            let mut a = Autonomy::NONE;
            for (i, g) in grades.iter().enumerate() {
                let (next, change) = a.after(AutonomyEvent::Graded(*g), &settings);
                prop_assert_eq!(change == Some(AutonomyChange::Granted), i as u32 + 1 == n);
                a = next;
            }
        }
    }

    #[test]
    fn a_filed_piece_is_weighed_for_the_draw_by_the_national_settings() {
        let at = |d: i64| time::OffsetDateTime::from_unix_timestamp(1_800_000_000 + d * 86_400).unwrap();
        let facts = FiledFacts { filed_at: at(100), due_on: Some(at(99).date()), case_received_on: at(-90).date(), own_authority: true, autonomy_granted_at: Some(at(10)), domestic_abuse: true };
        let s = SamplingSettings::default();
        assert_eq!(s.candidate(&facts), Candidate { newly_autonomous: true, domestic_abuse: true, long_open: true, late: true });
        let stricter = SamplingSettings { newly_autonomous_days: 30, long_open_days: 365, ..s };
        let c = stricter.candidate(&facts);
        assert!(!c.newly_autonomous && !c.long_open, "both thresholds come from the settings");
        assert!(!s.candidate(&FiledFacts { own_authority: false, ..facts }).newly_autonomous, "signed-off work is not newly autonomous");
    }
}
