#![allow(clippy::unwrap_used)]

use base::{PersonId, Timestamp};
use expect_test::{Expect, expect};

use crate::filter::{self, Category};
use crate::marking::{MarkedText, Provenance};
use crate::pii::{KnownPersonalData, redact, redact_many};
use crate::policy::{GenerationPolicy, Stage, StageRules};
use crate::prompts::{self, LessonPlanInput, MisconceptionInput, StorybookInput};
use crate::{GuardError, Language};

fn check_redaction(text: &str, names: &[&str], ids: &[&str], expect: Expect) {
    let known = KnownPersonalData {
        names: names.iter().map(|s| (*s).to_owned()).collect(),
        ids: ids.iter().map(|s| (*s).to_owned()).collect(),
    };
    let redacted = redact(text, &known);
    let mapping = redacted.mapping().iter().map(|(p, o)| format!("{p}={o}")).collect::<Vec<_>>().join(" ");
    expect.assert_eq(&format!("{}\n{mapping}", redacted.text));
    assert_eq!(redacted.restore(&redacted.text), text, "restoration must give back the original");
}

#[test]
fn roster_names_and_ids_become_numbered_placeholders() {
    check_redaction(
        "王小明(学号 20230115)和小明的同桌李华都答错了；王小明 again.",
        &["王小明", "小明", "李华"],
        &["20230115"],
        expect![[r#"
            [NAME_1](学号 [ID_1])和[NAME_2]的同桌[NAME_3]都答错了；[NAME_1] again.
            [NAME_1]=王小明 [ID_1]=20230115 [NAME_2]=小明 [NAME_3]=李华"#]],
    );
}

#[test]
fn phones_emails_and_identity_numbers_are_found_without_a_roster() {
    check_redaction(
        "家长电话 +8613812345678 或 13912345678，邮箱 li.hua@example.cn，身份证 11010519491231002X。订单号 1234567890123 不是电话。",
        &[],
        &[],
        expect![[r#"
            家长电话 [PHONE_1] 或 [PHONE_2]，邮箱 [EMAIL_1]，身份证 [IDCARD_1]。订单号 1234567890123 不是电话。
            [PHONE_1]=+8613812345678 [PHONE_2]=13912345678 [EMAIL_1]=li.hua@example.cn [IDCARD_1]=11010519491231002X"#]],
    );
}

#[test]
fn english_names_match_whole_words_only() {
    check_redaction(
        "Ann and Annabel met Ann.",
        &["Ann"],
        &[],
        expect![[r#"
        [NAME_1] and Annabel met [NAME_1].
        [NAME_1]=Ann"#]],
    );
}

#[test]
fn restoration_accepts_placeholders_the_model_reworded() {
    let known = KnownPersonalData { names: (1..=10).map(|i| format!("Pupil{i}x")).collect(), ids: vec![] };
    let redacted = redact(&(1..=10).map(|i| format!("Pupil{i}x")).collect::<Vec<_>>().join(" "), &known);
    assert_eq!(redacted.restore("【NAME_1】 and NAME_10 and [NAME_2]."), "Pupil1x and Pupil10x and Pupil2x.");
}

fn check_scan(text: &str, expect: Expect) {
    let found = filter::scan(text)
        .iter()
        .map(|f| format!("{}:{}@{}", f.category, f.term, f.offset))
        .collect::<Vec<_>>()
        .join(", ");
    expect.assert_eq(&found);
}

#[test]
fn the_filter_finds_chinese_and_english_terms() {
    check_scan("他说了一句他妈的，还提到赌博。", expect!["profanity:他妈的@15, gambling:赌博@36"]);
    check_scan(
        "The film showed a murder; he was stabbed. Damn!",
        expect!["violence:murder@18, violence:stab@33, profanity:damn@42"],
    );
}

#[test]
fn the_filter_ignores_innocent_words_that_contain_terms() {
    check_scan("杀菌 消毒；a stable scrap of Sussex sextant, hello Scunthorpe classes", expect![""]);
}

fn policy() -> GenerationPolicy {
    GenerationPolicy {
        remote_endpoint_allowed: false,
        primary: StageRules::recommended(Stage::Primary),
        junior_secondary: StageRules::recommended(Stage::JuniorSecondary),
        senior_secondary: StageRules::recommended(Stage::SeniorSecondary),
    }
}

#[test]
fn primary_pupils_get_no_open_ended_generation_by_default() {
    let policy = policy();
    assert_eq!(policy.check_pupil_open_ended(Stage::Primary), Err(GuardError::OpenEndedNotAllowed(Stage::Primary)));
    assert_eq!(policy.check_pupil_open_ended(Stage::JuniorSecondary), Ok(()));
    assert_eq!(policy.check_remote(), Err(GuardError::RemoteNotAllowed));
}

#[test]
fn stage_rules_decide_what_pupils_see() {
    let policy = policy();
    let history = "The massacre of 1937 is remembered every year.";
    assert_eq!(
        policy.check_for_pupil(Stage::JuniorSecondary, history),
        Err(GuardError::Filtered { category: Category::Violence })
    );
    assert_eq!(policy.check_for_pupil(Stage::SeniorSecondary, history), Ok(history));
    let long = "字".repeat(2000);
    assert_eq!(policy.check_for_pupil(Stage::Primary, &long).unwrap().chars().count(), 1500);
}

#[test]
fn machine_written_text_reaches_pupils_only_after_approval() {
    let at = Timestamp::from_millis(1_700_000_000_000);
    let mut text = MarkedText::machine_written("草稿".into(), "qwen".into(), at);
    assert_eq!(text.for_pupils(), Err(GuardError::NotApproved));
    assert_eq!(text.label(Language::ZhCn), "AI 草稿（待教师审核）");
    let teacher = PersonId::parse("t-1").unwrap();
    text.edit("改过的稿".into());
    text.approve(teacher.clone(), at.plus_seconds(60));
    assert_eq!(text.for_pupils(), Ok("改过的稿"));
    assert!(matches!(text.provenance(), Provenance::TeacherApproved { edited: true, .. }));
    text.edit("approved words changed".into());
    assert_eq!(text.for_pupils(), Err(GuardError::NotApproved));
}

#[test]
fn lesson_plan_prompts_carry_points_items_and_timing() {
    let input = LessonPlanInput {
        subject: "数学".into(),
        grade: "三年级".into(),
        knowledge_points: vec!["分数的初步认识".into()],
        practice_items: vec!["把一个蛋糕平均分成4份，每份是它的几分之几？".into()],
        minutes: 45,
        class_notes: String::new(),
    };
    let prompt = prompts::lesson_plan(Language::ZhCn, &input).unwrap();
    expect![[r#"
        请为三年级数学课写一份45分钟的教案草稿。
        知识点：
        - 分数的初步认识
        题库中的练习题：
        - 把一个蛋糕平均分成4份，每份是它的几分之几？

        请按以下标题输出：
        1. 教学目标
        2. 教学活动（每项写明分钟数，合计45分钟）
        3. 课堂练习（使用上面给出的练习题，原文照录）
        4. 分层指导：对基础较弱的学生；对学有余力的学生
        5. 课后反思要点"#]]
    .assert_eq(&prompt.user);
    let english = prompts::lesson_plan(
        Language::En,
        &LessonPlanInput { subject: "Science".into(), grade: "Grade 5".into(), ..input.clone() },
    )
    .unwrap();
    assert!(english.user.starts_with("Draft a 45-minute lesson plan for Grade 5 Science."));
    let empty = LessonPlanInput { knowledge_points: vec![" ".into()], ..input };
    assert!(matches!(prompts::lesson_plan(Language::En, &empty), Err(GuardError::InvalidInput(_))));
}

#[test]
fn misconception_prompts_forbid_the_answer_and_replies_are_checked_for_it() {
    let input = MisconceptionInput {
        question: "3/4 + 1/4 = ?".into(),
        expected_answer: "1".into(),
        pupil_answer: "4/8".into(),
        stage: Stage::Primary,
    };
    let prompt = prompts::misconception_feedback(Language::En, &input).unwrap();
    assert!(prompt.system.contains("Never state the correct answer"));
    assert!(prompts::reveals_answer("The answer is 1.", "1"));
    assert!(prompts::reveals_answer("答案是 B。", "b"));
    for hint in ["You added 3/4 and 1/4: how many quarters make a whole?", "Is 12 bigger than 1.5?", "1⁄4 again"] {
        assert!(!prompts::reveals_answer(hint, "1"), "{hint}");
    }
    assert!(!prompts::reveals_answer("Did you add the bottom numbers too? Look at the denominators again.", "1"));
    assert!(prompts::reveals_answer("答案是光合 作用", "光合作用"));
}

#[test]
fn storybook_replies_are_parsed_into_pages_and_checked_for_words() {
    let input = StorybookInput {
        theme: "春天".into(),
        words: vec!["花".into(), "小鸟".into(), "彩虹".into()],
        pages: 2,
        grade: 2,
    };
    assert!(prompts::storybook(Language::ZhCn, &input).unwrap().user.contains("花、小鸟、彩虹"));
    let reply = "好的！\n第1页：春天来了，花开了。（画面：满地小花）\n**第2页：** 小鸟在唱歌。\nPage 3: The end (Picture: a rainbow)";
    let pages = prompts::parse_storybook(reply);
    expect![[r#"
        [
            StoryPage {
                number: 1,
                text: "春天来了，花开了。",
                picture: Some(
                    "满地小花",
                ),
            },
            StoryPage {
                number: 2,
                text: "小鸟在唱歌。",
                picture: None,
            },
            StoryPage {
                number: 3,
                text: "The end",
                picture: Some(
                    "a rainbow",
                ),
            },
        ]
    "#]]
    .assert_debug_eq(&pages);
    assert_eq!(prompts::missing_words(&pages, &input.words), vec!["彩虹"]);
}

#[test]
fn rewrite_prompts_reject_impossible_grades() {
    assert!(prompts::reading_level_rewrite(Language::En, "Text.", 13).is_err());
    assert!(prompts::reading_level_rewrite(Language::ZhCn, "课文。", 3).unwrap().user.contains("3年级"));
}

#[test]
fn messages_of_one_prompt_share_placeholders() {
    let known = KnownPersonalData { names: vec!["李华".into()], ids: vec![] };
    let (parts, redacted) = redact_many(&["你是老师。", "李华答错了。", "请给李华写反馈，电话13812345678"], &known);
    assert_eq!(parts, vec!["你是老师。", "[NAME_1]答错了。", "请给[NAME_1]写反馈，电话[PHONE_1]"]);
    assert_eq!(redacted.restore("[NAME_1]，再想想。"), "李华，再想想。");
    assert_eq!(redact_many(&[], &known).0, Vec::<String>::new());
}
