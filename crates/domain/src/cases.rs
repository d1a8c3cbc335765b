//! The electronic case record: cases, the people in them, their stage in the court process, the
//! chronology, and the deadlines that follow from court dates.

pub mod deadlines;

use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::org::{optional_id, parse_date};
use crate::text;
use crate::{Collect, FieldError, FieldErrors};

coded_enum!(
    /// Private law is a dispute between parents; public law is care proceedings brought by a local authority.
    LawType {
        Private = "private", "Private law";
        Public = "public", "Public law";
    }
);

coded_enum!(
    /// What the court was asked for. Each belongs to one law type.
    ApplicationKind {
        ChildArrangements = "child_arrangements", "Child arrangements order";
        ProhibitedSteps = "prohibited_steps", "Prohibited steps order";
        SpecificIssue = "specific_issue", "Specific issue order";
        CareOrder = "care_order", "Care order";
        SupervisionOrder = "supervision_order", "Supervision order";
    }
);

impl ApplicationKind {
    pub fn law(self) -> LawType {
        match self {
            Self::ChildArrangements | Self::ProhibitedSteps | Self::SpecificIssue => LawType::Private,
            Self::CareOrder | Self::SupervisionOrder => LawType::Public,
        }
    }
}

coded_enum!(
    /// Where the case is in the real court process. The two law types have their own paths.
    Stage {
        IntakeScreening = "intake_screening", "Intake screening";
        WorkToFirstHearing = "work_to_first_hearing", "Work to first hearing";
        SafeguardingLetter = "safeguarding_letter", "Safeguarding letter";
        FirstHearing = "first_hearing", "First hearing (FHDRA)";
        FurtherWork = "further_work", "Further work";
        Notified = "notified", "Notified";
        GuardianAllocated = "guardian_allocated", "Guardian allocated";
        InitialCaseAnalysis = "initial_case_analysis", "Initial case analysis";
        CaseManagementHearing = "case_management_hearing", "Case management hearing";
        IssuesResolutionHearing = "issues_resolution_hearing", "Issues resolution hearing";
        FinalHearing = "final_hearing", "Final hearing";
        Closed = "closed", "Closed";
    }
);

const PRIVATE_PATH: &[Stage] = &[
    Stage::IntakeScreening,
    Stage::WorkToFirstHearing,
    Stage::SafeguardingLetter,
    Stage::FirstHearing,
    Stage::FurtherWork,
    Stage::Closed,
];

const PUBLIC_PATH: &[Stage] = &[
    Stage::Notified,
    Stage::GuardianAllocated,
    Stage::InitialCaseAnalysis,
    Stage::CaseManagementHearing,
    Stage::IssuesResolutionHearing,
    Stage::FinalHearing,
    Stage::Closed,
];

impl LawType {
    /// The stages a case of this law type passes through, in order.
    pub fn path(self) -> &'static [Stage] {
        match self {
            LawType::Private => PRIVATE_PATH,
            LawType::Public => PUBLIC_PATH,
        }
    }

    pub fn first_stage(self) -> Stage {
        self.path()[0]
    }

    pub fn applications(self) -> impl Iterator<Item = ApplicationKind> {
        ApplicationKind::ALL.iter().copied().filter(move |a| a.law() == self)
    }
}

/// Whether a case may move from one stage to another. Cases move forward one stage at a time or
/// skip ahead (a private case can close straight after the first hearing); they never go back,
/// and closing is its own action because it needs a reason.
pub fn stage_move_allowed(law: LawType, from: Stage, to: Stage) -> Result<(), &'static str> {
    let path = law.path();
    let (Some(f), Some(t)) = (path.iter().position(|s| *s == from), path.iter().position(|s| *s == to)) else {
        return Err("That stage is not part of this kind of case");
    };
    if to == Stage::Closed {
        return Err("Close the case with a reason and outcome instead");
    }
    if from == Stage::Closed {
        return Err("The case is closed");
    }
    if t <= f {
        return Err("A case moves forward through its stages, never back");
    }
    Ok(())
}

coded_enum!(
    /// Facts about a case that change how it is worked.
    CaseFlag {
        DomesticAbuse = "domestic_abuse", "Domestic abuse";
        WorkerRisk = "worker_risk", "Risk to a worker";
        Interpreter = "interpreter", "Interpreter needed";
        WelshLanguage = "welsh_language", "Welsh language";
        Restricted = "restricted", "Restricted";
    }
);

coded_enum!(
    /// Whether a case is open. Closed cases keep their record until retention ends.
    CaseStatus {
        Open = "open", "Open";
        Closed = "closed", "Closed";
    }
);

/// A case reference people can read aloud: `HRT-2026-004127`.
pub fn case_reference(year: i32, number: i64) -> String {
    format!("HRT-{year}-{number:06}")
}

/// A new case, validated. The court and local authority ids are checked by the store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCase {
    pub court_case_number: String,
    pub law: LawType,
    pub applications: Vec<ApplicationKind>,
    pub court_id: Uuid,
    pub local_authority_id: Option<Uuid>,
    pub team_id: Uuid,
    pub received_on: Date,
    pub urgent: bool,
    /// Private law: the FHDRA the court listed when it referred the case.
    pub first_hearing_on: Option<Date>,
    /// Public law: the day the local authority's application was issued.
    pub issued_on: Option<Date>,
    pub flags: Vec<CaseFlag>,
}

/// What a person typed into the "open a case" form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CaseForm {
    #[serde(default)]
    pub court_case_number: String,
    #[serde(default)]
    pub law: String,
    #[serde(default)]
    pub applications: Vec<String>,
    #[serde(default)]
    pub court_id: String,
    #[serde(default)]
    pub local_authority_id: String,
    #[serde(default)]
    pub team_id: String,
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub urgent: String,
    #[serde(default)]
    pub first_hearing_on: String,
    #[serde(default)]
    pub issued_on: String,
    #[serde(default)]
    pub flags: Vec<String>,
}

impl CaseForm {
    /// Validates every field, collecting all the errors so the form shows them together. `today`
    /// bounds the date received: a case cannot arrive in the future.
    pub fn validate(&self, today: Date) -> Result<NewCase, FieldErrors> {
        let mut errors = Collect::default();
        let number = errors.keep(court_case_number(&self.court_case_number));
        let law = errors.keep(LawType::from_code(self.law.trim()).ok_or_else(|| FieldError::new("law", "Select private law or public law")));
        let applications = errors.keep(parse_codes("applications", "applications", &self.applications, ApplicationKind::from_code));
        let court_id = errors.keep(required_id("court_id", "court", &self.court_id));
        let local_authority_id = errors.keep(optional_id("local_authority_id", "local authority", &self.local_authority_id));
        let team_id = errors.keep(required_id("team_id", "team", &self.team_id));
        let received_on = errors.keep(parse_date("received_on", "the date the case was received", &self.received_on));
        let flags = errors.keep(parse_codes("flags", "flags", &self.flags, CaseFlag::from_code));
        let first_hearing_on = errors.keep(optional_date("first_hearing_on", "the first hearing date", &self.first_hearing_on));
        let issued_on = errors.keep(optional_date("issued_on", "the issue date", &self.issued_on));

        if let (Some(law), Some(apps)) = (law, &applications) {
            if apps.is_empty() {
                errors.push(FieldError::new("applications", "Select what the court was asked for"));
            } else if apps.iter().any(|a| a.law() != law) {
                errors.push(FieldError::new("applications", format!("Select only {} applications", law.label().to_lowercase())));
            }
            if law == LawType::Private && first_hearing_on == Some(None) {
                errors.push(FieldError::new("first_hearing_on", "Enter the first hearing (FHDRA) date the court listed"));
            }
            if law == LawType::Public && local_authority_id == Some(None) {
                errors.push(FieldError::new("local_authority_id", "Select the local authority that applied"));
            }
            if law == LawType::Public && issued_on == Some(None) {
                errors.push(FieldError::new("issued_on", "Enter the date the application was issued"));
            }
        }
        if let Some(received) = received_on
            && received > today
        {
            errors.push(FieldError::new("received_on", "The date received must be today or in the past"));
        }
        if let (Some(Some(hearing)), Some(received)) = (first_hearing_on, received_on)
            && hearing < received
        {
            errors.push(FieldError::new("first_hearing_on", "The first hearing must be on or after the date the case was received"));
        }
        if let (Some(Some(issued)), Some(received)) = (issued_on, received_on)
            && issued > received + Duration::days(31)
        {
            errors.push(FieldError::new("issued_on", "The issue date must be before, or soon after, the date the case was received"));
        }
        match (number, law, applications, court_id, local_authority_id, team_id, received_on, first_hearing_on, issued_on, flags) {
            (Some(number), Some(law), Some(applications), Some(court_id), Some(local_authority_id), Some(team_id), Some(received_on), Some(first_hearing_on), Some(issued_on), Some(flags))
                if errors.is_empty() =>
            {
                Ok(NewCase {
                    court_case_number: number,
                    law,
                    applications,
                    court_id,
                    local_authority_id,
                    team_id,
                    received_on,
                    urgent: matches!(self.urgent.trim(), "yes" | "true" | "on"),
                    first_hearing_on: if law == LawType::Private { first_hearing_on } else { None },
                    issued_on: if law == LawType::Public { issued_on } else { None },
                    flags,
                })
            }
            _ => Err(errors.0),
        }
    }
}

/// Changes to a case's own details, validated; `None` leaves a detail as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseEdit {
    pub court_case_number: Option<String>,
    pub urgent: Option<bool>,
    /// `Some(None)` clears the date.
    pub first_hearing_on: Option<Option<Date>>,
    pub flags: Option<Vec<CaseFlag>>,
}

impl CaseEdit {
    pub fn is_empty(&self) -> bool {
        *self == CaseEdit::default()
    }
}

/// Court case numbers are short codes like `LV24P01234` or `ZW25C00071`: letters, digits, `/` and `-`.
pub fn court_case_number(value: &str) -> Result<String, FieldError> {
    let v = text::required("court_case_number", "the court case number", value, 30)?.to_uppercase();
    if !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '-') {
        return Err(FieldError::new("court_case_number", "Court case number must only include letters, numbers, / and -"));
    }
    Ok(v)
}

fn required_id(field: &'static str, label: &str, value: &str) -> Result<Uuid, FieldError> {
    optional_id(field, label, value)?.ok_or_else(|| FieldError::new(field, format!("Select the {label}")))
}

pub fn optional_date(field: &'static str, label: &str, value: &str) -> Result<Option<Date>, FieldError> {
    if value.trim().is_empty() { Ok(None) } else { parse_date(field, label, value).map(Some) }
}

/// Parses a set of codes from checkboxes, without repeats, in their declared order.
pub fn parse_codes<T: Copy + Ord>(field: &'static str, label: &str, codes: &[String], parse: fn(&str) -> Option<T>) -> Result<Vec<T>, FieldError> {
    let mut out = Vec::new();
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let v = parse(code).ok_or_else(|| FieldError::new(field, format!("Select {label} from the list")))?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out.sort();
    Ok(out)
}

// ---- People ----

coded_enum!(
    /// A child the proceedings are about, or an adult involved in them.
    PersonKind {
        Child = "child", "Child";
        Adult = "adult", "Adult";
    }
);

coded_enum!(
    /// The part a person plays in the proceedings.
    PartyRole {
        SubjectChild = "subject_child", "Child the case is about";
        Applicant = "applicant", "Applicant";
        Respondent = "respondent", "Respondent";
        Intervenor = "intervenor", "Intervenor";
        OtherAdult = "other_adult", "Other adult (not a party)";
    }
);

coded_enum!(
    /// How an adult is related to the children in the case.
    Relationship {
        Mother = "mother", "Mother";
        Father = "father", "Father";
        StepParent = "step_parent", "Step-parent";
        Grandparent = "grandparent", "Grandparent";
        Aunt = "aunt", "Aunt";
        Uncle = "uncle", "Uncle";
        Sibling = "sibling", "Sibling";
        FosterCarer = "foster_carer", "Foster carer";
        SpecialGuardian = "special_guardian", "Special guardian";
        PartnerOfParent = "partner_of_parent", "Partner of a parent";
        LocalAuthority = "local_authority", "Local authority";
        Other = "other", "Other";
    }
);

coded_enum!(
    /// How an adult agreed to be contacted. Texts carry reminders only, never case details.
    ContactChannel {
        Email = "email", "Email";
        Text = "text", "Text message";
        Letter = "letter", "Letter";
    }
);

/// A child or adult to add to a case, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct NewParticipant {
    pub full_name: String,
    pub date_of_birth: Option<Date>,
    pub kind: PersonKind,
    pub role: PartyRole,
    pub relationship: Option<Relationship>,
    pub contact: Option<ContactChannel>,
    pub no_texts: bool,
    pub address_withheld: bool,
    pub interpreter_language: Option<String>,
    pub address: Option<NewAddress>,
}

/// An address a person lives or lived at, and since when. Local-authority checks need every
/// address since each child's birth.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAddress {
    pub line: String,
    pub postcode: String,
    pub local_authority_id: Option<Uuid>,
    pub from: Date,
    pub to: Option<Date>,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ParticipantForm {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub date_of_birth: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub relationship: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub no_texts: String,
    #[serde(default)]
    pub address_withheld: String,
    #[serde(default)]
    pub interpreter_language: String,
    #[serde(default)]
    pub address_line: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub local_authority_id: String,
    #[serde(default)]
    pub address_from: String,
}

fn ticked(v: &str) -> bool {
    matches!(v.trim(), "yes" | "true" | "on" | "1")
}

impl ParticipantForm {
    pub fn validate(&self, today: Date) -> Result<NewParticipant, FieldErrors> {
        let mut errors = Collect::default();
        let full_name = errors.keep(text::required("full_name", "their full name", &self.full_name, 100));
        let role = errors.keep(PartyRole::from_code(self.role.trim()).ok_or_else(|| FieldError::new("role", "Select their part in the case")));
        let kind = role.map(|r| if r == PartyRole::SubjectChild { PersonKind::Child } else { PersonKind::Adult });
        let dob = errors.keep(optional_date("date_of_birth", "their date of birth", &self.date_of_birth));
        let relationship = errors.keep(optional_code("relationship", "their relationship to the children", &self.relationship, Relationship::from_code));
        let contact = errors.keep(optional_code("contact", "how they want to be contacted", &self.contact, ContactChannel::from_code));
        let interpreter = errors.keep(optional_text("interpreter_language", "the language", &self.interpreter_language, 50));
        let address_line = errors.keep(optional_text("address_line", "the address", &self.address_line, 200));
        let postcode = errors.keep(optional_postcode(&self.postcode));
        let la = errors.keep(optional_id("local_authority_id", "local authority", &self.local_authority_id));
        let from = errors.keep(optional_date("address_from", "the date they moved in", &self.address_from));
        let no_texts = ticked(&self.no_texts);

        if let Some(Some(d)) = dob
            && d > today
        {
            errors.push(FieldError::new("date_of_birth", "Date of birth must be today or in the past"));
        }
        match (kind, dob) {
            (Some(PersonKind::Child), Some(None)) => errors.push(FieldError::new("date_of_birth", "Enter the child's date of birth")),
            (Some(PersonKind::Child), Some(Some(d))) if d < today - Duration::days(18 * 366) => {
                errors.push(FieldError::new("date_of_birth", "A child in the proceedings must be under 18"))
            }
            _ => {}
        }
        if kind == Some(PersonKind::Adult) && relationship == Some(None) {
            errors.push(FieldError::new("relationship", "Select their relationship to the children"));
        }
        if contact == Some(Some(ContactChannel::Text)) && no_texts {
            errors.push(FieldError::new("contact", "They asked not to be texted: choose email or letter"));
        }
        let address = match (&address_line, &postcode, from) {
            (Some(Some(line)), Some(Some(pc)), Some(Some(from))) => Some(NewAddress {
                line: line.clone(),
                postcode: pc.clone(),
                local_authority_id: la.flatten(),
                from,
                to: None,
            }),
            (Some(None), Some(None), Some(None)) => None,
            _ => {
                if address_line == Some(None) {
                    errors.push(FieldError::new("address_line", "Enter the address, or leave all address fields empty"));
                }
                if postcode == Some(None) {
                    errors.push(FieldError::new("postcode", "Enter the postcode, or leave all address fields empty"));
                }
                if from == Some(None) {
                    errors.push(FieldError::new("address_from", "Enter the date they moved in, or leave all address fields empty"));
                }
                None
            }
        };
        match (full_name, role, kind, dob, relationship, contact, interpreter) {
            (Some(full_name), Some(role), Some(kind), Some(date_of_birth), Some(relationship), Some(contact), Some(interpreter_language))
                if errors.is_empty() =>
            {
                Ok(NewParticipant {
                    full_name,
                    date_of_birth,
                    kind,
                    role,
                    relationship: if kind == PersonKind::Child { None } else { relationship },
                    contact: if kind == PersonKind::Child { None } else { contact },
                    no_texts,
                    address_withheld: ticked(&self.address_withheld),
                    interpreter_language,
                    address,
                })
            }
            _ => Err(errors.0),
        }
    }
}

fn optional_code<T>(field: &'static str, label: &str, v: &str, parse: fn(&str) -> Option<T>) -> Result<Option<T>, FieldError> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    parse(v).map(Some).ok_or_else(|| FieldError::new(field, format!("Select {label} from the list")))
}

fn optional_text(field: &'static str, label: &str, v: &str, max: usize) -> Result<Option<String>, FieldError> {
    if v.trim().is_empty() { Ok(None) } else { text::required(field, label, v, max).map(Some) }
}

/// A UK postcode, upper-cased with one space before the inward code.
fn optional_postcode(v: &str) -> Result<Option<String>, FieldError> {
    let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    if compact.is_empty() {
        return Ok(None);
    }
    let ok = (5..=7).contains(&compact.len())
        && compact.chars().all(|c| c.is_ascii_alphanumeric())
        && compact.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && {
            let inward = &compact[compact.len() - 3..];
            let b = inward.as_bytes();
            b[0].is_ascii_digit() && b[1].is_ascii_alphabetic() && b[2].is_ascii_alphabetic()
        };
    if !ok {
        return Err(FieldError::new("postcode", "Enter a real postcode, like LS1 4AP"));
    }
    let (out, inw) = compact.split_at(compact.len() - 3);
    Ok(Some(format!("{out} {inw}")))
}

/// A person's age in whole years on a day.
pub fn age_on(date_of_birth: Date, day: Date) -> i32 {
    let mut age = day.year() - date_of_birth.year();
    if (day.month() as u8, day.day()) < (date_of_birth.month() as u8, date_of_birth.day()) {
        age -= 1;
    }
    age.max(0)
}

// ---- Hearings ----

coded_enum!(
    /// The hearings a case goes through.
    HearingKind {
        Fhdra = "fhdra", "First hearing dispute resolution appointment (FHDRA)";
        DisputeResolution = "dispute_resolution", "Dispute resolution appointment";
        FactFinding = "fact_finding", "Fact-finding hearing";
        CaseManagement = "case_management", "Case management hearing";
        IssuesResolution = "issues_resolution", "Issues resolution hearing";
        Final = "final", "Final hearing";
        Other = "other", "Other hearing";
    }
);

/// A hearing to list, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHearing {
    pub kind: HearingKind,
    pub starts_at: OffsetDateTime,
    pub court_id: Uuid,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct HearingForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub court_id: String,
}

impl HearingForm {
    pub fn validate(&self) -> Result<NewHearing, FieldErrors> {
        let mut errors = Collect::default();
        let kind = errors.keep(HearingKind::from_code(self.kind.trim()).ok_or_else(|| FieldError::new("kind", "Select the type of hearing")));
        let date = errors.keep(parse_date("date", "the hearing date", &self.date));
        let time = errors.keep(parse_time("time", &self.time));
        let court_id = errors.keep(required_id("court_id", "court", &self.court_id));
        match (kind, date, time, court_id) {
            (Some(kind), Some(date), Some(time), Some(court_id)) if errors.is_empty() => {
                Ok(NewHearing { kind, starts_at: date.with_time(time).assume_utc(), court_id })
            }
            _ => Err(errors.0),
        }
    }
}

/// A time of day as `HH:MM` (what a time field sends), between 08:00 and 18:00 when courts sit.
fn parse_time(field: &'static str, v: &str) -> Result<time::Time, FieldError> {
    let v = v.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "Enter the time the hearing starts"));
    }
    let t = time::Time::parse(v, time::macros::format_description!("[hour]:[minute]"))
        .map_err(|_| FieldError::new(field, "Enter the time as hours and minutes, like 10:30"))?;
    if t.hour() < 8 || t.hour() >= 18 {
        return Err(FieldError::new(field, "Enter a time between 08:00 and 18:00"));
    }
    Ok(t)
}

// ---- Safeguarding checks ----

coded_enum!(
    /// Police (PNC) checks and local-authority checks.
    CheckKind {
        Police = "police", "Police check";
        LocalAuthority = "local_authority", "Local authority check";
    }
);

coded_enum!(
    CheckStatus {
        NotRequested = "not_requested", "Not requested";
        Requested = "requested", "Requested";
        Returned = "returned", "Returned";
    }
);

// ---- Chronology ----

coded_enum!(
    /// What an entry in the chronology records. Notes are typed by a person; the rest are written
    /// by Hearth when the thing they describe happens.
    EntryKind {
        Visit = "visit", "Visit";
        PhoneCall = "phone_call", "Phone call";
        TimeWithChild = "time_with_child", "Time with the child";
        Meeting = "meeting", "Meeting";
        CourtAttendance = "court_attendance", "Court attendance";
        ManagementOversight = "management_oversight", "Management oversight";
        ContactLog = "contact_log", "Contact log";
        Addendum = "addendum", "Addendum";
        CaseOpened = "case_opened", "Case opened";
        Hearing = "hearing", "Hearing";
        Check = "check", "Safeguarding check";
        Document = "document", "Document";
        Allocation = "allocation", "Allocation";
        StageChange = "stage_change", "Stage change";
        Closure = "closure", "Closure";
    }
);

impl EntryKind {
    /// The kinds a person can choose when writing a note.
    pub const NOTES: &'static [EntryKind] = &[
        EntryKind::Visit,
        EntryKind::PhoneCall,
        EntryKind::TimeWithChild,
        EntryKind::Meeting,
        EntryKind::CourtAttendance,
        EntryKind::ManagementOversight,
        EntryKind::ContactLog,
    ];

    pub fn is_note(self) -> bool {
        Self::NOTES.contains(&self) || self == EntryKind::Addendum
    }
}

/// How long a note stays editable. After that it is amended only by an addendum, which keeps
/// the original as it was: the chronology is evidence.
pub const NOTE_EDIT_WINDOW: Duration = Duration::hours(24);

/// May a note written at `written_at` still be edited in place?
pub fn note_editable(written_at: OffsetDateTime, now: OffsetDateTime) -> bool {
    now - written_at < NOTE_EDIT_WINDOW
}

/// A note, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNote {
    pub kind: EntryKind,
    pub occurred_on: Date,
    pub summary: String,
    pub body: String,
    /// Where a visit or a court attendance was (empty when not said): the end of a journey a
    /// mileage claim is prefilled from.
    pub place: String,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub occurred_on: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub place: String,
}

impl NoteForm {
    pub fn validate(&self, today: Date) -> Result<NewNote, FieldErrors> {
        let mut errors = Collect::default();
        let kind = errors.keep(
            EntryKind::from_code(self.kind.trim())
                .filter(|k| EntryKind::NOTES.contains(k))
                .ok_or_else(|| FieldError::new("kind", "Select the type of note")),
        );
        let occurred_on = errors.keep(parse_date("occurred_on", "the date it happened", &self.occurred_on));
        let summary = errors.keep(text::required("summary", "a short summary", &self.summary, 150));
        let body = errors.keep(text::required("body", "the note", &self.body, 20_000));
        let place = errors.keep(text::optional("place", "where it was", &self.place, 150));
        if let Some(d) = occurred_on
            && d > today
        {
            errors.push(FieldError::new("occurred_on", "The date it happened must be today or in the past"));
        }
        match (kind, occurred_on, summary, body, place) {
            (Some(kind), Some(occurred_on), Some(summary), Some(body), Some(place)) if errors.is_empty() => {
                Ok(NewNote { kind, occurred_on, summary, body, place })
            }
            _ => Err(errors.0),
        }
    }
}

// ---- Closure ----

coded_enum!(
    /// Why a case closed.
    ClosureReason {
        FinalOrder = "final_order", "Final order made";
        WorkCompleted = "work_completed", "Ordered work completed";
        Withdrawn = "withdrawn", "Application withdrawn";
        Dismissed = "dismissed", "Application dismissed";
        NoFurtherWork = "no_further_work", "No further work after the first hearing";
        Transferred = "transferred", "Transferred out";
    }
);

// ---- Search ----

/// What a search box's text can mean: a case reference or court number, names (matched by the
/// start of a name or by how it sounds, so small misspellings still find the person), a date of
/// birth, and words in notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    /// The whole text upper-cased, for references and court numbers.
    pub exact: String,
    /// Name words: (lower-case prefix, sound key).
    pub names: Vec<(String, String)>,
    pub date_of_birth: Option<Date>,
    /// Words for the notes index, letters and digits only.
    pub words: Vec<String>,
}

impl SearchTerms {
    /// `None` when there is nothing to search for.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 200 {
            return None;
        }
        let date_of_birth = parse_any_date(text);
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .take(8)
            .collect();
        let names = if date_of_birth.is_some() {
            vec![]
        } else {
            words.iter().filter(|w| w.chars().all(char::is_alphabetic) && w.chars().count() >= 2).map(|w| (w.clone(), sound_key(w))).collect()
        };
        Some(Self { exact: text.to_uppercase(), names, date_of_birth, words })
    }
}

/// A date typed as `2019-05-04` or `4/5/2019` (day first, as in England).
fn parse_any_date(s: &str) -> Option<Date> {
    if let Ok(d) = Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")) {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['/', '.']).collect();
    if let [d, m, y] = parts[..] {
        let (d, m, y): (u8, u8, i32) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
        return Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok();
    }
    None
}

/// The keys a person's name is found by: each word of it, lower-cased, and its sound key.
pub fn name_keys(full_name: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for w in full_name.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 2) {
        let w = w.to_lowercase();
        let sound = sound_key(&w);
        for k in [w, sound] {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys
}

/// American Soundex, marked with `~` so it never equals a real word: "Johnson" and "Jonson" are
/// both `~j525`. Crude, but predictable and cheap to index.
pub fn sound_key(word: &str) -> String {
    fn digit(c: char) -> Option<char> {
        match c {
            'b' | 'f' | 'p' | 'v' => Some('1'),
            'c' | 'g' | 'j' | 'k' | 'q' | 's' | 'x' | 'z' => Some('2'),
            'd' | 't' => Some('3'),
            'l' => Some('4'),
            'm' | 'n' => Some('5'),
            'r' => Some('6'),
            _ => None,
        }
    }
    let letters: Vec<char> = word.to_lowercase().chars().filter(|c| c.is_ascii_alphabetic()).collect();
    let Some(&first) = letters.first() else { return String::from("~") };
    let mut out = format!("~{first}");
    let mut last = digit(first);
    for &c in &letters[1..] {
        let d = digit(c);
        if d.is_some() && d != last {
            out.push(d.unwrap_or('0'));
            if out.len() == 5 {
                break;
            }
        }
        // 'h' and 'w' do not separate letters with the same code; vowels do.
        if !matches!(c, 'h' | 'w') {
            last = d;
        }
    }
    while out.len() < 5 {
        out.push('0');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn good_private() -> CaseForm {
        CaseForm {
            court_case_number: "lv26p01234".into(),
            law: "private".into(),
            applications: vec!["child_arrangements".into()],
            court_id: Uuid::from_u128(1).to_string(),
            team_id: Uuid::from_u128(2).to_string(),
            received_on: "2026-11-02".into(),
            first_hearing_on: "2026-12-07".into(),
            flags: vec!["domestic_abuse".into(), "domestic_abuse".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_good_private_case_validates() {
        let c = good_private().validate(date!(2026 - 11 - 22)).unwrap();
        assert_eq!(c.court_case_number, "LV26P01234");
        assert_eq!(c.flags, [CaseFlag::DomesticAbuse]);
        assert_eq!(c.first_hearing_on, Some(date!(2026 - 12 - 07)));
        assert_eq!(c.issued_on, None);
    }

    #[test]
    fn a_case_form_reports_every_bad_field() {
        let errors = CaseForm { received_on: "2026-02-30".into(), ..Default::default() }.validate(date!(2026 - 11 - 22)).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["court_case_number", "law", "court_id", "team_id", "received_on"]);
        let mut future = good_private();
        future.received_on = "2026-11-23".into();
        assert_eq!(future.validate(date!(2026 - 11 - 22)).unwrap_err()[0].field, "received_on");
    }

    #[test]
    fn applications_must_match_the_law_type() {
        let mut f = good_private();
        f.applications = vec!["care_order".into()];
        let errors = f.validate(date!(2026 - 11 - 22)).unwrap_err();
        assert_eq!(errors[0].field, "applications");
        f.applications = vec![];
        assert_eq!(f.validate(date!(2026 - 11 - 22)).unwrap_err()[0].message, "Select what the court was asked for");
    }

    #[test]
    fn public_law_needs_its_local_authority_and_issue_date() {
        let mut f = good_private();
        f.law = "public".into();
        f.applications = vec!["care_order".into()];
        let fields: Vec<_> = f.validate(date!(2026 - 11 - 22)).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["local_authority_id", "issued_on"]);
    }

    #[test]
    fn stages_only_move_forward_and_closing_is_separate() {
        use Stage::*;
        assert!(stage_move_allowed(LawType::Private, IntakeScreening, WorkToFirstHearing).is_ok());
        assert!(stage_move_allowed(LawType::Private, IntakeScreening, FirstHearing).is_ok());
        assert!(stage_move_allowed(LawType::Private, FirstHearing, WorkToFirstHearing).is_err());
        assert!(stage_move_allowed(LawType::Private, FirstHearing, Closed).is_err());
        assert!(stage_move_allowed(LawType::Private, Notified, GuardianAllocated).is_err());
        assert!(stage_move_allowed(LawType::Public, Notified, GuardianAllocated).is_ok());
    }

    #[test]
    fn notes_are_editable_for_a_day_only() {
        let written = datetime!(2026-11-20 10:00 UTC);
        assert!(note_editable(written, datetime!(2026-11-21 09:59 UTC)));
        assert!(!note_editable(written, datetime!(2026-11-21 10:00 UTC)));
    }

    #[test]
    fn a_child_needs_a_date_of_birth_and_an_adult_a_relationship() {
        let today = date!(2026 - 11 - 22);
        let child = ParticipantForm { full_name: "Amy".into(), role: "subject_child".into(), ..Default::default() };
        assert_eq!(child.validate(today).unwrap_err()[0].field, "date_of_birth");
        let adult = ParticipantForm { full_name: "Jo".into(), role: "applicant".into(), ..Default::default() };
        assert_eq!(adult.validate(today).unwrap_err()[0].field, "relationship");
        let ok = ParticipantForm {
            full_name: "Jo Bloggs".into(),
            role: "applicant".into(),
            relationship: "mother".into(),
            contact: "email".into(),
            address_line: "1 High Street, Leeds".into(),
            postcode: "ls14ap".into(),
            address_from: "2020-01-01".into(),
            ..Default::default()
        }
        .validate(today)
        .unwrap();
        assert_eq!(ok.address.unwrap().postcode, "LS1 4AP");
    }

    #[test]
    fn texts_are_not_chosen_for_someone_who_asked_for_none() {
        let f = ParticipantForm {
            full_name: "Jo".into(),
            role: "respondent".into(),
            relationship: "father".into(),
            contact: "text".into(),
            no_texts: "yes".into(),
            ..Default::default()
        };
        assert_eq!(f.validate(date!(2026 - 11 - 22)).unwrap_err()[0].field, "contact");
    }

    #[test]
    fn ages_count_whole_years() {
        assert_eq!(age_on(date!(2018 - 11 - 23), date!(2026 - 11 - 22)), 7);
        assert_eq!(age_on(date!(2018 - 11 - 22), date!(2026 - 11 - 22)), 8);
    }

    #[test]
    fn names_are_found_by_their_start_and_their_sound() {
        assert_eq!(sound_key("Robert"), "~r163");
        assert_eq!(sound_key("Rupert"), "~r163");
        assert_eq!(sound_key("Ashcraft"), "~a261");
        assert_eq!(sound_key("Johnson"), sound_key("Jonson"));
        assert_eq!(sound_key("Mahmood"), sound_key("Mahmud"));
        assert_eq!(name_keys("Isabella O'Brien"), ["isabella", "~i214", "brien", "~b650"]);
        let t = SearchTerms::parse("  isabel mahmud ").unwrap();
        assert_eq!(t.names, [("isabel".to_string(), "~i214".to_string()), ("mahmud".to_string(), "~m530".to_string())]);
        assert_eq!(t.exact, "ISABEL MAHMUD");
        assert_eq!(SearchTerms::parse("4/5/2019").unwrap().date_of_birth, Some(date!(2019 - 05 - 04)));
        assert_eq!(SearchTerms::parse("2019-05-04").unwrap().names, vec![]);
        assert_eq!(SearchTerms::parse("   "), None);
        assert_eq!(SearchTerms::parse("\"x\" OR NEAR(").unwrap().words, ["x", "or", "near"], "search syntax is only words");
    }

    #[test]
    fn codes_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::from_code(s.code()), Some(*s));
        }
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::from_code(k.code()), Some(*k));
        }
    }
}
