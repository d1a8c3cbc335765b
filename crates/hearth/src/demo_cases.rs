//! Synthetic cases for the demo: private and public law in the national proportions, children and
//! adults with addresses, checks, hearings, a short chronology and the tasks their deadlines make.
//! Every name is invented. Written in one transaction per team so a national run stays quick.

use std::collections::HashMap;

use anyhow::Result;
use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::cases::deadlines::{CaseDates, DeadlineSettings, deadlines};
use hearth_domain::cases::{
    ApplicationKind, CaseFlag, ContactChannel, EntryKind, HearingKind, LawType, NewAddress, NewCase, NewParticipant, PartyRole, PersonKind, Relationship, Stage,
};
use hearth_store::cases::DemoProgress;
use hearth_store::documents::{Files, NewDocument};
use hearth_domain::documents::{DocumentKind, FileType};
use hearth_store::{Store, cases, org};
use indicatif::ProgressBar;
use rand::rngs::StdRng;
use rand::{Rng, RngExt};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

const CHILD_NAMES: &[&str] = &[
    "Alfie", "Amara", "Archie", "Ava", "Bella", "Charlie", "Ella", "Evie", "Freddie", "George", "Harley", "Harper", "Ibrahim", "Isabella",
    "Jacob", "Jayden", "Kai", "Layla", "Leo", "Lily", "Logan", "Maya", "Mia", "Muhammad", "Noah", "Oliver", "Oscar", "Poppy", "Reggie", "Rosie",
    "Ruby", "Sofia", "Theo", "Tommy", "Willow", "Zainab", "Eli", "Nova", "Aria", "Ezra",
];
const ADULT_FIRST: &[&str] = &[
    "Adam", "Aleksandra", "Amy", "Andrew", "Carl", "Claire", "Craig", "Danielle", "Dean", "Emma", "Gemma", "Hayley", "Jade", "Jamie", "Kelly",
    "Kirsty", "Lee", "Leanne", "Mark", "Michelle", "Nathan", "Natalie", "Paul", "Rachel", "Ryan", "Sadia", "Shaun", "Stacey", "Tanya", "Wayne",
];
const SURNAMES: &[&str] = &[
    "Abbott", "Akhtar", "Barker", "Bibi", "Carter", "Cole", "Dawson", "Dixon", "Ellis", "Foster", "Gibson", "Grant", "Harris", "Holmes", "Hunt",
    "Jenkins", "Kelly", "Kennedy", "Lane", "Marsh", "Mason", "Mills", "Nash", "Noor", "Parker", "Pearson", "Quinn", "Reid", "Riley", "Saunders",
    "Shaw", "Stone", "Turner", "Walsh", "Webb", "Wood", "Yates", "Zielinski", "Lopes", "Mahmood",
];
const STREETS: &[&str] = &["High Street", "Church Road", "Park Avenue", "Station Road", "Victoria Street", "Mill Lane", "Queens Road", "The Crescent"];
const NOTES: &[(EntryKind, &str, &str)] = &[
    (EntryKind::PhoneCall, "Screening call with the applicant", "Safety only discussed, as before the first hearing. Mother described arguments at handover; no police call-outs. Agreed text reminders."),
    (EntryKind::PhoneCall, "Screening call with the respondent", "Father said he has not seen the children for four months. He denies any abuse and wants a contact order. Interpreter not needed."),
    (EntryKind::TimeWithChild, "Wishes and feelings session at school", "Met the child with the class teacher nearby. Used the worry meter: 'a little bit' about seeing Dad, 'quite a lot' about the arguments."),
    (EntryKind::Visit, "Home visit", "House warm and tidy. Children appeared relaxed with mother. Discussed the routine and the school run."),
    (EntryKind::ManagementOversight, "Management oversight", "Discussed the domestic abuse history with the worker. Agreed a section 16A risk assessment is not needed at this point; review after police checks."),
    (EntryKind::Meeting, "Professionals meeting", "School, health visitor and the local authority attended. No current child protection plan."),
];

/// Makes about `per_team` cases in each team, allocated among its practitioners. Returns how many.
#[allow(clippy::too_many_arguments)]
pub async fn generate(
    store: &Store,
    files: &Files,
    rng: &mut StdRng,
    teams: &[(Uuid, Uuid)],
    workers: &HashMap<Uuid, Vec<Uuid>>,
    managers: &HashMap<Uuid, Uuid>,
    bar: &ProgressBar,
    per_team: usize,
) -> Result<usize> {
    let courts = org::courts(store).await?;
    let las = org::local_authorities(store).await?;
    let areas = org::area_refs(store).await?;
    let area_name = |id: Uuid| areas.iter().find(|a| a.id == id).map(|a| a.name.clone()).unwrap_or_default();
    let cal = WorkingCalendar::with_known_changes();
    let settings = DeadlineSettings::default();
    let today = hearth_store::now().date();
    let at = hearth_store::now();

    bar.set_message("Cases");
    bar.set_length((teams.len() * per_team) as u64);
    bar.set_position(0);
    let mut made = 0;
    for (team, area) in teams {
        let name = area_name(*area);
        let team_courts: Vec<Uuid> = courts.iter().filter(|c| c.service_area == name).map(|c| c.id).collect();
        let team_las: Vec<Uuid> = las.iter().filter(|l| l.service_area == name).map(|l| l.id).collect();
        let (Some(_), Some(_)) = (team_courts.first(), team_las.first()) else { continue };
        let team_workers = workers.get(team).cloned().unwrap_or_default();
        // Documents are added after the team's transaction commits: each is its own write.
        let mut orders: Vec<(Uuid, NewDocument)> = Vec::new();
        let mut tx = store.begin().await?;
        for i in 0..per_team {
            let public = rng.random_bool(0.33);
            let law = if public { LawType::Public } else { LawType::Private };
            let received_on = today - Duration::days(rng.random_range(1..300));
            let court_id = team_courts[rng.random_range(0..team_courts.len())];
            let la = team_las[rng.random_range(0..team_las.len())];
            let mut flags = Vec::new();
            for (flag, p) in [(CaseFlag::DomesticAbuse, 0.45), (CaseFlag::WorkerRisk, 0.04), (CaseFlag::Interpreter, 0.08), (CaseFlag::WelshLanguage, 0.03), (CaseFlag::Restricted, 0.01)] {
                if rng.random_bool(p) {
                    flags.push(flag);
                }
            }
            let applications = match law {
                LawType::Private if rng.random_bool(0.15) => vec![ApplicationKind::ChildArrangements, ApplicationKind::ProhibitedSteps],
                LawType::Private if rng.random_bool(0.05) => vec![ApplicationKind::SpecificIssue],
                LawType::Private => vec![ApplicationKind::ChildArrangements],
                LawType::Public if rng.random_bool(0.15) => vec![ApplicationKind::SupervisionOrder],
                LawType::Public => vec![ApplicationKind::CareOrder],
            };
            let case = NewCase {
                court_case_number: format!("{}{:02}{}{:05}", ["LV", "ZW", "BM", "MA", "NE", "BS"][rng.random_range(0..6)], received_on.year() % 100, if public { 'C' } else { 'P' }, rng.random_range(1..99_999)),
                law,
                applications,
                court_id,
                local_authority_id: public.then_some(la),
                team_id: *team,
                received_on,
                urgent: rng.random_bool(0.03),
                first_hearing_on: (!public).then(|| cal.add_working_days(received_on, rng.random_range(20..30))),
                issued_on: public.then(|| received_on - Duration::days(rng.random_range(0..3))),
                flags,
            };
            let id = demo_id(rng);
            cases::insert_case(&mut tx, id, &case, at).await?;
            if let (true, Some(m)) = (case.flags.contains(&CaseFlag::Restricted), managers.get(team)) {
                // A restricted case is named to its team manager, who names anyone else it needs.
                cases::named::insert_named(&mut tx, id, *m, Some(*m)).await?;
            }

            // Where the case is now: older cases are further along; one in ten has closed.
            let age = (today - received_on).whole_days();
            let path = law.path();
            let open_stages = path.len() - 1;
            let mut stage_index = ((age as usize * open_stages) / 300).min(open_stages - 1);
            if rng.random_bool(0.2) && stage_index > 0 {
                stage_index -= 1;
            }
            let closed = age > 120 && rng.random_bool(0.1);
            let stage = if closed { Stage::Closed } else { path[stage_index] };
            // About one case in twenty waits in the allocation hub.
            let worker = if team_workers.is_empty() || rng.random_bool(0.05) && !closed { None } else { Some(team_workers[i % team_workers.len()]) };

            let surname = pick(rng, SURNAMES);
            let children = match rng.random_range(0..100) {
                0..60 => 1,
                60..88 => 2,
                _ => 3,
            };
            let mut eldest: Option<Date> = None;
            for _ in 0..children {
                let dob = today - Duration::days(rng.random_range(180..16 * 365));
                eldest = Some(eldest.map_or(dob, |e: Date| e.min(dob)));
                let child = NewParticipant {
                    full_name: format!("{} {surname}", pick(rng, CHILD_NAMES)),
                    date_of_birth: Some(dob),
                    kind: PersonKind::Child,
                    role: PartyRole::SubjectChild,
                    relationship: None,
                    contact: None,
                    no_texts: false,
                    address_withheld: false,
                    interpreter_language: None,
                    address: Some(address(rng, la, dob)),
                };
                cases::insert_participant(&mut tx, id, &child, at).await?;
            }
            let other_surname = pick(rng, SURNAMES);
            let adults = [(Relationship::Mother, surname, PartyRole::Applicant), (Relationship::Father, other_surname, PartyRole::Respondent)];
            for (rel, family, role) in adults {
                let since = eldest.unwrap_or(received_on) - Duration::days(rng.random_range(0..2000));
                let home_la = if rng.random_bool(0.2) { team_las[rng.random_range(0..team_las.len())] } else { la };
                let adult = NewParticipant {
                    full_name: format!("{} {family}", pick(rng, ADULT_FIRST)),
                    date_of_birth: Some(today - Duration::days(rng.random_range(19 * 365..50 * 365))),
                    kind: PersonKind::Adult,
                    role: if public { PartyRole::Respondent } else { role },
                    relationship: Some(rel),
                    contact: Some([ContactChannel::Email, ContactChannel::Text, ContactChannel::Letter][rng.random_range(0..3)]),
                    no_texts: false,
                    address_withheld: case.flags.contains(&CaseFlag::DomesticAbuse) && rel == Relationship::Mother,
                    interpreter_language: case.flags.contains(&CaseFlag::Interpreter).then(|| ["Polish", "Urdu", "Romanian", "Arabic"][rng.random_range(0..4)].to_string()),
                    address: Some(address(rng, home_la, since)),
                };
                cases::insert_participant(&mut tx, id, &adult, at).await?;
            }

            // The story so far.
            cases::insert_entry(&mut tx, id, EntryKind::CaseOpened, received_on, &format!("Case opened: {}", law.label().to_lowercase()), None, None).await?;
            let notes = (age / 30).clamp(1, 4) as usize;
            for n in 0..notes {
                let (kind, summary, body) = NOTES[(i + n) % NOTES.len()];
                let day = (received_on + Duration::days(((n as i64 + 1) * age) / (notes as i64 + 1))).min(today);
                cases::insert_entry(&mut tx, id, kind, day, summary, Some(body), worker).await?;
            }
            if worker.is_some() {
                cases::insert_entry(&mut tx, id, EntryKind::Allocation, received_on + Duration::days(rng.random_range(0..5)), "Allocated", None, None).await?;
            }
            // A sample of cases carry the court's order from their first hearing as a small PDF.
            if let Some(fhdra) = case.first_hearing_on.filter(|d| *d < today && i % 20 == 0 && !closed) {
                let court_name = courts.iter().find(|c| c.id == court_id).map(|c| c.name.as_str()).unwrap_or("the Family Court");
                let bytes = order_pdf(&case.court_case_number, court_name, fhdra);
                orders.push((id, NewDocument { kind: DocumentKind::CourtOrder, title: format!("Order from the FHDRA on {fhdra}"), file_type: FileType::Pdf, bytes, thumbnail: None, withheld_from: None }));
            }
            if let Some(fhdra) = case.first_hearing_on {
                cases::insert_hearing(&mut tx, id, HearingKind::Fhdra, OffsetDateTime::new_utc(fhdra, time::Time::from_hms(10, 0, 0)?), court_id).await?;
            }
            let closed_on = closed.then(|| (received_on + Duration::days(rng.random_range(60..age.max(61)))).min(today));
            cases::settle_demo_case(&mut tx, id, &DemoProgress { worker, allocated_on: received_on, stage, closed_on }).await?;
            if !closed {
                let dates = CaseDates { received_on: Some(received_on), urgent: case.urgent, first_hearing_on: case.first_hearing_on, issued_on: case.issued_on, filing_dates: vec![] };
                for d in deadlines(law, &dates, &settings, &cal) {
                    // Deadlines well past are done; the rest are the worker's to do.
                    cases::insert_task(&mut tx, id, &d.label, worker, Some(d.due), Some(&d.key)).await?;
                    if d.due < today - Duration::days(3) {
                        cases::mark_deadline_done(&mut tx, id, &d.key, worker, at).await?;
                    }
                }
            }
            made += 1;
            bar.inc(1);
        }
        tx.commit().await?;
        for (case_id, doc) in &orders {
            hearth_store::documents::add(store, files, &hearth_store::AuditContext::system(), *case_id, doc).await?;
        }
    }
    bar.set_message("Search index");
    cases::rebuild_search_index(store).await?;
    let open = cases::open_count(store).await?;
    bar.finish_and_clear();
    println!("Cases: {made} ({open} open).");
    Ok(made)
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// Ids from the seeded generator, so a demo with the same seed is the same.
fn demo_id(rng: &mut StdRng) -> Uuid {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

fn address(rng: &mut StdRng, la: Uuid, from: Date) -> NewAddress {
    NewAddress {
        line: format!("{} {}", rng.random_range(1..200), pick(rng, STREETS)),
        postcode: format!("{}{} {}{}{}", ["LS", "M", "B", "NE", "BS", "L", "S", "CF"][rng.random_range(0..8)], rng.random_range(1..30), rng.random_range(1..10), (b'A' + rng.random_range(0..26u8)) as char, (b'A' + rng.random_range(0..26u8)) as char),
        local_authority_id: Some(la),
        from,
        to: None,
    }
}

/// A one-page PDF of a court order, written by hand: header, objects and cross-reference table.
fn order_pdf(case_number: &str, court: &str, on: Date) -> Vec<u8> {
    let text = |s: &str| s.replace('\\', "").replace('(', "").replace(')', "");
    let lines = [
        format!("IN THE FAMILY COURT AT {}", text(&court.to_uppercase())),
        format!("Case number {}", text(case_number)),
        "ORDER".to_string(),
        format!("Made at the first hearing dispute resolution appointment on {on}."),
        "1. The matter is listed for a dispute resolution appointment.".to_string(),
        "2. A section 7 welfare report is to be filed by the date the court directs.".to_string(),
        "Synthetic demo document: not a real order.".to_string(),
    ];
    let mut content = String::from("BT /F1 12 Tf 72 760 Td 16 TL\n");
    for l in &lines {
        content.push_str(&format!("({l}) Tj T*\n"));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    pdf
}
