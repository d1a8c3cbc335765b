//! The organisation: service areas, teams, offices and staff.

use serde::Serialize;
use time::Date;

use crate::text::{self, EmailAddress};
use crate::{FieldError, FieldErrors};

coded_enum!(
    /// What a member of staff does. A person may hold several roles.
    Role {
        Practitioner = "practitioner", "Practitioner";
        TeamManager = "team_manager", "Practice supervisor / team manager";
        ServiceManager = "service_manager", "Service manager";
        BusinessSupport = "business_support", "Business support";
        Hr = "hr", "HR";
        Finance = "finance", "Finance";
        NationalLeadership = "national_leadership", "National leadership";
        SystemAdmin = "system_admin", "System administrator";
    }
);

coded_enum!(
    /// How a person is engaged by the service.
    ContractType {
        Employed = "employed", "Employed";
        Bank = "bank", "Bank";
        Associate = "associate", "Self-employed associate";
        Agency = "agency", "Agency";
    }
);

coded_enum!(
    /// Whether a person still works for the service. Leavers keep their record but cannot sign in.
    StaffStatus {
        Active = "active", "Active";
        Left = "left", "Left";
    }
);

coded_enum!(
    /// Skills that allocation can match against what a case needs.
    Skill {
        WelshLanguage = "welsh_language", "Welsh language";
        BritishSignLanguage = "british_sign_language", "British Sign Language";
        DomesticAbusePractice = "domestic_abuse_practice", "Domestic abuse practice lead";
        PublicLawGuardian = "public_law_guardian", "Children's guardian (public law)";
        Rule16_4 = "rule_16_4", "Rule 16.4 guardian";
    }
);

/// Full-time equivalent, held as hundredths (0.6 FTE is 60) so it compares exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Fte(u8);

impl Fte {
    pub const FULL_TIME: Fte = Fte(100);

    pub fn from_hundredths(h: i64) -> Option<Self> {
        (1..=100).contains(&h).then(|| Fte(h as u8))
    }

    /// Parses what a person types: "1", "0.6", "0.75".
    pub fn parse(field: &'static str, value: &str) -> Result<Self, FieldError> {
        let v = value.trim();
        let err = || FieldError::new(field, "Enter FTE as a number between 0.01 and 1, like 0.6");
        if v.is_empty() {
            return Err(FieldError::new(field, "Enter FTE"));
        }
        let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
        if frac.len() > 2 || !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| err())? };
        let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| err())?;
        Fte::from_hundredths(whole * 100 + frac).ok_or_else(err)
    }

    pub fn hundredths(self) -> i64 {
        i64::from(self.0)
    }
}

impl std::fmt::Display for Fte {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 == 100 {
            f.write_str("1.0")
        } else if self.0 % 10 == 0 {
            write!(f, "0.{}", self.0 / 10)
        } else {
            write!(f, "0.{:02}", self.0)
        }
    }
}

/// A new member of staff, validated. Ids of the team and line manager are checked by the store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewStaff {
    pub name: String,
    pub email: EmailAddress,
    pub roles: Vec<Role>,
    pub team_id: Option<uuid::Uuid>,
    pub line_manager_id: Option<uuid::Uuid>,
    pub fte: Fte,
    pub contract: ContractType,
    pub start_date: Date,
    pub qualified_date: Option<Date>,
    pub skills: Vec<Skill>,
}

/// What a person typed into the "add a member of staff" form, before validation.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct StaffForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub team_id: String,
    #[serde(default)]
    pub line_manager_id: String,
    #[serde(default)]
    pub fte: String,
    #[serde(default)]
    pub contract: String,
    #[serde(default)]
    pub start_date: String,
    #[serde(default)]
    pub qualified_date: String,
    #[serde(default)]
    pub skills: Vec<String>,
}

impl StaffForm {
    /// Validates every field, collecting all the errors so the form can show them together.
    pub fn validate(&self) -> Result<NewStaff, FieldErrors> {
        let mut errors = Vec::new();
        let name = text::required("name", "their full name", &self.name, 100).map_err(|e| errors.push(e)).ok();
        let email = EmailAddress::parse("email", &self.email).map_err(|e| errors.push(e)).ok();
        let roles = parse_roles("roles", &self.roles).map_err(|e| errors.push(e)).ok();
        let team_id = optional_id("team_id", "team", &self.team_id).map_err(|e| errors.push(e)).ok();
        let line_manager_id =
            optional_id("line_manager_id", "line manager", &self.line_manager_id).map_err(|e| errors.push(e)).ok();
        let fte = Fte::parse("fte", &self.fte).map_err(|e| errors.push(e)).ok();
        let contract = ContractType::from_code(self.contract.trim())
            .ok_or_else(|| FieldError::new("contract", "Select the contract type"))
            .map_err(|e| errors.push(e))
            .ok();
        let start_date = parse_date("start_date", "the start date", &self.start_date).map_err(|e| errors.push(e)).ok();
        let qualified_date = if self.qualified_date.trim().is_empty() {
            Some(None)
        } else {
            parse_date("qualified_date", "the date they qualified", &self.qualified_date)
                .map(Some)
                .map_err(|e| errors.push(e))
                .ok()
        };
        let skills = parse_skills("skills", &self.skills).map_err(|e| errors.push(e)).ok();
        if let (Some(Some(q)), Some(s)) = (qualified_date, start_date)
            && q > s + time::Duration::days(365 * 2)
        {
            errors.push(FieldError::new("qualified_date", "The date they qualified must be before, or soon after, their start date"));
        }
        match (name, email, roles, team_id, line_manager_id, fte, contract, start_date, qualified_date, skills) {
            (Some(name), Some(email), Some(roles), Some(team_id), Some(line_manager_id), Some(fte), Some(contract), Some(start_date), Some(qualified_date), Some(skills))
                if errors.is_empty() =>
            {
                Ok(NewStaff { name, email, roles, team_id, line_manager_id, fte, contract, start_date, qualified_date, skills })
            }
            _ => Err(errors),
        }
    }
}

/// Parses a set of role codes; at least one role is needed.
impl Role {
    /// Roles that reach every case in the service, or run Hearth itself.
    pub fn privileged(self) -> bool {
        matches!(self, Role::SystemAdmin | Role::NationalLeadership)
    }
}

/// Separation of duties: only a system administrator gives or takes away a privileged role, so
/// HR, who add staff and keep their records, cannot make anyone (themselves included) a national
/// reader of every case or an administrator. `granter` is the roles of whoever makes the change;
/// `None` is the operator at the server's own command line, who already holds the keys.
pub fn may_change_roles(granter: Option<&[Role]>, before: &[Role], after: &[Role]) -> Result<(), FieldError> {
    let Some(granter) = granter else { return Ok(()) };
    if granter.contains(&Role::SystemAdmin) {
        return Ok(());
    }
    let changed = Role::ALL.iter().find(|r| r.privileged() && before.contains(r) != after.contains(r));
    match changed {
        Some(role) => Err(FieldError::new("roles", format!("Only a system administrator can give or take away the {} role", role.label()))),
        None => Ok(()),
    }
}

pub fn parse_roles(field: &'static str, codes: &[String]) -> Result<Vec<Role>, FieldError> {
    let mut roles = Vec::new();
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let role = Role::from_code(code).ok_or_else(|| FieldError::new(field, "Select roles from the list"))?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    if roles.is_empty() {
        return Err(FieldError::new(field, "Select at least one role"));
    }
    roles.sort();
    Ok(roles)
}

/// Parses a set of skill codes; none is fine.
pub fn parse_skills(field: &'static str, codes: &[String]) -> Result<Vec<Skill>, FieldError> {
    let mut skills = Vec::new();
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let skill = Skill::from_code(code).ok_or_else(|| FieldError::new(field, "Select skills from the list"))?;
        if !skills.contains(&skill) {
            skills.push(skill);
        }
    }
    skills.sort();
    Ok(skills)
}

/// Parses an optional record id from a select box ("" means none).
pub fn optional_id(field: &'static str, label: &str, value: &str) -> Result<Option<uuid::Uuid>, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    uuid::Uuid::parse_str(v).map(Some).map_err(|_| FieldError::new(field, format!("Select a {label} from the list")))
}

/// Parses an ISO date (`YYYY-MM-DD`), as sent by a date field, within a sensible range.
pub fn parse_date(field: impl Into<std::borrow::Cow<'static, str>>, label: &str, value: &str) -> Result<Date, FieldError> {
    let field = field.into();
    let v = value.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, format!("Enter {label}")));
    }
    let named = text::capitalise(label);
    // Year, month and day, as the API sends them and as the page's date input is joined
    // (`web::input`): the parts a person left out are named, as the design system's pattern asks.
    let parts: Vec<&str> = v.splitn(3, '-').map(str::trim).collect();
    let (year, month, day) = match parts.as_slice() {
        [y, m, d] => (*y, *m, *d),
        _ => return Err(FieldError::new(field, format!("{named} must be a real date"))),
    };
    let missing: Vec<&str> = [("day", day), ("month", month), ("year", year)].into_iter().filter(|(_, p)| p.is_empty()).map(|(n, _)| n).collect();
    if !missing.is_empty() {
        return Err(FieldError::new(field, format!("{named} must include a {}", text::and_list(&missing))));
    }
    let number = |p: &str, digits: usize| (p.len() == digits && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<u32>().ok()).flatten();
    if year.bytes().all(|b| b.is_ascii_digit()) && year.len() != 4 {
        return Err(FieldError::new(field, format!("The year of {label} must include 4 numbers")));
    }
    let date = match (number(year, 4), number(month, 2).and_then(|m| time::Month::try_from(m as u8).ok()), number(day, 2)) {
        (Some(y), Some(m), Some(d)) => Date::from_calendar_date(y as i32, m, d as u8).ok(),
        _ => None,
    }
    .ok_or_else(|| FieldError::new(field.clone(), format!("{named} must be a real date")))?;
    if !(1940..=2100).contains(&date.year()) {
        return Err(FieldError::new(field, format!("{named} must be between 1940 and 2100")));
    }
    Ok(date)
}

/// The facts about a member of staff that access decisions need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffPlacement {
    pub id: uuid::Uuid,
    pub team_id: Option<uuid::Uuid>,
    pub service_area_id: Option<uuid::Uuid>,
    /// The line managers above this person, nearest first.
    pub managers: Vec<uuid::Uuid>,
    /// On their team's duty desk: answering for the team's cases while colleagues are away.
    pub on_duty: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_system_administrator_gives_or_takes_a_privileged_role() {
        use Role::*;
        assert!(may_change_roles(Some(&[Hr]), &[], &[Practitioner, TeamManager]).is_ok());
        assert_eq!(may_change_roles(Some(&[Hr]), &[], &[SystemAdmin]).unwrap_err().message, "Only a system administrator can give or take away the System administrator role");
        assert!(may_change_roles(Some(&[Hr]), &[], &[Practitioner, NationalLeadership]).is_err());
        assert!(may_change_roles(Some(&[Hr]), &[NationalLeadership], &[]).is_err(), "nor take one away");
        assert!(may_change_roles(Some(&[Hr]), &[NationalLeadership, Practitioner], &[NationalLeadership]).is_ok(), "a privileged role kept as it was");
        assert!(may_change_roles(Some(&[SystemAdmin]), &[], &[NationalLeadership]).is_ok());
        assert!(may_change_roles(None, &[], &[SystemAdmin]).is_ok(), "the operator at the command line");
    }

    #[test]
    fn dates_name_the_part_that_is_missing_or_wrong() {
        let msg = |v: &str| parse_date("due_on", "the due date", v).unwrap_err().message;
        assert_eq!(parse_date("due_on", "the due date", "2026-03-27").unwrap(), time::macros::date!(2026 - 03 - 27));
        assert_eq!(msg(""), "Enter the due date");
        assert_eq!(msg("2026-02-31"), "The due date must be a real date");
        assert_eq!(msg("2026-13-01"), "The due date must be a real date");
        assert_eq!(msg("2026--27"), "The due date must include a month");
        assert_eq!(msg("--27"), "The due date must include a month and year");
        assert_eq!(msg("2026--"), "The due date must include a day and month");
        assert_eq!(msg("26-03-27"), "The year of the due date must include 4 numbers");
        assert_eq!(msg("2026-3-27"), "The due date must be a real date", "the API sends ISO dates; the page's parts are padded");
        assert_eq!(msg("2026-ab-27"), "The due date must be a real date");
        assert_eq!(msg("1900-01-01"), "The due date must be between 1940 and 2100");
    }

    #[test]
    fn fte_parses_what_people_type() {
        assert_eq!(Fte::parse("fte", "1").unwrap().hundredths(), 100);
        assert_eq!(Fte::parse("fte", "0.6").unwrap().hundredths(), 60);
        assert_eq!(Fte::parse("fte", ".75").unwrap().hundredths(), 75);
        assert_eq!(Fte::parse("fte", "0.6").unwrap().to_string(), "0.6");
        assert_eq!(Fte::parse("fte", "0.75").unwrap().to_string(), "0.75");
        for bad in ["", "0", "1.5", "abc", "0.605", "-1", "2"] {
            assert!(Fte::parse("fte", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_staff_form_reports_every_bad_field() {
        let form = StaffForm { fte: "7".into(), start_date: "2024-02-30".into(), ..Default::default() };
        let errors = form.validate().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["name", "email", "roles", "fte", "contract", "start_date"]);
    }

    #[test]
    fn a_good_staff_form_validates() {
        let form = StaffForm {
            name: "Sam Okafor".into(),
            email: "Sam.Okafor@hearth.example".into(),
            roles: vec!["practitioner".into(), "practitioner".into()],
            fte: "0.8".into(),
            contract: "employed".into(),
            start_date: "2024-09-02".into(),
            qualified_date: "2019-07-01".into(),
            skills: vec!["welsh_language".into()],
            ..Default::default()
        };
        let staff = form.validate().unwrap();
        assert_eq!(staff.roles, [Role::Practitioner]);
        assert_eq!(staff.email.as_str(), "sam.okafor@hearth.example");
        assert_eq!(staff.skills, [Skill::WelshLanguage]);
    }

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(*r));
        }
        for c in ContractType::ALL {
            assert_eq!(ContractType::from_code(c.code()), Some(*c));
        }
    }
}
