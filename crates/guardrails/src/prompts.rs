//! Prompt templates for the teacher features, in zh-CN and English, plus small checks on replies.
//!
//! Inputs must already be redacted ([`crate::pii`]); templates never ask for personal data.

use crate::policy::Stage;
use crate::{GuardError, Language};

/// A system and a user message for a chat model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// Instructions and role.
    pub system: String,
    /// The task.
    pub user: String,
}

fn bullet_list(items: &[String]) -> String {
    items.iter().map(|i| format!("- {}", i.trim())).collect::<Vec<_>>().join("\n")
}

fn non_empty(what: &str, value: &str) -> Result<(), GuardError> {
    if value.trim().is_empty() { Err(GuardError::InvalidInput(format!("{what} is empty"))) } else { Ok(()) }
}

/// A lesson-plan draft for one class period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonPlanInput {
    /// Subject, e.g. 数学 / Mathematics.
    pub subject: String,
    /// Grade label, e.g. 三年级 / Grade 3.
    pub grade: String,
    /// Knowledge points to teach (at least one).
    pub knowledge_points: Vec<String>,
    /// Practice items chosen from the bank, quoted verbatim in the plan.
    pub practice_items: Vec<String>,
    /// Minutes in the period (45 in most schools).
    pub minutes: u32,
    /// What the teacher knows about the class, already redacted (may be empty).
    pub class_notes: String,
}

/// Lesson-plan prompt: objectives, timed activities, the given practice items, and
/// differentiation for pupils below and above the class level.
pub fn lesson_plan(language: Language, input: &LessonPlanInput) -> Result<Prompt, GuardError> {
    non_empty("subject", &input.subject)?;
    non_empty("grade", &input.grade)?;
    if input.knowledge_points.iter().all(|k| k.trim().is_empty()) {
        return Err(GuardError::InvalidInput("at least one knowledge point is needed".into()));
    }
    if !(10..=120).contains(&input.minutes) {
        return Err(GuardError::InvalidInput(format!("a period of {} minutes is outside 10..=120", input.minutes)));
    }
    let points = bullet_list(&input.knowledge_points);
    let items = if input.practice_items.is_empty() { String::new() } else { bullet_list(&input.practice_items) };
    Ok(match language {
        Language::ZhCn => Prompt {
            system: "你是一位经验丰富的中国中小学教师，帮助同事起草教案。教案只是草稿，教师会修改后使用。用简体中文回答，条理清楚，不编造学生信息。".into(),
            user: format!(
                "请为{grade}{subject}课写一份{minutes}分钟的教案草稿。\n知识点：\n{points}\n{items_part}{notes_part}\n请按以下标题输出：\n1. 教学目标\n2. 教学活动（每项写明分钟数，合计{minutes}分钟）\n3. 课堂练习（使用上面给出的练习题，原文照录）\n4. 分层指导：对基础较弱的学生；对学有余力的学生\n5. 课后反思要点",
                grade = input.grade, subject = input.subject, minutes = input.minutes,
                items_part = if items.is_empty() { String::new() } else { format!("题库中的练习题：\n{items}\n") },
                notes_part = if input.class_notes.trim().is_empty() { String::new() } else { format!("班级情况：{}\n", input.class_notes.trim()) },
            ),
        },
        Language::En => Prompt {
            system: "You are an experienced school teacher helping a colleague draft a lesson plan. The plan is a draft the teacher will edit. Write clearly and never invent details about pupils.".into(),
            user: format!(
                "Draft a {minutes}-minute lesson plan for {grade} {subject}.\nKnowledge points:\n{points}\n{items_part}{notes_part}\nUse these headings:\n1. Objectives\n2. Activities (minutes for each, {minutes} minutes in total)\n3. Practice (use the practice items above verbatim)\n4. Differentiation: for pupils below the class level; for pupils above it\n5. Points for reflection",
                grade = input.grade, subject = input.subject, minutes = input.minutes,
                items_part = if items.is_empty() { String::new() } else { format!("Practice items from the bank:\n{items}\n") },
                notes_part = if input.class_notes.trim().is_empty() { String::new() } else { format!("About the class: {}\n", input.class_notes.trim()) },
            ),
        },
    })
}

/// Feedback on a wrong answer that explains the misconception without giving the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MisconceptionInput {
    /// The question as the pupil saw it.
    pub question: String,
    /// The expected answer (for the model only; the reply must not reveal it).
    pub expected_answer: String,
    /// The pupil's answer.
    pub pupil_answer: String,
    /// The pupil's stage, for tone and vocabulary.
    pub stage: Stage,
}

/// Misconception-feedback prompt.
pub fn misconception_feedback(language: Language, input: &MisconceptionInput) -> Result<Prompt, GuardError> {
    non_empty("question", &input.question)?;
    non_empty("expected answer", &input.expected_answer)?;
    non_empty("pupil answer", &input.pupil_answer)?;
    let audience_zh = match input.stage {
        Stage::Primary => "小学生",
        Stage::JuniorSecondary => "初中生",
        Stage::SeniorSecondary => "高中生",
    };
    let audience_en = match input.stage {
        Stage::Primary => "a primary-school pupil",
        Stage::JuniorSecondary => "a lower-secondary pupil",
        Stage::SeniorSecondary => "an upper-secondary student",
    };
    Ok(match language {
        Language::ZhCn => Prompt {
            system: format!(
                "你是一位耐心的老师，正在给{audience_zh}写反馈。指出答案背后可能的误解，给一个提示或反问，帮助学生自己想明白。绝对不要说出正确答案，也不要给出完整解题过程。不超过三句话。"
            ),
            user: format!(
                "题目：{}\n正确答案（只给你看，不能告诉学生）：{}\n学生的答案：{}\n请写给学生的反馈：",
                input.question.trim(),
                input.expected_answer.trim(),
                input.pupil_answer.trim()
            ),
        },
        Language::En => Prompt {
            system: format!(
                "You are a patient teacher writing feedback for {audience_en}. Name the likely misconception behind the answer and give one hint or question that helps the pupil find the answer themselves. Never state the correct answer or a full worked solution. At most three sentences."
            ),
            user: format!(
                "Question: {}\nCorrect answer (for you only, never tell the pupil): {}\nPupil's answer: {}\nFeedback to the pupil:",
                input.question.trim(),
                input.expected_answer.trim(),
                input.pupil_answer.trim()
            ),
        },
    })
}

/// Whether feedback gives away the expected answer verbatim (ignoring case and spaces).
/// A one-character answer ("7", "B") counts only as a standalone token, not as part of a
/// number, fraction or decimal ("1/4", "12", "1.5").
pub fn reveals_answer(feedback: &str, expected_answer: &str) -> bool {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect::<String>();
    let answer = squash(expected_answer);
    let mut answer_chars = answer.chars();
    match (answer_chars.next(), answer_chars.next()) {
        (None, _) => false,
        (Some(_), Some(_)) => squash(feedback).contains(&answer),
        (Some(single), None) => {
            let chars: Vec<char> = feedback.chars().flat_map(char::to_lowercase).collect();
            let joins_number =
                |c: Option<&char>| c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | '⁄' | '%'));
            (0..chars.len()).any(|i| {
                let before = i.checked_sub(1).and_then(|j| chars.get(j));
                let after = chars.get(i + 1);
                let decimal_after = after == Some(&'.') && chars.get(i + 2).is_some_and(char::is_ascii_digit);
                let decimal_before = before == Some(&'.') && i >= 2 && chars[i - 2].is_ascii_digit();
                chars[i] == single && !joins_number(before) && !joins_number(after) && !decimal_after && !decimal_before
            })
        }
    }
}

/// Rewrite a text for a target reading level.
pub fn reading_level_rewrite(language: Language, text: &str, target_grade: u8) -> Result<Prompt, GuardError> {
    non_empty("text", text)?;
    if !(1..=12).contains(&target_grade) {
        return Err(GuardError::InvalidInput(format!("grade {target_grade} is outside 1..=12")));
    }
    Ok(match language {
        Language::ZhCn => Prompt {
            system: "你帮助老师把文章改写成适合指定年级学生阅读的版本：用该年级学过的常用字词，句子短，意思不变，不增加新内容。只输出改写后的文章。".into(),
            user: format!("请把下面的文章改写成适合{target_grade}年级学生阅读的版本：\n\n{}", text.trim()),
        },
        Language::En => Prompt {
            system: "You help a teacher rewrite a text for pupils of a given grade: common words they know, short sentences, the same meaning, nothing new added. Output only the rewritten text.".into(),
            user: format!("Rewrite this text for pupils in grade {target_grade}:\n\n{}", text.trim()),
        },
    })
}

/// A short storybook from a theme and a word list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorybookInput {
    /// What the story is about.
    pub theme: String,
    /// Words the story must use (vocabulary practice).
    pub words: Vec<String>,
    /// Number of pages, 1..=12.
    pub pages: u8,
    /// Reader's grade, 1..=12.
    pub grade: u8,
}

/// Storybook prompt; the reply has one `Page N:` / `第N页：` line per page, each with a
/// sentence describing the picture, since the book is illustrated by words.
pub fn storybook(language: Language, input: &StorybookInput) -> Result<Prompt, GuardError> {
    non_empty("theme", &input.theme)?;
    if !(1..=12).contains(&input.pages) || !(1..=12).contains(&input.grade) {
        return Err(GuardError::InvalidInput("pages and grade must be within 1..=12".into()));
    }
    let words = input.words.iter().map(|w| w.trim()).filter(|w| !w.is_empty()).collect::<Vec<_>>();
    Ok(match language {
        Language::ZhCn => Prompt {
            system: "你为儿童写温暖、积极、适合课堂的短故事。不写暴力、恐怖或不适合儿童的内容。".into(),
            user: format!(
                "请以“{}”为主题，为{}年级学生写一个{}页的小故事，必须用上这些词语：{}。\n每页一行，格式为“第N页：故事文字（画面：一句话描述这一页的图画）”。",
                input.theme.trim(), input.grade, input.pages, words.join("、")
            ),
        },
        Language::En => Prompt {
            system: "You write warm, positive, classroom-appropriate short stories for children. No violence, horror or anything unsuitable for children.".into(),
            user: format!(
                "Write a {}-page story about \"{}\" for grade {} pupils that uses all of these words: {}.\nOne line per page, formatted \"Page N: story text (Picture: one sentence describing the page's picture)\".",
                input.pages, input.theme.trim(), input.grade, words.join(", ")
            ),
        },
    })
}

/// One page of a generated storybook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryPage {
    /// Page number as written by the model.
    pub number: u32,
    /// The story text.
    pub text: String,
    /// The described picture, if the model gave one.
    pub picture: Option<String>,
}

/// Parses `Page N:` / `第N页：` lines; other lines are ignored.
pub fn parse_storybook(reply: &str) -> Vec<StoryPage> {
    let mut pages = Vec::new();
    for line in reply.lines().map(str::trim) {
        let line = line.trim_start_matches(['*', '#', ' ']);
        let (number, rest) = if let Some(rest) = line.strip_prefix("Page ").or_else(|| line.strip_prefix("page ")) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            (digits.parse::<u32>().ok(), rest[digits.len()..].trim_start_matches(['*', ':', '：', '.', ' ']))
        } else if let Some(rest) = line.strip_prefix('第') {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let after = &rest[digits.len()..];
            (
                digits.parse::<u32>().ok().filter(|_| after.starts_with('页')),
                after.trim_start_matches(['页', ':', '：', ' ', '*']),
            )
        } else {
            (None, line)
        };
        let Some(number) = number else { continue };
        let (text, picture) = match rest.find(['(', '（']) {
            Some(i) => {
                let inner = rest[i..].trim_start_matches(['(', '（']).trim_end_matches([')', '）']);
                let inner = inner
                    .trim_start_matches("Picture:")
                    .trim_start_matches("画面：")
                    .trim_start_matches("画面:")
                    .trim();
                (rest[..i].trim().to_owned(), Some(inner.to_owned()).filter(|p| !p.is_empty()))
            }
            None => (rest.trim().to_owned(), None),
        };
        pages.push(StoryPage { number, text, picture });
    }
    pages
}

/// Words of the list the story does not use (case-insensitive).
pub fn missing_words<'w>(pages: &[StoryPage], words: &'w [String]) -> Vec<&'w str> {
    let all = pages.iter().map(|p| p.text.to_lowercase()).collect::<Vec<_>>().join("\n");
    words.iter().map(|w| w.trim()).filter(|w| !w.is_empty() && !all.contains(&w.to_lowercase())).collect()
}
