//! Expenses: what a worker spent on the service's business and claims back. Mileage, priced at
//! the national rates (a higher rate up to a number of business miles in the tax year, a lower
//! one after, and a supplement per passenger), and other costs (parking, fares, subsistence)
//! with a receipt. Money is integer pence and miles are integer tenths, so nothing is lost to
//! floating point on the way to payroll.
//!
//! The policy checks are here so every path that saves a claim meets them: a journey's miles
//! must be sensible, a claim with anything older than the claim window needs a reason, and a
//! claim over the approval limit needs a service manager to approve it.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::{Collect, FieldError, FieldErrors};

coded_enum!(
    /// What an expense line is for.
    ExpenseKind {
        Mileage = "mileage", "Mileage";
        Parking = "parking", "Parking";
        Fares = "fares", "Train, bus or tram fares";
        Taxi = "taxi", "Taxi";
        Subsistence = "subsistence", "Meals and subsistence";
        Other = "other", "Other";
    }
);

impl ExpenseKind {
    /// The kinds claimed with a receipt: all but mileage.
    pub const RECEIPTED: &'static [ExpenseKind] = &[ExpenseKind::Parking, ExpenseKind::Fares, ExpenseKind::Taxi, ExpenseKind::Subsistence, ExpenseKind::Other];
}

coded_enum!(
    /// Where a claim is on its way to being paid.
    ClaimStatus {
        Draft = "draft", "Draft";
        Submitted = "submitted", "Waiting for approval";
        Approved = "approved", "Approved";
        Refused = "refused", "Refused";
        Paid = "paid", "Sent to payroll";
    }
);

/// National settings for expenses (`[expenses]` in hearth.toml).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExpenseSettings {
    /// Pence a mile for the first `mileage_threshold_miles` business miles of the tax year.
    pub mileage_pence: i64,
    /// Pence a mile after that.
    pub mileage_after_pence: i64,
    pub mileage_threshold_miles: i64,
    /// Pence a mile for each colleague or family member carried on the service's business.
    pub passenger_pence: i64,
    /// Road miles per straight-line mile, in hundredths: estimates are great-circle distances
    /// times this, and are shown as estimates.
    pub road_factor_hundredths: i64,
    /// The longest single journey that may be claimed, in miles.
    pub max_journey_miles: i64,
    /// Months within which an expense is claimed; older ones need a reason.
    pub claim_within_months: i64,
    /// Claims above this many pence need a service manager's approval.
    pub approval_limit_pence: i64,
    /// The most one receipted line may be, in pence.
    pub max_line_pence: i64,
}

impl Default for ExpenseSettings {
    fn default() -> Self {
        Self {
            mileage_pence: 45,
            mileage_after_pence: 25,
            mileage_threshold_miles: 10_000,
            passenger_pence: 5,
            road_factor_hundredths: 120,
            max_journey_miles: 500,
            claim_within_months: 3,
            approval_limit_pence: 25_000,
            max_line_pence: 100_000,
        }
    }
}

impl ExpenseSettings {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=200).contains(&self.mileage_pence) || !(0..=self.mileage_pence).contains(&self.mileage_after_pence) || !(0..=50).contains(&self.passenger_pence) {
            return Err("mileage_pence must be 1 to 200, mileage_after_pence 0 to mileage_pence and passenger_pence 0 to 50".into());
        }
        if !(1..=100_000).contains(&self.mileage_threshold_miles) || !(100..=200).contains(&self.road_factor_hundredths) || !(1..=2_000).contains(&self.max_journey_miles) {
            return Err("mileage_threshold_miles must be 1 to 100000, road_factor_hundredths 100 to 200 and max_journey_miles 1 to 2000".into());
        }
        if !(1..=24).contains(&self.claim_within_months) || self.approval_limit_pence < 1 || self.max_line_pence < 1 {
            return Err("claim_within_months must be 1 to 24; approval_limit_pence and max_line_pence must be positive".into());
        }
        Ok(())
    }

    /// The oldest day claimed without a reason, on `today`.
    pub fn claim_window_start(&self, today: Date) -> Date {
        crate::people::add_months(today, -self.claim_within_months)
    }

    /// Does a claim of `total` pence need a service manager to approve it?
    pub fn needs_service_manager(&self, total: i64) -> bool {
        total > self.approval_limit_pence
    }
}

/// The tax year a day falls in, named by the year it starts: it runs from 6 April, which is
/// what the mileage threshold counts.
pub fn tax_year_of(d: Date) -> i32 {
    if (d.month() as u8, d.day()) >= (4, 6) { d.year() } else { d.year() - 1 }
}

/// "12.3 miles" from tenths.
pub fn miles_text(tenths: i64) -> String {
    format!("{}.{} miles", tenths / 10, tenths % 10)
}

/// The pay for a journey of `tenths` tenths of a mile, when `before` tenths have already been
/// claimed in the tax year: the higher rate up to the threshold, the lower after, and the
/// passenger supplement on every mile. Rounded to the nearest penny, half up.
pub fn mileage_pence(s: &ExpenseSettings, before: i64, tenths: i64, passengers: i64) -> i64 {
    let threshold = s.mileage_threshold_miles * 10;
    let higher = (threshold - before).clamp(0, tenths);
    let tenth_pence = higher * s.mileage_pence + (tenths - higher) * s.mileage_after_pence + tenths * passengers * s.passenger_pence;
    (tenth_pence + 5) / 10
}

/// Pricing the mileage of a claim: its journeys in date order, each at the rate its place in the
/// tax year gives, after the miles already claimed that year (`claimed_before` by tax year).
/// Returns each journey's pence, in the order given.
pub fn price_journeys(s: &ExpenseSettings, claimed_before: &dyn Fn(i32) -> i64, journeys: &[(Date, i64, i64)]) -> Vec<i64> {
    let mut order: Vec<usize> = (0..journeys.len()).collect();
    order.sort_by_key(|&i| journeys[i].0);
    let mut running: std::collections::HashMap<i32, i64> = std::collections::HashMap::new();
    let mut pence = vec![0; journeys.len()];
    for i in order {
        let (on, tenths, passengers) = journeys[i];
        let year = tax_year_of(on);
        let before = *running.entry(year).or_insert_with(|| claimed_before(year));
        pence[i] = mileage_pence(s, before, tenths, passengers);
        running.insert(year, before + tenths);
    }
    pence
}

/// A point on the earth, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub latitude: f64,
    pub longitude: f64,
}

const TOWNS: &str = include_str!("../../reference/towns.csv");

/// Where a town is: the towns of the service's offices and courts, so a journey between two of
/// them can be estimated.
pub fn town_position(town: &str) -> Option<Position> {
    let town = town.trim();
    TOWNS.lines().skip(1).find_map(|line| {
        let mut parts = line.split(',');
        let name = parts.next()?;
        if !name.eq_ignore_ascii_case(town) {
            return None;
        }
        Some(Position { latitude: parts.next()?.parse().ok()?, longitude: parts.next()?.parse().ok()? })
    })
}

/// The great-circle distance in miles (haversine, on a sphere of the earth's mean radius).
pub fn great_circle_miles(a: Position, b: Position) -> f64 {
    const EARTH_MILES: f64 = 3_958.8;
    let (la1, la2) = (a.latitude.to_radians(), b.latitude.to_radians());
    let (dla, dlo) = ((b.latitude - a.latitude).to_radians(), (b.longitude - a.longitude).to_radians());
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * EARTH_MILES * h.sqrt().min(1.0).asin()
}

/// An estimate of the road miles between two towns, in tenths: straight-line miles times the
/// road factor, both ways for a round trip. None when either town is unknown or both are the
/// same town (a journey within a town has to be entered).
pub fn estimate_tenths(s: &ExpenseSettings, from_town: &str, to_town: &str, round_trip: bool) -> Option<i64> {
    let (a, b) = (town_position(from_town)?, town_position(to_town)?);
    if from_town.trim().eq_ignore_ascii_case(to_town.trim()) {
        return None;
    }
    let one_way = (great_circle_miles(a, b) * s.road_factor_hundredths as f64 / 10.0).round() as i64;
    Some(if round_trip { one_way * 2 } else { one_way })
}

/// Pence from pounds as typed: "12", "12.5", "12.50", "£1,012.50".
pub fn parse_pounds(field: &'static str, label: &str, value: &str) -> Result<i64, FieldError> {
    let v: String = value.trim().trim_start_matches('£').chars().filter(|c| *c != ',').collect();
    if v.is_empty() {
        return Err(FieldError::new(field, format!("Enter {label}")));
    }
    let bad = || FieldError::new(field, format!("{} must be an amount in pounds, like 12.50", capitalise(label)));
    let (pounds, pence) = match v.split_once('.') {
        Some((p, f)) if (1..=2).contains(&f.len()) && f.chars().all(|c| c.is_ascii_digit()) => (p, if f.len() == 1 { format!("{f}0") } else { f.to_string() }),
        Some(_) => return Err(bad()),
        None => (v.as_str(), "00".to_string()),
    };
    if pounds.is_empty() && pence == "00" || !pounds.chars().all(|c| c.is_ascii_digit()) || pounds.len() > 7 {
        return Err(bad());
    }
    Ok(pounds.parse::<i64>().unwrap_or(0) * 100 + pence.parse::<i64>().map_err(|_| bad())?)
}

/// Miles as typed ("12", "12.4") in tenths.
pub fn parse_miles(field: &'static str, value: &str) -> Result<i64, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "Enter the miles"));
    }
    let bad = || FieldError::new(field, "Miles must be a number, like 12 or 12.4");
    let (whole, tenth) = match v.split_once('.') {
        Some((w, t)) if t.len() == 1 && t.chars().all(|c| c.is_ascii_digit()) => (w, t.parse::<i64>().map_err(|_| bad())?),
        Some(_) => return Err(FieldError::new(field, "Miles must be a number with at most one decimal place, like 12.4")),
        None => (v, 0),
    };
    if whole.is_empty() || whole.len() > 6 || !whole.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    Ok(whole.parse::<i64>().map_err(|_| bad())? * 10 + tenth)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// A journey as typed: where from and to, the miles, and who was carried.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct JourneyForm {
    pub from_place: String,
    pub to_place: String,
    pub miles: String,
    /// "yes" when the miles are there and back.
    pub round_trip: String,
    pub passengers: String,
    pub version: String,
}

/// A journey as it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Journey {
    pub from_place: String,
    pub to_place: String,
    pub tenths: i64,
    pub round_trip: bool,
    pub passengers: i64,
}

impl JourneyForm {
    pub fn validate(&self, s: &ExpenseSettings) -> Result<Journey, FieldErrors> {
        let mut c = Collect::default();
        let from_place = c.keep(crate::text::required("from_place", "where the journey started", &self.from_place, 150));
        let to_place = c.keep(crate::text::required("to_place", "where the journey went to", &self.to_place, 150));
        let tenths = c.keep(parse_miles("miles", &self.miles).and_then(|t| {
            if t <= 0 {
                Err(FieldError::new("miles", "Miles must be more than 0"))
            } else if t > s.max_journey_miles * 10 {
                Err(FieldError::new("miles", format!("Miles must be {} or fewer for one journey: split a longer trip into its journeys", s.max_journey_miles)))
            } else {
                Ok(t)
            }
        }));
        let passengers = c.keep(match self.passengers.trim() {
            "" => Ok(0),
            p => p.parse::<i64>().ok().filter(|n| (0..=8).contains(n)).ok_or_else(|| FieldError::new("passengers", "Passengers must be a number from 0 to 8")),
        });
        match (from_place, to_place, tenths, passengers) {
            (Some(from_place), Some(to_place), Some(tenths), Some(passengers)) if c.is_empty() => Ok(Journey { from_place, to_place, tenths, round_trip: self.round_trip == "yes", passengers }),
            _ => Err(c.0),
        }
    }
}

/// Another expense as typed (the receipt comes with it as a file).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CostForm {
    pub kind: String,
    pub spent_on: String,
    pub description: String,
    pub amount: String,
}

/// Another expense as it is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cost {
    pub kind: ExpenseKind,
    pub spent_on: Date,
    pub description: String,
    pub pence: i64,
}

impl CostForm {
    /// A receipted kind, a day not in the future nor over a year ago, what it was, and an amount
    /// above nothing and within the line limit.
    pub fn validate(&self, s: &ExpenseSettings, today: Date) -> Result<Cost, FieldErrors> {
        let mut c = Collect::default();
        let kind = c.keep(
            ExpenseKind::from_code(self.kind.trim()).filter(|k| ExpenseKind::RECEIPTED.contains(k)).ok_or_else(|| FieldError::new("kind", "Choose what the expense was for")),
        );
        let spent_on = c.keep(spent_on("spent_on", "the day you spent it", &self.spent_on, today));
        let description = c.keep(crate::text::required("description", "what it was for", &self.description, 200));
        let pence = c.keep(parse_pounds("amount", "the amount", &self.amount).and_then(|p| {
            if p <= 0 {
                Err(FieldError::new("amount", "The amount must be more than £0"))
            } else if p > s.max_line_pence {
                Err(FieldError::new("amount", format!("The amount must be {} or less: ask HR about a larger expense", crate::people::sickness::money(s.max_line_pence))))
            } else {
                Ok(p)
            }
        }));
        match (kind, spent_on, description, pence) {
            (Some(kind), Some(spent_on), Some(description), Some(pence)) if c.is_empty() => Ok(Cost { kind, spent_on, description, pence }),
            _ => Err(c.0),
        }
    }
}

/// A day something was spent: not in the future, and within the last year.
pub fn spent_on(field: &'static str, label: &str, value: &str, today: Date) -> Result<Date, FieldError> {
    let d = crate::org::parse_date(field, label, value)?;
    if d > today {
        Err(FieldError::new(field, format!("{} must be today or in the past", capitalise(label))))
    } else if d < today - time::Duration::days(365) {
        Err(FieldError::new(field, format!("{} must be within the last year", capitalise(label))))
    } else {
        Ok(d)
    }
}

/// Submitting a claim: a reason is needed when anything on it is older than the claim window.
pub fn late_reason(s: &ExpenseSettings, oldest: Date, today: Date, reason: &str) -> Result<Option<String>, FieldError> {
    let reason = crate::text::optional("late_reason", "why it is claimed late", reason, 500)?;
    if oldest < s.claim_window_start(today) {
        if reason.is_empty() {
            return Err(FieldError::new("late_reason", format!("Say why this claim includes expenses from more than {} months ago", s.claim_within_months)));
        }
        Ok(Some(reason))
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    #[test]
    fn the_rates_change_at_the_threshold() {
        let s = ExpenseSettings::default();
        assert_eq!(mileage_pence(&s, 0, 100, 0), 450, "10 miles at 45p");
        assert_eq!(mileage_pence(&s, 99_950, 100, 0), 5 * 45 + 5 * 25, "5 miles each side of 10,000");
        assert_eq!(mileage_pence(&s, 200_000, 100, 0), 250);
        assert_eq!(mileage_pence(&s, 0, 100, 2), 450 + 100, "two passengers at 5p a mile");
        assert_eq!(mileage_pence(&s, 0, 3, 0), 14, "0.3 miles is 13.5p, rounded half up");
    }

    #[test]
    fn the_tax_year_starts_on_6_april() {
        assert_eq!(tax_year_of(date!(2026 - 04 - 05)), 2025);
        assert_eq!(tax_year_of(date!(2026 - 04 - 06)), 2026);
        assert_eq!(tax_year_of(date!(2027 - 01 - 31)), 2026);
    }

    #[test]
    fn journeys_are_priced_in_date_order_within_their_tax_year() {
        let s = ExpenseSettings::default();
        // 9,990 miles already claimed this tax year: the first journey by date crosses the
        // threshold whatever order the lines were added in.
        let before = |y: i32| if y == 2026 { 99_900 } else { 0 };
        let got = price_journeys(&s, &before, &[(date!(2026 - 11 - 20), 200, 0), (date!(2026 - 11 - 02), 200, 0), (date!(2026 - 04 - 01), 200, 0)]);
        assert_eq!(got, [500, 10 * 45 + 10 * 25, 900]);
    }

    #[test]
    fn estimates_need_two_known_towns() {
        let s = ExpenseSettings::default();
        let leeds_york = estimate_tenths(&s, "Leeds", "York", false).unwrap();
        // About 22 miles apart in a straight line; by road a little over 26.
        assert!((250..=290).contains(&leeds_york), "{leeds_york}");
        assert_eq!(estimate_tenths(&s, "leeds", "York", true), Some(leeds_york * 2));
        assert_eq!(estimate_tenths(&s, "Leeds", "14 Acacia Avenue", false), None);
        assert_eq!(estimate_tenths(&s, "Leeds", "Leeds", false), None);
    }

    #[test]
    fn pounds_and_miles_read_as_people_type_them() {
        assert_eq!(parse_pounds("a", "the amount", "12"), Ok(1200));
        assert_eq!(parse_pounds("a", "the amount", "£1,012.5"), Ok(101_250));
        assert_eq!(parse_pounds("a", "the amount", "0.07"), Ok(7));
        for bad in ["", "12.345", "-3", "abc", "1e3", ".", "12.", "99999999"] {
            assert!(parse_pounds("a", "the amount", bad).is_err(), "{bad}");
        }
        assert_eq!(parse_miles("m", "12.4"), Ok(124));
        for bad in ["", "-4", "1.25", "x", "1234567"] {
            assert!(parse_miles("m", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_journey_refuses_absurd_miles() {
        let s = ExpenseSettings::default();
        let form = |miles: &str| JourneyForm { from_place: "Leeds office".into(), to_place: "Family home".into(), miles: miles.into(), ..Default::default() };
        assert_eq!(form("0").validate(&s).unwrap_err()[0].field, "miles");
        assert_eq!(form("501").validate(&s).unwrap_err()[0].field, "miles");
        assert_eq!(form("-3").validate(&s).unwrap_err()[0].field, "miles");
        assert_eq!(form("12.4").validate(&s).unwrap().tenths, 124);
    }

    #[test]
    fn old_expenses_need_a_reason() {
        let s = ExpenseSettings::default();
        let today = date!(2026 - 05 - 31);
        assert_eq!(s.claim_window_start(today), date!(2026 - 02 - 28));
        assert_eq!(late_reason(&s, date!(2026 - 03 - 01), today, ""), Ok(None));
        assert_eq!(late_reason(&s, date!(2026 - 02 - 27), today, "").unwrap_err().field, "late_reason");
        assert_eq!(late_reason(&s, date!(2026 - 02 - 27), today, "Off sick"), Ok(Some("Off sick".into())));
    }

    proptest! {
        /// Splitting a journey in two at any point pays the same, to within the rounding of
        /// each part, and the pay always lies between the lower and higher rates.
        #[test]
        fn mileage_pay_is_additive_and_bounded(before in 0i64..200_000, a in 1i64..5_000, b in 1i64..5_000, passengers in 0i64..4) {
            let s = ExpenseSettings::default();
            let whole = mileage_pence(&s, before, a + b, passengers);
            let parts = mileage_pence(&s, before, a, passengers) + mileage_pence(&s, before + a, b, passengers);
            prop_assert!((whole - parts).abs() <= 1);
            let low = (a + b) * (s.mileage_after_pence + passengers * s.passenger_pence) / 10;
            let high = ((a + b) * (s.mileage_pence + passengers * s.passenger_pence) + 9) / 10;
            prop_assert!(low <= whole && whole <= high);
        }

        /// Pounds typed as pounds and pence read back to the pence they came from.
        #[test]
        fn pounds_round_trip(pence in 1i64..10_000_000) {
            prop_assert_eq!(parse_pounds("a", "x", &format!("{}.{:02}", pence / 100, pence % 100)), Ok(pence));
            prop_assert_eq!(parse_pounds("a", "x", &crate::people::sickness::money(pence)), Ok(pence));
        }

        /// The distance between two places is the same both ways and never negative.
        #[test]
        fn distance_is_symmetric(a in 49.9f64..55.8, b in -5.7f64..1.8, c in 49.9f64..55.8, d in -5.7f64..1.8) {
            let (p, q) = (Position { latitude: a, longitude: b }, Position { latitude: c, longitude: d });
            prop_assert!((great_circle_miles(p, q) - great_circle_miles(q, p)).abs() < 1e-9);
            prop_assert!(great_circle_miles(p, q) >= 0.0);
            prop_assert!(great_circle_miles(p, p) < 1e-9);
        }
    }
}
