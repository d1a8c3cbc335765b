//! The workplace: hot desks, at about one desk for ten staff. People book a desk for the days they
//! come in, check in when they arrive, and a booking nobody checked in to is released by mid-morning
//! so someone else can take it. The rules here decide whether a booking may be made and which desk
//! "the first free desk" is; the store enforces one live booking per desk and per person a day.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Time, Weekday};
use uuid::Uuid;

use crate::FieldError;

/// National booking rules (`[desks]` in `hearth.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeskRules {
    /// How many days ahead anyone may book (14: two weeks).
    pub horizon_days: i64,
    /// How far ahead someone expected in the office more (a new starter, or anyone on an
    /// improvement plan) may book, so their office-first days come first.
    pub office_first_horizon_days: i64,
    /// At most this many days booked in one week (Monday to Sunday).
    pub days_per_week: i64,
    /// Check-in opens at this UK time on the day, as "HH:MM".
    pub check_in_from: String,
    /// A booking nobody checked in to is released at this UK time, as "HH:MM".
    pub release_at: String,
    /// Offices open at weekends too (they are closed by default).
    pub open_weekends: bool,
}

impl Default for DeskRules {
    fn default() -> Self {
        Self { horizon_days: 14, office_first_horizon_days: 28, days_per_week: 3, check_in_from: "07:00".into(), release_at: "10:30".into(), open_weekends: false }
    }
}

impl DeskRules {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=90).contains(&self.horizon_days) || !(self.horizon_days..=120).contains(&self.office_first_horizon_days) || !(1..=5).contains(&self.days_per_week) {
            return Err("horizon_days must be from 1 to 90, office_first_horizon_days from horizon_days to 120, and days_per_week from 1 to 5".into());
        }
        match (clock(&self.check_in_from), clock(&self.release_at)) {
            (Some(from), Some(release)) if from < release => Ok(()),
            _ => Err("check_in_from and release_at must be times such as \"07:00\" and \"10:30\", check-in opening first".into()),
        }
    }

    /// The last day someone may book today: further for those expected in the office more.
    pub fn last_bookable(&self, today: Date, office_first: bool) -> Date {
        today + Duration::days(if office_first { self.office_first_horizon_days } else { self.horizon_days })
    }

    /// The days someone may book from `today`: weekdays from today to their horizon.
    pub fn bookable_days(&self, today: Date, office_first: bool) -> Vec<Date> {
        let last = self.last_bookable(today, office_first);
        std::iter::successors(Some(today), |d| d.next_day()).take_while(|d| *d <= last).filter(|d| !self.closed_on(*d)).collect()
    }

    /// Whether check-in is open at `uk_time` on the booked day itself.
    pub fn check_in_open(&self, day: Date, today: Date, uk_time: Time) -> bool {
        let (Some(from), Some(release)) = (clock(&self.check_in_from), clock(&self.release_at)) else { return false };
        day == today && uk_time >= from && uk_time < release
    }

    /// Whether the day's unchecked bookings are due to be released at `uk_time` on `today`.
    pub fn release_due(&self, today: Date, uk_time: Time) -> bool {
        clock(&self.release_at).is_some_and(|release| uk_time >= release) && !self.closed_on(today)
    }

    /// Whether offices are closed on `day`: weekends, unless they open then.
    pub fn closed_on(&self, day: Date) -> bool {
        !self.open_weekends && weekend(day)
    }

    /// The release time in words: "10:30".
    pub fn release_words(&self) -> &str {
        &self.release_at
    }
}

/// "HH:MM" as a time of day.
fn clock(s: &str) -> Option<Time> {
    let (h, m) = s.split_once(':')?;
    Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
}

fn weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Monday of the week holding `day`.
pub fn week_start(day: Date) -> Date {
    day - Duration::days(day.weekday().number_days_from_monday() as i64)
}

/// What a desk offers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskFeatures {
    pub accessible: bool,
    pub standing: bool,
    pub dual_screen: bool,
    pub quiet: bool,
}

impl DeskFeatures {
    /// The features in words, for a table cell or a desk's label on the plan.
    pub fn words(&self) -> Vec<&'static str> {
        [(self.accessible, "Accessible"), (self.standing, "Standing"), (self.dual_screen, "Two screens"), (self.quiet, "Quiet zone")].into_iter().filter(|(on, _)| *on).map(|(_, w)| w).collect()
    }
}

/// A desk as the rules see it on one day: whether it is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskOnDay {
    pub id: Uuid,
    pub accessible: bool,
    pub taken: bool,
}

/// The person booking, as the rules need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Booker {
    /// Expected in the office more (new starter, improvement plan): books further ahead.
    pub office_first: bool,
    /// Has said they need an accessible desk.
    pub needs_accessible: bool,
    /// Days already booked in the week of the day asked for.
    pub booked_that_week: i64,
    /// Already holds a desk on the day asked for.
    pub booked_that_day: bool,
    /// The office that day as it stands for them: desks free, and how many of those are held
    /// for other teams' team days (held, less what those teams' members have booked).
    pub free_that_day: i64,
    pub held_for_others: i64,
}

/// Desks a team day still holds: those it reserved, less those its members have booked.
pub fn still_held(reserved: i64, members_booked: i64) -> i64 {
    (reserved - members_booked).max(0)
}

/// Whether `who` may book a desk on `day`, asked on `today`; the refusal names the field to put
/// right. `desk` is the desk chosen, if one was; without one, the first free desk is taken.
pub fn check_booking(rules: &DeskRules, today: Date, day: Date, who: &Booker, desk: Option<&DeskOnDay>) -> Result<(), FieldError> {
    if day < today {
        return Err(FieldError::new("day", "The day must be today or later"));
    }
    if rules.closed_on(day) {
        return Err(FieldError::new("day", "Offices are closed at weekends: choose a weekday"));
    }
    let last = rules.last_bookable(today, who.office_first);
    if day > last {
        let days = (last - today).whole_days();
        return Err(FieldError::new("day", format!("You can book up to {days} days ahead")));
    }
    if who.booked_that_day {
        return Err(FieldError::new("day", "You already have a desk that day: cancel it first to choose another"));
    }
    if who.booked_that_week >= rules.days_per_week {
        return Err(FieldError::new("day", format!("You already have {} days booked that week, the most anyone may book", rules.days_per_week)));
    }
    if who.held_for_others > 0 && who.free_that_day <= who.held_for_others {
        return Err(FieldError::new("day", "The free desks that day are held for another team's team day: choose another day or office"));
    }
    if let Some(d) = desk {
        if d.taken {
            return Err(FieldError::new("desk", "That desk is taken that day: choose another, or the first free desk"));
        }
        if d.accessible && !who.needs_accessible && held_for_need(today, day) {
            return Err(FieldError::new("desk", "Accessible desks are held for people who need them until the day before: choose another desk"));
        }
    }
    Ok(())
}

/// Accessible desks are held for people who need them until the day before the day booked.
fn held_for_need(today: Date, day: Date) -> bool {
    today < day - Duration::days(1)
}

/// The first free desk for `who` on `day`: someone who needs an accessible desk gets one first;
/// anyone else gets a desk that is not accessible first, and an accessible one only once they are
/// no longer held. `desks` are in plan order.
pub fn first_free(desks: &[DeskOnDay], who: &Booker, today: Date, day: Date) -> Option<Uuid> {
    let free = || desks.iter().filter(|d| !d.taken);
    if who.needs_accessible {
        return free().find(|d| d.accessible).or_else(|| free().next()).map(|d| d.id);
    }
    free().find(|d| !d.accessible).or_else(|| if held_for_need(today, day) { None } else { free().next() }).map(|d| d.id)
}

coded_enum!(
    /// Where a booking is: live while booked or checked in.
    BookingStatus {
        Booked = "booked", "Booked";
        CheckedIn = "checked_in", "Checked in";
        Cancelled = "cancelled", "Cancelled";
        Released = "released", "Released: not checked in";
    }
);

impl BookingStatus {
    pub fn live(self) -> bool {
        matches!(self, Self::Booked | Self::CheckedIn)
    }
}

coded_enum!(
    /// Why a booking was cancelled.
    CancelledBecause {
        Person = "person", "Cancelled";
        Leave = "leave", "Cancelled: on leave that day";
        Sickness = "sickness", "Cancelled: off sick";
        Away = "away", "Cancelled: away that day";
    }
);

impl CancelledBecause {
    /// Why time away of this kind cancels a booking.
    pub fn of_absence(kind: crate::workload::AbsenceKind) -> Self {
        use crate::workload::AbsenceKind;
        match kind {
            AbsenceKind::AnnualLeave => Self::Leave,
            AbsenceKind::Sickness => Self::Sickness,
            AbsenceKind::Training | AbsenceKind::Other => Self::Away,
        }
    }

    /// The reason as the person is told it.
    pub fn told(self) -> &'static str {
        match self {
            Self::Person => "you cancelled it",
            Self::Leave => "you are on leave",
            Self::Sickness => "you are off sick",
            Self::Away => "you are recorded as away",
        }
    }
}

/// A desk as an administrator adds or changes it on the floor plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskDraft {
    pub label: String,
    pub zone: String,
    pub features: DeskFeatures,
    pub plan_x: i64,
    pub plan_y: i64,
    pub withdrawn: bool,
}

/// The floor plan's grid: columns and rows a desk may sit at.
pub const PLAN_COLUMNS: i64 = 12;
pub const PLAN_ROWS: i64 = 8;

/// The desk form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DeskForm {
    pub label: String,
    pub zone: String,
    pub features: Vec<String>,
    pub plan_x: String,
    pub plan_y: String,
    pub withdrawn: String,
}

impl DeskForm {
    pub fn validate(&self) -> Result<DeskDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let label = self.label.trim();
        if label.is_empty() || label.chars().count() > 20 {
            errors.push(FieldError::new("label", "Enter the desk's label, 20 characters or fewer, such as D12"));
        }
        let zone = self.zone.trim();
        if zone.is_empty() || zone.chars().count() > 40 {
            errors.push(FieldError::new("zone", "Enter the zone, 40 characters or fewer, such as First floor east"));
        }
        let place = |field: &'static str, text: &str, size: i64, what: &str, errors: &mut Vec<FieldError>| match text.trim().parse::<i64>() {
            Ok(n) if (1..=size).contains(&n) => n - 1,
            _ => {
                errors.push(FieldError::new(field, format!("{what} must be a whole number from 1 to {size}")));
                0
            }
        };
        let plan_x = place("plan_x", &self.plan_x, PLAN_COLUMNS, "Column", &mut errors);
        let plan_y = place("plan_y", &self.plan_y, PLAN_ROWS, "Row", &mut errors);
        let has = |f: &str| self.features.iter().any(|x| x == f);
        if let Some(bad) = self.features.iter().find(|f| !["accessible", "standing", "dual_screen", "quiet"].contains(&f.as_str())) {
            errors.push(FieldError::new("features", format!("Choose from the features listed, not \"{bad}\"")));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DeskDraft {
            label: label.to_string(),
            zone: zone.to_string(),
            features: DeskFeatures { accessible: has("accessible"), standing: has("standing"), dual_screen: has("dual_screen"), quiet: has("quiet") },
            plan_x,
            plan_y,
            withdrawn: self.withdrawn == "yes",
        })
    }
}

/// Share of bookings nobody checked in to, as a whole percentage, of those whose day has passed.
pub fn no_show_rate(released: i64, kept: i64) -> Option<i64> {
    let n = released + kept;
    (n > 0).then(|| (released * 100 + n / 2) / n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, time};

    fn who() -> Booker {
        Booker { office_first: false, needs_accessible: false, booked_that_week: 0, booked_that_day: false, free_that_day: 10, held_for_others: 0 }
    }
    fn desk(n: u128, accessible: bool, taken: bool) -> DeskOnDay {
        DeskOnDay { id: Uuid::from_u128(n), accessible, taken }
    }
    // A Monday.
    const TODAY: Date = date!(2026 - 12 - 07);

    #[test]
    fn the_rules_shipped_are_valid_and_bad_ones_are_refused() {
        DeskRules::default().validate().unwrap();
        assert!(DeskRules { release_at: "06:00".into(), ..Default::default() }.validate().is_err());
        assert!(DeskRules { release_at: "25:00".into(), ..Default::default() }.validate().is_err());
        assert!(DeskRules { days_per_week: 0, ..Default::default() }.validate().is_err());
        assert!(DeskRules { office_first_horizon_days: 7, ..Default::default() }.validate().is_err());
    }

    #[test]
    fn a_booking_is_refused_for_the_past_a_weekend_too_far_ahead_or_too_many_days() {
        let r = DeskRules::default();
        let field = |day, w: &Booker| check_booking(&r, TODAY, day, w, None).unwrap_err().message;
        assert!(field(TODAY - Duration::days(1), &who()).contains("today or later"));
        assert!(field(date!(2026 - 12 - 12), &who()).contains("weekends"));
        assert!(check_booking(&DeskRules { open_weekends: true, ..Default::default() }, TODAY, date!(2026 - 12 - 12), &who(), None).is_ok(), "unless offices open then");
        assert!(field(TODAY + Duration::days(15), &who()).contains("14 days ahead"));
        assert!(check_booking(&r, TODAY, TODAY + Duration::days(15), &Booker { office_first: true, ..who() }, None).is_ok(), "office-first books further ahead");
        assert!(field(TODAY, &Booker { booked_that_week: 3, ..who() }).contains("3 days booked"));
        assert!(field(TODAY, &Booker { booked_that_day: true, ..who() }).contains("already have a desk"));
        assert!(check_booking(&r, TODAY, TODAY, &who(), None).is_ok());
    }

    #[test]
    fn a_team_day_holds_its_desks_from_everyone_else() {
        let r = DeskRules::default();
        let held = |free, held| check_booking(&r, TODAY, TODAY, &Booker { free_that_day: free, held_for_others: held, ..who() }, None);
        assert!(held(6, 6).unwrap_err().message.contains("team day"));
        assert!(held(7, 6).is_ok(), "one desk more than the team holds");
        assert!(held(0, 0).is_ok(), "no team day: the first free desk says if none is free");
        assert_eq!((still_held(6, 2), still_held(6, 8)), (4, 0));
    }

    #[test]
    fn accessible_desks_are_held_until_the_day_before() {
        let r = DeskRules::default();
        let thursday = TODAY + Duration::days(3);
        let d = desk(1, true, false);
        assert_eq!(check_booking(&r, TODAY, thursday, &who(), Some(&d)).unwrap_err().field, "desk");
        assert!(check_booking(&r, TODAY, thursday, &Booker { needs_accessible: true, ..who() }, Some(&d)).is_ok());
        assert!(check_booking(&r, thursday - Duration::days(1), thursday, &who(), Some(&d)).is_ok(), "released the day before");
        assert_eq!(check_booking(&r, TODAY, thursday, &who(), Some(&desk(2, false, true))).unwrap_err().field, "desk");
    }

    #[test]
    fn the_first_free_desk_suits_the_person() {
        let thursday = TODAY + Duration::days(3);
        let desks = [desk(1, true, false), desk(2, false, true), desk(3, false, false)];
        assert_eq!(first_free(&desks, &who(), TODAY, thursday), Some(Uuid::from_u128(3)));
        assert_eq!(first_free(&desks, &Booker { needs_accessible: true, ..who() }, TODAY, thursday), Some(Uuid::from_u128(1)));
        let only_accessible = [desk(1, true, false), desk(2, false, true)];
        assert_eq!(first_free(&only_accessible, &who(), TODAY, thursday), None, "held");
        assert_eq!(first_free(&only_accessible, &who(), thursday, thursday), Some(Uuid::from_u128(1)), "not held on the day");
    }

    #[test]
    fn check_in_is_open_on_the_morning_of_the_day_until_release() {
        let r = DeskRules::default();
        assert!(r.check_in_open(TODAY, TODAY, time!(9:00)));
        assert!(!r.check_in_open(TODAY, TODAY, time!(6:59)));
        assert!(!r.check_in_open(TODAY, TODAY, time!(10:30)));
        assert!(!r.check_in_open(TODAY + Duration::days(1), TODAY, time!(9:00)));
        assert!(r.release_due(TODAY, time!(10:30)));
        assert!(!r.release_due(TODAY, time!(10:29)));
    }

    #[test]
    fn the_desk_form_reads_what_was_typed() {
        let f = DeskForm { label: " D12 ".into(), zone: "East".into(), features: vec!["quiet".into()], plan_x: "3".into(), plan_y: "1".into(), withdrawn: String::new() };
        let d = f.validate().unwrap();
        assert_eq!((d.label.as_str(), d.plan_x, d.plan_y, d.features.quiet, d.features.accessible), ("D12", 2, 0, true, false));
        let bad = DeskForm { plan_x: "13".into(), features: vec!["sofa".into()], ..Default::default() }.validate().unwrap_err();
        let fields: Vec<_> = bad.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["label", "zone", "plan_x", "plan_y", "features"]);
    }

    proptest! {
        /// Whatever the day and the person, a booking the rules allow is a weekday within the
        /// horizon, and the first free desk is never taken nor a held accessible desk for someone
        /// who does not need one.
        #[test]
        fn allowed_bookings_and_chosen_desks_keep_the_rules(offset in -3i64..40, week in 0i64..5, first in any::<bool>(), needs in any::<bool>(), taken in proptest::collection::vec((any::<bool>(), any::<bool>()), 0..12)) {
            let r = DeskRules::default();
            let day = TODAY + Duration::days(offset);
            let w = Booker { office_first: first, needs_accessible: needs, booked_that_week: week, booked_that_day: false, free_that_day: 10, held_for_others: 0 };
            if check_booking(&r, TODAY, day, &w, None).is_ok() {
                prop_assert!(day >= TODAY && !weekend(day) && day <= r.last_bookable(TODAY, first) && week < r.days_per_week);
            }
            let desks: Vec<DeskOnDay> = taken.iter().enumerate().map(|(i, (a, t))| desk(i as u128, *a, *t)).collect();
            if let Some(id) = first_free(&desks, &w, TODAY, day) {
                let d = desks.iter().find(|d| d.id == id).unwrap();
                prop_assert!(!d.taken);
                let fresh = Booker { booked_that_week: 0, ..w };
                let bookable = day >= TODAY && !weekend(day) && day <= r.last_bookable(TODAY, first);
                prop_assert!(!bookable || check_booking(&r, TODAY, day, &fresh, Some(d)).is_ok());
            }
        }
    }
}
