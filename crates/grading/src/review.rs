//! Teacher in charge: machine grades are suggestions until a teacher releases them.
//!
//! A [`Gradebook`] holds one entry per response. The machine suggests; the teacher accepts
//! (one by one or in bulk), overrides in one call, releases, and may reopen a released grade.
//! Every step is kept in the entry's history, and every teacher decision is exposed as a
//! training example for that item's scorer.

use std::collections::BTreeMap;

use base::{PersonId, Timestamp};

use crate::error::GradingError;
use crate::grade::{Confidence, Grade, Outcome};
use crate::id::{ItemId, ResponseId};

/// Where one response stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// The machine's grade, not yet seen by a teacher. `points` is `None` when the machine
    /// could not score (free text waiting for a scorer, unreadable input).
    Suggested { points: Option<f64> },
    /// A teacher agreed with the machine's points.
    Accepted { points: f64 },
    /// A teacher set different points.
    Overridden { points: f64 },
    /// Visible to the student.
    Released { points: f64 },
}

/// One step in an entry's history.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Suggested { points: Option<f64>, confidence: Confidence },
    Accepted { by: PersonId, at: Timestamp, points: f64 },
    Overridden { by: PersonId, at: Timestamp, from: Option<f64>, to: f64, note: Option<String> },
    Released { by: PersonId, at: Timestamp, points: f64 },
    Reopened { by: PersonId, at: Timestamp },
}

/// The grade of one response and how it got there.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub item: ItemId,
    pub student: PersonId,
    pub max_points: f64,
    /// The latest machine grade, with its feedback and confidence.
    pub machine: Grade,
    pub status: Status,
    /// Invariant: in time order; the first event is `Suggested`.
    pub history: Vec<Event>,
}

impl Entry {
    /// The points the teacher has settled on, or the machine's suggestion.
    pub fn current_points(&self) -> Option<f64> {
        match self.status {
            Status::Suggested { points } => points,
            Status::Accepted { points } | Status::Overridden { points } | Status::Released { points } => Some(points),
        }
    }

    /// Points the student may see: only once released.
    pub fn released_points(&self) -> Option<f64> {
        match self.status {
            Status::Released { points } => Some(points),
            _ => None,
        }
    }
}

/// Which suggestions a bulk accept takes.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkAccept {
    /// Only machine grades at least this confident.
    pub min_confidence: Confidence,
    /// Only this item, or every item.
    pub item: Option<ItemId>,
}

/// The result of a release: what was released and what still needs the teacher.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReleaseReport {
    pub released: Vec<ResponseId>,
    /// Responses that have no points yet (free text without a scorer, unreadable answers).
    pub blocked: Vec<ResponseId>,
}

/// A teacher's decision on one response, as a training label for the item's scorer.
#[derive(Debug, Clone, PartialEq)]
pub struct TeacherLabel {
    pub response: ResponseId,
    pub machine_points: Option<f64>,
    pub teacher_points: f64,
    /// True for an override (the machine was wrong), false for an acceptance.
    pub overridden: bool,
    pub at: Timestamp,
}

/// Grades of one assignment (or any set of responses) under teacher control.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gradebook {
    entries: BTreeMap<ResponseId, Entry>,
}

impl Gradebook {
    pub fn new() -> Gradebook {
        Gradebook::default()
    }

    pub fn entry(&self, response: &ResponseId) -> Option<&Entry> {
        self.entries.get(response)
    }

    pub fn entries(&self) -> impl Iterator<Item = (&ResponseId, &Entry)> {
        self.entries.iter()
    }

    /// Records (or replaces) the machine's grade. A grade already decided by a teacher keeps
    /// the teacher's points; the new machine grade is stored and logged.
    pub fn suggest(&mut self, response: ResponseId, item: ItemId, student: PersonId, grade: Grade) {
        let max_points = match grade.outcome {
            Outcome::Scored { max_points, .. } => max_points,
            _ => self.entries.get(&response).map_or(0.0, |e| e.max_points),
        };
        let points = grade.points();
        let event = Event::Suggested { points, confidence: grade.confidence };
        match self.entries.get_mut(&response) {
            Some(entry) => {
                entry.machine = grade;
                if max_points > 0.0 {
                    entry.max_points = max_points;
                }
                if let Status::Suggested { .. } = entry.status {
                    entry.status = Status::Suggested { points };
                }
                entry.history.push(event);
            }
            None => {
                self.entries.insert(
                    response,
                    Entry {
                        item,
                        student,
                        max_points,
                        machine: grade,
                        status: Status::Suggested { points },
                        history: vec![event],
                    },
                );
            }
        }
    }

    /// Sets the maximum points of a response whose machine grade had none (free text).
    pub fn set_max_points(&mut self, response: &ResponseId, max_points: f64) -> Result<(), GradingError> {
        if !(max_points.is_finite() && max_points > 0.0) {
            return Err(GradingError::InvalidPoints { got: max_points, max: f64::INFINITY });
        }
        let entry =
            self.entries.get_mut(response).ok_or_else(|| GradingError::UnknownResponse(response.to_string()))?;
        entry.max_points = max_points;
        Ok(())
    }

    /// The teacher agrees with the machine's points.
    pub fn accept(&mut self, response: &ResponseId, by: &PersonId, at: Timestamp) -> Result<f64, GradingError> {
        let entry =
            self.entries.get_mut(response).ok_or_else(|| GradingError::UnknownResponse(response.to_string()))?;
        match entry.status {
            Status::Released { .. } => Err(GradingError::AlreadyReleased(response.to_string())),
            Status::Suggested { points: None } => Err(GradingError::NeedsTeacherGrade(response.to_string())),
            Status::Suggested { points: Some(points) }
            | Status::Accepted { points }
            | Status::Overridden { points } => {
                entry.status = Status::Accepted { points };
                entry.history.push(Event::Accepted { by: by.clone(), at, points });
                Ok(points)
            }
        }
    }

    /// Accepts every scored suggestion that passes `filter`; returns how many were accepted.
    pub fn accept_all(&mut self, filter: &BulkAccept, by: &PersonId, at: Timestamp) -> usize {
        let mut n = 0;
        for entry in self.entries.values_mut() {
            let Status::Suggested { points: Some(points) } = entry.status else {
                continue;
            };
            if entry.machine.confidence < filter.min_confidence {
                continue;
            }
            if filter.item.as_ref().is_some_and(|i| *i != entry.item) {
                continue;
            }
            entry.status = Status::Accepted { points };
            entry.history.push(Event::Accepted { by: by.clone(), at, points });
            n += 1;
        }
        n
    }

    /// The teacher sets the points (one click). Kept in history with the machine's points.
    pub fn override_points(
        &mut self,
        response: &ResponseId,
        points: f64,
        note: Option<String>,
        by: &PersonId,
        at: Timestamp,
    ) -> Result<(), GradingError> {
        let entry =
            self.entries.get_mut(response).ok_or_else(|| GradingError::UnknownResponse(response.to_string()))?;
        if let Status::Released { .. } = entry.status {
            return Err(GradingError::AlreadyReleased(response.to_string()));
        }
        if !(points.is_finite() && points >= 0.0 && points <= entry.max_points) {
            return Err(GradingError::InvalidPoints { got: points, max: entry.max_points });
        }
        let from = entry.current_points();
        entry.status = Status::Overridden { points };
        entry.history.push(Event::Overridden { by: by.clone(), at, from, to: points, note });
        Ok(())
    }

    /// Releases the given responses (all when `None`). Suggestions with points are released
    /// as they stand (releasing is the teacher's acceptance); responses without points are
    /// reported as blocked and stay unreleased.
    pub fn release(
        &mut self,
        responses: Option<&[ResponseId]>,
        by: &PersonId,
        at: Timestamp,
    ) -> Result<ReleaseReport, GradingError> {
        if let Some(list) = responses
            && let Some(r) = list.iter().find(|r| !self.entries.contains_key(*r))
        {
            return Err(GradingError::UnknownResponse(r.to_string()));
        }
        let mut report = ReleaseReport::default();
        for (id, entry) in &mut self.entries {
            if responses.is_some_and(|list| !list.contains(id)) {
                continue;
            }
            let points = match entry.status {
                Status::Released { .. } => continue,
                Status::Suggested { points: None } => {
                    report.blocked.push(id.clone());
                    continue;
                }
                Status::Suggested { points: Some(p) }
                | Status::Accepted { points: p }
                | Status::Overridden { points: p } => p,
            };
            entry.status = Status::Released { points };
            entry.history.push(Event::Released { by: by.clone(), at, points });
            report.released.push(id.clone());
        }
        Ok(report)
    }

    /// Takes a released grade back so it can be changed; the student sees nothing until the
    /// next release.
    pub fn reopen(&mut self, response: &ResponseId, by: &PersonId, at: Timestamp) -> Result<(), GradingError> {
        let entry =
            self.entries.get_mut(response).ok_or_else(|| GradingError::UnknownResponse(response.to_string()))?;
        let Status::Released { points } = entry.status else {
            return Err(GradingError::NotReleased(response.to_string()));
        };
        entry.status = Status::Accepted { points };
        entry.history.push(Event::Reopened { by: by.clone(), at });
        Ok(())
    }

    /// Responses that still need a teacher: unscored, or scored with low confidence and not
    /// yet accepted.
    pub fn needing_attention(&self) -> Vec<&ResponseId> {
        self.entries
            .iter()
            .filter(|(_, e)| matches!(e.status, Status::Suggested { .. }) && e.machine.is_uncertain())
            .map(|(id, _)| id)
            .collect()
    }

    /// Every teacher decision on `item`'s responses, oldest first: training data for the
    /// item's scorer. Overrides say the machine was wrong; acceptances confirm it.
    pub fn training_labels(&self, item: &ItemId) -> Vec<TeacherLabel> {
        let mut labels = Vec::new();
        for (id, entry) in self.entries.iter().filter(|(_, e)| &e.item == item) {
            let mut machine = None;
            for event in &entry.history {
                match event {
                    Event::Suggested { points, .. } => machine = *points,
                    Event::Accepted { at, points, .. } => labels.push(TeacherLabel {
                        response: id.clone(),
                        machine_points: machine,
                        teacher_points: *points,
                        overridden: false,
                        at: *at,
                    }),
                    Event::Overridden { at, to, .. } => labels.push(TeacherLabel {
                        response: id.clone(),
                        machine_points: machine,
                        teacher_points: *to,
                        overridden: true,
                        at: *at,
                    }),
                    Event::Released { .. } | Event::Reopened { .. } => {}
                }
            }
        }
        labels.sort_by_key(|l| l.at);
        labels
    }
}

#[cfg(test)]
mod tests;
