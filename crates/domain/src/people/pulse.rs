//! The wellbeing pulse: a few national questions answered on a 1 to 5 scale while a survey is
//! open. Answers are kept without the person: only as counts per team, question and score. A
//! group's results show only with enough responses, and groups are hidden together so that no
//! difference between what is shown (an area less its shown teams, the service less its shown
//! areas) narrows down to fewer people than that.

use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use crate::{Collect, FieldError, FieldErrors};

/// The fewest responses a group's results show with.
pub const MIN_GROUP: i64 = 5;

/// The national questions, by code, in the order they are asked.
pub const QUESTIONS: &[(&str, &str)] = &[
    ("cared_for", "I feel cared for by the service"),
    ("workload", "My workload is manageable"),
    ("manager", "I feel supported by my manager"),
    ("wellbeing", "I can look after my wellbeing at work"),
    ("proud", "I am proud of the difference we make for children"),
];

/// The scale, 1 to 5, in words.
pub const SCALE: &[(i64, &str)] = &[(1, "Strongly disagree"), (2, "Disagree"), (3, "Neither agree nor disagree"), (4, "Agree"), (5, "Strongly agree")];

/// One person's answers, a score for each question in `QUESTIONS` order.
pub type Answers = [i64; 5];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub cared_for: String,
    pub workload: String,
    pub manager: String,
    pub wellbeing: String,
    pub proud: String,
}

impl AnswerForm {
    /// Every question answered, each from 1 to 5: a partial answer would make the groups'
    /// counts differ by question.
    pub fn validate(&self) -> Result<Answers, FieldErrors> {
        let mut c = Collect::default();
        let values = [&self.cared_for, &self.workload, &self.manager, &self.wellbeing, &self.proud];
        let mut answers = [0; 5];
        for (i, ((code, text), v)) in QUESTIONS.iter().zip(values).enumerate() {
            match v.trim().parse::<i64>() {
                Ok(n) if (1..=5).contains(&n) => answers[i] = n,
                _ => c.push(FieldError::new(*code, format!("Choose how far you agree: {}", text.to_lowercase()))),
            }
        }
        if c.is_empty() { Ok(answers) } else { Err(c.0) }
    }
}

/// A survey as national leadership opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyDraft {
    pub title: String,
    pub opens_on: Date,
    pub closes_on: Date,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SurveyForm {
    pub title: String,
    pub opens_on: String,
    pub closes_on: String,
}

/// The longest a survey stays open.
pub const MOST_DAYS_OPEN: i64 = 56;

impl SurveyForm {
    pub fn validate(&self, today: Date) -> Result<SurveyDraft, FieldErrors> {
        let mut c = Collect::default();
        let title = c.keep(crate::text::required("title", "a title", &self.title, 120));
        let opens_on = c.keep(crate::org::parse_date("opens_on", "the day it opens", &self.opens_on).and_then(|d| {
            if d < today { Err(FieldError::new("opens_on", "The day it opens must be today or later")) } else { Ok(d) }
        }));
        let closes_on = c.keep(crate::org::parse_date("closes_on", "the day it closes", &self.closes_on));
        if let (Some(o), Some(cl)) = (opens_on, closes_on) {
            if cl < o {
                c.push(FieldError::new("closes_on", "The day it closes must be on or after the day it opens"));
            } else if (cl - o).whole_days() > MOST_DAYS_OPEN {
                c.push(FieldError::new("closes_on", format!("A pulse survey is open for {} weeks at most", MOST_DAYS_OPEN / 7)));
            }
        }
        match (title, opens_on, closes_on) {
            (Some(title), Some(opens_on), Some(closes_on)) if c.is_empty() => Ok(SurveyDraft { title, opens_on, closes_on }),
            _ => Err(c.0),
        }
    }
}

/// Share agreeing (4 or 5) of a question's counts by score (index 0 is score 1), as a whole
/// percentage, and the mean score to one decimal place.
pub fn agreement(counts: &[i64; 5]) -> Option<(u32, f64)> {
    let n: i64 = counts.iter().sum();
    if n == 0 {
        return None;
    }
    let agree = counts[3] + counts[4];
    let mean = counts.iter().enumerate().map(|(i, c)| (i as i64 + 1) * c).sum::<i64>() as f64 / n as f64;
    Some(((agree as f64 * 100.0 / n as f64).round() as u32, (mean * 10.0).round() / 10.0))
}

// ---- Which groups may show ----

/// Responses per team, each team in its area. A team id of `None` holds those with no team,
/// who count only in the service's figure.
#[derive(Debug, Clone, Default)]
pub struct Responses {
    pub teams: Vec<(Option<Uuid>, Uuid, i64)>,
}

/// The groups whose results may show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    pub teams: std::collections::HashSet<Uuid>,
    pub areas: std::collections::HashSet<Uuid>,
    pub nation: bool,
    /// Whether those with no team count in the service's figure: only when there are enough of
    /// them, or the service less its areas would be their answers.
    pub no_team: bool,
}

/// Hides each group under `MIN_GROUP`, then hides more (the smallest first) wherever the hidden
/// part of a shown group would add up to fewer than `MIN_GROUP` but more than none: an area's
/// hidden teams, and the service's hidden areas. A hidden area hides all its teams. Those with
/// no team count in the service's figure only when there are `MIN_GROUP` of them.
pub fn shown(r: &Responses) -> Shown {
    use std::collections::{BTreeMap, HashSet};
    let mut by_area: BTreeMap<Uuid, Vec<(Uuid, i64)>> = BTreeMap::new();
    let mut nation = 0;
    let mut no_team = 0;
    for (team, area, n) in &r.teams {
        nation += n;
        match team {
            Some(t) => by_area.entry(*area).or_default().push((*t, *n)),
            None => no_team += n,
        }
    }
    let mut teams = HashSet::new();
    let mut areas = HashSet::new();
    let mut area_totals = vec![];
    for (area, members) in &by_area {
        let total: i64 = members.iter().map(|(_, n)| n).sum();
        area_totals.push((*area, total));
        if total < MIN_GROUP {
            continue;
        }
        areas.insert(*area);
        let mut visible: Vec<(Uuid, i64)> = members.iter().copied().filter(|(_, n)| *n >= MIN_GROUP).collect();
        let mut hidden: i64 = total - visible.iter().map(|(_, n)| n).sum::<i64>();
        visible.sort_by_key(|(id, n)| (*n, *id));
        while hidden > 0 && hidden < MIN_GROUP && !visible.is_empty() {
            hidden += visible.remove(0).1;
        }
        teams.extend(visible.into_iter().map(|(id, _)| id));
    }
    let no_team_counted = no_team >= MIN_GROUP;
    if !no_team_counted {
        nation -= no_team;
    }
    let nation_shown = nation >= MIN_GROUP;
    if nation_shown {
        let mut hidden = if no_team_counted { no_team } else { 0 } + area_totals.iter().filter(|(a, _)| !areas.contains(a)).map(|(_, n)| n).sum::<i64>();
        let mut visible: Vec<(Uuid, i64)> = area_totals.iter().copied().filter(|(a, _)| areas.contains(a)).collect();
        visible.sort_by_key(|(id, n)| (*n, *id));
        while hidden > 0 && hidden < MIN_GROUP && !visible.is_empty() {
            let (area, n) = visible.remove(0);
            hidden += n;
            areas.remove(&area);
            for (t, _) in &by_area[&area] {
                teams.remove(t);
            }
        }
    } else {
        areas.clear();
        teams.clear();
    }
    Shown { teams, areas, nation: nation_shown, no_team: no_team_counted }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn a_small_team_is_hidden_and_so_is_the_next_smallest_so_the_area_does_not_give_it_away() {
        // Area 1: teams of 3, 8 and 12. Showing 8 and 12 with the area's 23 would reveal the 3.
        let r = Responses { teams: vec![(Some(id(1)), id(100), 3), (Some(id(2)), id(100), 8), (Some(id(3)), id(100), 12), (Some(id(4)), id(200), 20)] };
        let s = shown(&r);
        assert!(s.nation && s.areas.contains(&id(100)) && s.areas.contains(&id(200)));
        assert_eq!(s.teams, [id(3), id(4)].into_iter().collect());
    }

    #[test]
    fn a_small_area_hides_the_next_smallest_area_and_its_teams() {
        let r = Responses { teams: vec![(Some(id(1)), id(100), 4), (Some(id(2)), id(200), 6), (Some(id(3)), id(300), 30)] };
        let s = shown(&r);
        assert_eq!(s.areas, [id(300)].into_iter().collect());
        assert_eq!(s.teams, [id(3)].into_iter().collect());
        assert!(s.nation);
    }

    #[test]
    fn a_few_people_with_no_team_are_left_out_of_the_service_figure_rather_than_hide_an_area() {
        let r = Responses { teams: vec![(Some(id(1)), id(100), 30), (None, Uuid::nil(), 3)] };
        let s = shown(&r);
        assert!(s.nation && !s.no_team && s.areas.contains(&id(100)));
        assert!(shown(&Responses { teams: vec![(Some(id(1)), id(100), 30), (None, Uuid::nil(), 6)] }).no_team);
    }

    #[test]
    fn fewer_than_five_in_all_shows_nothing() {
        let s = shown(&Responses { teams: vec![(Some(id(1)), id(100), 4)] });
        assert_eq!(s, Shown::default());
    }

    #[test]
    fn answers_must_cover_every_question_on_the_scale() {
        let ok = AnswerForm { cared_for: "4".into(), workload: "2".into(), manager: "5".into(), wellbeing: "3".into(), proud: "1".into() };
        assert_eq!(ok.validate().unwrap(), [4, 2, 5, 3, 1]);
        let bad = AnswerForm { cared_for: "6".into(), workload: "".into(), ..ok };
        let fields: Vec<_> = bad.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["cared_for", "workload"]);
        assert_eq!(agreement(&[1, 1, 0, 4, 4]), Some((80, 3.9)));
    }

    proptest! {
        /// Whatever the responses, no group under five shows, and nothing that can be worked
        /// out from what shows (a shown area less its shown teams, the service less its shown
        /// areas) is a group of one to four people.
        #[test]
        fn no_combination_of_what_shows_reveals_a_group_under_five(
            areas in proptest::collection::vec(proptest::collection::vec(0i64..12, 1..6), 1..6),
            no_team in 0i64..8,
        ) {
            let mut r = Responses::default();
            let mut n = 0u128;
            for (a, teams) in areas.iter().enumerate() {
                for count in teams {
                    n += 1;
                    r.teams.push((Some(id(n)), id(1000 + a as u128), *count));
                }
            }
            r.teams.push((None, id(0), no_team));
            let s = shown(&r);
            let small = |k: i64| k > 0 && k < MIN_GROUP;
            let in_teams: i64 = areas.iter().flatten().sum();
            prop_assert_eq!(s.no_team, no_team >= MIN_GROUP);
            let total = in_teams + if s.no_team { no_team } else { 0 };
            prop_assert_eq!(s.nation, total >= MIN_GROUP);
            let mut shown_areas_total = 0;
            for (a, teams) in areas.iter().enumerate() {
                let area = id(1000 + a as u128);
                let area_total: i64 = teams.iter().sum();
                let first = r.teams.iter().position(|t| t.1 == area).unwrap() as u128 + 1;
                let shown_teams: i64 = (0..teams.len() as u128).filter(|k| s.teams.contains(&id(first + k))).map(|k| teams[k as usize]).sum();
                for (k, count) in teams.iter().enumerate() {
                    if s.teams.contains(&id(first + k as u128)) {
                        prop_assert!(*count >= MIN_GROUP);
                        prop_assert!(s.areas.contains(&area), "a team shows only inside a shown area");
                    }
                }
                if s.areas.contains(&area) {
                    prop_assert!(area_total >= MIN_GROUP);
                    prop_assert!(!small(area_total - shown_teams), "area less its shown teams: {}", area_total - shown_teams);
                    shown_areas_total += area_total;
                }
            }
            if s.nation {
                prop_assert!(!small(total - shown_areas_total), "service less its shown areas: {}", total - shown_areas_total);
            }
        }
    }
}
