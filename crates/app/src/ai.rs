//! Teacher features on language models: lesson-plan drafts, misconception feedback, reading-level
//! rewrites, storybooks, read-aloud, and the model endpoint `inkstone serve` exposes.
//!
//! Every generation goes the same way: authorise, redact personal data (names and ids of the
//! people involved, phone numbers, e-mail addresses, identity numbers) with `guardrails::pii`,
//! pick the engine (the local model in its worker process, or a remote OpenAI-compatible endpoint
//! only if the school allows it), generate off the async runtime, restore the placeholders, store
//! the text as machine-written, and audit. Pupils see a text only once a teacher approved it (or,
//! for their own storybook where their stage allows it, marked as an AI draft) and only through
//! the content filter of their stage.

mod engine;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use access::Access;
use base::{ClassId, PersonId, Timestamp};
use guardrails::pii::KnownPersonalData;
use guardrails::policy::{GenerationPolicy, Stage};
use guardrails::{GuardError, Language, prompts};
use records::Role;
use serde::{Deserialize, Serialize};

pub use engine::{AiEngines, Endpoint};

use crate::learning::AnswerKey;
use crate::{App, Caller, Error, Result, UserError};

/// The school's AI settings. Filled by the CLI; no `Default`: the school decides.
#[derive(Debug, Clone)]
pub struct AiSettings {
    /// Remote-endpoint switch and per-stage rules.
    pub policy: GenerationPolicy,
    /// Longest text a teacher may submit for a rewrite or read-aloud, in characters.
    pub max_input_chars: usize,
    /// Reply budget, in tokens, for long drafts (lesson plans, storybooks, rewrites).
    pub max_reply_tokens: u32,
}

impl AiSettings {
    /// The project's recommended settings: no remote endpoint, the recommended stage rules.
    pub fn recommended() -> AiSettings {
        AiSettings {
            policy: GenerationPolicy {
                remote_endpoint_allowed: false,
                primary: guardrails::policy::StageRules::recommended(Stage::Primary),
                junior_secondary: guardrails::policy::StageRules::recommended(Stage::JuniorSecondary),
                senior_secondary: guardrails::policy::StageRules::recommended(Stage::SeniorSecondary),
            },
            max_input_chars: 4000,
            max_reply_tokens: 700,
        }
    }
}

/// The AI part of the app: engines and settings.
#[derive(Debug, Clone)]
pub struct Ai {
    engines: AiEngines,
    settings: Arc<AiSettings>,
}

impl Ai {
    /// AI with the given engines and settings.
    pub fn new(engines: AiEngines, settings: AiSettings) -> Ai {
        Ai { engines, settings: Arc::new(settings) }
    }

    /// No engines at all: every AI use case answers that nothing is configured.
    pub fn disabled() -> Ai {
        Ai::new(AiEngines::none(), AiSettings::recommended())
    }

    /// The engines.
    pub fn engines(&self) -> &AiEngines {
        &self.engines
    }

    /// The settings.
    pub fn settings(&self) -> &AiSettings {
        &self.settings
    }
}

/// What a machine-written text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AiTextKind {
    LessonPlan,
    Feedback,
    Rewrite,
    Storybook,
}

impl AiTextKind {
    fn as_str(self) -> &'static str {
        match self {
            AiTextKind::LessonPlan => "lesson-plan",
            AiTextKind::Feedback => "feedback",
            AiTextKind::Rewrite => "rewrite",
            AiTextKind::Storybook => "storybook",
        }
    }

    fn parse(s: &str) -> Result<AiTextKind> {
        Ok(match s {
            "lesson-plan" => AiTextKind::LessonPlan,
            "feedback" => AiTextKind::Feedback,
            "rewrite" => AiTextKind::Rewrite,
            "storybook" => AiTextKind::Storybook,
            other => return Err(Error::internal(anyhow::anyhow!("stored ai text of unknown kind {other:?}"))),
        })
    }
}

/// A machine-written text as shown to the people allowed to see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiText {
    pub id: String,
    pub kind: AiTextKind,
    pub language: Language,
    pub body: String,
    /// For storybooks: the pages parsed from the body.
    pub pages: Vec<prompts::StoryPage>,
    pub model: String,
    pub endpoint: Endpoint,
    pub generated_at: Timestamp,
    pub edited: bool,
    /// `None` while the text is machine-written and unapproved.
    pub approved_by: Option<String>,
    pub approved_at: Option<Timestamp>,
    /// "AI draft (awaiting teacher review)" or "AI-generated, approved by a teacher", in the text's language.
    pub label: &'static str,
    /// Notes for the teacher (e.g. words the storybook did not use).
    pub warnings: Vec<String>,
}

/// A lesson-plan draft request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonPlanRequest {
    pub class: String,
    pub subject: String,
    /// Knowledge-point ids of the subject's graph.
    pub knowledge_points: Vec<String>,
    pub language: String,
    pub minutes: u32,
}

/// A request for feedback on a student's wrong answer to a bank item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackRequest {
    pub student: String,
    pub item: String,
    pub answer: String,
    pub language: String,
}

/// A reading-level rewrite request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewriteRequest {
    pub text: String,
    pub grade: u8,
    pub language: String,
}

/// A storybook request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorybookRequest {
    pub theme: String,
    pub words: Vec<String>,
    pub pages: u8,
    pub grade: u8,
    pub language: String,
}

/// Parses `zh-CN`/`zh`/`en`.
pub fn parse_language(s: &str) -> Result<Language> {
    match s.trim().to_ascii_lowercase().as_str() {
        "zh" | "zh-cn" | "zh-hans" | "cmn" => Ok(Language::ZhCn),
        "en" | "en-us" | "en-gb" => Ok(Language::En),
        other => Err(UserError::invalid("language", format!("{other:?} is not supported; use zh-CN or en")).into()),
    }
}

fn language_tag(language: Language) -> &'static str {
    match language {
        Language::ZhCn => "zh-CN",
        Language::En => "en",
    }
}

/// The stage of a grade label ("07", "10", "KG"). Unknown grades get the strictest rules.
pub fn stage_of_grade(grade: &str) -> Stage {
    match grade.trim().parse::<u8>() {
        Ok(7..=9) => Stage::JuniorSecondary,
        Ok(10..=13) => Stage::SeniorSecondary,
        _ => Stage::Primary,
    }
}

pub(crate) fn guard_error(e: GuardError) -> Error {
    match e {
        GuardError::InvalidInput(message) => UserError::invalid("input", message).into(),
        other => UserError::Forbidden(other.to_string()).into(),
    }
}

/// Staff who may generate drafts: teachers, aides, counselors and school administrators.
fn is_staff(caller: &Caller) -> bool {
    match caller {
        Caller::Operator { .. } => true,
        Caller::Person(actor) => [Role::Teacher, Role::Aide, Role::Counselor, Role::SchoolAdmin]
            .into_iter()
            .any(|r| actor.principal.has_role(r)),
    }
}

fn require_staff(caller: &Caller) -> Result<()> {
    if is_staff(caller) {
        Ok(())
    } else {
        Err(UserError::Forbidden("only teachers and school staff use the AI drafting tools".into()).into())
    }
}

fn bounded(field: &str, text: &str, max_chars: usize) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(UserError::invalid(field, "is empty").into());
    }
    if text.chars().count() > max_chars {
        return Err(UserError::invalid(field, format!("is longer than {max_chars} characters; shorten it")).into());
    }
    Ok(text.to_owned())
}

impl App {
    /// Replaces the AI part (engines and settings).
    pub fn with_ai(mut self, ai: Ai) -> App {
        self.ai = Arc::new(ai);
        self
    }

    /// The AI part.
    pub fn ai(&self) -> &Ai {
        &self.ai
    }

    /// The engines behind the server's OpenAI-compatible endpoint, for staff only: the raw
    /// model has none of the pupil guard rails. Each use is audited (without its content).
    pub async fn model_endpoint(&self, caller: &Caller, what: &str) -> Result<AiEngines> {
        require_staff(caller)?;
        let entry = self.audit_entry(caller, "ai-endpoint", "model", None, what);
        self.audit_now(vec![entry]).await?;
        Ok(self.ai.engines.clone())
    }

    /// Names and ids of `people`, for redaction.
    async fn personal_data_of(&self, people: &[PersonId]) -> Result<KnownPersonalData> {
        let mut conn = self.store.read().await?;
        let persons = store::people::get_many(&mut conn, people).await?;
        let mut known = KnownPersonalData { names: Vec::new(), ids: Vec::new() };
        for p in persons {
            known.names.push(format!("{}{}", p.family_name.as_str(), p.given_name.as_str()));
            known.names.push(format!("{} {}", p.given_name.as_str(), p.family_name.as_str()));
            known.names.push(p.given_name.as_str().to_owned());
            known.names.extend(p.preferred_name.clone());
            known.ids.push(p.id.to_string());
            known.ids.extend(p.identifier.clone());
            known.ids.extend(p.username.clone());
        }
        // A one-character given name would redact that character everywhere.
        known.names.retain(|n| n.chars().count() >= 2);
        Ok(known)
    }

    async fn store_text(
        &self,
        caller: &Caller,
        (kind, language): (AiTextKind, Language),
        scope: (Option<&ClassId>, Option<&PersonId>),
        request: &impl Serialize,
        generated: engine::Generated,
        basis: Option<&access::Basis>,
    ) -> Result<AiText> {
        let now = self.now();
        let stored = store::ai::AiText {
            id: crate::new_id(),
            kind: kind.as_str().to_owned(),
            language: language_tag(language).to_owned(),
            requested_by: caller.audit_name(),
            class_id: scope.0.map(ToString::to_string),
            student_id: scope.1.map(ToString::to_string),
            request: serde_json::to_string(request).map_err(Error::internal)?,
            body: generated.text,
            model: generated.model,
            endpoint: generated.endpoint.as_str().to_owned(),
            generated_at: now,
            edited: false,
            approved_by: None,
            approved_at: None,
            updated_at: now,
        };
        let subject = match scope {
            (_, Some(student)) => format!("person:{student}"),
            (Some(class), None) => format!("class:{class}"),
            (None, None) => format!("ai-text:{}", stored.id),
        };
        let mut tx = self.store.write().await?;
        store::ai::insert(&mut tx, &stored).await?;
        let entry = self.audit_entry(
            caller,
            "ai-draft",
            &subject,
            basis,
            &format!("{} {} by {} ({})", kind.as_str(), stored.id, stored.model, stored.endpoint),
        );
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        view(stored, Vec::new())
    }

    /// Drafts a lesson plan for a class: objectives, timed activities, practice items from the
    /// bank for the knowledge points, and differentiation from the class heat map.
    pub async fn draft_lesson_plan(&self, caller: &Caller, request: &LessonPlanRequest) -> Result<AiText> {
        require_staff(caller)?;
        let language = parse_language(&request.language)?;
        let class = ClassId::parse(&request.class).map_err(|_| UserError::NotFound { what: "class" })?;
        let basis = self.authorize_class(caller, Access::WriteCoursework, &class).await?;
        if request.knowledge_points.is_empty() || request.knowledge_points.len() > 10 {
            return Err(UserError::invalid("knowledge_points", "give 1 to 10 knowledge points").into());
        }
        let heat = self.class_heat_map(caller, &class, &request.subject).await?;
        let mut conn = self.store.read().await?;
        let class_record =
            store::teaching::class(&mut conn, &class).await?.ok_or(UserError::NotFound { what: "class" })?;
        let subject = store::learning::subject(&mut conn, &request.subject)
            .await?
            .ok_or(UserError::NotFound { what: "subject" })?;
        let items = store::learning::items_of_subject(&mut conn, &request.subject).await?;
        let students: Vec<PersonId> = store::teaching::enrollments_of_class(&mut conn, &class)
            .await?
            .into_iter()
            .filter(|e| e.role == records::EnrollmentRole::Student)
            .map(|e| e.person)
            .collect();
        drop(conn);

        let mut points = Vec::new();
        let mut notes = Vec::new();
        for kp in &request.knowledge_points {
            let row = heat.rows.iter().find(|r| r.kp.kp.to_string() == *kp).ok_or_else(|| {
                UserError::invalid("knowledge_points", format!("{kp} is not in subject {}", subject.id))
            })?;
            let name = match language {
                Language::ZhCn => row.kp.name_zh.clone(),
                Language::En => row.kp.name_en.clone(),
            };
            let h = &row.heat;
            notes.push(match language {
                Language::ZhCn => format!(
                    "{name}：平均掌握度{:.0}%，已掌握{}人，学习中{}人，有困难{}人，未开始{}人",
                    h.mean_mastery * 100.0,
                    h.mastered,
                    h.learning,
                    h.struggling,
                    h.not_started
                ),
                Language::En => format!(
                    "{name}: mean mastery {:.0}%, {} mastered, {} learning, {} struggling, {} not started",
                    h.mean_mastery * 100.0,
                    h.mastered,
                    h.learning,
                    h.struggling,
                    h.not_started
                ),
            });
            points.push(name);
        }
        let practice = practice_items(&items, &request.knowledge_points, language);
        let grade = class_record.grades.first().cloned().unwrap_or_default();
        let input = prompts::LessonPlanInput {
            subject: match language {
                Language::ZhCn => subject.name_zh.clone(),
                Language::En => subject.name_en.clone(),
            },
            grade: match language {
                Language::ZhCn => format!("{}年级", grade.trim_start_matches('0')),
                Language::En => format!("Grade {}", grade.trim_start_matches('0')),
            },
            knowledge_points: points,
            practice_items: practice,
            minutes: request.minutes,
            class_notes: notes.join(if language == Language::ZhCn { "；" } else { "; " }),
        };
        let prompt = prompts::lesson_plan(language, &input).map_err(guard_error)?;
        let known = self.personal_data_of(&students).await?;
        let generated = self.generate(prompt, &known, self.ai.settings.max_reply_tokens).await?;
        self.store_text(
            caller,
            (AiTextKind::LessonPlan, language),
            (Some(&class), None),
            request,
            generated,
            basis.as_ref(),
        )
        .await
    }

    /// Feedback on a student's wrong answer to a bank item that names the likely misconception
    /// without giving the answer away. Stored for the teacher to approve before the student sees it.
    pub async fn draft_feedback(&self, caller: &Caller, request: &FeedbackRequest) -> Result<AiText> {
        require_staff(caller)?;
        let language = parse_language(&request.language)?;
        let student = PersonId::parse(&request.student).map_err(|_| UserError::NotFound { what: "student" })?;
        let basis = self.authorize_student(caller, Access::Read, &student).await?;
        let answer = bounded("answer", &request.answer, 2000)?;
        let mut conn = self.store.read().await?;
        let item =
            store::learning::item(&mut conn, &request.item).await?.ok_or(UserError::NotFound { what: "item" })?;
        let person = store::people::get(&mut conn, &student).await?.ok_or(UserError::NotFound { what: "student" })?;
        drop(conn);
        let key: AnswerKey = serde_json::from_str(&item.answer_key).map_err(Error::internal)?;
        let (correct, expected, _) = crate::learning::grade_answer(&key, &item.id, &answer)?;
        if correct {
            return Err(UserError::invalid("answer", "this answer is correct; feedback is for wrong answers").into());
        }
        let question = match language {
            Language::ZhCn => item.stem_zh.clone().or(item.stem_en.clone()),
            Language::En => item.stem_en.clone().or(item.stem_zh.clone()),
        }
        .ok_or_else(|| UserError::invalid("item", "the item has no question text"))?;
        let stage = person.grades.first().map_or(Stage::Primary, |g| stage_of_grade(g));
        let input =
            prompts::MisconceptionInput { question, expected_answer: expected.clone(), pupil_answer: answer, stage };
        let prompt = prompts::misconception_feedback(language, &input).map_err(guard_error)?;
        let known = self.personal_data_of(std::slice::from_ref(&student)).await?;
        // Small models sometimes state the answer anyway: one more try with sampling, then give up.
        let mut generated = self.generate(prompt.clone(), &known, 160).await?;
        if prompts::reveals_answer(&generated.text, &expected) {
            generated = self.generate_with(prompt, &known, 160, 0.7, 1).await?;
            if prompts::reveals_answer(&generated.text, &expected) {
                return Err(UserError::Unavailable(
                    "the model's feedback gave the answer away twice; write this feedback yourself".into(),
                )
                .into());
            }
        }
        self.store_text(
            caller,
            (AiTextKind::Feedback, language),
            (None, Some(&student)),
            request,
            generated,
            basis.as_ref(),
        )
        .await
    }

    /// Rewrites a text for pupils of a target grade.
    pub async fn rewrite_for_grade(&self, caller: &Caller, request: &RewriteRequest) -> Result<AiText> {
        require_staff(caller)?;
        let language = parse_language(&request.language)?;
        let text = bounded("text", &request.text, self.ai.settings.max_input_chars)?;
        let prompt = prompts::reading_level_rewrite(language, &text, request.grade).map_err(guard_error)?;
        let known = KnownPersonalData { names: Vec::new(), ids: Vec::new() };
        let generated = self.generate(prompt, &known, self.ai.settings.max_reply_tokens).await?;
        self.store_text(caller, (AiTextKind::Rewrite, language), (None, None), request, generated, None).await
    }

    /// A short storybook from a theme and a word list. Pupils may ask for one themselves only
    /// where their stage's rules allow open-ended generation (never primary pupils by default);
    /// what they get back passes their stage's content filter.
    pub async fn draft_storybook(&self, caller: &Caller, request: &StorybookRequest) -> Result<AiText> {
        let pupil_stage = self.pupil_stage(caller).await?;
        if let Some(stage) = pupil_stage {
            self.ai.settings.policy.check_pupil_open_ended(stage).map_err(guard_error)?;
        } else {
            require_staff(caller)?;
        }
        let language = parse_language(&request.language)?;
        if request.words.len() > 20 {
            return Err(UserError::invalid("words", "give at most 20 words").into());
        }
        let input = prompts::StorybookInput {
            theme: bounded("theme", &request.theme, 200)?,
            words: request.words.iter().map(|w| w.trim().chars().take(40).collect()).collect(),
            pages: request.pages,
            grade: request.grade,
        };
        let prompt = prompts::storybook(language, &input).map_err(guard_error)?;
        let known = match caller.actor() {
            Some(actor) => self.personal_data_of(std::slice::from_ref(actor.person())).await?,
            None => KnownPersonalData { names: Vec::new(), ids: Vec::new() },
        };
        let generated = self.generate(prompt, &known, self.ai.settings.max_reply_tokens).await?;
        if let Some(stage) = pupil_stage {
            self.ai.settings.policy.check_for_pupil(stage, &generated.text).map_err(guard_error)?;
        }
        let student = pupil_stage.and(caller.actor().map(|a| a.person().clone()));
        let mut text = self
            .store_text(caller, (AiTextKind::Storybook, language), (None, student.as_ref()), request, generated, None)
            .await?;
        let missing = prompts::missing_words(&text.pages, &input.words);
        if !missing.is_empty() {
            text.warnings.push(format!("the story does not use: {}", missing.join(", ")));
        }
        Ok(text)
    }

    /// `Some(stage)` when the caller is a pupil (and not staff).
    async fn pupil_stage(&self, caller: &Caller) -> Result<Option<Stage>> {
        let Some(actor) = caller.actor() else { return Ok(None) };
        if is_staff(caller) || !actor.principal.has_role(Role::Student) {
            return Ok(None);
        }
        let mut conn = self.store.read().await?;
        let person = store::people::get(&mut conn, actor.person()).await?;
        Ok(Some(person.and_then(|p| p.grades.first().map(|g| stage_of_grade(g))).unwrap_or(Stage::Primary)))
    }

    /// A stored text. Staff see the texts they asked for; a pupil sees a text about them (or
    /// their own storybook) only once a teacher approved it, or their own storybook as a
    /// marked draft, and always through their stage's content filter.
    pub async fn ai_text(&self, caller: &Caller, id: &str) -> Result<AiText> {
        let stored = self.stored_text(id).await?;
        if let Some(stage) = self.pupil_stage(caller).await? {
            let me = caller.actor().map(|a| a.person().to_string());
            if stored.student_id.is_none() || stored.student_id != me {
                return Err(UserError::NotFound { what: "ai text" }.into());
            }
            let own_storybook = stored.kind == "storybook" && stored.requested_by == caller.audit_name();
            if stored.approved_by.is_none() && !own_storybook {
                return Err(guard_error(GuardError::NotApproved));
            }
            let shown = self.ai.settings.policy.check_for_pupil(stage, &stored.body).map_err(guard_error)?.to_owned();
            return view(store::ai::AiText { body: shown, ..stored }, Vec::new());
        }
        self.require_owner(caller, &stored)?;
        view(stored, Vec::new())
    }

    async fn stored_text(&self, id: &str) -> Result<store::ai::AiText> {
        let mut conn = self.store.read().await?;
        Ok(store::ai::get(&mut conn, id).await?.ok_or(UserError::NotFound { what: "ai text" })?)
    }

    fn require_owner(&self, caller: &Caller, stored: &store::ai::AiText) -> Result<()> {
        if caller.actor().is_none() || stored.requested_by == caller.audit_name() {
            Ok(())
        } else {
            // Not saying whether someone else's draft exists.
            Err(UserError::NotFound { what: "ai text" }.into())
        }
    }

    /// A teacher's edit of their draft. Editing an approved text makes it a draft again.
    pub async fn edit_ai_text(&self, caller: &Caller, id: &str, body: &str) -> Result<AiText> {
        require_staff(caller)?;
        let body = bounded("body", body, 20_000)?;
        self.change_text(caller, id, "ai-edit", |marked, _, _| marked.edit(body)).await
    }

    /// A teacher approves their draft as it stands: from now on it is shown as teacher-approved
    /// (and the student it is about may read it).
    pub async fn approve_ai_text(&self, caller: &Caller, id: &str) -> Result<AiText> {
        require_staff(caller)?;
        let teacher = caller
            .actor()
            .map(|a| a.person().clone())
            .ok_or_else(|| UserError::Forbidden("texts are approved by a signed-in teacher".into()))?;
        self.change_text(caller, id, "ai-approve", |marked, now, _| marked.approve(teacher, now)).await
    }

    async fn change_text(
        &self,
        caller: &Caller,
        id: &str,
        action: &str,
        change: impl FnOnce(&mut guardrails::marking::MarkedText, Timestamp, &store::ai::AiText),
    ) -> Result<AiText> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let stored = store::ai::get(&mut tx, id).await?.ok_or(UserError::NotFound { what: "ai text" })?;
        self.require_owner(caller, &stored)?;
        let mut marked = marked_of(&stored)?;
        change(&mut marked, now, &stored);
        let (approved_by, approved_at) = match marked.provenance() {
            guardrails::marking::Provenance::TeacherApproved { teacher, approved_at, .. } => {
                (Some(teacher.to_string()), Some(approved_at))
            }
            guardrails::marking::Provenance::MachineWritten { .. } => (None, None),
        };
        let edited = stored.edited || marked.text() != stored.body;
        let updated = store::ai::AiText {
            body: marked.text().to_owned(),
            edited,
            approved_by,
            approved_at,
            updated_at: now,
            ..stored
        };
        store::ai::update(&mut tx, &updated).await?;
        let subject = match (&updated.student_id, &updated.class_id) {
            (Some(s), _) => format!("person:{s}"),
            (None, Some(c)) => format!("class:{c}"),
            (None, None) => format!("ai-text:{}", updated.id),
        };
        let entry = self.audit_entry(caller, action, &subject, None, &format!("{} {}", updated.kind, updated.id));
        self.audit_in(&mut tx, vec![entry]).await?;
        tx.commit().await?;
        view(updated, Vec::new())
    }

    /// The caller's most recent texts, newest first.
    pub async fn my_ai_texts(&self, caller: &Caller, limit: u32) -> Result<Vec<AiText>> {
        let mut conn = self.store.read().await?;
        store::ai::requested_by(&mut conn, &caller.audit_name(), limit.clamp(1, 200))
            .await?
            .into_iter()
            .map(|t| view(t, Vec::new()))
            .collect()
    }

    /// Reads a text aloud (Mandarin or English, chosen from the script unless given), from the
    /// speech cache when it was read before. Pupils' texts pass their stage's content filter.
    pub async fn read_aloud(&self, caller: &Caller, text: &str, language: Option<&str>) -> Result<inference::Audio> {
        let text = bounded("text", text, self.ai.settings.max_input_chars)?;
        if let Some(stage) = self.pupil_stage(caller).await? {
            self.ai.settings.policy.check_for_pupil(stage, &text).map_err(guard_error)?;
        }
        let language = match language {
            Some(l) => match parse_language(l)? {
                Language::ZhCn => inference::SpeechLanguage::Mandarin,
                Language::En => inference::SpeechLanguage::English,
            },
            None => inference::SpeechLanguage::detect(&text).map_err(engine::inference_error)?,
        };
        let speaker = self
            .ai
            .engines
            .speaker
            .clone()
            .ok_or_else(|| UserError::Unavailable("no speech engine is configured on this server".into()))?;
        tokio::task::spawn_blocking(move || speaker.speak(&text, language))
            .await
            .map_err(Error::internal)?
            .map_err(engine::inference_error)
    }
}

/// Up to three practice items on the knowledge points, easiest, middle and hardest, quoted.
fn practice_items(items: &[store::learning::StoredItem], kps: &[String], language: Language) -> Vec<String> {
    let mut on_kps: Vec<&store::learning::StoredItem> =
        items.iter().filter(|i| i.kps.iter().any(|k| kps.contains(k))).collect();
    on_kps.sort_by(|a, b| a.difficulty.total_cmp(&b.difficulty).then_with(|| a.id.cmp(&b.id)));
    let picks: Vec<&store::learning::StoredItem> = match on_kps.len() {
        0..=3 => on_kps,
        n => vec![on_kps[0], on_kps[n / 2], on_kps[n - 1]],
    };
    picks
        .into_iter()
        .filter_map(|i| match language {
            Language::ZhCn => i.stem_zh.clone().or(i.stem_en.clone()),
            Language::En => i.stem_en.clone().or(i.stem_zh.clone()),
        })
        .collect()
}

fn marked_of(stored: &store::ai::AiText) -> Result<guardrails::marking::MarkedText> {
    let mut marked = guardrails::marking::MarkedText::machine_written(
        stored.body.clone(),
        stored.model.clone(),
        stored.generated_at,
    );
    if let (Some(by), Some(at)) = (&stored.approved_by, stored.approved_at) {
        let teacher = PersonId::parse(by).map_err(Error::internal)?;
        marked.approve(teacher, at);
    }
    Ok(marked)
}

fn view(stored: store::ai::AiText, warnings: Vec<String>) -> Result<AiText> {
    let kind = AiTextKind::parse(&stored.kind)?;
    let language = parse_language(&stored.language).map_err(|_| Error::internal(anyhow::anyhow!("stored language")))?;
    let marked = marked_of(&stored)?;
    let pages = if kind == AiTextKind::Storybook { prompts::parse_storybook(&stored.body) } else { Vec::new() };
    Ok(AiText {
        id: stored.id,
        kind,
        language,
        label: marked.label(language),
        body: stored.body,
        pages,
        model: stored.model,
        endpoint: Endpoint::parse(&stored.endpoint),
        generated_at: stored.generated_at,
        edited: stored.edited,
        approved_by: stored.approved_by,
        approved_at: stored.approved_at,
        warnings,
    })
}
