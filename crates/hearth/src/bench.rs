//! `hearth bench`: measures the case record's budgets against a running Hearth over real HTTP.
//!
//! It signs in as the demo team manager by writing an MFA-verified session and an API token
//! straight into the database the server uses (so it needs the same configuration), then keeps
//! `concurrency` keep-alive connections busy, one request in flight on each, for each scenario:
//! durable note appends, the case overview page, the chronology API and search. A lean Rust
//! client, so the load generator does not take the two cores it is measuring.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request};
use hearth_store::{AuditContext, Store};

/// What to measure, and how hard.
pub struct Options {
    pub base_url: String,
    pub concurrency: usize,
    pub requests: usize,
    pub email: String,
    /// `cases` (the case record's scenarios) or `workload` (My People, the allocate page with its
    /// suggestions, and the key figures, as pages and API), or `measuring`.
    pub set: String,
    /// For `measuring`: the key figures' measurement, as the server's periodic work makes it.
    pub measuring: Option<Measuring>,
}

/// What the key figures are measured with: their own one-connection store, as in `serve`.
pub struct Measuring {
    pub store: Store,
    pub settings: hearth_domain::workload::WorkloadSettings,
    pub calendar: hearth_domain::calendar::WorkingCalendar,
}

struct Target {
    host: String,
    authority: String,
}

/// One keep-alive HTTP/1.1 connection.
struct Connection {
    send: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Connection {
    async fn open(target: &Target) -> Result<Self> {
        let stream = tokio::net::TcpStream::connect(&target.host).await.with_context(|| format!("connect to {}", target.host))?;
        stream.set_nodelay(true)?;
        let (send, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        Ok(Self { send })
    }

    /// Sends a request and reads the whole answer: its status and body.
    async fn call(&mut self, req: Request<Full<Bytes>>) -> Result<(u16, Bytes)> {
        self.send.ready().await?;
        let res = self.send.send_request(req).await?;
        let status = res.status().as_u16();
        Ok((status, res.into_body().collect().await?.to_bytes()))
    }
}

/// How one request is made, from its number.
type Make = dyn Fn(usize) -> Request<Full<Bytes>> + Send + Sync;

pub async fn run(store: &Store, secure_cookies: bool, o: Options) -> Result<()> {
    let url = o.base_url.trim_end_matches('/');
    let authority = url.strip_prefix("http://").context("--base-url must be http://host:port")?.to_string();
    let target = std::sync::Arc::new(Target { host: authority.clone(), authority });
    let creds = hearth_store::auth::credentials_by_email(store, &o.email).await?.filter(|c| c.active).with_context(|| format!("no active member of staff has the email {}", o.email))?;
    let mut tx = store.begin().await?;
    let session = hearth_store::auth::create_session(&mut tx, creds.staff_id, true).await?;
    tx.commit().await?;
    let token = hearth_store::auth::create_api_token(store, &AuditContext::system(), creds.staff_id, "bench", time::Duration::days(1)).await?;
    let cookie = format!("{}={session}", hearth_web::session::session_cookie_name(secure_cookies));
    let bearer = format!("Bearer {token}");

    let get = {
        let (target, bearer) = (target.clone(), bearer.clone());
        move |path: String| {
            Request::get(path).header("host", &target.authority).header("authorization", &bearer).body(Full::new(Bytes::new())).expect("a valid request")
        }
    };
    let mut first = Connection::open(&target).await?;
    let (status, body) = first.call(get("/api/v1/cases?per_page=100".into())).await?;
    if status != 200 {
        bail!("listing cases answered {status}: is the server running with the same database?");
    }
    let list: serde_json::Value = serde_json::from_slice(&body)?;
    let ids: Vec<String> = list["items"].as_array().map(|a| a.iter().filter_map(|c| c["id"].as_str().map(str::to_string)).collect()).unwrap_or_default();
    if ids.is_empty() {
        bail!("{} sees no cases: load national demo data first (hearth demo --scale national)", o.email);
    }
    let engine = match store.engine() {
        hearth_store::Engine::Sqlite => "SQLite",
        hearth_store::Engine::Postgres => "PostgreSQL",
    };
    println!("Benchmarking {url} on {engine} as {} over {} connections, {} requests each scenario, {} cases.", o.email, o.concurrency, o.requests, ids.len());

    if o.set == "workload" {
        return workload_pages(store, &target, creds.staff_id, &cookie, &bearer, &o).await;
    }
    if o.set == "people" {
        return supervision_pages(store, &target, creds.staff_id, &cookie, &bearer, &o).await;
    }
    if o.set == "leave" {
        return leave_pages(store, &target, creds.staff_id, &cookie, &bearer, &o).await;
    }
    if o.set == "desks" {
        return desk_pages(store, &target, &cookie, &bearer, &o).await;
    }
    if o.set == "rooms" {
        return room_pages(store, &target, creds.staff_id, &cookie, &bearer, &o).await;
    }
    if o.set == "fan-out" {
        return fan_out(store, &target, secure_cookies, &cookie, &o).await;
    }
    if let Some(m) = o.measuring {
        return while_measuring(&target, &cookie, ids, m, o.concurrency, o.requests).await;
    }
    let ids = std::sync::Arc::new(ids);
    let names = ["isabella", "mahmud", "jack thompson", "oliver", "HRT-2026-000100", "04/05/2019", "attendance improved", "smith", "grace", "tompson"];
    let today = hearth_store::date_text(hearth_store::now().date());
    // Notes first: they also give the cases read next a realistic chronology to page through.
    let scenarios: Vec<(&str, Box<Make>)> = vec![
        ("POST /api/v1/cases/{id}/notes (durable)", {
            let (ids, target, bearer) = (ids.clone(), target.clone(), bearer.clone());
            Box::new(move |i| {
                let body = serde_json::json!({ "kind": "contact_log", "occurred_on": today, "summary": format!("Benchmark note {i}"), "body": "Written by hearth bench." });
                Request::builder()
                    .method(Method::POST)
                    .uri(format!("/api/v1/cases/{}/notes", ids[i % ids.len()]))
                    .header("host", &target.authority)
                    .header("authorization", &bearer)
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from(body.to_string())))
                    .expect("a valid request")
            })
        }),
        ("case overview page (HTML)", {
            let (ids, target, cookie) = (ids.clone(), target.clone(), cookie.clone());
            Box::new(move |i| {
                Request::get(format!("/cases/{}", ids[i % ids.len()])).header("host", &target.authority).header("cookie", &cookie).body(Full::new(Bytes::new())).expect("a valid request")
            })
        }),
        ("GET /api/v1/cases/{id}/chronology", {
            let (ids, get) = (ids.clone(), get.clone());
            Box::new(move |i| get(format!("/api/v1/cases/{}/chronology", ids[i % ids.len()])))
        }),
        ("GET /api/v1/search", {
            let get = get.clone();
            Box::new(move |i| get(format!("/api/v1/search?q={}", names[i % names.len()].replace(' ', "%20").replace('/', "%2F"))))
        }),
    ];
    for (label, make) in scenarios {
        let make: std::sync::Arc<Make> = std::sync::Arc::from(make);
        scenario(&target, label, o.concurrency, o.requests, make).await?;
    }
    let (_, body) = first.call(get(format!("/api/v1/cases/{}/chronology", ids[0]))).await?;
    let entries = serde_json::from_slice::<serde_json::Value>(&body)?.as_array().map_or(0, Vec::len);
    println!("(a chronology read returns {entries} entries: the API's page is 50)");
    Ok(())
}

/// The workload and insight pages as the signed-in person sees them: My People, the allocate
/// page for cases waiting in their team's hub (the ranked suggestions), and the key figures
/// (their default reach: a team manager's team, a national leader's whole service).
async fn workload_pages(store: &Store, target: &std::sync::Arc<Target>, me: uuid::Uuid, cookie: &str, bearer: &str, o: &Options) -> Result<()> {
    let team = hearth_store::org::placement(store, me).await?.team_id;
    let hub: Vec<String> = match team {
        Some(t) => hearth_store::cases::facts::facts(store, hearth_store::cases::facts::Which::Hub(t), hearth_store::now().date()).await?.iter().map(|c| c.id.to_string()).collect(),
        None => vec![],
    };
    let page = |path: String| {
        let (target, cookie) = (target.clone(), cookie.to_string());
        move || Request::get(path.clone()).header("host", &target.authority).header("cookie", &cookie).body(Full::new(Bytes::new())).expect("a valid request")
    };
    let mut scenarios: Vec<(&str, Box<Make>)> = vec![];
    let my_people = page("/my-people".into());
    scenarios.push(("My People page (HTML)", Box::new(move |_| my_people())));
    if !hub.is_empty() {
        let (hub, target, cookie) = (std::sync::Arc::new(hub), target.clone(), cookie.to_string());
        scenarios.push((
            "allocate page with suggestions (HTML)",
            Box::new(move |i| Request::get(format!("/cases/{}/allocate", hub[i % hub.len()])).header("host", &target.authority).header("cookie", &cookie).body(Full::new(Bytes::new())).expect("a valid request")),
        ));
    }
    let insight = page("/insight".into());
    scenarios.push(("key figures page (HTML)", Box::new(move |_| insight())));
    let (target2, bearer) = (target.clone(), bearer.to_string());
    scenarios.push((
        "GET /api/v1/insight/kpis",
        Box::new(move |_| Request::get("/api/v1/insight/kpis").header("host", &target2.authority).header("authorization", &bearer).body(Full::new(Bytes::new())).expect("a valid request")),
    ));
    println!("Benchmarking the workload pages as {} over {} connections, {} requests each.", o.email, o.concurrency, o.requests);
    for (label, make) in scenarios {
        scenario(target, label, o.concurrency, o.requests, std::sync::Arc::from(make)).await?;
    }
    Ok(())
}

/// Supervision as the signed-in manager does it, for the people they line-manage who carry the
/// most cases: the agenda (API), the form that shows it (HTML), and saving a supervision that
/// discusses ten cases (ten chronology entries, their audit events and the record, in one
/// transaction), then My People with its supervision column.
async fn supervision_pages(store: &Store, target: &std::sync::Arc<Target>, me: uuid::Uuid, cookie: &str, bearer: &str, o: &Options) -> Result<()> {
    let today = hearth_store::now().date();
    let team = hearth_store::org::placement(store, me).await?.team_id.context("the bench account has no team")?;
    let mut reports = vec![];
    for m in hearth_store::org::members(store, hearth_store::org::Members::Team(team)).await?.into_iter().filter(|m| m.line_manager_id == Some(me)) {
        let cases: Vec<String> = hearth_store::cases::facts::facts(store, hearth_store::cases::facts::Which::CarriedBy(m.id), today).await?.iter().map(|c| c.id.to_string()).collect();
        reports.push((m.id, cases));
    }
    reports.sort_by_key(|(_, cases)| std::cmp::Reverse(cases.len()));
    reports.retain(|(_, cases)| cases.len() >= 10);
    reports.truncate(3);
    if reports.is_empty() {
        bail!("{} line-manages nobody with ten or more open cases: load national demo data first", o.email);
    }
    println!(
        "Benchmarking supervision as {} over {} connections, {} requests each, for {} people with {} open cases.",
        o.email,
        o.concurrency,
        o.requests,
        reports.len(),
        reports.iter().map(|(_, c)| c.len().to_string()).collect::<Vec<_>>().join(", ")
    );
    let reports = std::sync::Arc::new(reports);
    let held_on = hearth_store::date_text(today);
    let mut scenarios: Vec<(&str, Box<Make>)> = vec![];
    let (r, t, b) = (reports.clone(), target.clone(), bearer.to_string());
    scenarios.push((
        "GET /api/v1/staff/{id}/supervision-agenda",
        Box::new(move |i| Request::get(format!("/api/v1/staff/{}/supervision-agenda", r[i % r.len()].0)).header("host", &t.authority).header("authorization", &b).body(Full::new(Bytes::new())).expect("a valid request")),
    ));
    let (r, t, c) = (reports.clone(), target.clone(), cookie.to_string());
    scenarios.push((
        "record a supervision form (HTML)",
        Box::new(move |i| Request::get(format!("/staff/{}/supervisions/new", r[i % r.len()].0)).header("host", &t.authority).header("cookie", &c).body(Full::new(Bytes::new())).expect("a valid request")),
    ));
    let (r, t, b) = (reports.clone(), target.clone(), bearer.to_string());
    scenarios.push((
        "POST /api/v1/staff/{id}/supervisions (10 cases)",
        Box::new(move |i| {
            let (worker, cases) = &r[i % r.len()];
            let discussions: Vec<serde_json::Value> = cases
                .iter()
                .take(10)
                .map(|case| serde_json::json!({ "case_id": case, "reflection": format!("Benchmark reflection {i}."), "decision": "Continue the plan.", "action": "Visit the child", "action_due": "" }))
                .collect();
            let body = serde_json::json!({ "held_on": held_on, "discussions": discussions, "wellbeing": "", "development": "" });
            Request::builder()
                .method(Method::POST)
                .uri(format!("/api/v1/staff/{worker}/supervisions"))
                .header("host", &t.authority)
                .header("authorization", &b)
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from(body.to_string())))
                .expect("a valid request")
        }),
    ));
    let (t, c) = (target.clone(), cookie.to_string());
    scenarios.push(("My People page (HTML)", Box::new(move |_| Request::get("/my-people").header("host", &t.authority).header("cookie", &c).body(Full::new(Bytes::new())).expect("a valid request"))));
    for (label, make) in scenarios {
        scenario(target, label, o.concurrency, o.requests, std::sync::Arc::from(make)).await?;
    }
    Ok(())
}

/// Time away as a manager meets it: the sickness figures at their reach (page and API); then,
/// for the people they line-manage, a person's sickness page, a person's leave page (balance and
/// ledger), the team's month, and approving a request through the API (the "taken" line, the
/// absence, the alert and the audit event in one transaction). The requests are made
/// first through the store, one working day each from the next leave year's first Monday, so
/// none overlaps the demo's; annual leave while the balance allows, unpaid after.
async fn leave_pages(store: &Store, target: &std::sync::Arc<Target>, me: uuid::Uuid, cookie: &str, bearer: &str, o: &Options) -> Result<()> {
    use hearth_domain::people::leave::{DayPart, LeaveDraft, LeaveSettings, RequestKind};
    use hearth_store::people::leave::{self, Rules};
    let team = hearth_store::org::placement(store, me).await?.team_id;
    let reports: Vec<uuid::Uuid> = match team {
        Some(t) => hearth_store::org::members(store, hearth_store::org::Members::Team(t)).await?.into_iter().filter(|m| m.line_manager_id == Some(me)).map(|m| m.id).collect(),
        None => vec![],
    };
    let mut scenarios: Vec<(&str, Box<Make>)> = vec![];
    // The sickness figures at the caller's own reach (a team manager's team, a national leader's
    // service), as a page and through the API.
    let (t, c) = (target.clone(), cookie.to_string());
    scenarios.push(("the sickness figures page (HTML)", Box::new(move |_| Request::get("/insight/sickness").header("host", &t.authority).header("cookie", &c).body(Full::new(Bytes::new())).expect("a valid request"))));
    let (t, b) = (target.clone(), bearer.to_string());
    scenarios.push(("GET /api/v1/insight/sickness", Box::new(move |_| Request::get("/api/v1/insight/sickness").header("host", &t.authority).header("authorization", &b).body(Full::new(Bytes::new())).expect("a valid request"))));
    let (Some(team), false) = (team, reports.is_empty()) else {
        println!("{} line-manages nobody in a team: only the sickness figures are measured.", o.email);
        for (label, make) in scenarios {
            scenario(target, label, o.concurrency, o.requests, std::sync::Arc::from(make)).await?;
        }
        return Ok(());
    };
    let (settings, calendar) = (LeaveSettings::default(), hearth_domain::calendar::WorkingCalendar::with_known_changes());
    let rules = Rules { settings: &settings, calendar: &calendar };
    let mut day = settings.year_of(hearth_store::now().date()).last + time::Duration::days(1);
    // One request for each timed approval, each warm-up one and the untimed first call.
    let needed = o.requests + WARM_UP + 2;
    let mut ids = vec![];
    let started = std::time::Instant::now();
    while ids.len() < needed {
        while !calendar.is_working_day(day) {
            day += time::Duration::days(1);
        }
        for r in &reports {
            if ids.len() == needed {
                break;
            }
            let ledger = leave::ledger(store, &AuditContext::system(), rules, *r, day).await?;
            let kind = if ledger.available() >= ledger.pattern.day_minutes { RequestKind::Annual } else { RequestKind::Unpaid };
            let d = LeaveDraft { kind, first: day, last: day, part: DayPart::Whole, minutes: ledger.pattern.day_minutes, note: String::new() };
            ids.push(leave::ask(store, &AuditContext::actor(*r, None), rules, *r, &d).await?);
        }
        day += time::Duration::days(1);
    }
    println!("Benchmarking leave as {} over {} connections, {} requests each, for {} people (made {} requests in {:.1}s).", o.email, o.concurrency, o.requests, reports.len(), ids.len(), started.elapsed().as_secs_f64());
    let reports = std::sync::Arc::new(reports);
    let (r, t, c) = (reports.clone(), target.clone(), cookie.to_string());
    scenarios.push(("a person's sickness page (HTML)", Box::new(move |i| Request::get(format!("/staff/{}/sickness", r[i % r.len()])).header("host", &t.authority).header("cookie", &c).body(Full::new(Bytes::new())).expect("a valid request"))));
    let (r, t, c) = (reports.clone(), target.clone(), cookie.to_string());
    scenarios.push(("a person's leave page: balance and ledger (HTML)", Box::new(move |i| Request::get(format!("/staff/{}/leave", r[i % r.len()])).header("host", &t.authority).header("cookie", &c).body(Full::new(Bytes::new())).expect("a valid request"))));
    let (r, t, c) = (reports.clone(), target.clone(), cookie.to_string());
    scenarios.push(("a person's expense claims (HTML)", Box::new(move |i| Request::get(format!("/staff/{}/expenses", r[i % r.len()])).header("host", &t.authority).header("cookie", &c).body(Full::new(Bytes::new())).expect("a valid request"))));
    let mut claims = vec![];
    for r in reports.iter() {
        claims.extend(hearth_store::people::expenses::claims_of(store, &AuditContext::system(), *r).await?.into_iter().map(|c| c.id));
    }
    if !claims.is_empty() {
        let (claims, t, c) = (std::sync::Arc::new(claims), target.clone(), cookie.to_string());
        scenarios.push(("an expense claim (HTML)", Box::new(move |i| Request::get(format!("/expense-claims/{}", claims[i % claims.len()])).header("host", &t.authority).header("cookie", &c).body(Full::new(Bytes::new())).expect("a valid request"))));
    }
    let (t, c) = (target.clone(), cookie.to_string());
    scenarios.push(("the team's leave calendar (HTML)", Box::new(move |_| Request::get(format!("/teams/{team}/leave")).header("host", &t.authority).header("cookie", &c).body(Full::new(Bytes::new())).expect("a valid request"))));
    let (ids, t, b) = (std::sync::Arc::new(ids), target.clone(), bearer.to_string());
    scenarios.push((
        "POST /api/v1/leave-requests/{id}/approve",
        Box::new(move |i| {
            Request::builder()
                .method(Method::POST)
                .uri(format!("/api/v1/leave-requests/{}/approve", ids[i.min(ids.len() - 1)]))
                .header("host", &t.authority)
                .header("authorization", &b)
                .header("if-match", "\"1\"")
                .body(Full::new(Bytes::new()))
                .expect("a valid request")
        }),
    ));
    for (label, make) in scenarios {
        scenario(target, label, o.concurrency, o.requests, std::sync::Arc::from(make)).await?;
    }
    Ok(())
}

/// Hot desks: an office's desks on a day (API and the booking page), then booking the first free
/// desk through the API, each booking by a different person (one desk a person a day), on the
/// free desk-days the demo leaves in the next two weeks.
async fn desk_pages(store: &Store, target: &std::sync::Arc<Target>, cookie: &str, bearer: &str, o: &Options) -> Result<()> {
    let rules = hearth_domain::workplace::DeskRules::default();
    let today = hearth_domain::calendar::uk_local(hearth_store::now()).date();
    let days = rules.bookable_days(today, false);
    let offices: Vec<uuid::Uuid> = hearth_store::org::offices(store).await?.into_iter().filter(|o| o.desks > 0).map(|o| o.id).collect();
    let pairs: std::sync::Arc<Vec<(uuid::Uuid, time::Date)>> = std::sync::Arc::new(offices.iter().flat_map(|o| days.iter().map(move |d| (*o, *d))).collect());
    let mut scenarios: Vec<(&str, Box<Make>)> = vec![];
    let (p, t, b) = (pairs.clone(), target.clone(), bearer.to_string());
    scenarios.push(("GET /api/v1/offices/{id}/desks?date=", Box::new(move |i| {
        let (office, day) = p[i % p.len()];
        Request::get(format!("/api/v1/offices/{office}/desks?date={day}")).header("host", &t.authority).header("authorization", &b).body(Full::new(Bytes::new())).expect("a valid request")
    })));
    let (p, t, c) = (pairs.clone(), target.clone(), cookie.to_string());
    scenarios.push(("the booking page for an office and day (HTML)", Box::new(move |i| {
        let (office, day) = p[i % p.len()];
        Request::get(format!("/desks?office={office}&day={day}")).header("host", &t.authority).header("cookie", &c).body(Full::new(Bytes::new())).expect("a valid request")
    })));
    for (label, make) in scenarios {
        scenario(target, label, o.concurrency, o.requests, std::sync::Arc::from(make)).await?;
    }
    // Free desk-days, spread over offices and days, and people with nothing booked ahead.
    let mut free = vec![];
    for (office, day) in pairs.iter() {
        // Accessible desks are held for people who need them, which the bookers have not said.
        let n = hearth_store::workplace::day_plan(store, *office, *day).await?.iter().filter(|d| d.holder.is_none() && !d.desk.features.accessible).count();
        free.extend(std::iter::repeat_n((*office, *day), n));
    }
    let mut people: Vec<uuid::Uuid> = hearth_store::people::facts_of_many(store, hearth_store::people::Whose::Everyone).await?.into_keys().collect();
    people.sort();
    let mut bookers = vec![];
    for p in people {
        if hearth_store::workplace::bookings_of(store, p, today).await?.iter().all(|b| !b.status.live()) {
            bookers.push(p);
        }
    }
    let n = free.len().min(bookers.len());
    let Some(count) = n.checked_sub(WARM_UP + 1).filter(|c| *c > 0).map(|c| c.min(o.requests)) else {
        println!("only {n} free desk-days for people with nothing booked: too few to time bookings");
        return Ok(());
    };
    let mut tokens = vec![];
    for p in bookers.iter().take(count + WARM_UP + 1) {
        tokens.push(format!("Bearer {}", hearth_store::auth::create_api_token(store, &AuditContext::system(), *p, "bench", time::Duration::days(1)).await?));
    }
    println!("Booking {count} desks, each by a different person ({} free desk-days over {} offices and {} days).", free.len(), offices.len(), days.len());
    let (free, tokens, t) = (std::sync::Arc::new(free), std::sync::Arc::new(tokens), target.clone());
    let make: Box<Make> = Box::new(move |i| {
        let (office, day) = free[i % free.len()];
        let body = serde_json::json!({ "office_id": office, "date": day.to_string() });
        Request::builder()
            .method(Method::POST)
            .uri("/api/v1/desk-bookings")
            .header("host", &t.authority)
            .header("authorization", &tokens[i % tokens.len()])
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
            .expect("a valid request")
    });
    scenario(target, "POST /api/v1/desk-bookings (first free desk)", o.concurrency, count, std::sync::Arc::from(make)).await?;
    Ok(())
}

/// Team rooms, in the caller's own team's room (the demo team's holds over a thousand posts): the
/// room page, a page deep in its threads, a thread page, the API's thread list, then replying
/// through the API (a durable write with its audit event).
async fn room_pages(store: &Store, target: &std::sync::Arc<Target>, staff: uuid::Uuid, cookie: &str, bearer: &str, o: &Options) -> Result<()> {
    let team = hearth_store::org::placement(store, staff).await?.team_id.context("the bench's member of staff has no team, so no team room")?;
    let room = hearth_store::teamrooms::rooms(store).await?.into_iter().find(|r| r.team_id == Some(team)).context("their team has no room")?;
    let threads = hearth_store::teamrooms::threads(store, room.id, hearth_store::PageRequest::new(Some(1), Some(100))).await?;
    let mut posts = 0;
    for n in 1..=(threads.total + 99) / 100 {
        posts += hearth_store::teamrooms::threads(store, room.id, hearth_store::PageRequest::new(Some(n), Some(100))).await?.items.iter().map(|t| 1 + t.replies).sum::<i64>();
    }
    println!("The {} room: {} threads, {posts} posts.", room.name, threads.total);
    let ids: std::sync::Arc<Vec<uuid::Uuid>> = std::sync::Arc::new(threads.items.iter().filter(|t| !t.hidden).map(|t| t.id).collect());
    let deep = (threads.total / 25).max(1);
    let page = |path: String| {
        let (t, c) = (target.clone(), cookie.to_string());
        Box::new(move |_| Request::get(path.clone()).header("host", &t.authority).header("cookie", &c).body(Full::new(Bytes::new())).expect("a valid request")) as Box<Make>
    };
    let mut scenarios: Vec<(&str, Box<Make>)> = vec![
        ("the room page (HTML)", page(format!("/rooms/{}", room.id))),
        ("the room's last page of threads (HTML)", page(format!("/rooms/{}?page={deep}", room.id))),
    ];
    let (ids2, t, c) = (ids.clone(), target.clone(), cookie.to_string());
    scenarios.push(("a thread page (HTML)", Box::new(move |i| Request::get(format!("/room-threads/{}", ids2[i % ids2.len()])).header("host", &t.authority).header("cookie", &c).body(Full::new(Bytes::new())).expect("a valid request"))));
    let (t, b, r) = (target.clone(), bearer.to_string(), room.id);
    scenarios.push(("GET /api/v1/rooms/{id}/posts", Box::new(move |_| Request::get(format!("/api/v1/rooms/{r}/posts")).header("host", &t.authority).header("authorization", &b).body(Full::new(Bytes::new())).expect("a valid request"))));
    let (t, b, r) = (target.clone(), bearer.to_string(), room.id);
    scenarios.push(("POST /api/v1/rooms/{id}/posts (a reply, durable)", Box::new(move |i| {
        let body = serde_json::json!({ "thread_id": ids[i % ids.len()], "body": format!("Benchmark reply {i}.") });
        Request::builder()
            .method(Method::POST)
            .uri(format!("/api/v1/rooms/{r}/posts"))
            .header("host", &t.authority)
            .header("authorization", &b)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
            .expect("a valid request")
    })));
    for (label, make) in scenarios {
        scenario(target, label, o.concurrency, o.requests, std::sync::Arc::from(make)).await?;
    }
    Ok(())
}

/// Live events' fan-out: an event stream (`/api/v1/events`) for each of `--requests` active
/// members of staff, each with their own API token and connection; then the caller (national
/// leadership) makes a national announcement, and the time from sending it until each stream
/// has it is measured. Read the server's memory while the streams are open (it prints when).
async fn fan_out(store: &Store, target: &std::sync::Arc<Target>, secure_cookies: bool, cookie: &str, o: &Options) -> Result<()> {
    let mut people: Vec<uuid::Uuid> = hearth_store::people::facts_of_many(store, hearth_store::people::Whose::Everyone).await?.into_keys().collect();
    people.sort();
    people.truncate(o.requests);
    println!("Opening {} event streams, one a person, each on its own connection.", people.len());
    let (arrived, mut arrivals) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    let mut opened = 0;
    for p in &people {
        let token = hearth_store::auth::create_api_token(store, &AuditContext::system(), *p, "bench", time::Duration::days(1)).await?;
        let stream = tokio::net::TcpStream::connect(&target.host).await.with_context(|| format!("connect to {}", target.host))?;
        let (mut send, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        let req = Request::get("/api/v1/events").header("host", &target.authority).header("authorization", format!("Bearer {token}")).body(Full::new(Bytes::new()))?;
        let res = send.send_request(req).await?;
        if res.status() != 200 {
            bail!("an event stream answered {}", res.status());
        }
        opened += 1;
        let arrived = arrived.clone();
        tokio::spawn(async move {
            let _keep = send;
            let mut body = res.into_body();
            let mut seen = String::new();
            while let Some(Ok(frame)) = body.frame().await {
                if let Some(data) = frame.data_ref() {
                    seen.push_str(&String::from_utf8_lossy(data));
                    if seen.contains("event: announcement") {
                        let _ = arrived.send(Instant::now());
                        return;
                    }
                }
            }
        });
    }
    println!("{opened} streams open. Read the server's memory now (ps -o rss= -p PID); the announcement goes in 10 s.");
    tokio::time::sleep(Duration::from_secs(10)).await;
    let csrf = "fa0b0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab";
    let form = format!("csrf_token={csrf}&title=Fan-out+check&body=Timing+how+fast+an+announcement+reaches+everyone.&confirmed=yes");
    let req = Request::builder()
        .method(Method::POST)
        .uri("/announcements")
        .header("host", &target.authority)
        .header("cookie", format!("{cookie}; {}={csrf}", hearth_web::security::csrf_cookie_name(secure_cookies)))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(form)))?;
    let sent = Instant::now();
    let (status, _) = Connection::open(target).await?.call(req).await?;
    if status != 303 {
        bail!("the announcement answered {status}: the bench's account must be national leadership (--email demo.national-leader@hearth.example)");
    }
    let mut times = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while times.len() < opened {
        match tokio::time::timeout_at(deadline, arrivals.recv()).await {
            Ok(Some(at)) => times.push(at.saturating_duration_since(sent)),
            _ => break,
        }
    }
    times.sort();
    let ms = |q: f64| times.get(((times.len() as f64 * q).ceil() as usize).saturating_sub(1)).map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
    println!("announcement reached {} of {opened} streams: p50 {:.0} ms  p99 {:.0} ms  last {:.0} ms after it was sent", times.len(), ms(0.5), ms(0.99), ms(1.0));
    Ok(())
}

/// The case page steady, then while the key figures are measured over and over (each round as the
/// server's quarter-hourly work does it: every team's snapshot, then the unsettled months), so
/// every timed request meets a measurement. The budget: the p99 while measuring within twice the
/// steady p99.
async fn while_measuring(target: &std::sync::Arc<Target>, cookie: &str, ids: Vec<String>, m: Measuring, concurrency: usize, requests: usize) -> Result<()> {
    let ids = std::sync::Arc::new(ids);
    let page = {
        let (ids, target, cookie) = (ids.clone(), target.clone(), cookie.to_string());
        std::sync::Arc::new(move |i: usize| Request::get(format!("/cases/{}", ids[i % ids.len()])).header("host", &target.authority).header("cookie", &cookie).body(Full::new(Bytes::new())).expect("a valid request")) as std::sync::Arc<Make>
    };
    let steady = scenario(target, "case overview page (HTML), steady", concurrency, requests, page.clone()).await?.context("the case page was refused")?;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let measurer = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut rounds = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                let today = hearth_store::now().date();
                hearth_store::workload::snapshot_all(&m.store, &m.settings, today).await?;
                hearth_store::insight::refresh(&m.store, &m.calendar, today).await?;
                rounds.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(rounds)
        })
    };
    // The first round under way before anything is timed.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let during = scenario(target, "case overview page (HTML), while measuring", concurrency, requests, page).await?.context("the case page was refused")?;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let rounds = measurer.await??;
    let longest = rounds.iter().max().map_or(0.0, |d| d.as_secs_f64() * 1000.0);
    println!("key figures measured {} times meanwhile (longest {longest:.0} ms)", rounds.len());
    println!("p99 while measuring is {:.2} times the steady p99: {}", during / steady, if during <= 2.0 * steady { "within twice" } else { "MORE than twice" });
    Ok(())
}

/// Runs one scenario: `count` requests over `concurrency` connections. Prints p50, p99 and rate,
/// and gives the p99 in milliseconds (none when the account may not do it).
async fn scenario(target: &std::sync::Arc<Target>, label: &str, concurrency: usize, count: usize, make: std::sync::Arc<Make>) -> Result<Option<f64>> {
    // One request first, not timed: an account that may not do this (a national leader adding
    // notes) would otherwise time thousands of refusals.
    let probe = make(count);
    let reads = probe.method() == Method::GET;
    let (status, _) = Connection::open(target).await?.call(probe).await?;
    if reads && (300..400).contains(&status) {
        // A page that sends the bench elsewhere (to sign in, say) would time the redirect; a
        // form's post answers 303 when it saves, which is its success.
        bail!("{label}: answered {status}, a redirect, not the page");
    }
    if status == 401 || status == 403 {
        println!("{label:<44} skipped: this account may not do it (HTTP {status})");
        return Ok(None);
    }
    // Untimed warm-up first, enough to reach every one of the server's database connections:
    // each connection's first queries parse the schema and prepare statements, which is the
    // server starting, not the steady state the budgets are about.
    drive(target, concurrency, count + 1..count + 1 + WARM_UP, &make).await?;
    let started = Instant::now();
    let (mut times, failures, refused) = drive(target, concurrency, 0..count, &make).await?;
    let seconds = started.elapsed().as_secs_f64();
    times.sort();
    let p = |q: f64| times[((q * times.len() as f64) as usize).min(times.len() - 1)].as_secs_f64() * 1000.0;
    let refused = if refused > 0 { format!("  answered 422 {refused}") } else { String::new() };
    println!("{label:<44} n={count} p50 {:.1} ms  p99 {:.1} ms  {:.0}/s  failures {failures}{refused}", p(0.5), p(0.99), count as f64 / seconds);
    Ok(Some(p(0.99)))
}

/// Untimed requests before each scenario is measured.
const WARM_UP: usize = 200;

/// Makes requests numbered `range` over `concurrency` connections, each with one in flight.
/// Returns each request's time, and how many failed or were answered 422.
async fn drive(target: &std::sync::Arc<Target>, concurrency: usize, range: std::ops::Range<usize>, make: &std::sync::Arc<Make>) -> Result<(Vec<Duration>, usize, usize)> {
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(range.start));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (target, next, make, end) = (target.clone(), next.clone(), make.clone(), range.end);
        workers.spawn(async move {
            let mut conn = Connection::open(&target).await?;
            let (mut times, mut failures, mut refused) = (Vec::new(), 0usize, 0usize);
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= end {
                    break;
                }
                let t = Instant::now();
                let (status, _) = conn.call(make(i)).await?;
                times.push(t.elapsed());
                // 422 answers the input (a search too broad for the account's reach); anything
                // else from 400 up is a failure.
                match status {
                    422 => refused += 1,
                    400.. => failures += 1,
                    _ => {}
                }
            }
            Ok::<_, anyhow::Error>((times, failures, refused))
        });
    }
    let (mut times, mut failures, mut refused): (Vec<Duration>, usize, usize) = (Vec::with_capacity(range.len()), 0, 0);
    while let Some(done) = workers.join_next().await {
        let (t, f, r) = done??;
        times.extend(t);
        failures += f;
        refused += r;
    }
    Ok((times, failures, refused))
}

/// Typesets a section 7 report long enough for `pages` pages, `runs` times, and prints the times.
pub fn pdf(pages: usize, runs: usize) -> anyhow::Result<()> {
    use hearth_domain::courtwork::{Report, ReportChild, Signature, default_template, report_sections};
    use hearth_domain::quality::WorkType;
    let template = default_template(WorkType::Section7Report);
    let paragraph = "Isabella spoke about her week at each home. She said she likes the walk to school with her mother and the football on Saturdays with her father, and that the arguments at handover make her tummy hurt. Her school reports that she is settled, her attendance is good and she has friends in her class. ";
    // About 500 words a page with headings; each section gets its share.
    let per_section = (pages * 500 / template.len() / paragraph.split_whitespace().count()).max(1);
    let text = vec![paragraph.trim(); per_section].join("\n\n");
    let sections = template.iter().map(|s| (s.key.clone(), text.clone())).collect();
    let report = Report {
        title: "Section 7 report".into(),
        court: "Bristol Civil and Family Justice Centre".into(),
        court_case_number: "BS26P01234".into(),
        reference: "HRT-2026-000123".into(),
        children: vec![ReportChild { name: "Isabella Mahmood".into(), date_of_birth: "4 May 2019".into() }, ReportChild { name: "Yusuf Mahmood".into(), date_of_birth: "17 January 2022".into() }],
        hearing: Some("Dispute resolution appointment on 4 December 2026".into()),
        filing_date: Some("20 November 2026".into()),
        author: "Wil Worker".into(),
        team: "Bristol Private Law 1".into(),
        sections: report_sections(&template, &sections),
        signature: Signature { name: "Wil Worker".into(), role: "Family Court Adviser".into(), date: "20 November 2026".into() },
        withheld_from: None,
        draft: false,
    };
    // Each run's text differs a little, as every real report does: typst remembers what it has
    // typeset before, and the same report twice would measure that memory, not the work.
    let mut times = vec![];
    let mut bytes = vec![];
    for run in 0..runs {
        let mut r = report.clone();
        if let Some(s) = r.sections.first_mut() {
            s.text = format!("Seen {} times. {}", run + 1, s.text);
        }
        let started = std::time::Instant::now();
        bytes = hearth_docs::report_pdf(&r)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    // The page count from poppler's pdfinfo, where it is installed.
    let file = std::env::temp_dir().join(format!("hearth-bench-{}.pdf", std::process::id()));
    std::fs::write(&file, &bytes)?;
    let pages_made = std::process::Command::new("pdfinfo")
        .arg(&file)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|t| t.lines().find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse::<usize>().unwrap_or(0))))
        .unwrap_or(0);
    let _ = std::fs::remove_file(&file);
    let first = times[0];
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!("Section 7 report, {} words, {} bytes{}", hearth_domain::courtwork::total_words(&sections), bytes.len(), if pages_made > 0 { format!(", {pages_made} pages") } else { String::new() });
    println!("typeset {runs} times: first {first:.0} ms, p50 {:.0} ms, p90 {:.0} ms, max {:.0} ms", at(0.5), at(0.9), at(1.0));
    Ok(())
}

/// `hearth bench-workload`: the workload budgets measured in-process on the demo data (no HTTP:
/// the pages' handlers are thin, and their store reads and domain rules are what is timed).
/// My People for each of the first `teams` teams, suggestions for their waiting cases, and the
/// national batch plan for `waiting` cases (the national hub, repeated to that many) against
/// greedy allocation.
pub async fn workload(
    store: &Store,
    settings: &hearth_domain::workload::WorkloadSettings,
    deadlines: &hearth_domain::cases::deadlines::DeadlineSettings,
    calendar: &hearth_domain::calendar::WorkingCalendar,
    runs: usize,
    waiting: usize,
) -> Result<()> {
    use hearth_domain::workload as rules;
    use hearth_store::workload as load;
    let today = hearth_store::now().date();
    let teams = hearth_store::org::teams(store, None).await?;
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
    let summary = |label: &str, mut v: Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
        println!("{label:<44} n={} p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms", v.len(), at(0.5), at(0.99), at(1.0));
    };

    let mut grid = vec![];
    let mut suggest = vec![];
    for team in teams.iter().cycle().take(runs.max(1)) {
        let t = Instant::now();
        load::my_people(store, settings, team.id, today).await?;
        grid.push(ms(t));
        if let Some(case) = hearth_store::cases::facts::facts(store, hearth_store::cases::facts::Which::Hub(team.id), today).await?.first() {
            let t = Instant::now();
            load::suggest(store, settings, case.id, None, today).await?;
            suggest.push(ms(t));
        }
    }
    summary("My People for a team (store + rules)", grid);
    if !suggest.is_empty() {
        summary("Ranked suggestions for one case", suggest);
    }
    // Where My People's time goes: each of its reads on its own, for the same teams.
    let mut parts: [(&str, Vec<f64>); 6] = [
        ("  members", vec![]),
        ("  cases carried (facts)", vec![]),
        ("  court work in progress", vec![]),
        ("  task counts", vec![]),
        ("  autonomy standings", vec![]),
        ("  samples due", vec![]),
    ];
    for team in teams.iter().cycle().take(runs.max(1).min(teams.len() * 2)) {
        let t = Instant::now();
        let members = hearth_store::org::members(store, hearth_store::org::Members::Team(team.id)).await?;
        parts[0].1.push(ms(t));
        let ids: Vec<uuid::Uuid> = members.iter().map(|m| m.id).collect();
        let t = Instant::now();
        hearth_store::cases::facts::facts(store, hearth_store::cases::facts::Which::CarriedByTeam(team.id), today).await?;
        parts[1].1.push(ms(t));
        let t = Instant::now();
        hearth_store::courtwork::in_progress_by(store, &ids).await?;
        parts[2].1.push(ms(t));
        let t = Instant::now();
        hearth_store::cases::task_counts(store, &ids, today).await?;
        parts[3].1.push(ms(t));
        let t = Instant::now();
        hearth_store::quality::standings(store, &ids).await?;
        parts[3].1.push(ms(t));
        let t = Instant::now();
        hearth_store::quality::samples::due_counts(store, &ids, today).await?;
        parts[5].1.push(ms(t));
    }
    for (label, times) in parts {
        summary(label, times);
    }
    // And the suggestions' reads that My People does not make.
    let mut parts: [(&str, Vec<f64>); 4] = [
        ("  the case's facts", vec![]),
        ("  who is tied to it (conflicts, continuity)", vec![]),
        ("  what weighs in the team's cases", vec![]),
        ("  members' work, absences, duties, caps", vec![]),
    ];
    for team in teams.iter().cycle().take(runs.max(1).min(teams.len() * 2)) {
        let Some(case) = hearth_store::cases::facts::facts(store, hearth_store::cases::facts::Which::Hub(team.id), today).await?.first().map(|c| c.id) else { continue };
        let t = Instant::now();
        hearth_store::cases::facts::facts(store, hearth_store::cases::facts::Which::One(case), today).await?;
        parts[0].1.push(ms(t));
        let t = Instant::now();
        load::ties_for(store, &[case]).await?;
        parts[1].1.push(ms(t));
        let t = Instant::now();
        hearth_store::cases::facts::weighings(store, hearth_store::cases::facts::Which::CarriedByTeamOf(case), today).await?;
        parts[2].1.push(ms(t));
        let ids: Vec<uuid::Uuid> = hearth_store::org::members(store, hearth_store::org::Members::Team(team.id)).await?.iter().map(|m| m.id).collect();
        let t = Instant::now();
        load::Around::read(store, &ids, today).await?;
        parts[3].1.push(ms(t));
    }
    for (label, times) in parts {
        summary(label, times);
    }

    // The key figures: what the page reads (kept months and the teams' last measures), national
    // and for an area, over the default period of three months.
    use hearth_domain::insight::Month;
    use hearth_store::quality::insight::Reach;
    let (first, last) = (Month::of(today - time::Duration::days(90)), Month::of(today));
    let area = teams.first().map(|t| t.service_area.id);
    for (label, reach) in [("Key figures, national (3 months)", Some(Reach::National)), ("Key figures, one area (3 months)", area.map(Reach::Area))] {
        let Some(reach) = reach else { continue };
        let mut times = vec![];
        for _ in 0..runs.max(1) {
            let t = Instant::now();
            let (months, _) = hearth_store::insight::months(store, reach, first, last).await?;
            hearth_store::workload::band_totals(store, reach).await?;
            std::hint::black_box(months);
            times.push(ms(t));
        }
        summary(label, times);
    }
    let t = Instant::now();
    let measured = hearth_store::insight::refresh(store, calendar, today).await?;
    println!("measuring the unsettled months again: {measured} months in {:.0} ms", ms(t));

    let t = Instant::now();
    let (workers, hub) = load::national_instance(store, settings, today).await?;
    let read = ms(t);
    let bands = load::band_counts(&workers.iter().filter(|w| w.member.practitioner && !w.cases.is_empty()).cloned().collect::<Vec<_>>());
    println!("practitioners carrying cases by band: {}", bands.iter().map(|(b, n)| format!("{} {n}", b.label())).collect::<Vec<_>>().join(", "));
    if hub.is_empty() {
        bail!("no case waits in any hub: load the national demo data first (hearth demo --scale national)");
    }
    let mut cases = load::hub_cases(settings, deadlines, hub.clone(), today);
    let base = cases.len();
    let mut i = 0;
    while cases.len() < waiting {
        let copy = cases[i % base].clone();
        cases.push(copy);
        i += 1;
    }
    cases.truncate(waiting.max(base));
    let t = Instant::now();
    let ids: Vec<uuid::Uuid> = hub.iter().map(|c| c.id).collect();
    let ties = load::ties_for(store, &ids).await?;
    let (plan_cases, plan_workers) = load::plan_inputs(settings, &cases, &workers, &ties, today);
    let inputs = ms(t);
    let t = Instant::now();
    let plan = rules::plan(settings, &plan_cases, &plan_workers, false);
    let solve = ms(t);
    let level = rules::improve(settings, &plan_cases, &plan_workers, rules::flow_plan(settings, &plan_cases, &plan_workers, false, rules::Filling::Level), false);
    let open = rules::improve(settings, &plan_cases, &plan_workers, rules::flow_plan(settings, &plan_cases, &plan_workers, false, rules::Filling::Open), false);
    let greedy = rules::greedy(settings, &plan_cases, &plan_workers, false);
    let m = |p: &rules::Plan| rules::measure(settings, &plan_cases, &plan_workers, p);
    println!(
        "batch plan: {} waiting ({base} in the national hubs), {} staff; read {read:.0} ms, eligibility {inputs:.0} ms, solve {solve:.0} ms (total {:.0} ms)",
        cases.len(),
        workers.len(),
        inputs + solve
    );
    let line = |label: &str, m: rules::PlanMeasures| println!("  {label:<8} allocated {:>5}  priority {:>6}  overload (above amber) {:>8} points  above green {:>8} points  pushed above amber {}", m.allocated, m.priority, m.overload.display(), m.above_green.display(), m.above_amber);
    line("plan", m(&plan));
    line("level", m(&level));
    line("open", m(&open));
    line("greedy", m(&greedy));
    Ok(())
}
