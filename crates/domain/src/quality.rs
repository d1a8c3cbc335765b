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
}
