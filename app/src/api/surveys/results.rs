//! A survey's results as the console reads them: per question, the counts, the mean of a scale and the NPS.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use super::{Question, Survey};

/// How often one answer was given.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AnswerCount {
    /// The option, or the number of a scale.
    pub answer: String,
    /// Responses that gave it.
    pub count: i64,
}

/// Net Promoter Score of an NPS question: % promoters (9–10) less % detractors (0–6).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Nps {
    /// −100 to 100, rounded to the nearest whole number.
    pub score: i64,
    /// Answers of 9 or 10.
    pub promoters: i64,
    /// Answers of 7 or 8.
    pub passives: i64,
    /// Answers of 0 to 6.
    pub detractors: i64,
}

impl Nps {
    /// The score of scale answers `(value, count)`; none when there are none.
    pub fn of(counts: &[(i64, i64)]) -> Option<Self> {
        let sum = |range: std::ops::RangeInclusive<i64>| -> i64 {
            counts.iter().filter(|(v, _)| range.contains(v)).map(|(_, n)| n).sum()
        };
        let (promoters, passives, detractors) = (sum(9..=10), sum(7..=8), sum(0..=6));
        let total = promoters + passives + detractors;
        if total == 0 {
            return None;
        }
        let diff = (promoters - detractors) * 100;
        // Rounded half away from zero.
        let score = (2 * diff + diff.signum() * total) / (2 * total);
        Some(Self {
            score,
            promoters,
            passives,
            detractors,
        })
    }
}

/// One question's results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QuestionResult {
    /// The question.
    pub question: Question,
    /// Responses that answered it.
    pub answered: i64,
    /// For choices and scales: every option or number with how often it was chosen, in the survey's order.
    pub counts: Vec<AnswerCount>,
    /// For a rating or NPS: the mean.
    pub average: Option<f64>,
    /// For an NPS question.
    pub nps: Option<Nps>,
    /// For a text or date question: the latest answers (20 at most; all of them are in the CSV).
    pub latest: Vec<String>,
}

/// A survey's results.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SurveyResults {
    /// The survey.
    pub survey: Survey,
    /// Each question's results, in order.
    pub questions: Vec<QuestionResult>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nps_is_promoters_less_detractors_rounded() {
        let nps = Nps::of(&[(10, 5), (9, 1), (8, 2), (3, 2)]).unwrap();
        assert_eq!((nps.promoters, nps.passives, nps.detractors, nps.score), (6, 2, 2, 40));
        assert_eq!(Nps::of(&[(0, 1), (10, 2)]).unwrap().score, 33);
        assert_eq!(Nps::of(&[(0, 2), (10, 1)]).unwrap().score, -33);
        assert!(Nps::of(&[]).is_none());
    }
}
