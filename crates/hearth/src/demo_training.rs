//! Demo training and policies: the mandatory courses with their modules, completions for
//! everyone (most up to date, some expiring, some expired, new starters still to do them), and
//! two versions of the domestic abuse practice policy with realistic gaps in confirming the
//! second. The demo practitioner has one course expired, one expiring, and has not confirmed the
//! new policy, so each shows where it should.

use anyhow::Result;
use hearth_domain::org::Role;
use hearth_domain::people::training::{DOMESTIC_ABUSE_POLICY, PolicyDraft, TrainingSettings};
use hearth_store::Store;
use hearth_store::people::training::{self as training, DemoCourse, Whose};
use rand::RngExt;
use rand::rngs::StdRng;
use time::{Date, Duration};
use uuid::Uuid;

const EVERYONE: &[Role] = &[Role::Practitioner, Role::TeamManager, Role::ServiceManager, Role::BusinessSupport, Role::Hr, Role::NationalLeadership, Role::SystemAdmin];
const CASEWORK: &[Role] = &[Role::Practitioner, Role::TeamManager, Role::ServiceManager];

const SAFEGUARDING: &str = "# Why this matters

Every family court adviser, manager and member of business support meets information that may
show a child is at risk. This module sets out what to do when you do.

## When you are worried about a child

1. Make sure the child is safe now. If they are in immediate danger, call the police on 999.
2. Tell your manager the same day, and record what you saw or heard in the case's chronology.
3. Make a referral to the local authority's children's services. Hearth records it as a
   safeguarding check on the case.

## What good recording looks like

- Facts first: who said what, when, and how you know.
- The child's own words, in quotation marks.
- What you did, and what you decided not to do, and why.

> If in doubt, talk to your manager. Nobody is criticised for raising a concern.

Read the [domestic abuse practice policy](/policies) alongside this module.";

const DATA_PROTECTION: &str = "# Looking after people's information

The families we work with trust us with the most private parts of their lives. The law (UK GDPR
and the Data Protection Act 2018) and our own standards say how we keep that trust.

## The rules in short

- Look only at the records you need for your work. **Every read is recorded**, and managers see
  the audit trail.
- Never send case information to a personal email address or phone.
- Lock your screen when you step away, and never share your password or sign-in codes.
- Report a lost device or a message sent to the wrong person **at once** to your manager.

## Subject access requests

Anyone may ask for the information we hold about them. Pass any such request to business support
on the day it arrives: we have one month to answer.";

/// The domestic abuse module's quiz: five questions, four to pass.
const DOMESTIC_ABUSE_QUIZ: &str = "? A parent tells you on a screening call about abuse from the other parent. What do you do first?
- Wait for the safeguarding letter to be due
* Make sure they and the children are safe now, and tell your manager the same day
- Ask the other parent for their side on the same call

? Which of these is domestic abuse?
- Only physical violence
- Only violence that the police have recorded
* Coercive control, including over money, contact with friends or where someone can go

? Before recommending contact where there are findings of domestic abuse, the court expects
* A risk assessment of the harm to the child and to the parent who was abused
- Contact to start at once so the child does not lose the relationship
- The parents to meet together to agree arrangements

? A text message to a parent may carry
* The time of an appointment
- The case reference and the children's names
- The other parent's new address

? Who sees a parent's withheld address?
- Everyone in the proceedings
* Only Hearth staff who need it, never the other party
- The child's school
";

const DOMESTIC_ABUSE: &str = "# Domestic abuse practice

Domestic abuse is present in most of the private law cases we see. This module prepares you to
assess its risk to children, as the domestic abuse practice policy requires.

## Before a section 16A risk assessment

- Read the safeguarding checks: police and local authority information.
- Speak to each parent separately, and never in the presence of the other.
- Consider coercive control: a pattern of behaviour, not a single incident.

## Talking to children

Children may be frightened, loyal to both parents, or both. Use the wishes and feelings tools,
let them choose what to say, and tell them honestly what will happen with what they tell you.

| Sign | What it may mean |
| --- | --- |
| A child is reluctant to see a parent | Fear, loyalty, or influence: find out which |
| A parent asks about the other's address | A risk to the other parent's safety |";

const EQUALITY: &str = "# Equality, diversity and inclusion

Families come to us from every community. Fair, respectful practice is part of good practice.

- Ask people how they would like to be addressed, and use an interpreter where one is needed.
- Notice your own assumptions, and test them against the evidence.
- Make reasonable adjustments for disabled parents and children, and record them on the case.";

const COURT_WRITING: &str = "# Writing analysis for the court

Judges read many reports. The ones that help most are short, clear and analytical.

- Lead with your recommendation, then show how you reached it.
- Weigh the evidence: say what you give weight to, and why.
- Put the child at the centre: their wishes and feelings, and what they need.";

const DA_POLICY_V1: &str = "# Domestic abuse practice policy

This policy sets out how the service identifies and assesses domestic abuse in every case.

## Principles

- The safety of children and adult victims comes first.
- Every private law case is screened for domestic abuse before the first hearing.
- A section 16A risk assessment is made whenever there is cause to suspect a child is at risk.

## Screening

Safeguarding checks with the police and the local authority are requested for every case, and
each parent is spoken to separately by telephone.";

const DA_POLICY_V2: &str = "# Domestic abuse practice policy

This policy sets out how the service identifies and assesses domestic abuse in every case.

## Principles

- The safety of children and adult victims comes first.
- Every private law case is screened for domestic abuse before the first hearing.
- A section 16A risk assessment is made whenever there is cause to suspect a child is at risk.
- **Coercive and controlling behaviour** is assessed as a pattern, not as single incidents.

## Screening

Safeguarding checks with the police and the local authority are requested for every case, and
each parent is spoken to separately by telephone. Ask each parent whether they would like a
separate waiting room at court, and record the answer on the case.

## Children's voices

Children are offered the wishes and feelings tools in every case where domestic abuse is raised.";

const INFO_POLICY: &str = "# Information security policy

Case records are kept in Hearth and nowhere else. Documents from the court or the family are
uploaded to the case, never kept on a laptop or phone. Staff use their own account with its
second sign-in factor, and never share it.";

/// Writes the courses, completions, policies and attestations; the reminders of courses about
/// to expire are sent as the server would. Returns the completions and attestations written.
pub async fn generate(store: &Store, rng: &mut StdRng, practitioner: Option<Uuid>) -> Result<(usize, usize)> {
    let today = hearth_store::now().date();
    let long_ago = Date::from_calendar_date(2018, time::Month::January, 1)?;
    let course = |title, summary, body, renew_months, mandatory_for| DemoCourse { title, summary, body, renew_months, mandatory_for, created_on: long_ago, quiz: "", pass_mark: None };
    let courses = [
        course("Safeguarding children and young people", "What to do when you are worried about a child, and how to record it.", SAFEGUARDING, Some(24), &[Role::Practitioner, Role::TeamManager, Role::ServiceManager, Role::BusinessSupport][..]),
        course("Data protection and information security", "Keeping families' information safe, and what to do when something goes wrong.", DATA_PROTECTION, Some(12), EVERYONE),
        DemoCourse { quiz: DOMESTIC_ABUSE_QUIZ, pass_mark: Some(80), ..course("Domestic abuse practice", "Assessing the risk of domestic abuse to children, before a section 16A risk assessment.", DOMESTIC_ABUSE, Some(24), CASEWORK) },
        course("Equality, diversity and inclusion", "Fair and respectful practice with every family.", EQUALITY, Some(36), EVERYONE),
        course("Writing analysis for the court", "Short, clear and analytical reports that help the court decide.", COURT_WRITING, None, &[][..]),
    ];
    for c in &courses {
        training::load_demo_course(store, c).await?;
    }

    // Completions: each person's latest for each mandatory course, and for most the one before.
    let settings = TrainingSettings::default();
    let mut rows = vec![];
    // In a fixed order, so the same seed gives the same data.
    let mut everyone: Vec<_> = training::requirements(store, Whose::Everyone).await?.into_iter().collect();
    everyone.sort_by_key(|(staff, _)| *staff);
    for (staff, reqs) in everyone {
        for r in reqs {
            let renew_days = r.renew_months.map_or(3650, |m| m * 30);
            let roll: f64 = rng.random();
            let done = if Some(staff) == practitioner {
                // The demo practitioner: data protection expired last month, domestic abuse
                // practice about to expire, the rest up to date.
                match r.title.as_str() {
                    "Data protection and information security" => Some(today - Duration::days(renew_days + 35)),
                    "Domestic abuse practice" => Some(today - Duration::days(renew_days - 20)),
                    _ => Some(today - Duration::days(rng.random_range(30..200))),
                }
            } else if roll < 0.75 {
                Some(today - Duration::days(rng.random_range(10..(renew_days - 45).max(11))))
            } else if roll < 0.83 {
                Some(today - Duration::days(renew_days - rng.random_range(1..30)))
            } else if roll < 0.96 {
                Some(today - Duration::days(renew_days + rng.random_range(1..200)))
            } else {
                None
            };
            // Nobody did a course before they started.
            let Some(done) = done.filter(|d| *d >= r.required_from) else { continue };
            rows.push((staff, r.course_id, done));
            let before = done - Duration::days(renew_days + rng.random_range(-20..20));
            if r.renew_months.is_some() && before >= r.required_from && rng.random_bool(0.6) {
                rows.push((staff, r.course_id, before));
            }
        }
    }
    let completions = rows.len();
    training::load_demo_completions(store, &rows).await?;

    // Policies: the domestic abuse practice policy in two versions, the newer six weeks old.
    let v1_on = Date::from_calendar_date(2025, time::Month::March, 3)?;
    let v2_on = today - Duration::weeks(6);
    let (_, da_versions) = training::load_demo_policy(
        store,
        DOMESTIC_ABUSE_POLICY,
        "Domestic abuse practice policy",
        CASEWORK,
        &[
            (PolicyDraft { changes: "The first version.".into(), body: DA_POLICY_V1.into() }, v1_on),
            (PolicyDraft { changes: "Coercive and controlling behaviour assessed as a pattern; separate waiting rooms offered; children offered the wishes and feelings tools.".into(), body: DA_POLICY_V2.into() }, v2_on),
        ],
    )
    .await?;
    let (_, info_versions) = training::load_demo_policy(
        store,
        "information_security",
        "Information security policy",
        EVERYONE,
        &[(PolicyDraft { changes: "The first version.".into(), body: INFO_POLICY.into() }, Date::from_calendar_date(2024, time::Month::June, 3)?)],
    )
    .await?;
    let mut attested = vec![];
    let at = |on: Date, rng: &mut StdRng| (on + Duration::days(rng.random_range(1..40))).min(today).midnight().assume_utc() + Duration::hours(rng.random_range(8..18));
    let mut everyone: Vec<_> = training::attestations(store, Whose::Everyone).await?.into_iter().collect();
    everyone.sort_by_key(|(staff, _)| *staff);
    for (staff, policies) in everyone {
        for p in policies {
            if p.code == DOMESTIC_ABUSE_POLICY {
                if Some(staff) == practitioner || rng.random_bool(0.97) {
                    attested.push((staff, da_versions[0], at(v1_on, rng)));
                }
                // About seven in ten have confirmed the new version so far; not the demo practitioner.
                if Some(staff) != practitioner && rng.random_bool(0.72) {
                    attested.push((staff, da_versions[1], at(v2_on, rng)));
                }
            } else if Some(staff) == practitioner || rng.random_bool(0.93) {
                // The demo practitioner's one policy to confirm is the new domestic abuse one,
                // whatever the draws before this.
                attested.push((staff, info_versions[0], at(Date::from_calendar_date(2024, time::Month::June, 3)?, rng)));
            }
        }
    }
    training::load_demo_attestations(store, &attested).await?;
    training::remind_expiring(store, today, &settings).await?;
    Ok((completions, attested.len()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_quiz_is_one_an_administrator_could_have_saved() {
        let quiz = hearth_domain::people::training::parse_quiz(super::DOMESTIC_ABUSE_QUIZ).unwrap().unwrap();
        assert_eq!(quiz.len(), 5);
    }
}
