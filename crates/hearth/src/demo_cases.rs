//! Synthetic cases for the demo: private and public law in the national proportions, open and three
//! years closed, with children and adults and their addresses, checks, hearings, a chronology of
//! about twenty entries and the tasks their deadlines make. Every name is invented. Written in bulk,
//! one transaction per team, so a national run stays quick.

use std::collections::HashMap;

use anyhow::Result;
use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::cases::deadlines::{CaseDates, DeadlineSettings, deadlines};
use hearth_domain::cases::{
    ApplicationKind, CaseFlag, ContactChannel, EntryKind, HearingKind, LawType, NewAddress, NewCase, NewParticipant, PartyRole, PersonKind, Relationship, case_reference,
};
use hearth_store::cases::bulk::{CaseBatch, Outcome};
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

/// How many closed cases each open one has behind it: three years of about 55,800 new cases a
/// year nationally against about 30,000 open at once.
const HISTORY_PER_OPEN: f64 = 5.4;
/// The open window: cases received in the last this many days may still be open.
const OPEN_WINDOW_DAYS: i64 = 300;

/// Makes about `per_team` open cases in each team, allocated among its practitioners, and three
/// years of closed cases behind them, each with its people, checks, hearings, a chronology of
/// about twenty entries and its deadline tasks. Written a team at a time in bulk. Returns how many.
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
    let history = (per_team as f64 * HISTORY_PER_OPEN) as usize;

    bar.set_message("Cases");
    bar.set_length((teams.len() * (per_team + history)) as u64);
    bar.set_position(0);
    let mut made = 0;
    let mut numbers: HashMap<i32, i64> = HashMap::new();
    let mut writing: std::collections::VecDeque<tokio::task::JoinHandle<Result<()>>> = Default::default();
    // SQLite takes one writer at a time. PostgreSQL writes two teams at once, one on each core
    // (each team's cases are its own); the batches are made in a fraction of the time.
    let in_flight = match store.engine() {
        hearth_store::Engine::Sqlite => 1,
        hearth_store::Engine::Postgres => 2,
    };
    let started = std::time::Instant::now();
    let indexes = cases::bulk::set_indexes_aside(store).await?;
    for (team, area) in teams {
        let name = area_name(*area);
        let team_courts: Vec<Uuid> = courts.iter().filter(|c| c.service_area == name).map(|c| c.id).collect();
        let team_las: Vec<Uuid> = las.iter().filter(|l| l.service_area == name).map(|l| l.id).collect();
        let (Some(_), Some(_)) = (team_courts.first(), team_las.first()) else { continue };
        let team_workers = workers.get(team).cloned().unwrap_or_default();
        // Documents are added after the team's transaction commits: each is its own write.
        let mut orders: Vec<(Uuid, NewDocument)> = Vec::new();
        let mut batch = CaseBatch::new(at);
        for i in 0..per_team + history {
            let closed_history = i >= per_team;
            let public = rng.random_bool(0.33);
            let law = if public { LawType::Public } else { LawType::Private };
            let received_on = if closed_history {
                today - Duration::days(rng.random_range(OPEN_WINDOW_DAYS..OPEN_WINDOW_DAYS + 3 * 365))
            } else {
                today - Duration::days(rng.random_range(1..OPEN_WINDOW_DAYS))
            };
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
            let id = demo_id(rng, made as u64);
            let number = numbers.entry(received_on.year()).or_insert(0);
            *number += 1;
            let reference = case_reference(received_on.year(), *number);

            // Where the case is now: older cases are further along; past the open window, closed.
            let age = (today - received_on).whole_days();
            let path = law.path();
            let open_stages = path.len() - 1;
            let mut stage_index = ((age as usize * open_stages) / OPEN_WINDOW_DAYS as usize).min(open_stages - 1);
            if rng.random_bool(0.2) && stage_index > 0 {
                stage_index -= 1;
            }
            let closed = closed_history || (age > 120 && rng.random_bool(0.1));
            let closed_on = closed.then(|| (received_on + Duration::days(rng.random_range(60..age.clamp(61, 400)))).min(today));
            // About one open case in twenty waits in the allocation hub: recent ones, up to two
            // months old, as in a hub that is being worked (a year-old case waiting would make
            // the key figures' waits look like a service in crisis).
            let waiting = !closed && age <= 60 && rng.random_bool(0.25);
            let worker = if team_workers.is_empty() || waiting { None } else { Some(team_workers[i % team_workers.len()]) };
            let allocated_on = received_on + Duration::days(rng.random_range(0..5));
            batch.case(id, &reference, &case, &Outcome { worker, allocated_on: Some(allocated_on), stage: path[stage_index], closed_on });
            if let (true, Some(m)) = (case.flags.contains(&CaseFlag::Restricted), managers.get(team)) {
                // A restricted case is named to its team manager, who names anyone else it needs.
                batch.name(id, *m);
            }

            let surname = pick(rng, SURNAMES);
            let children = match rng.random_range(0..100) {
                0..60 => 1,
                60..88 => 2,
                _ => 3,
            };
            let mut eldest: Option<Date> = None;
            for _ in 0..children {
                let dob = received_on - Duration::days(rng.random_range(180..16 * 365));
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
                batch.participant(id, case.team_id, &child);
            }
            let other_surname = pick(rng, SURNAMES);
            let adults = [(Relationship::Mother, surname, PartyRole::Applicant), (Relationship::Father, other_surname, PartyRole::Respondent)];
            for (rel, family, role) in adults {
                let since = eldest.unwrap_or(received_on) - Duration::days(rng.random_range(0..2000));
                let home_la = if rng.random_bool(0.2) { team_las[rng.random_range(0..team_las.len())] } else { la };
                let adult = NewParticipant {
                    full_name: format!("{} {family}", pick(rng, ADULT_FIRST)),
                    date_of_birth: Some(received_on - Duration::days(rng.random_range(19 * 365..50 * 365))),
                    kind: PersonKind::Adult,
                    role: if public { PartyRole::Respondent } else { role },
                    relationship: Some(rel),
                    contact: Some([ContactChannel::Email, ContactChannel::Text, ContactChannel::Letter][rng.random_range(0..3)]),
                    no_texts: false,
                    address_withheld: case.flags.contains(&CaseFlag::DomesticAbuse) && rel == Relationship::Mother,
                    interpreter_language: case.flags.contains(&CaseFlag::Interpreter).then(|| ["Polish", "Urdu", "Romanian", "Arabic"][rng.random_range(0..4)].to_string()),
                    address: Some(address(rng, home_la, since)),
                };
                batch.participant(id, case.team_id, &adult);
            }

            // The story so far: about twenty entries for a case that has run its course.
            let last_day = closed_on.unwrap_or(today);
            let span = (last_day - received_on).whole_days().max(1);
            let on = |d: i64| (received_on + Duration::days(d.clamp(0, span))).min(today);
            batch.entry(id, EntryKind::CaseOpened, received_on, &format!("Case opened: {}", law.label().to_lowercase()), None, None);
            if worker.is_some() {
                batch.entry(id, EntryKind::Allocation, allocated_on.min(last_day), "Allocated", Some("Has capacity and knows the court."), None);
            }
            // Police and local-authority checks: asked for in the first days, back within a fortnight.
            let police_asked = on(rng.random_range(1..4));
            let police_back = (police_asked + Duration::days(rng.random_range(3..12))).min(today);
            let la_asked = on(rng.random_range(1..4));
            let la_back = (la_asked + Duration::days(rng.random_range(5..15))).min(today);
            let police_returned = police_back < today || closed;
            let la_returned = la_back < today || closed;
            batch.check(id, None, Some(police_asked), police_returned.then_some(police_back), police_returned.then_some("No trace of police call-outs to the address."));
            batch.check(id, Some(la), Some(la_asked), la_returned.then_some(la_back), la_returned.then_some("Known to children's services in 2021; closed after assessment."));
            batch.entry(id, EntryKind::Check, police_asked, "Police check requested", None, None);
            batch.entry(id, EntryKind::Check, la_asked, "Local-authority check requested", None, None);
            if police_returned {
                batch.entry(id, EntryKind::Check, police_back, "Police check returned", None, None);
            }
            if la_returned {
                batch.entry(id, EntryKind::Check, la_back, "Local-authority check returned", None, None);
            }
            if let Some(fhdra) = case.first_hearing_on {
                batch.hearing(id, HearingKind::Fhdra, OffsetDateTime::new_utc(fhdra, time::Time::from_hms(10, 0, 0)?), court_id);
                batch.entry(id, EntryKind::Hearing, received_on, "First hearing (FHDRA) listed", None, None);
                if fhdra < last_day {
                    batch.entry(id, EntryKind::CourtAttendance, fhdra, "Attended the FHDRA", Some("Parties attended. Safeguarding letter before the court. Directions for a section 7 report."), worker);
                }
            }
            let notes = if closed { 10 } else { (age / 20).clamp(1, 12) as usize };
            for n in 0..notes {
                let (kind, summary, body) = NOTES[(i + n) % NOTES.len()];
                batch.entry(id, kind, on(((n as i64 + 1) * span) / (notes as i64 + 2)), summary, Some(body), worker);
            }
            if stage_index > 0 || closed {
                batch.entry(id, EntryKind::StageChange, on(span / 3), &format!("Stage: {}", path[stage_index.max(1).min(path.len() - 2)].label()), None, None);
            }
            if let Some(c) = closed_on {
                batch.entry(id, EntryKind::Closure, c, "Case closed: final order made", Some("Final order made by consent."), worker);
            }
            // A sample of open cases carry the court's order from their first hearing as a small PDF.
            if let Some(fhdra) = case.first_hearing_on.filter(|d| *d < today && i % 20 == 0 && !closed) {
                let court_name = courts.iter().find(|c| c.id == court_id).map(|c| c.name.as_str()).unwrap_or("the Family Court");
                let bytes = order_pdf(&case.court_case_number, court_name, fhdra);
                orders.push((id, NewDocument { kind: DocumentKind::CourtOrder, title: format!("Order from the FHDRA on {fhdra}"), file_type: FileType::Pdf, bytes, thumbnail: None, withheld_from: None }));
            }
            // Deadline tasks for the cases of the last year or so; older history keeps its story
            // and checks, and its long-done tasks are not worth the load time.
            let dates = CaseDates { received_on: Some(received_on), urgent: case.urgent, first_hearing_on: case.first_hearing_on, issued_on: case.issued_on, filing_dates: vec![] };
            for d in deadlines(law, &dates, &settings, &cal).into_iter().filter(|_| !closed_history) {
                // Deadlines well past (and every deadline of a closed case) are done; the rest are the worker's to do.
                let done = (closed || d.due < today - Duration::days(3)).then(|| OffsetDateTime::new_utc(d.due.min(today), time::Time::from_hms(16, 0, 0).unwrap_or(time::Time::MIDNIGHT)));
                batch.task(id, &d.label, worker, d.due, &d.key, done);
            }
            made += 1;
            bar.inc(1);
        }
        // The database writes this team while the next is made.
        if writing.len() == in_flight
            && let Some(previous) = writing.pop_front()
        {
            previous.await??;
        }
        writing.push_back(tokio::spawn(write_team(store.clone(), files.clone(), batch, orders)));
    }
    for last in writing {
        last.await??;
    }
    tracing::info!(seconds = started.elapsed().as_secs_f32(), "demo cases written");
    // The notes' words before the indexes: on PostgreSQL their index is among those set aside,
    // and is built once over all of them.
    bar.set_message("Search index");
    cases::bulk::index_notes(store).await?;
    tracing::info!(seconds = started.elapsed().as_secs_f32(), "demo notes indexed");
    bar.set_message("Indexes");
    cases::bulk::restore_indexes(store, indexes).await?;
    tracing::info!(seconds = started.elapsed().as_secs_f32(), "demo indexes built");
    let mut tx = store.begin().await?;
    let mut last: Vec<(i32, i64)> = numbers.into_iter().collect();
    last.sort();
    cases::bulk::set_case_numbers(&mut tx, &last).await?;
    tx.commit().await?;
    let open = cases::open_count(store).await?;
    bar.finish_and_clear();
    println!("Cases: {made} ({open} open, the rest three years of closed history).");
    Ok(made)
}

/// Writes a team's cases in one transaction, then the documents that go with them.
async fn write_team(store: Store, files: Files, mut batch: CaseBatch, orders: Vec<(Uuid, NewDocument)>) -> Result<()> {
    let mut tx = store.begin().await?;
    batch.write(&mut tx).await?;
    tx.commit().await?;
    for (case_id, doc) in &orders {
        hearth_store::documents::add(&store, &files, &hearth_store::AuditContext::system(), *case_id, doc).await?;
    }
    Ok(())
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// Ids from the seeded generator, so a demo with the same seed is the same. Ordered like the
/// UUIDv7s Hearth makes (the `n`th case a millisecond after the one before), so each new case
/// lands at the end of every index that starts with a case id rather than somewhere in the middle.
fn demo_id(rng: &mut StdRng, n: u64) -> Uuid {
    let mut random = [0u8; 10];
    rng.fill_bytes(&mut random);
    // 1 January 2020: before any demo case is opened.
    uuid::Builder::from_unix_timestamp_millis(1_577_836_800_000 + n, &random).into_uuid()
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

/// A one-page PDF of a court order.
fn order_pdf(case_number: &str, court: &str, on: Date) -> Vec<u8> {
    let text = |s: &str| s.replace('\\', "").replace('(', "").replace(')', "");
    text_pdf(&[
        format!("IN THE FAMILY COURT AT {}", text(&court.to_uppercase())),
        format!("Case number {}", text(case_number)),
        "ORDER".to_string(),
        format!("Made at the first hearing dispute resolution appointment on {on}."),
        "1. The matter is listed for a dispute resolution appointment.".to_string(),
        "2. A section 7 welfare report is to be filed by the date the court directs.".to_string(),
        "Synthetic demo document: not a real order.".to_string(),
    ])
}

/// A one-page PDF of lines of text, written by hand: header, objects and cross-reference table.
/// The lines are the caller's own, free of PDF string delimiters.
pub(crate) fn text_pdf(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 72 760 Td 16 TL\n");
    for l in lines {
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
