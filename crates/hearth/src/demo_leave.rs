//! Demo leave: three leave years (this one and the two before) for every employed member of staff, as the ledger rules open them,
//! with requests spread through the year (peaks in the summer holidays, at half terms and at
//! Christmas), most of last year's balance used and this year's used as far as the year has gone,
//! some leave booked ahead and some waiting for a decision. Deterministic from the seed.

use std::collections::HashMap;

use anyhow::Result;
use hearth_domain::calendar::WorkingCalendar;
use hearth_domain::people::leave::{LeaveSettings, LeaveYear, RequestStatus, WorkPattern, balance, carry_over, cost_of_days, opening_lines};
use hearth_domain::workload::AbsenceKind;
use hearth_store::Store;
use hearth_store::people::leave::{self, DemoLeave, DemoRequest, Rules};
use rand::RngExt;
use rand::rngs::StdRng;
use time::{Date, Duration, Month};
use uuid::Uuid;

/// How likely a request starts in each month (January first): summer, half terms and Christmas.
const MONTH_WEIGHT: [f64; 12] = [0.5, 1.0, 0.8, 1.1, 1.2, 1.0, 2.0, 2.5, 0.8, 1.2, 0.6, 2.0];

/// Everyone's requests. `away` is time away the workload demo recorded (sickness, training, and
/// the annual leave it chose, which becomes approved requests here). `keep_free` are the
/// documented accounts: their leave is all in the past. One person the demo team manager manages
/// has leave waiting for their decision.
pub async fn generate(store: &Store, rng: &mut StdRng, settings: &LeaveSettings, calendar: &WorkingCalendar, away: &[(Uuid, AbsenceKind, Date, Date)], keep_free: &[Uuid], demo_manager: Option<Uuid>) -> Result<usize> {
    let today = hearth_store::now().date();
    let (current, previous) = (settings.year_of(today), settings.year_of(today).previous());
    let staff = leave::demo_staff(store).await?;
    let mut busy: HashMap<Uuid, Vec<(Date, Date)>> = HashMap::new();
    let mut fixed: HashMap<Uuid, Vec<(Date, Date)>> = HashMap::new();
    for (s, kind, first, last) in away {
        if *kind == AbsenceKind::AnnualLeave {
            fixed.entry(*s).or_default().push((*first, *last));
        } else {
            busy.entry(*s).or_default().push((*first, *last));
        }
    }
    let waiting_for_manager = demo_manager.and_then(|m| staff.iter().find(|(id, _, _, lm)| *lm == Some(m) && !keep_free.contains(id) && !fixed.contains_key(id) && !busy.contains_key(id)).map(|s| s.0));
    let mut people = vec![];
    for (id, fte, started_on, manager) in &staff {
        let pattern = WorkPattern::from_fte(*fte, settings);
        let mut taken = busy.remove(id).unwrap_or_default();
        let mut p = Planner { rng: &mut *rng, calendar, pattern, started_on: *started_on, taken: &mut taken };
        // The two years before this one: most of each balance used, the rest carried (to the cap).
        let opening = |year: LeaveYear| balance(opening_lines(settings, calendar, &pattern, *started_on, year).iter().map(|l| (l.kind, l.minutes))).balance;
        let mut years = vec![];
        let mut carried = 0;
        for year in [previous.previous(), previous] {
            let budget = opening(year) + carried;
            let spend = (budget as f64 * p.rng.random_range(0.85..1.0)) as i64;
            let (requests, used) = p.spend(year, year.first, year.last, spend, true);
            // A year before they started opens nothing, so carries nothing.
            carried = if budget > 0 { carry_over(settings, &pattern, budget - used) } else { 0 };
            years.push((year, requests));
        }
        // This year: the leave the workload demo chose, then used as far as the year has gone,
        // then some booked ahead.
        let mut this_year = vec![];
        let mut left = opening(current) + carried;
        for (first, last) in fixed.remove(id).unwrap_or_default() {
            let minutes = cost_of_days(calendar, &pattern, first, last);
            if minutes > 0 && minutes <= left && current.contains(first) && current.contains(last) {
                p.taken.push((first, last));
                this_year.push(DemoRequest { first, last, minutes, status: RequestStatus::Approved });
                left -= minutes;
            }
        }
        if Some(*id) == waiting_for_manager {
            let mut first = today + Duration::days(21);
            while first.weekday() != time::Weekday::Monday {
                first += Duration::days(1);
            }
            let last = first + Duration::days(2);
            let minutes = cost_of_days(calendar, &pattern, first, last);
            if current.contains(last) && minutes > 0 && minutes <= left {
                p.taken.push((first, last));
                this_year.push(DemoRequest { first, last, minutes, status: RequestStatus::Requested });
                left -= minutes;
            }
        }
        let gone = (today - current.first).whole_days() as f64 / 365.0;
        let so_far = (left as f64 * gone * p.rng.random_range(0.7..1.0)) as i64;
        let (past, used) = p.spend(current, current.first, today - Duration::days(1), so_far, true);
        this_year.extend(past);
        if !keep_free.contains(id) {
            let ahead = ((left - used) as f64 * p.rng.random_range(0.0..0.25)) as i64;
            let (future, _) = p.spend(current, today + Duration::days(7), current.last, ahead, false);
            this_year.extend(future);
        }
        years.push((current, this_year));
        people.push(DemoLeave { staff: *id, manager: *manager, years });
    }
    Ok(leave::load_demo(store, Rules { settings, calendar }, &people).await?)
}

struct Planner<'a> {
    rng: &'a mut StdRng,
    calendar: &'a WorkingCalendar,
    pattern: WorkPattern,
    started_on: Date,
    taken: &'a mut Vec<(Date, Date)>,
}

impl Planner<'_> {
    /// Requests from `from` to `to` taking up to `budget` minutes: past ones approved (a few
    /// refused), future ones mostly approved and some waiting. Returns them and the minutes used.
    fn spend(&mut self, year: LeaveYear, from: Date, to: Date, budget: i64, past: bool) -> (Vec<DemoRequest>, i64) {
        let from = from.max(self.started_on).max(year.first);
        let to = to.min(year.last);
        let mut out = vec![];
        let mut used = 0;
        if from >= to || budget <= 0 {
            return (out, 0);
        }
        let span = (to - from).whole_days();
        for _ in 0..60 {
            if budget - used < self.pattern.day_minutes {
                break;
            }
            let day = from + Duration::days(self.rng.random_range(0..=span));
            if self.rng.random::<f64>() * 2.5 > MONTH_WEIGHT[month_index(day.month())] {
                continue;
            }
            let days = match self.rng.random_range(0..10) {
                0..=3 => 1,
                4..=6 => self.rng.random_range(2..=5),
                7..=8 => 5,
                _ => 10,
            };
            let Some((first, last)) = self.working_days_from(day, days, to) else { continue };
            if self.taken.iter().any(|(a, b)| *a <= last + Duration::days(1) && *b >= first - Duration::days(1)) {
                continue;
            }
            let minutes = cost_of_days(self.calendar, &self.pattern, first, last);
            if minutes == 0 || used + minutes > budget {
                continue;
            }
            let status = match (past, self.rng.random_range(0..100)) {
                (true, 0..=2) => RequestStatus::Refused,
                (true, _) => RequestStatus::Approved,
                (false, 0..=74) => RequestStatus::Approved,
                (false, _) => RequestStatus::Requested,
            };
            if status != RequestStatus::Refused {
                self.taken.push((first, last));
                used += minutes;
            }
            out.push(DemoRequest { first, last, minutes, status });
        }
        (out, used)
    }

    /// `n` of the person's working days from `day` (moved to the next one they work), ending no
    /// later than `to`.
    fn working_days_from(&self, day: Date, n: usize, to: Date) -> Option<(Date, Date)> {
        let works = |d: Date| self.pattern.minutes_on(d) > 0 && self.calendar.is_holiday(d).is_none();
        let mut first = day;
        while !works(first) {
            first += Duration::days(1);
            if first > to {
                return None;
            }
        }
        let (mut last, mut counted) = (first, 1);
        while counted < n {
            last += Duration::days(1);
            if last > to {
                return None;
            }
            if works(last) {
                counted += 1;
            }
        }
        Some((first, last))
    }
}

fn month_index(m: Month) -> usize {
    m as usize - 1
}
