//! Filed court work written in bulk, for the demo's three years of history (no audit events, no
//! PDFs: the loader records one event for the whole demo).

use hearth_domain::courtwork::{FilingMethod, FilingRoute, Sections, total_words};
use hearth_domain::quality::{Grade, WorkType};
use sqlx::AnyConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::cases::bulk::Rows;
use crate::{Result, date_text, ts};

/// One filed piece of history.
pub struct FiledWork<'a> {
    pub id: Uuid,
    pub case_id: Uuid,
    pub work_type: WorkType,
    pub template_id: Uuid,
    pub author: Uuid,
    pub sections: &'a Sections,
    pub due_on: Option<Date>,
    pub created_at: OffsetDateTime,
    /// The manager who signed it off and the grade they gave, if it went through sign-off.
    pub sign_off: Option<(Uuid, OffsetDateTime, Grade)>,
    pub filed_at: OffsetDateTime,
    pub method: FilingMethod,
    pub route: FilingRoute,
}

pub struct WorkBatch {
    work: Rows,
    revisions: Rows,
}

impl Default for WorkBatch {
    fn default() -> Self {
        Self {
            work: Rows::new(
                "work",
                &[
                    "id", "case_id", "work_type", "template_id", "author_id", "status", "sections", "word_count", "due_on", "created_at", "updated_at", "submitted_at",
                    "approved_by", "approved_at", "grade", "filed_at", "filed_by", "filing_method", "filing_route", "version",
                ],
            ),
            revisions: Rows::new("work_revisions", &["work_id", "revision", "sections", "word_count", "saved_by", "saved_at"]),
        }
    }
}

impl WorkBatch {
    pub fn filed(&mut self, w: &FiledWork<'_>) {
        let text = serde_json::to_string(w.sections).expect("sections serialise");
        let words = total_words(w.sections) as i64;
        self.work.push([
            w.id.to_string().into(),
            w.case_id.to_string().into(),
            w.work_type.code().into(),
            w.template_id.to_string().into(),
            w.author.to_string().into(),
            "filed".into(),
            text.clone().into(),
            words.into(),
            w.due_on.map(date_text).into(),
            ts(w.created_at).into(),
            ts(w.filed_at).into(),
            w.sign_off.map(|(_, at, _)| ts(at - time::Duration::days(2))).into(),
            w.sign_off.map(|(m, _, _)| m.to_string()).into(),
            w.sign_off.map(|(_, at, _)| ts(at)).into(),
            w.sign_off.map(|(_, _, g)| g.code().to_string()).into(),
            ts(w.filed_at).into(),
            w.author.to_string().into(),
            w.method.code().into(),
            w.route.code().into(),
            3i64.into(),
        ]);
        // The one save of its final text, so its history is never empty.
        self.revisions.push([w.id.to_string().into(), 2i64.into(), text.into(), words.into(), w.author.to_string().into(), ts(w.created_at + time::Duration::days(1)).into()]);
    }

    pub async fn write(&mut self, conn: &mut AnyConnection) -> Result<()> {
        self.work.write(conn).await?;
        self.revisions.write(conn).await
    }
}

/// An allocated case, as the demo's history of court work needs it.
pub struct AllocatedCase {
    pub id: Uuid,
    pub worker: Uuid,
    pub manager: Option<Uuid>,
    pub public_law: bool,
    pub received_on: Date,
    pub closed_on: Option<Date>,
}

/// Every allocated case with its worker and the worker's line manager, by worker then date.
pub async fn allocated_cases(store: &crate::Store) -> Result<Vec<AllocatedCase>> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT c.id, c.allocated_to, s.line_manager_id, c.law_type, c.received_on, c.closed_on FROM cases c JOIN staff s ON s.id = c.allocated_to
         ORDER BY c.allocated_to, c.received_on, c.id",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AllocatedCase {
                id: crate::parse_id(&r.get::<String, _>(0))?,
                worker: crate::parse_id(&r.get::<String, _>(1))?,
                manager: r.get::<Option<String>, _>(2).map(|m| crate::parse_id(&m)).transpose()?,
                public_law: r.get::<String, _>(3) == "public",
                received_on: crate::parse_date(&r.get::<String, _>(4))?,
                closed_on: r.get::<Option<String>, _>(5).map(|d| crate::parse_date(&d)).transpose()?,
            })
        })
        .collect()
}
