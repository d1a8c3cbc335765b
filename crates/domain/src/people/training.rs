//! Training and policy attestations: which courses each role must keep up to date, where a
//! person stands on each, and what a national administrator writes when they publish a course
//! or a new version of a policy.
//!
//! A mandatory course is renewed every so many months (or done once). A new starter has a few
//! months to do it before it counts as missing. A policy has versions; everyone in the roles it
//! names confirms they have read and understood each new one.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use super::add_months;
use crate::org::Role;
use crate::{Collect, FieldError, FieldErrors};

/// National settings for training (`[training]` in hearth.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingSettings {
    /// A course shows as expiring, and its holder is reminded, this many days before it expires.
    pub expiring_days: i64,
    /// Days a new starter has to do each mandatory course before it shows as missing.
    pub new_starter_days: i64,
}

impl Default for TrainingSettings {
    fn default() -> Self {
        Self { expiring_days: 30, new_starter_days: 90 }
    }
}

impl TrainingSettings {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=180).contains(&self.expiring_days) || !(0..=365).contains(&self.new_starter_days) {
            return Err("expiring_days must be from 1 to 180 and new_starter_days from 0 to 365".into());
        }
        Ok(())
    }
}

/// Where a person stands on one course they must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Standing {
    /// Done, and not due again yet (or never: a course done once).
    Current { until: Option<Date> },
    /// Done, but it expires within the settings' `expiring_days`.
    Expiring { on: Date },
    /// Done once, but its renewal date has passed.
    Expired { on: Date },
    /// Never done; a new starter has until `by`.
    Due { by: Date },
    /// Never done, and past the time a new starter has.
    Missing { since: Date },
}

impl Standing {
    /// Expired or missing: the person is out of date on it.
    pub fn overdue(self) -> bool {
        matches!(self, Standing::Expired { .. } | Standing::Missing { .. })
    }

    /// Needs doing soon, but is not out of date yet.
    pub fn soon(self) -> bool {
        matches!(self, Standing::Expiring { .. } | Standing::Due { .. })
    }

    /// Words for the state, as a tag shows it.
    pub fn label(self) -> &'static str {
        match self {
            Standing::Current { .. } => "Up to date",
            Standing::Expiring { .. } => "Expires soon",
            Standing::Expired { .. } => "Expired",
            Standing::Due { .. } => "To do",
            Standing::Missing { .. } => "Not done",
        }
    }

    /// The date that matters for the state, in words: "until 3 March 2027", "expired 1 May 2026".
    pub fn when(self) -> String {
        use crate::text::long_date;
        match self {
            Standing::Current { until: Some(d) } => format!("until {}", long_date(d)),
            Standing::Current { until: None } => "does not need renewing".into(),
            Standing::Expiring { on } => format!("expires {}", long_date(on)),
            Standing::Expired { on } => format!("expired {}", long_date(on)),
            Standing::Due { by } => format!("by {}", long_date(by)),
            Standing::Missing { since } => format!("was due {}", long_date(since)),
        }
    }
}

/// When a completion runs out: `renew_months` after it was done, or never.
pub fn expires_on(completed_on: Date, renew_months: Option<i64>) -> Option<Date> {
    renew_months.map(|m| add_months(completed_on, m))
}

/// Where someone stands on a course: from their latest completion, or, never having done it,
/// from the day they started (or the day the course became mandatory for them, whichever is
/// later), plus the time a new starter has.
pub fn standing(renew_months: Option<i64>, last_completed: Option<Date>, required_from: Date, today: Date, s: &TrainingSettings) -> Standing {
    match last_completed {
        Some(done) => match expires_on(done, renew_months) {
            None => Standing::Current { until: None },
            Some(on) if today >= on => Standing::Expired { on },
            Some(on) if (on - today).whole_days() <= s.expiring_days => Standing::Expiring { on },
            Some(on) => Standing::Current { until: Some(on) },
        },
        None => {
            let by = required_from + Duration::days(s.new_starter_days);
            if today > by { Standing::Missing { since: by } } else { Standing::Due { by } }
        }
    }
}

/// A person's mandatory training at a glance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TrainingSummary {
    pub required: usize,
    /// Expired or never done past the new starter's time.
    pub overdue: usize,
    /// Expiring soon, or a new starter's still to do.
    pub soon: usize,
}

impl TrainingSummary {
    pub fn of(standings: impl IntoIterator<Item = Standing>) -> Self {
        standings.into_iter().fold(Self::default(), |mut t, s| {
            t.required += 1;
            t.overdue += usize::from(s.overdue());
            t.soon += usize::from(s.soon());
            t
        })
    }

    /// Nothing out of date.
    pub fn compliant(self) -> bool {
        self.overdue == 0
    }

    pub fn words(self) -> String {
        match (self.overdue, self.soon) {
            (0, 0) if self.required == 0 => "None required".into(),
            (0, 0) => "Up to date".into(),
            (0, n) => format!("{n} due soon"),
            (n, 0) => format!("{n} out of date"),
            (n, m) => format!("{n} out of date, {m} due soon"),
        }
    }
}

/// A share as a whole percentage, or none of none.
pub fn percent(part: usize, whole: usize) -> Option<u32> {
    (whole > 0).then(|| ((part as f64 / whole as f64) * 100.0).round() as u32)
}

// ---- What a national administrator writes ----

/// A course as it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseDraft {
    pub title: String,
    pub summary: String,
    /// The module itself, in Markdown. Rendered without raw HTML.
    pub body: String,
    pub renew_months: Option<i64>,
    /// The roles that must do it; none for a course anyone may take.
    pub mandatory_for: Vec<Role>,
    /// The quiz as written (empty for none), checked by [`parse_quiz`], and the share of
    /// questions, as a percentage, a pass needs.
    pub quiz: String,
    pub pass_mark: Option<i64>,
}

/// What an administrator typed for a course, before it is checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CourseForm {
    pub title: String,
    pub summary: String,
    pub body: String,
    /// Months between renewals; empty for a course done once.
    pub renew_months: String,
    pub mandatory_for: Vec<String>,
    pub version: String,
    pub quiz: String,
    pub pass_mark: String,
}

/// The longest renewal interval: ten years.
pub const MOST_RENEW_MONTHS: i64 = 120;

impl CourseForm {
    pub fn validate(&self) -> Result<CourseDraft, FieldErrors> {
        let mut c = Collect::default();
        let title = c.keep(crate::text::required("title", "the course's title", &self.title, 120));
        let summary = c.keep(crate::text::required("summary", "a summary", &self.summary, 300));
        let body = c.keep(crate::text::required("body", "the module's content", &self.body, 50_000));
        let renew_months = c.keep(match self.renew_months.trim() {
            "" => Ok(None),
            v => match v.parse::<i64>() {
                Ok(m) if (1..=MOST_RENEW_MONTHS).contains(&m) => Ok(Some(m)),
                Ok(_) => Err(FieldError::new("renew_months", format!("Months between renewals must be from 1 to {MOST_RENEW_MONTHS}"))),
                Err(_) => Err(FieldError::new("renew_months", "Months between renewals must be a whole number, like 12")),
            },
        });
        // No role ticked is an optional course, open to anyone.
        let mandatory_for = c.keep(if self.mandatory_for.iter().all(|r| r.trim().is_empty()) { Ok(vec![]) } else { crate::org::parse_roles("mandatory_for", &self.mandatory_for) });
        let quiz = c.keep(parse_quiz(&self.quiz).map(|q| q.map(|_| self.quiz.trim().replace("\r\n", "\n")).unwrap_or_default()));
        let pass_mark = c.keep(match (self.quiz.trim().is_empty(), self.pass_mark.trim()) {
            (true, _) => Ok(None),
            (false, v) => match v.parse::<i64>() {
                Ok(m) if (1..=100).contains(&m) => Ok(Some(m)),
                _ => Err(FieldError::new("pass_mark", "The pass mark must be a whole percentage from 1 to 100, like 80")),
            },
        });
        match (title, summary, body, renew_months, mandatory_for, quiz, pass_mark) {
            (Some(title), Some(summary), Some(body), Some(renew_months), Some(mandatory_for), Some(quiz), Some(pass_mark)) if c.is_empty() => {
                Ok(CourseDraft { title, summary, body, renew_months, mandatory_for, quiz, pass_mark })
            }
            _ => Err(c.0),
        }
    }
}

// ---- A module's quiz ----

/// One question: its options in order, and which is right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub text: String,
    pub options: Vec<String>,
    pub answer: usize,
}

/// The most questions one quiz asks, and the most options one question offers.
pub const MOST_QUESTIONS: usize = 20;
pub const MOST_OPTIONS: usize = 6;

/// Reads a quiz as an administrator writes it, one line each: `? ` starts a question, `- ` a
/// wrong answer and `* ` the right one; blank lines are ignored. Empty text is no quiz. Each
/// question has two to six answers and exactly one right; a line that is none of these is
/// named by its number.
pub fn parse_quiz(text: &str) -> Result<Option<Vec<Question>>, FieldError> {
    let wrong = |message: String| FieldError::new("quiz", message);
    let mut questions: Vec<Question> = vec![];
    let mut rights: Vec<usize> = vec![];
    for (n, line) in text.lines().enumerate().map(|(n, l)| (n + 1, l.trim())) {
        if line.is_empty() {
            continue;
        }
        let (mark, rest) = line.split_at(line.char_indices().nth(1).map(|(i, _)| i).unwrap_or(line.len()));
        let rest = rest.trim();
        match mark {
            "?" if !rest.is_empty() => {
                questions.push(Question { text: crate::text::required("quiz", "the question", rest, 300)?, options: vec![], answer: 0 });
                rights.push(0);
            }
            "-" | "*" if !rest.is_empty() => {
                let Some(q) = questions.last_mut() else { return Err(wrong(format!("Line {n}: start the first question with ? before its answers"))) };
                if mark == "*" {
                    q.answer = q.options.len();
                    *rights.last_mut().expect("a right count per question") += 1;
                }
                q.options.push(crate::text::required("quiz", "the answer", rest, 200)?);
            }
            _ => return Err(wrong(format!("Line {n}: start a question with ?, a wrong answer with - and the right answer with *"))),
        }
    }
    if questions.len() > MOST_QUESTIONS {
        return Err(wrong(format!("Ask {MOST_QUESTIONS} questions or fewer")));
    }
    for (i, (q, right)) in questions.iter().zip(&rights).enumerate().map(|(i, x)| (i + 1, x)) {
        if !(2..=MOST_OPTIONS).contains(&q.options.len()) {
            return Err(wrong(format!("Question {i} needs from 2 to {MOST_OPTIONS} answers")));
        }
        if *right != 1 {
            return Err(wrong(format!("Question {i} needs exactly one right answer, marked with *")));
        }
    }
    Ok((!questions.is_empty()).then_some(questions))
}

/// How many of the answers (by question, the option chosen) are right.
pub fn score(questions: &[Question], answers: &[usize]) -> usize {
    questions.iter().zip(answers).filter(|(q, a)| q.answer == **a).count()
}

/// Whether `correct` of `total` reaches a pass mark in percent: 4 of 5 passes 80.
pub fn passes(correct: usize, total: usize, pass_mark: i64) -> bool {
    total > 0 && (correct as i64) * 100 >= pass_mark * total as i64
}

/// The answers someone sent, one per question (`answer-1`, `answer-2`, …), each the number of
/// an option from 1; a question left unanswered is named.
pub fn read_answers(questions: &[Question], sent: impl Fn(&str) -> String) -> Result<Vec<usize>, FieldErrors> {
    let mut c = Collect::default();
    let mut answers = vec![];
    for (i, q) in questions.iter().enumerate().map(|(i, q)| (i + 1, q)) {
        let field = format!("answer-{i}");
        match sent(&field).trim().parse::<usize>() {
            Ok(a) if (1..=q.options.len()).contains(&a) => answers.push(a - 1),
            _ => c.push(FieldError::new(field, format!("Answer question {i}"))),
        }
    }
    if c.is_empty() { Ok(answers) } else { Err(c.0) }
}

/// A new version of a policy as it is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDraft {
    /// What changed, for the people who must read it again.
    pub changes: String,
    pub body: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PolicyForm {
    pub changes: String,
    pub body: String,
    /// The version the author started from: publishing over a newer one is refused.
    pub version: String,
}

impl PolicyForm {
    pub fn validate(&self) -> Result<PolicyDraft, FieldErrors> {
        let mut c = Collect::default();
        let changes = c.keep(crate::text::required("changes", "what has changed", &self.changes, 1_000));
        let body = c.keep(crate::text::required("body", "the policy", &self.body, 100_000));
        match (changes, body) {
            (Some(changes), Some(body)) if c.is_empty() => Ok(PolicyDraft { changes, body }),
            _ => Err(c.0),
        }
    }
}

/// The policy every practitioner confirms before assessing risk (section 16A).
pub const DOMESTIC_ABUSE_POLICY: &str = "domestic_abuse";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 06);

    #[test]
    fn a_quiz_is_written_line_by_line_and_scored_against_its_pass_mark() {
        let text = "? Who do you tell first about a new domestic abuse disclosure?\n- The child's school\n* Your manager, the same day\n- Nobody until the report\n\n? A text message may carry\n* The appointment time\n- The case reference\n";
        let quiz = parse_quiz(text).unwrap().unwrap();
        assert_eq!((quiz.len(), quiz[0].answer, quiz[1].answer, quiz[0].options.len()), (2, 1, 0, 3));
        assert_eq!(parse_quiz("  \n").unwrap(), None, "no quiz");
        assert_eq!(score(&quiz, &[1, 1]), 1);
        assert!(passes(4, 5, 80) && !passes(3, 5, 80) && passes(1, 2, 50) && !passes(0, 0, 1));
        for (bad, says) in [
            ("- An answer before any question", "Line 1: start the first question"),
            ("? One\n- a\n- b", "Question 1 needs exactly one right answer"),
            ("? One\n* a\n* b", "Question 1 needs exactly one right answer"),
            ("? One\n* a", "Question 1 needs from 2 to 6 answers"),
            ("? One\n* a\n- b\nA stray line", "Line 4: start a question with ?"),
        ] {
            assert!(parse_quiz(bad).unwrap_err().message.starts_with(says), "{bad}: {:?}", parse_quiz(bad));
        }
        let sent = |f: &str| match f { "answer-1" => "2".to_string(), _ => String::new() };
        assert_eq!(read_answers(&quiz, sent).unwrap_err()[0].field, "answer-2", "an unanswered question is named");
        assert_eq!(read_answers(&quiz, |_| "1".into()).unwrap(), [0, 0]);
        assert!(read_answers(&quiz, |_| "9".into()).is_err(), "an option that is not there");
        let form = CourseForm { title: "DA".into(), summary: "S".into(), body: "B".into(), quiz: text.into(), pass_mark: "".into(), ..Default::default() };
        assert_eq!(form.validate().unwrap_err()[0].field, "pass_mark", "a quiz needs its pass mark");
    }

    #[test]
    fn a_course_renewed_every_two_years_expires_two_years_after_it_was_done() {
        let s = TrainingSettings::default();
        let started = date!(2018 - 01 - 01);
        assert_eq!(standing(Some(24), Some(date!(2025 - 06 - 01)), started, TODAY, &s), Standing::Current { until: Some(date!(2027 - 06 - 01)) });
        assert_eq!(standing(Some(24), Some(date!(2024 - 12 - 20)), started, TODAY, &s), Standing::Expiring { on: date!(2026 - 12 - 20) });
        assert_eq!(standing(Some(24), Some(date!(2024 - 12 - 06)), started, TODAY, &s), Standing::Expired { on: TODAY }, "expires on the day");
        assert_eq!(standing(None, Some(date!(2010 - 01 - 01)), started, TODAY, &s), Standing::Current { until: None }, "done once is done");
    }

    #[test]
    fn a_new_starter_has_ninety_days_before_a_course_they_have_not_done_is_missing() {
        let s = TrainingSettings::default();
        assert_eq!(standing(Some(12), None, date!(2026 - 10 - 01), TODAY, &s), Standing::Due { by: date!(2026 - 12 - 30) });
        assert_eq!(standing(Some(12), None, date!(2026 - 09 - 01), TODAY, &s), Standing::Missing { since: date!(2026 - 11 - 30) });
    }

    #[test]
    fn a_summary_counts_what_is_out_of_date_and_what_is_due_soon() {
        let t = TrainingSummary::of([Standing::Current { until: None }, Standing::Expired { on: TODAY }, Standing::Expiring { on: TODAY }]);
        assert_eq!(t, TrainingSummary { required: 3, overdue: 1, soon: 1 });
        assert!(!t.compliant());
        assert_eq!(t.words(), "1 out of date, 1 due soon");
        assert_eq!(TrainingSummary::of([]).words(), "None required");
    }

    #[test]
    fn a_course_needs_a_title_content_and_a_sensible_renewal() {
        let form = CourseForm { title: "Safeguarding".into(), summary: "Keeping children safe".into(), body: "# Module".into(), renew_months: "24".into(), mandatory_for: vec!["practitioner".into()], version: String::new(), quiz: String::new(), pass_mark: String::new() };
        let draft = form.validate().unwrap();
        assert_eq!((draft.renew_months, draft.mandatory_for), (Some(24), vec![Role::Practitioner]));
        let bad = CourseForm { title: " ".into(), renew_months: "0".into(), mandatory_for: vec!["wizard".into()], ..form.clone() };
        let fields: Vec<_> = bad.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "renew_months", "mandatory_for"]);
        assert_eq!(CourseForm { renew_months: "often".into(), ..form }.validate().unwrap_err()[0].message, "Months between renewals must be a whole number, like 12");
    }

    proptest! {
        /// Whatever quiz is written in the format, reading it gives back its questions, answers
        /// and right answers, and answering every question rightly passes any pass mark.
        #[test]
        fn a_well_formed_quiz_reads_back_exactly(qs in proptest::collection::vec(("[A-Za-z][A-Za-z ]{0,30}", proptest::collection::vec("[A-Za-z0-9][A-Za-z0-9 ]{0,20}", 2..=6), any::<prop::sample::Index>()), 1..=10), mark in 1i64..=100) {
            let mut text = String::new();
            for (q, options, right) in &qs {
                text.push_str(&format!("? {q}\n"));
                let right = right.index(options.len());
                for (i, o) in options.iter().enumerate() {
                    text.push_str(&format!("{} {o}\n", if i == right { "*" } else { "-" }));
                }
            }
            let quiz = parse_quiz(&text).unwrap().unwrap();
            prop_assert_eq!(quiz.len(), qs.len());
            for (read, (q, options, right)) in quiz.iter().zip(&qs) {
                prop_assert_eq!(&read.text, q.trim());
                prop_assert_eq!(read.options.iter().map(String::as_str).collect::<Vec<_>>(), options.iter().map(|o| o.trim()).collect::<Vec<_>>());
                prop_assert_eq!(read.answer, right.index(options.len()));
            }
            let all_right: Vec<usize> = quiz.iter().map(|q| q.answer).collect();
            prop_assert!(passes(score(&quiz, &all_right), quiz.len(), mark));
        }

        /// Whatever the dates, a completed course is expired exactly when its renewal date has
        /// come, and only a course never done is ever missing or to do.
        #[test]
        fn standing_follows_the_renewal_date(done in 0i64..4000, months in proptest::option::of(1i64..60), started in 0i64..4000) {
            let s = TrainingSettings::default();
            let today = TODAY;
            let completed = today - Duration::days(done);
            let st = standing(months, Some(completed), today - Duration::days(started), today, &s);
            let expired = months.is_some_and(|m| add_months(completed, m) <= today);
            prop_assert_eq!(st.overdue(), expired);
            let never_done = matches!(st, Standing::Due { .. } | Standing::Missing { .. });
            prop_assert!(!never_done, "a completed course is never to do or missing");
            let never = standing(months, None, today - Duration::days(started), today, &s);
            prop_assert_eq!(never.overdue(), started > s.new_starter_days);
        }
    }
}
