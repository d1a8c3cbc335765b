//! Demo wellbeing pulse: four quarterly surveys, the newest open now with about half the service
//! having answered (not the demo practitioner, so My Work asks them), and "I feel cared for by
//! the service" rising to about 80%.

use anyhow::Result;
use hearth_domain::people::pulse::{Answers, SurveyDraft};
use hearth_store::Store;
use hearth_store::people::pulse;
use rand::RngExt;
use rand::rngs::StdRng;
use time::Duration;
use uuid::Uuid;

/// A score on the 1 to 5 scale with `agree` the chance of 4 or 5.
fn score(rng: &mut StdRng, agree: f64) -> i64 {
    let r: f64 = rng.random();
    if r < agree * 0.4 {
        5
    } else if r < agree {
        4
    } else if r < agree + (1.0 - agree) * 0.5 {
        3
    } else if r < agree + (1.0 - agree) * 0.8 {
        2
    } else {
        1
    }
}

pub async fn generate(store: &Store, rng: &mut StdRng, practitioner: Option<Uuid>) -> Result<usize> {
    let today = hearth_store::now().date();
    let people = pulse::demo_people(store).await?;
    // (weeks ago it opened, weeks open, share answering, chance of agreeing per question)
    let surveys: [(&str, i64, i64, f64, [f64; 5]); 4] = [
        ("Spring pulse", 39, 3, 0.68, [0.74, 0.52, 0.83, 0.66, 0.88]),
        ("Summer pulse", 26, 3, 0.71, [0.77, 0.54, 0.84, 0.69, 0.89]),
        ("Autumn pulse", 13, 3, 0.73, [0.80, 0.55, 0.86, 0.71, 0.90]),
        ("Winter pulse", 0, 3, 0.45, [0.81, 0.57, 0.86, 0.72, 0.91]),
    ];
    let mut answered = 0;
    for (title, weeks_ago, weeks_open, share, agree) in surveys {
        let opens_on = today - Duration::weeks(weeks_ago) - Duration::days(if weeks_ago == 0 { 5 } else { 0 });
        let d = SurveyDraft { title: format!("{title} {}", opens_on.year()), opens_on, closes_on: opens_on + Duration::weeks(weeks_open) };
        let mut rows = vec![];
        for (staff, team) in &people {
            if Some(*staff) == practitioner && weeks_ago == 0 || !rng.random_bool(share) {
                continue;
            }
            let answers: Answers = [score(rng, agree[0]), score(rng, agree[1]), score(rng, agree[2]), score(rng, agree[3]), score(rng, agree[4])];
            rows.push((*staff, *team, answers));
        }
        answered += rows.len();
        pulse::load_demo(store, &d, &rows).await?;
    }
    Ok(answered)
}
