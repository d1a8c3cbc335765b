//! `hearth demo`: a deterministic synthetic organisation at team, region or national scale.
//! Every name is invented and the installation is marked as demo data, so the banner says so.

use anyhow::{Context, Result};
use hearth_domain::org::{ContractType, Fte, NewStaff, Role, Skill};
use hearth_domain::text::EmailAddress;
use hearth_store::{AuditContext, Store, org};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, RngExt, SeedableRng};
use time::{Date, Duration, Month};
use uuid::Uuid;

#[path = "demo_cases.rs"]
mod demo_cases;
#[path = "demo_quality.rs"]
mod demo_quality;
#[path = "demo_people.rs"]
mod demo_people;
#[path = "demo_pulse.rs"]
mod demo_pulse;
#[path = "demo_training.rs"]
mod demo_training;
#[path = "demo_workload.rs"]
mod demo_workload;
#[path = "demo_expenses.rs"]
mod demo_expenses;
#[path = "demo_leave.rs"]
mod demo_leave;
#[path = "demo_sickness.rs"]
mod demo_sickness;
#[path = "demo_desks.rs"]
mod demo_desks;
#[path = "demo_rooms.rs"]
mod demo_rooms;

/// The documented credentials of the demo accounts. They exist only in demo data.
pub const DEMO_PASSWORD: &str = "hearth-demo-password";
pub const DEMO_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Scale {
    /// One team of about twenty.
    Team,
    /// One service area of five teams.
    Region,
    /// 17 service areas, 81 teams, 45 offices, about 1,700 staff.
    National,
}

const OFFICES: &str = include_str!("../../store/reference/offices.csv");

const FIRST: &[&str] = &[
    "Aisha", "Amelia", "Ben", "Bethany", "Callum", "Chloe", "Daniel", "Deepa", "Eleanor", "Emeka", "Fatima", "Finn", "Grace", "Harpreet", "Hannah",
    "Imran", "Isla", "Jack", "Jasmine", "Kemi", "Kieran", "Laura", "Liam", "Maria", "Mohammed", "Megan", "Nadia", "Niall", "Olivia", "Oluwaseun",
    "Priya", "Rachel", "Rhys", "Ruth", "Samuel", "Sana", "Sian", "Thomas", "Tendai", "Victoria", "Wei", "Yusuf", "Zara", "Zoe", "Anna", "Carys",
    "David", "Ewan", "Gareth", "Joanne", "Karen", "Lucy", "Marcus", "Nia", "Patrick", "Rebecca", "Simon", "Tariq", "Usha", "Yasmin",
];
const LAST: &[&str] = &[
    "Adeyemi", "Ahmed", "Ali", "Begum", "Bennett", "Brown", "Campbell", "Chen", "Clarke", "Davies", "Edwards", "Evans", "Fletcher", "Green",
    "Hall", "Hughes", "Hussain", "Iqbal", "Jackson", "James", "Jones", "Kaur", "Khan", "Lewis", "Mensah", "Morgan", "Murphy", "Nowak", "Okafor",
    "O'Brien", "Owen", "Patel", "Phillips", "Price", "Roberts", "Robinson", "Shah", "Singh", "Smith", "Taylor", "Thomas", "Thompson", "Walker",
    "Ward", "Watson", "White", "Williams", "Wilson", "Wright", "Young", "Kowalski", "Nguyen", "Osei", "Rahman", "Sutherland", "Doherty",
];

struct Gen {
    rng: StdRng,
    clock: u64,
    used_emails: std::collections::HashSet<String>,
}

impl Gen {
    /// A UUIDv7 from the seeded generator, so the same seed gives the same ids.
    fn id(&mut self) -> Uuid {
        self.clock += 1;
        let mut bytes = [0u8; 10];
        self.rng.fill_bytes(&mut bytes);
        uuid::Builder::from_unix_timestamp_millis(1_767_225_600_000 + self.clock, &bytes).into_uuid()
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.rng.random_range(0..list.len())]
    }

    fn person(&mut self) -> (String, EmailAddress) {
        let first = self.pick(FIRST);
        let last = self.pick(LAST);
        let base = format!("{}.{}", first.to_lowercase(), last.to_lowercase().replace('\'', ""));
        let mut email = format!("{base}@hearth.example");
        let mut n = 2;
        while !self.used_emails.insert(email.clone()) {
            email = format!("{base}{n}@hearth.example");
            n += 1;
        }
        (format!("{first} {last}"), EmailAddress::parse("email", &email).expect("generated emails are valid"))
    }

    fn date_between(&mut self, from_year: i32, to: Date) -> Date {
        let from = Date::from_calendar_date(from_year, Month::January, 1).expect("valid date");
        let days = (to - from).whole_days().max(1);
        from + Duration::days(self.rng.random_range(0..days))
    }

    /// A member of staff with realistic contract, FTE, dates and skills for their role.
    fn staff(&mut self, roles: &[Role], team: Option<Uuid>, manager: Option<Uuid>, contract: ContractType) -> NewStaff {
        let today = Date::from_calendar_date(2026, Month::November, 1).expect("valid date");
        let (name, email) = self.person();
        let practitioner = roles.contains(&Role::Practitioner);
        let social_worker = practitioner || roles.iter().any(|r| matches!(r, Role::TeamManager | Role::ServiceManager));
        let start = match contract {
            ContractType::Agency => self.date_between(2025, today),
            ContractType::Bank => self.date_between(2016, today),
            _ if practitioner && self.rng.random_bool(0.12) => self.date_between(2025, today), // newly qualified intake
            _ => self.date_between(2004, today),
        };
        let qualified = social_worker.then(|| {
            let years_before = if start.year() >= 2025 && practitioner { 0 } else { self.rng.random_range(1..12) };
            (start - Duration::days(365 * years_before + self.rng.random_range(30..200))).max(Date::from_calendar_date(1985, Month::June, 1).expect("valid"))
        });
        let fte = match contract {
            ContractType::Associate => [40, 50, 60][self.rng.random_range(0..3)],
            ContractType::Bank => [20, 30, 40, 50][self.rng.random_range(0..4)],
            _ if self.rng.random_bool(0.22) => [50, 60, 80, 90][self.rng.random_range(0..4)],
            _ => 100,
        };
        let mut skills = Vec::new();
        if practitioner {
            for (skill, p) in [(Skill::WelshLanguage, 0.03), (Skill::PublicLawGuardian, 0.4), (Skill::DomesticAbusePractice, 0.06), (Skill::Rule16_4, 0.1), (Skill::BritishSignLanguage, 0.01)] {
                if self.rng.random_bool(p) {
                    skills.push(skill);
                }
            }
        }
        NewStaff {
            name,
            email,
            roles: roles.to_vec(),
            team_id: team,
            line_manager_id: manager,
            fte: Fte::from_hundredths(fte).expect("fte in range"),
            contract,
            start_date: start,
            qualified_date: qualified,
            skills,
        }
    }
}

struct DemoAccount {
    role: &'static str,
    email: &'static str,
    name: &'static str,
    roles: &'static [Role],
}

const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount { role: "National leadership", email: "demo.national-leader@hearth.example", name: "Helen Ashworth", roles: &[Role::NationalLeadership] },
    DemoAccount { role: "Service manager", email: "demo.service-manager@hearth.example", name: "Marcus Adeyemi", roles: &[Role::ServiceManager] },
    DemoAccount { role: "Team manager", email: "demo.team-manager@hearth.example", name: "Priya Raman", roles: &[Role::TeamManager] },
    DemoAccount { role: "Practitioner", email: "demo.practitioner@hearth.example", name: "Sam Okafor", roles: &[Role::Practitioner] },
    DemoAccount { role: "Business support", email: "demo.business-support@hearth.example", name: "Dylan Hughes", roles: &[Role::BusinessSupport] },
    DemoAccount { role: "HR", email: "demo.hr@hearth.example", name: "Grace Whitfield", roles: &[Role::Hr] },
    DemoAccount { role: "System administrator", email: "demo.admin@hearth.example", name: "Alex Morgan", roles: &[Role::SystemAdmin] },
    DemoAccount { role: "Bank practitioner", email: "demo.bank@hearth.example", name: "Jo Lindqvist", roles: &[Role::Practitioner] },
    DemoAccount { role: "Finance", email: "demo.finance@hearth.example", name: "Nadia Brooks", roles: &[Role::Finance] },
];

/// The finance account: expenses and the payroll export only.
const FINANCE: usize = 8;

/// The bank practitioner's account: in the demo team's area pool, with a bank contract.
const BANK: usize = 7;

pub async fn generate(store: &Store, files: &hearth_store::documents::Files, scale: Scale, seed: u64) -> Result<()> {
    let existing = org::directory(store, &org::DirectoryQuery::default(), hearth_store::PageRequest::new(Some(1), Some(1))).await?;
    if existing.total > 0 {
        if store.is_demo().await? {
            println!("Demo data is already here ({} staff). Sign-in details:", existing.total);
            print_accounts(store).await?;
            return Ok(());
        }
        anyhow::bail!("this database already holds real staff records; use a fresh --data-dir for demo data");
    }
    let started = std::time::Instant::now();
    let mut g = Gen { rng: StdRng::seed_from_u64(seed), clock: 0, used_emails: Default::default() };
    let areas = org::area_refs(store).await?;
    let (area_count, teams_per_area_total) = match scale {
        Scale::Team => (1, 1),
        Scale::Region => (1, 5),
        Scale::National => (areas.len(), 81),
    };
    let areas = &areas[..area_count];

    let bar = ProgressBar::new(0).with_style(ProgressStyle::with_template("{msg:<12} {bar:40} {pos}/{len}").expect("valid template"));
    let mut tx = store.begin().await?;

    // Offices, from the national list, in the chosen areas.
    let mut offices: Vec<(Uuid, String, Uuid)> = Vec::new();
    let office_rows: Vec<Vec<String>> = org::csv_rows(OFFICES);
    bar.set_message("Offices");
    bar.set_length(office_rows.len() as u64);
    for row in &office_rows {
        bar.inc(1);
        let Some(area) = areas.iter().find(|a| a.name == row[2]) else { continue };
        if matches!(scale, Scale::Team | Scale::Region) && offices.iter().any(|(_, _, a)| *a == area.id) {
            continue;
        }
        let id = g.id();
        let desks: i64 = row[3].parse().context("offices.csv desks")?;
        org::insert_office(&mut tx, id, &row[0], &row[1], area.id, desks).await?;
        offices.push((id, row[0].clone(), area.id));
    }

    // Teams spread across areas as evenly as 81 over 17 allows, each based at an office of its area.
    let mut teams: Vec<(Uuid, Uuid)> = Vec::new();
    bar.set_message("Teams");
    bar.set_length(teams_per_area_total as u64);
    bar.set_position(0);
    for i in 0..teams_per_area_total {
        let area = &areas[i % areas.len()];
        let area_offices: Vec<_> = offices.iter().filter(|(_, _, a)| *a == area.id).collect();
        let n_in_area = teams.iter().filter(|(_, a)| *a == area.id).count();
        let office = area_offices[n_in_area % area_offices.len()];
        let kind = if n_in_area % 3 == 2 { "Public Law" } else { "Private Law" };
        let name = format!("{} {kind} {}", office.1, n_in_area / area_offices.len() + 1);
        let id = g.id();
        org::insert_team(&mut tx, id, &name, area.id, Some(office.0)).await?;
        teams.push((id, area.id));
        bar.inc(1);
    }

    // People: national leaders, HR and admins; a service manager per area; team managers and
    // practitioners per team; business support shared between teams; associates, bank and agency.
    let (practitioners_per_team, managers_per_team) = match scale {
        Scale::Team => (16, 2),
        _ => (17, 3),
    };
    let total = teams.len() * (practitioners_per_team + managers_per_team + 1) + areas.len() + 30;
    bar.set_message("Staff");
    bar.set_length(total as u64);
    bar.set_position(0);
    let insert = async |tx: &mut hearth_store::Tx, g: &mut Gen, s: NewStaff| -> Result<Uuid> {
        let id = g.id();
        org::insert_staff(tx, id, &s).await?;
        bar.inc(1);
        Ok(id)
    };

    let demo_hash = tokio::task::spawn_blocking(|| hearth_domain::auth::hash_password(DEMO_PASSWORD)).await?;
    let mut demo_ids = std::collections::HashMap::new();
    let demo_person = |a: &DemoAccount, team: Option<Uuid>, manager: Option<Uuid>| NewStaff {
        name: a.name.into(),
        email: EmailAddress::parse("email", a.email).expect("valid"),
        roles: a.roles.to_vec(),
        team_id: team,
        line_manager_id: manager,
        fte: if a.email == ACCOUNTS[BANK].email { Fte::from_hundredths(50).expect("valid") } else { Fte::FULL_TIME },
        contract: if a.email == ACCOUNTS[BANK].email { ContractType::Bank } else { ContractType::Employed },
        start_date: Date::from_calendar_date(2019, Month::April, 1).expect("valid"),
        qualified_date: a.roles.iter().any(|r| matches!(r, Role::Practitioner | Role::TeamManager | Role::ServiceManager)).then(|| Date::from_calendar_date(2014, Month::July, 1).expect("valid")),
        skills: vec![],
    };
    let first_team = teams[0].0;
    let leader = insert(&mut tx, &mut g, demo_person(&ACCOUNTS[0], None, None)).await?;
    demo_ids.insert(ACCOUNTS[0].email, leader);
    let national_team = if matches!(scale, Scale::National) { 8 } else { 1 };
    let mut leaders = vec![leader];
    for _ in 1..national_team {
        let s = g.staff(&[Role::NationalLeadership], None, Some(leader), ContractType::Employed);
        leaders.push(insert(&mut tx, &mut g, s).await?);
    }
    for a in [&ACCOUNTS[5], &ACCOUNTS[6]] {
        demo_ids.insert(a.email, insert(&mut tx, &mut g, demo_person(a, None, Some(leader))).await?);
    }
    if matches!(scale, Scale::National) {
        for _ in 0..11 {
            let s = g.staff(&[Role::Hr], None, Some(leader), ContractType::Employed);
            insert(&mut tx, &mut g, s).await?;
        }
        for _ in 0..2 {
            let s = g.staff(&[Role::SystemAdmin], None, Some(leader), ContractType::Employed);
            insert(&mut tx, &mut g, s).await?;
        }
    }

    let mut associates = 0;
    let mut workers: std::collections::HashMap<Uuid, Vec<Uuid>> = Default::default();
    let mut first_managers: std::collections::HashMap<Uuid, Uuid> = Default::default();
    for (ai, area) in areas.iter().enumerate() {
        let area_teams: Vec<Uuid> = teams.iter().filter(|(_, a)| *a == area.id).map(|(t, _)| *t).collect();
        let sm = if ai == 0 {
            let id = insert(&mut tx, &mut g, demo_person(&ACCOUNTS[1], area_teams.first().copied(), Some(leader))).await?;
            demo_ids.insert(ACCOUNTS[1].email, id);
            id
        } else {
            let boss = leaders[ai % leaders.len()];
            let s = g.staff(&[Role::ServiceManager], area_teams.first().copied(), Some(boss), ContractType::Employed);
            insert(&mut tx, &mut g, s).await?
        };
        for (ti, team) in area_teams.iter().enumerate() {
            let mut managers = Vec::new();
            for m in 0..managers_per_team {
                let id = if *team == first_team && m == 0 {
                    let id = insert(&mut tx, &mut g, demo_person(&ACCOUNTS[2], Some(*team), Some(sm))).await?;
                    demo_ids.insert(ACCOUNTS[2].email, id);
                    id
                } else {
                    let s = g.staff(&[Role::TeamManager], Some(*team), Some(sm), ContractType::Employed);
                    insert(&mut tx, &mut g, s).await?
                };
                managers.push(id);
            }
            first_managers.insert(*team, managers[0]);
            if ti % 2 == 0 || matches!(scale, Scale::Team) {
                if *team == first_team {
                    demo_ids.insert(ACCOUNTS[4].email, insert(&mut tx, &mut g, demo_person(&ACCOUNTS[4], Some(*team), Some(managers[0]))).await?);
                } else {
                    let s = g.staff(&[Role::BusinessSupport], Some(*team), Some(managers[0]), ContractType::Employed);
                    insert(&mut tx, &mut g, s).await?;
                }
            }
            for p in 0..practitioners_per_team {
                let manager = managers[p % managers.len()];
                if *team == first_team && p == 0 {
                    let id = insert(&mut tx, &mut g, demo_person(&ACCOUNTS[3], Some(*team), Some(manager))).await?;
                    demo_ids.insert(ACCOUNTS[3].email, id);
                    workers.entry(*team).or_default().push(id);
                    continue;
                }
                // About 135 associates nationally, a bank pool of about 60 and a handful of agency staff.
                let roll: f64 = g.rng.random();
                let contract = if roll < 0.097 {
                    associates += 1;
                    ContractType::Associate
                } else if roll < 0.14 {
                    ContractType::Bank
                } else if roll < 0.147 {
                    ContractType::Agency
                } else {
                    ContractType::Employed
                };
                if *team == first_team && p == practitioners_per_team - 1 {
                    let id = insert(&mut tx, &mut g, demo_person(&ACCOUNTS[BANK], Some(*team), Some(manager))).await?;
                    demo_ids.insert(ACCOUNTS[BANK].email, id);
                    continue;
                }
                let s = g.staff(&[Role::Practitioner], Some(*team), Some(manager), contract);
                let id = insert(&mut tx, &mut g, s).await?;
                // The bank and associates are the pool: they take cases when offered, so the
                // demo gives its cases to employed and agency staff.
                if matches!(contract, ContractType::Employed | ContractType::Agency) {
                    workers.entry(*team).or_default().push(id);
                }
            }
        }
    }
    bar.finish_and_clear();
    // Made after everyone else, with an id of its own, so no random draw after it moves.
    let finance = hearth_store::new_id();
    org::insert_staff(&mut tx, finance, &demo_person(&ACCOUNTS[FINANCE], None, Some(leader))).await?;
    demo_ids.insert(ACCOUNTS[FINANCE].email, finance);

    for a in ACCOUNTS {
        let id = *demo_ids.get(a.email).context("every demo account is created")?;
        hearth_store::auth::set_password_hash(&mut tx, id, &demo_hash).await?;
        hearth_store::auth::set_totp_secret(&mut tx, id, DEMO_TOTP_SECRET).await?;
    }
    store.mark_demo(&mut tx).await?;
    hearth_store::audit::append(
        &mut tx,
        &AuditContext::system(),
        hearth_store::audit::Event::success("demo.generated").detail(serde_json::json!({ "scale": format!("{scale:?}").to_lowercase(), "seed": seed })),
    )
    .await?;
    tx.commit().await?;

    // The second practitioner of each team is on its duty desk (the demo practitioner is not, so
    // they see only their own cases).
    for (team, manager) in &first_managers {
        if let Some(duty) = workers.get(team).and_then(|w| w.get(1)) {
            org::set_duty(store, &AuditContext::actor(*manager, None), *duty, true).await?;
        }
    }
    let cases = demo_cases::generate(store, files, &mut g.rng, &teams, &workers, &first_managers, &bar, cases_per_team(scale)).await?;
    let quality_started = std::time::Instant::now();
    let practitioner = demo_ids.get(ACCOUNTS[3].email).copied();
    let filed = demo_quality::generate(store, &mut g.rng, practitioner).await?;
    // The demo practitioner always has tasks to do, whatever day the demo is made: the deadline
    // tasks their cases make fall due, and are done, as the days pass.
    if let Some(p) = practitioner {
        let today = hearth_store::now().date();
        if hearth_store::cases::open_tasks_for(store, p, hearth_store::PageRequest::new(Some(1), Some(1))).await?.total < 2 {
            let carried = hearth_store::cases::facts::facts(store, hearth_store::cases::facts::Which::CarriedBy(p), today).await?;
            for (c, (title, days)) in carried.iter().zip([("Call the school about attendance", 2), ("Send the parents the safeguarding letter", 6)]) {
                hearth_store::cases::add_task(store, &AuditContext::actor(p, None), c.id, title, Some(p), Some(today + time::Duration::days(days))).await?;
            }
        }
    }
    if let (Some(practitioner), Some(manager)) = (practitioner, demo_ids.get(ACCOUNTS[2].email).copied()) {
        // A colleague of the demo practitioner, managed by the demo team manager, has work waiting.
        let mut colleague = None;
        for w in workers.get(&first_team).into_iter().flatten().filter(|w| **w != practitioner) {
            if org::placement(store, *w).await?.managers.first() == Some(&manager) {
                colleague = Some(*w);
                break;
            }
        }
        demo_quality::in_progress(store, practitioner, colleague).await?;
    }
    tracing::info!(seconds = quality_started.elapsed().as_secs_f32(), pieces = filed, "demo court work and grades written");
    let keep_free: Vec<Uuid> = [ACCOUNTS[3].email, ACCOUNTS[BANK].email].iter().filter_map(|e| demo_ids.get(e).copied()).collect();
    let duty_desk: Vec<Uuid> = workers.values().filter_map(|w| w.get(1).copied()).collect();
    let (away, away_list) = demo_workload::generate(store, &mut g.rng, &Default::default(), first_team, &keep_free, &duty_desk).await?;
    let leave_started = std::time::Instant::now();
    let requests = demo_leave::generate(store, &mut g.rng, &Default::default(), &hearth_domain::calendar::WorkingCalendar::with_known_changes(), &away_list, &keep_free, demo_ids.get(ACCOUNTS[2].email).copied()).await?;
    tracing::info!(seconds = leave_started.elapsed().as_secs_f32(), requests, "demo leave written");
    let sickness_started = std::time::Instant::now();
    let episodes = demo_sickness::generate(store, &mut g.rng, &hearth_domain::calendar::WorkingCalendar::with_known_changes(), &away_list, &keep_free, demo_ids.get(ACCOUNTS[2].email).copied()).await?;
    tracing::info!(seconds = sickness_started.elapsed().as_secs_f32(), episodes, "demo sickness written");
    let supervisions = demo_people::generate(store, &mut g.rng, practitioner, demo_ids.get(ACCOUNTS[2].email).copied()).await?;
    tracing::info!(supervisions, "demo supervision history written");
    let (completions, attestations) = demo_training::generate(store, &mut g.rng, practitioner).await?;
    tracing::info!(completions, attestations, "demo training and policies written");
    let plans = match (demo_ids.get(ACCOUNTS[5].email), demo_ids.get(ACCOUNTS[2].email)) {
        (Some(hr), Some(manager)) => demo_people::improvement_plans(store, *hr, *manager, practitioner).await?,
        _ => 0,
    };
    let inductions = demo_people::inductions(store, practitioner).await?;
    let meetings = demo_people::team_meetings(store, &mut g.rng).await?;
    let appraisals = demo_people::appraisals(store, &mut g.rng).await?;
    tracing::info!(appraisals, "demo appraisals written");
    let group_sessions = demo_people::group_sessions(store).await?;
    let office_days = demo_people::office_days(store).await?;
    tracing::info!(group_sessions, office_days, "demo group sessions and office days written");
    let (desks, desk_bookings) = demo_desks::generate(store, practitioner, demo_ids.get(ACCOUNTS[2].email).copied()).await?;
    tracing::info!(desks, desk_bookings, "demo floor plans and desk bookings written");
    let room_posts = demo_rooms::generate(store, demo_ids.get(ACCOUNTS[0].email).copied(), demo_ids.get(ACCOUNTS[2].email).copied()).await?;
    tracing::info!(room_posts, "demo team rooms written");
    tracing::info!(plans, inductions, meetings, "demo improvement plans, inductions and team meetings written");
    let claims = demo_expenses::generate(store, files, demo_ids.get(ACCOUNTS[2].email).copied(), &keep_free, hearth_store::now().date()).await?;
    tracing::info!(claims, "demo expense claims written");
    let pulse_answers = demo_pulse::generate(store, &mut g.rng, practitioner).await?;
    tracing::info!(pulse_answers, "demo pulse surveys written");
    let teams_measured = hearth_store::workload::snapshot_all(store, &Default::default(), hearth_store::now().date()).await?;
    let months_measured = hearth_store::insight::refresh(store, &hearth_domain::calendar::WorkingCalendar::with_known_changes(), hearth_store::now().date()).await?;
    {
        let (settings, leave, calendar) = (Default::default(), Default::default(), hearth_domain::calendar::WorkingCalendar::with_known_changes());
        let rules = hearth_store::people::sickness::Rules { settings: &settings, leave: &leave, calendar: &calendar };
        let sickness_months = hearth_store::people::sickness::measure_months(store, rules, hearth_store::now().date()).await?;
        tracing::info!(sickness_months, "demo sickness months measured");
    }
    tracing::info!(absences = away, teams_measured, months_measured, "demo workload and key figures written");

    let staff = org::directory(store, &org::DirectoryQuery::default(), hearth_store::PageRequest::new(Some(1), Some(1))).await?.total;
    println!(
        "Demo data ({scale:?}, seed {seed}): {} service areas, {} teams, {} offices, {staff} staff ({associates} associates), {cases} cases in {:.1}s.",
        areas.len(),
        teams.len(),
        offices.len(),
        started.elapsed().as_secs_f64()
    );
    print_accounts(store).await
}

/// About 30,000 open cases nationally (81 teams): some 360 open a team, plus the closed ones kept.
fn cases_per_team(scale: Scale) -> usize {
    match scale {
        Scale::Team => 120,
        Scale::Region | Scale::National => 380,
    }
}

async fn print_accounts(store: &Store) -> Result<()> {
    println!();
    println!("Sign in at http://127.0.0.1:8080 with any of these demo accounts.");
    println!("Password: {DEMO_PASSWORD}");
    println!("Authenticator (TOTP) secret: {DEMO_TOTP_SECRET}  (add it to any authenticator app, or run: oathtool --totp -b {DEMO_TOTP_SECRET})");
    println!();
    for a in ACCOUNTS {
        let team = match hearth_store::auth::credentials_by_email(store, a.email).await? {
            Some(c) => org::staff_record(store, c.staff_id).await?.team.map(|t| t.name).unwrap_or_else(|| "national".into()),
            None => "-".into(),
        };
        println!("  {:<22} {:<40} {}", a.role, a.email, team);
    }
    Ok(())
}
