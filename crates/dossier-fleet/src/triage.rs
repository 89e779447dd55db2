//! Triage: which tier queue a submitted dossier waits in, by what its adviser waits for.
//!
//! A funding request (`stage: request`) is urgent as its training's start comes near: the
//! company needs the answer before the first day. A payment request (`stage: payment`) is
//! urgent as the end of the budget year comes near: it must be paid out of the year's budget
//! by 31 December of the year the training ended. A date already past gains nothing from
//! hurrying (a request for a training that has started fails `request_after_start`; a payment
//! past its year is late whatever we do), so such dossiers wait in the middle tier, ahead of
//! the backlog but never ahead of what can still be saved.
//!
//! This does not decide the order inside a tier (first in, first out) nor between workers.

use chrono::{Datelike, NaiveDate};
use dossier_amqp::topology::{TIER_QUEUES, tier_for};
use dossier_contract::{DossierRequest, Stage};

/// The date an adviser works towards for this dossier.
pub fn deadline(request: &DossierRequest) -> NaiveDate {
    match request.stage {
        Stage::Request => request.training.start_date,
        Stage::Payment => end_of_budget_year(request.training.end_date),
    }
}

/// 31 December of the year a training ended: the last day its payment can be charged to that
/// year's budget.
fn end_of_budget_year(end_date: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(end_date.year(), 12, 31).unwrap_or(end_date)
}

/// The tier queue of a dossier checked on `today`.
pub fn tier(request: &DossierRequest, today: NaiveDate) -> &'static str {
    let days_left = (deadline(request) - today).num_days();
    if days_left < 0 {
        TIER_QUEUES[1]
    } else {
        tier_for(days_left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(stage: Stage, start: NaiveDate, end: NaiveDate) -> DossierRequest {
        let json = serde_json::json!({
            "dossier_id": "T", "stage": "request", "scheme": "pdc", "submitted_on": "2026-01-05",
            "company": {"name": "C", "siret": "22386039657652"},
            "training": {"provider_siret": "11839673875439", "start_date": "2026-03-02",
                         "end_date": "2026-03-06", "hours": "35", "trainees": 4},
            "requested_amount": "100.00"
        });
        let mut request = dossier_contract::parse_dossier_json(json.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        request.stage = stage;
        request.training.start_date = start;
        request.training.end_date = end;
        request
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    /// Issue 14, point 7: payments and started trainings no longer all land in `urgent`.
    #[test]
    fn requests_by_start_payments_by_the_end_of_the_budget_year() {
        let today = day(2026, 6, 1);
        let cases = [
            // A request whose training starts in 3 days is urgent; in 20, soon; in 90, later.
            (
                Stage::Request,
                day(2026, 6, 4),
                day(2026, 6, 5),
                TIER_QUEUES[0],
            ),
            (
                Stage::Request,
                day(2026, 6, 21),
                day(2026, 6, 22),
                TIER_QUEUES[1],
            ),
            (
                Stage::Request,
                day(2026, 8, 30),
                day(2026, 9, 1),
                TIER_QUEUES[2],
            ),
            // Already started: nothing to win, ahead of the backlog only.
            (
                Stage::Request,
                day(2026, 5, 20),
                day(2026, 6, 10),
                TIER_QUEUES[1],
            ),
            // A payment for a training that ended in May waits: its year ends in December.
            (
                Stage::Payment,
                day(2026, 5, 4),
                day(2026, 5, 8),
                TIER_QUEUES[2],
            ),
        ];
        for (stage, start, end, expected) in cases {
            assert_eq!(
                tier(&request(stage, start, end), today),
                expected,
                "{start} {end}"
            );
        }
        // The same payment at the year's end is urgent; in early December, soon.
        let payment = request(Stage::Payment, day(2026, 5, 4), day(2026, 5, 8));
        assert_eq!(tier(&payment, day(2026, 12, 28)), TIER_QUEUES[0]);
        assert_eq!(tier(&payment, day(2026, 12, 2)), TIER_QUEUES[1]);
        // A payment of last year's training, filed in January, is late: middle tier.
        assert_eq!(tier(&payment, day(2027, 1, 4)), TIER_QUEUES[1]);
    }
}
