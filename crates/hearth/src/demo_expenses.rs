//! Demo expenses: where the demo's visits happened, and claims for the demo team manager's team
//! made the way a worker makes them (prefilled from their visits, miles entered where Hearth
//! cannot estimate them), some approved and some waiting for the manager. The demo practitioner
//! is left with visits to claim, for the walk-through.

use anyhow::Result;
use hearth_domain::people::expenses::{ExpenseSettings, Journey};
use hearth_store::people::expenses::{self, Decision};
use hearth_store::{AuditContext, Store};
use time::{Date, Duration};
use uuid::Uuid;

pub async fn generate(store: &Store, manager: Option<Uuid>, keep_free: &[Uuid], today: Date) -> Result<usize> {
    hearth_store::cases::bulk::set_demo_places(store).await?;
    let Some(manager) = manager else { return Ok(0) };
    let s = ExpenseSettings::default();
    let as_ = |who: Uuid| AuditContext::actor(who, None);
    let mut made = 0;
    for (n, worker) in hearth_store::people::expenses::demo_claimants(store, manager).await?.into_iter().filter(|w| !keep_free.contains(w)).enumerate() {
        let visits = expenses::visits_to_claim(store, worker, today - Duration::days(60)).await?;
        if visits.len() < 2 {
            continue;
        }
        let claim = expenses::start(store, &as_(worker), worker).await?;
        let ids: Vec<Uuid> = visits.iter().take(4).map(|v| v.id).collect();
        expenses::add_visits(store, &as_(worker), &s, claim, 1, &ids, today).await?;
        let c = expenses::claim(store, claim).await?;
        let mut version = c.version;
        for (i, line) in c.lines.iter().enumerate().filter(|(_, l)| l.miles_tenths.is_none()) {
            let journey = Journey {
                from_place: line.from_place.clone().unwrap_or_default(),
                to_place: line.to_place.clone().unwrap_or_default(),
                tenths: 40 + ((n * 7 + i * 13) % 30) as i64 * 5,
                round_trip: true,
                passengers: 0,
            };
            expenses::set_journey(store, &as_(worker), &s, line.id, version, &journey).await?;
            version += 1;
        }
        expenses::submit(store, &as_(worker), &s, claim, version, "", today).await?;
        // Every other claim is approved; the rest wait on the manager's home page.
        if n % 2 == 0 {
            expenses::decide(store, &as_(manager), claim, version + 1, Decision::Approve).await?;
        }
        made += 1;
    }
    Ok(made)
}
