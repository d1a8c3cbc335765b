//! The server's periodic work, run through the job queue (`jobs::run_periodic`) so that several
//! instances on one database run each task once between them. Failures are logged and counted
//! in `/metrics` (`hearth_periodic_failures_total`), and the task is tried again in a minute.

use std::time::Duration as StdDuration;

use hearth_domain::auth::SessionPolicy;
use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::workload::WorkloadSettings;
use hearth_store::Store;
use hearth_store::jobs::{Periodic, Ran, run_periodic};
use time::Duration;

/// Sessions past their time and sign-in attempts past any limit's memory: only to keep the
/// tables small (both are checked on use).
pub const PURGE: Periodic = Periodic { name: "purge", every: Duration::minutes(5) };

/// Every team's bands, open work and hub (`workload_snapshots`), and the key figures' months
/// still changing. A few milliseconds a team, and well under a second a month nationally.
pub const KEY_FIGURES: Periodic = Periodic { name: "key_figures", every: Duration::minutes(15) };

/// Reminders of mandatory training about to expire: each person once per expiry date (the store
/// keeps which were sent), so running it often costs a read and sends nothing twice.
pub const TRAINING_REMINDERS: Periodic = Periodic { name: "training_reminders", every: Duration::hours(6) };

/// People's time away: annual leave recorded as bare time away (before requests, or by an older
/// version) is adopted into the ledger; the leave year holding today is opened for anyone without
/// it, so balances are there on the first morning of a new year; and sickness that has reached
/// long-term is referred to occupational health. Each writes only what is missing.
pub const LEAVE_YEARS: Periodic = Periodic { name: "leave_years", every: Duration::hours(6) };

/// Desk bookings nobody checked in to, released once the morning's check-in closes
/// (`[desks] release_at`, UK time) so someone else can take the desk. Before that time it reads
/// the clock and does nothing; after it, a run finds nothing left to release.
pub const DESK_RELEASE: Periodic = Periodic { name: "desk_release", every: Duration::minutes(5) };

/// Chat messages older than `[chat] keep_days`, deleted once a day.
pub const CHAT_RETENTION: Periodic = Periodic { name: "chat_retention", every: Duration::hours(24) };

/// How often an instance looks for periodic work that is due.
const LOOK_EVERY: StdDuration = StdDuration::from_secs(10);

pub async fn run(store: Store, measurer: Store, state: hearth_web::AppState, policy: SessionPolicy, settings: WorkloadSettings, calendar: WorkingCalendar) {
    loop {
        let purge = run_periodic(&store, PURGE, || async {
            hearth_store::auth::purge_sessions(&store, hearth_store::now() - policy.idle).await.map_err(|e| format!("sessions: {e}"))?;
            hearth_store::auth::purge_attempts(&store).await.map_err(|e| format!("sign-in attempts: {e}"))?;
            Ok(())
        })
        .await;
        note(&state, PURGE, purge);
        let measured = run_periodic(&store, KEY_FIGURES, || async {
            let today = hearth_store::now().date();
            hearth_store::workload::snapshot_all(&measurer, &settings, today).await.map_err(|e| format!("workload snapshot: {e}"))?;
            hearth_store::insight::refresh(&measurer, &calendar, today).await.map_err(|e| format!("key figures' months: {e}"))?;
            let sick = hearth_store::people::sickness::Rules { settings: &state.config.sickness, leave: &state.config.leave, calendar: &state.config.calendar };
            hearth_store::people::sickness::measure_months(&measurer, sick, today).await.map_err(|e| format!("sickness months: {e}"))?;
            Ok(())
        })
        .await;
        note(&state, KEY_FIGURES, measured);
        let training = state.config.training;
        let reminded = run_periodic(&store, TRAINING_REMINDERS, || async {
            hearth_store::people::training::remind_expiring(&store, hearth_store::now().date(), &training).await.map_err(|e| format!("training reminders: {e}"))?;
            Ok(())
        })
        .await;
        note(&state, TRAINING_REMINDERS, reminded);
        let opened = run_periodic(&store, LEAVE_YEARS, || async {
            let rules = hearth_store::people::leave::Rules { settings: &state.config.leave, calendar: &state.config.calendar };
            hearth_store::people::leave::adopt_absences(&store, rules).await.map_err(|e| format!("adopting leave: {e}"))?;
            hearth_store::people::leave::open_years(&store, rules, hearth_store::now().date()).await.map_err(|e| format!("opening leave years: {e}"))?;
            let sick = hearth_store::people::sickness::Rules { settings: &state.config.sickness, leave: &state.config.leave, calendar: &state.config.calendar };
            hearth_store::people::sickness::refer_long_term(&store, sick, hearth_store::now().date()).await.map_err(|e| format!("long-term sickness referrals: {e}"))?;
            Ok(())
        })
        .await;
        note(&state, LEAVE_YEARS, opened);
        let released = run_periodic(&store, DESK_RELEASE, || async {
            let uk = hearth_domain::calendar::uk_local(hearth_store::now());
            if state.config.desks.release_due(uk.date(), uk.time()) {
                hearth_store::workplace::release_no_shows(&store, uk.date()).await.map_err(|e| format!("releasing desks: {e}"))?;
            }
            Ok(())
        })
        .await;
        note(&state, DESK_RELEASE, released);
        let purged = run_periodic(&store, CHAT_RETENTION, || async {
            hearth_store::teamrooms::chat::purge(&store, &state.config.chat).await.map_err(|e| format!("chat retention: {e}"))?;
            Ok(())
        })
        .await;
        note(&state, CHAT_RETENTION, purged);
        tokio::time::sleep(LOOK_EVERY).await;
    }
}

fn note(state: &hearth_web::AppState, task: Periodic, ran: hearth_store::Result<Ran>) {
    match ran {
        Ok(Ran::NotDue) => {}
        Ok(Ran::Done) => state.metrics.periodic_ran(task.name, false),
        Ok(Ran::Failed(e)) => {
            tracing::warn!(task = task.name, error = %e, "periodic work failed; trying again in a minute");
            state.metrics.periodic_ran(task.name, true);
        }
        Err(e) => {
            tracing::warn!(task = task.name, error = %e, "could not claim periodic work");
            state.metrics.periodic_ran(task.name, true);
        }
    }
}
