//! Court work: the reports and letters a family court adviser writes, their national templates,
//! drafts, and the path from draft to filed.
//!
//! A piece of work is drafted against one version of its type's template, submitted for a
//! manager's sign-off (returned with comments on its sections, or approved with a grade) and then
//! filed. A worker with earned authority for the type (see [`crate::quality`]) files it without
//! sign-off. Closing a case is a piece of work too, so the same rule decides who closes alone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::cases::LawType;
use crate::quality::WorkType;

coded_enum!(
    /// Where a piece of work is on its way to court.
    WorkStatus {
        Draft = "draft", "Draft";
        Submitted = "submitted", "Waiting for sign-off";
        Returned = "returned", "Returned with comments";
        Approved = "approved", "Approved, ready to file";
        Filed = "filed", "Filed";
    }
);

impl WorkStatus {
    /// The author may change the text: before it is submitted, or once it is returned.
    pub fn editable(self) -> bool {
        matches!(self, WorkStatus::Draft | WorkStatus::Returned)
    }
}

coded_enum!(
    /// How filed work reached the court.
    FilingMethod {
        CourtPortal = "court_portal", "The court's digital portal";
        SecureEmail = "secure_email", "Secure email to the court";
        ByHand = "by_hand", "By hand at court";
        Post = "post", "Post";
    }
);

/// One section of a work type's template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSection {
    /// Stable within a work type, so comments and drafts find their section across versions.
    pub key: String,
    pub heading: String,
    /// What the section should cover, shown to the worker as a hint.
    pub guidance: String,
    pub required: bool,
}

fn section(key: &str, heading: &str, guidance: &str, required: bool) -> TemplateSection {
    TemplateSection { key: key.into(), heading: heading.into(), guidance: guidance.into(), required }
}

/// The sections each work type starts with nationally, before an administrator publishes another
/// version. The section 7 report follows the welfare checklist (Children Act 1989, s1(3)).
pub fn default_template(work_type: WorkType) -> Vec<TemplateSection> {
    match work_type {
        WorkType::SafeguardingLetter => vec![
            section("enquiries", "Safeguarding enquiries", "The police and local authority checks made, and what each returned.", true),
            section("screening", "Screening with the parties", "What each party said in their screening call. Only safety may be discussed before the first hearing.", true),
            section("risk", "Risks identified", "Any domestic abuse or other risk of harm, and to whom.", false),
            section("recommendations", "Recommendations", "What you recommend the court does at the first hearing.", true),
        ],
        WorkType::Section7Report => vec![
            section("enquiries", "Enquiries made", "Who you spoke to and saw, and the checks and documents you read.", false),
            section("wishes_and_feelings", "The child's wishes and feelings", "In the light of the child's age and understanding, in their own words where you can.", true),
            section("needs", "Physical, emotional and educational needs", "", true),
            section("effect_of_change", "The likely effect of any change in circumstances", "", true),
            section("characteristics", "Age, sex, background and relevant characteristics", "", true),
            section("harm", "Harm suffered or at risk of being suffered", "Including the impact of any domestic abuse.", true),
            section("parenting_capability", "How capable each parent is of meeting the child's needs", "", true),
            section("court_powers", "The range of powers available to the court", "", true),
            section("analysis", "Analysis", "Weigh the welfare checklist together.", true),
            section("recommendations", "Recommendations", "What you recommend, and why it is in the child's best interests.", true),
        ],
        WorkType::Section16aRiskAssessment => vec![
            section("trigger", "What prompted this assessment", "The risk of harm you came to suspect, and when.", true),
            section("enquiries", "Enquiries made", "", true),
            section("risk_analysis", "Analysis of the risk", "The nature, likelihood and impact of the harm.", true),
            section("child_impact", "Impact on the child", "", true),
            section("conclusion", "Conclusion", "Whether the risk is established. The assessment is filed whatever its outcome.", true),
            section("recommendations", "Recommendations", "", true),
        ],
        WorkType::GuardiansReport => vec![
            section("background", "Background", "Why the child was made a party.", true),
            section("wishes_and_feelings", "The child's wishes and feelings", "", true),
            section("welfare", "Welfare analysis", "Against the welfare checklist.", true),
            section("recommendations", "Recommendations", "", true),
        ],
        WorkType::InitialCaseAnalysis => vec![
            section("application", "The local authority's application", "What is sought and why.", true),
            section("child", "The child's situation, wishes and feelings", "", true),
            section("enquiries", "Enquiries to date", "", true),
            section("issues", "Issues for the court", "", true),
            section("timetable", "Timetable and further work", "Within 26 weeks of issue, unless the child's welfare needs longer.", true),
            section("recommendations", "Recommendations for the case management hearing", "", true),
        ],
        WorkType::FinalAnalysis => vec![
            section("wishes_and_feelings", "The child's wishes and feelings", "", true),
            section("welfare", "Welfare checklist analysis", "", true),
            section("care_plan", "Analysis of the care plan", "", true),
            section("options", "The realistic options", "The advantages and disadvantages of each.", true),
            section("recommendations", "Recommendations", "", true),
        ],
        WorkType::CaseClosure => vec![
            section("work_done", "Work completed", "What was ordered and what was done.", true),
            section("outcome", "Outcome for the child", "The final order, or why the work ended.", true),
            section("goodbye", "Ending the work with the child", "How the child was told, and their goodbye letter.", true),
        ],
    }
}

/// The work types a case of this law type has.
pub fn work_types_for(law: LawType) -> &'static [WorkType] {
    match law {
        LawType::Private => &[WorkType::SafeguardingLetter, WorkType::Section7Report, WorkType::Section16aRiskAssessment, WorkType::GuardiansReport, WorkType::CaseClosure],
        LawType::Public => &[WorkType::InitialCaseAnalysis, WorkType::FinalAnalysis, WorkType::CaseClosure],
    }
}

/// What a worker has written: section key → text.
pub type Sections = BTreeMap<String, String>;

/// The longest a single section may be: far beyond any report, small enough to keep a save quick.
pub const SECTION_MAX_CHARS: usize = 50_000;

/// The form field (and problem field) for a section.
pub fn section_field(key: &str) -> String {
    format!("section-{key}")
}

/// Words as a reader counts them: runs of letters or digits, with apostrophes and hyphens inside.
pub fn word_count(text: &str) -> usize {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-')).filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

pub fn total_words(sections: &Sections) -> usize {
    sections.values().map(|t| word_count(t)).sum()
}

/// Checks a save of a draft: only the template's sections, none too long. Line endings are made
/// plain and trailing space trimmed; an empty section is dropped, since it holds nothing.
pub fn check_draft(template: &[TemplateSection], submitted: &Sections) -> Result<Sections, Vec<FieldError>> {
    let mut errors = vec![];
    let mut clean = Sections::new();
    for (key, text) in submitted {
        let Some(s) = template.iter().find(|s| &s.key == key) else {
            errors.push(FieldError::new(section_field(key), format!("“{key}” is not a section of this report")));
            continue;
        };
        let text = text.replace("\r\n", "\n").trim_end().to_string();
        if text.chars().count() > SECTION_MAX_CHARS {
            errors.push(FieldError::new(section_field(key), format!("{} must be {SECTION_MAX_CHARS} characters or fewer", s.heading)));
        } else if !text.trim().is_empty() {
            clean.insert(key.clone(), text);
        }
    }
    if errors.is_empty() { Ok(clean) } else { Err(errors) }
}

/// Checks that every required section has something in it, before the work goes to a manager or
/// to court.
pub fn check_complete(template: &[TemplateSection], sections: &Sections) -> Result<(), Vec<FieldError>> {
    let errors: Vec<_> = template
        .iter()
        .filter(|s| s.required && sections.get(&s.key).is_none_or(|t| t.trim().is_empty()))
        .map(|s| FieldError::new(section_field(&s.key), format!("Write the section “{}”", s.heading)))
        .collect();
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

coded_enum!(
    /// How a piece reached the court: on a manager's sign-off, or on the author's earned authority
    /// for its type, filed without sign-off.
    FilingRoute {
        AfterSignOff = "after_sign_off", "After sign-off";
        OwnAuthority = "own_authority", "On delegated authority";
    }
);

/// Whether a piece may be filed now, and on what footing. `authorised` is the author's standing in
/// the work type, read inside the filing transaction.
pub fn filing_route(work_type: WorkType, status: WorkStatus, authorised: bool) -> Result<FilingRoute, FieldError> {
    match status {
        WorkStatus::Approved => Ok(FilingRoute::AfterSignOff),
        WorkStatus::Draft | WorkStatus::Returned if authorised => Ok(FilingRoute::OwnAuthority),
        WorkStatus::Draft | WorkStatus::Returned => Err(FieldError::new(
            "authority",
            format!("You do not have authority to file a {} without sign-off. Submit it to your manager", work_type.label().to_lowercase()),
        )),
        WorkStatus::Submitted => Err(FieldError::new("authority", "This is waiting for your manager's sign-off. It can be filed once they approve it")),
        WorkStatus::Filed => Err(FieldError::new("authority", "This has already been filed")),
    }
}

/// A manager never signs off their own work: someone else must look at it.
pub fn check_decider(author: uuid::Uuid, decider: uuid::Uuid) -> Result<(), FieldError> {
    if author == decider { Err(FieldError::new("decision", "You cannot sign off your own work. Ask another manager to review it")) } else { Ok(()) }
}

/// A court report ready to typeset: its header, children, sections and signature.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The work type, e.g. "Section 7 report".
    pub title: String,
    pub court: String,
    pub court_case_number: String,
    /// The Hearth reference.
    pub reference: String,
    pub children: Vec<ReportChild>,
    /// The hearing the report is for, as people read it ("FHDRA on 4 December 2026").
    pub hearing: Option<String>,
    pub filing_date: Option<String>,
    pub author: String,
    pub team: String,
    pub sections: Vec<ReportSection>,
    pub signature: Signature,
    /// The party this report must not be shown or sent to.
    pub withheld_from: Option<String>,
    /// Not filed yet (a preview): every page says DRAFT, so it cannot pass for the filed report.
    pub draft: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportChild {
    pub name: String,
    pub date_of_birth: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportSection {
    pub heading: String,
    /// Plain text; a blank line starts a new paragraph.
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Signature {
    pub name: String,
    pub role: String,
    pub date: String,
}

/// The report's sections in template order, leaving out optional sections left empty.
pub fn report_sections(template: &[TemplateSection], sections: &Sections) -> Vec<ReportSection> {
    template
        .iter()
        .filter_map(|s| sections.get(&s.key).filter(|t| !t.trim().is_empty()).map(|t| ReportSection { heading: s.heading.clone(), text: t.clone() }))
        .collect()
}

/// Checks a template an administrator wants to publish.
pub fn check_template(sections: &[TemplateSection]) -> Result<(), Vec<FieldError>> {
    let mut errors = vec![];
    if sections.is_empty() {
        errors.push(FieldError::new("sections", "A template needs at least one section"));
    }
    for (i, s) in sections.iter().enumerate() {
        let field = format!("heading-{}", i + 1);
        if s.heading.trim().is_empty() {
            errors.push(FieldError::new(field, format!("Enter a heading for section {}", i + 1)));
        } else if s.heading.chars().count() > 200 {
            errors.push(FieldError::new(field, format!("The heading of section {} must be 200 characters or fewer", i + 1)));
        } else if sections[..i].iter().any(|o| o.key == s.key) {
            errors.push(FieldError::new(field, format!("Section {} repeats another section's heading", i + 1)));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// A key for a new section from its heading: lower-case words joined by underscores.
pub fn section_key(heading: &str) -> String {
    let words: Vec<String> = heading.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    words.join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s7() -> Vec<TemplateSection> {
        default_template(WorkType::Section7Report)
    }

    #[test]
    fn the_section_7_report_follows_the_welfare_checklist() {
        let t = s7();
        assert!(t.iter().any(|s| s.heading == "The child's wishes and feelings" && s.required));
        assert_eq!(t.len(), 10, "enquiries, seven checklist headings, analysis and recommendations");
        for w in WorkType::ALL {
            let t = default_template(*w);
            assert!(check_template(&t).is_ok(), "{w:?}");
            assert!(t.iter().all(|s| s.key == section_key(&s.key)), "keys are already in key form");
        }
    }

    #[test]
    fn words_are_counted_as_a_reader_would() {
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("Amy's mother - who lives nearby - visits twice a week."), 9);
        assert_eq!(word_count("  re-referral\n\nof   the child "), 4);
        assert_eq!(word_count("* # = ..."), 0);
    }

    #[test]
    fn a_draft_keeps_only_its_template_sections_and_completeness_names_what_is_missing() {
        let t = s7();
        let mut s = Sections::new();
        s.insert("wishes_and_feelings".into(), "She wants to see her dad.\r\n".into());
        s.insert("analysis".into(), "   ".into());
        let clean = check_draft(&t, &s).unwrap();
        assert_eq!(clean.get("wishes_and_feelings").map(String::as_str), Some("She wants to see her dad."));
        assert!(!clean.contains_key("analysis"), "a blank section holds nothing");
        s.insert("made_up".into(), "x".into());
        assert_eq!(check_draft(&t, &s).unwrap_err()[0].field, "section-made_up");
        let missing = check_complete(&t, &clean).unwrap_err();
        assert_eq!(missing.len(), 8, "every required section but the one written");
        assert_eq!(missing[0].message, "Write the section “Physical, emotional and educational needs”");
        let long = Sections::from([("analysis".to_string(), "x".repeat(SECTION_MAX_CHARS + 1))]);
        assert!(check_draft(&t, &long).is_err());
    }

    #[test]
    fn filing_needs_sign_off_or_authority() {
        use WorkStatus::*;
        let t = WorkType::Section7Report;
        assert_eq!(filing_route(t, Approved, false), Ok(FilingRoute::AfterSignOff));
        assert_eq!(filing_route(t, Draft, true), Ok(FilingRoute::OwnAuthority));
        assert_eq!(filing_route(t, Returned, true), Ok(FilingRoute::OwnAuthority));
        let refused = filing_route(t, Draft, false).unwrap_err();
        assert_eq!(refused.message, "You do not have authority to file a section 7 report without sign-off. Submit it to your manager");
        assert!(filing_route(t, Submitted, true).is_err(), "once submitted, it waits for the manager");
        assert!(filing_route(t, Filed, true).is_err());
        let me = uuid::Uuid::now_v7();
        assert!(check_decider(me, me).is_err());
        assert!(check_decider(me, uuid::Uuid::now_v7()).is_ok());
    }

    #[test]
    fn a_report_leaves_out_empty_optional_sections_and_keeps_template_order() {
        let t = s7();
        let s = Sections::from([("recommendations".to_string(), "Live with mother.".to_string()), ("wishes_and_feelings".to_string(), "Wants both.".to_string())]);
        let r = report_sections(&t, &s);
        assert_eq!(r.iter().map(|s| s.heading.as_str()).collect::<Vec<_>>(), vec!["The child's wishes and feelings", "Recommendations"]);
    }

    #[test]
    fn templates_need_headings_that_do_not_repeat() {
        let mut t = s7();
        t.push(TemplateSection { key: "analysis".into(), heading: "Analysis".into(), guidance: String::new(), required: false });
        assert_eq!(check_template(&t).unwrap_err()[0].field, "heading-11");
        assert!(check_template(&[]).is_err());
        assert_eq!(section_key("The child's wishes & feelings"), "the_child_s_wishes_feelings");
    }
}
