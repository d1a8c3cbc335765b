//! Grading history written in bulk, for the demo: the events that moved each worker's autonomy,
//! the standing they leave, and the dip samples behind some of the grades.

use hearth_domain::quality::{Autonomy, AutonomyChange, Grade, ImpactOutcome, SampleBasis, WorkType};
use sqlx::AnyConnection;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::cases::bulk::Rows;
use crate::{Result, date_text, new_id, ts};

pub struct QualityBatch {
    events: Rows,
    standing: Rows,
    samples: Rows,
}

impl Default for QualityBatch {
    fn default() -> Self {
        Self {
            events: Rows::new(
                "autonomy_events",
                &["id", "staff_id", "work_type", "event", "grade", "change", "reason", "work_id", "sample_id", "by_id", "at", "authorised_after", "streak_after"],
            ),
            standing: Rows::new("autonomy", &["staff_id", "work_type", "authorised", "streak", "changed_at"]),
            samples: Rows::new(
                "samples",
                &[
                    "id", "manager_id", "worker_id", "period", "due_on", "work_id", "basis", "grade", "outcomes", "strengths", "areas_to_develop", "audited_by", "audited_at",
                    "created_at", "version",
                ],
            ),
        }
    }
}

/// A completed dip sample of history.
pub struct PastSample {
    pub id: Uuid,
    pub manager: Uuid,
    pub worker: Uuid,
    pub period: String,
    pub due_on: Date,
    pub work_id: Uuid,
    pub basis: SampleBasis,
    pub grade: Grade,
    pub audited_at: OffsetDateTime,
}

impl QualityBatch {
    /// A grade, at sign-off (`sample` none) or in a dip sample, and the change it made.
    #[allow(clippy::too_many_arguments)]
    pub fn graded(&mut self, staff: Uuid, work_type: WorkType, grade: Grade, change: Option<AutonomyChange>, work_id: Uuid, sample: Option<Uuid>, by: Uuid, at: OffsetDateTime, after: Autonomy) {
        self.events.push([
            new_id().to_string().into(),
            staff.to_string().into(),
            work_type.code().into(),
            "graded".into(),
            grade.code().into(),
            change.map(|c| c.code().to_string()).into(),
            None::<String>.into(),
            work_id.to_string().into(),
            sample.map(|s| s.to_string()).into(),
            by.to_string().into(),
            ts(at).into(),
            (after.authorised as i64).into(),
            (after.streak as i64).into(),
        ]);
    }

    /// Where a worker stands in a work type at the end of the history.
    pub fn standing(&mut self, staff: Uuid, work_type: WorkType, a: Autonomy, at: OffsetDateTime) {
        self.standing.push([staff.to_string().into(), work_type.code().into(), (a.authorised as i64).into(), (a.streak as i64).into(), ts(at).into()]);
    }

    pub fn sample(&mut self, s: &PastSample, strengths: &str, areas: &str) {
        let outcomes: std::collections::BTreeMap<&str, &str> = ImpactOutcome::ALL.iter().map(|o| (o.code(), s.grade.code())).collect();
        self.samples.push([
            s.id.to_string().into(),
            s.manager.to_string().into(),
            s.worker.to_string().into(),
            s.period.clone().into(),
            date_text(s.due_on).into(),
            s.work_id.to_string().into(),
            s.basis.code().into(),
            s.grade.code().into(),
            serde_json::to_string(&outcomes).expect("outcomes serialise").into(),
            strengths.into(),
            areas.into(),
            s.manager.to_string().into(),
            ts(s.audited_at).into(),
            ts(s.audited_at).into(),
            2i64.into(),
        ]);
    }

    pub async fn write(&mut self, conn: &mut AnyConnection) -> Result<()> {
        // Samples name work and events name samples; the work is written first by the caller.
        self.samples.write(conn).await?;
        self.events.write(conn).await?;
        self.standing.write(conn).await
    }
}
