//! The demo's assessment: a bank of project-written items of every type and one assignment for
//! a demo class, answered by its students with generated responses.

use std::collections::{BTreeMap, BTreeSet};

use base::{ClassId, PersonId, Timestamp};
use grading::choice::{ChoiceKey, PartialCredit};
use grading::id::{ItemId, OptionId};
use grading::item::{AnswerKey, BlankKey, FillInKey, FreeTextKey, Item};
use grading::numeric::{NumericKey, Tolerance, UnitRule};
use grading::sequence::{MatchCredit, OrderCredit};
use grading::text::TextRules;
use qti::{QtiItem, QtiVersion};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::assignments::NewAssignment;
use super::bank::QtiFile;
use super::responses::StudentResponse;
use crate::{App, Caller, Error, Result};

/// The title of the demo assignment.
pub const DEMO_ASSIGNMENT: &str = "第一单元小测 / Unit 1 quiz";

fn ids(s: &str) -> Result<Vec<OptionId>> {
    s.split_whitespace().map(|x| OptionId::parse(x).map_err(Error::internal)).collect()
}

fn item(id: &str, points: f64, title: &str, prompt: &str, key: AnswerKey, labels: &[(&str, &str)]) -> Result<QtiItem> {
    Ok(QtiItem {
        item: Item { id: ItemId::parse(id).map_err(Error::internal)?, max_points: points, key },
        title: title.to_owned(),
        prompt: Some(prompt.to_owned()),
        labels: labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<BTreeMap<_, _>>(),
        version: QtiVersion::V3_0,
        notes: Vec::new(),
    })
}

/// The demo bank: one item of each type, in Chinese with English.
pub(crate) fn demo_items() -> Result<Vec<QtiItem>> {
    Ok(vec![
        item(
            "demo-water",
            1.0,
            "水的沸点 / Boiling point",
            "标准大气压下，水的沸点是多少？ / At standard pressure, water boils at:",
            AnswerKey::Choice(ChoiceKey {
                options: ids("A B C D")?,
                correct: ids("B")?.into_iter().collect::<BTreeSet<_>>(),
                single: true,
                partial_credit: PartialCredit::AllOrNothing,
            }),
            &[("A", "90 °C"), ("B", "100 °C"), ("C", "110 °C"), ("D", "0 °C")],
        )?,
        item(
            "demo-primes",
            2.0,
            "质数 / Primes",
            "选出所有质数。 / Select every prime number.",
            AnswerKey::Choice(ChoiceKey {
                options: ids("A B C D")?,
                correct: ids("A C")?.into_iter().collect(),
                single: false,
                partial_credit: PartialCredit::RightMinusWrong,
            }),
            &[("A", "2"), ("B", "9"), ("C", "13"), ("D", "21")],
        )?,
        item(
            "demo-moon",
            1.0,
            "月亮 / The Moon",
            "月亮自己会发光。 / The Moon gives off its own light.",
            AnswerKey::TrueFalse(false),
            &[],
        )?,
        item(
            "demo-speed",
            2.0,
            "速度 / Speed",
            "汽车 2 小时行驶 150 千米，平均速度是多少？（写单位） / A car travels 150 km in 2 h. Its average speed (with unit)?",
            AnswerKey::Numeric(NumericKey {
                value: 75.0,
                tolerance: Tolerance::Relative(0.01),
                unit: UnitRule::Expected { unit: "km/h".into(), missing_credit: 0.5 },
                sig_figs: None,
            }),
            &[],
        )?,
        item(
            "demo-expand",
            2.0,
            "展开 / Expand",
            "展开 (x+1)^2。 / Expand (x+1)^2.",
            AnswerKey::Math(grading::item::MathKey {
                reference: "x^2+2x+1".into(),
                settings: grading::math::MathSettings::school(),
            }),
            &[],
        )?,
        item(
            "demo-leaf",
            1.0,
            "光合作用 / Photosynthesis",
            "植物进行光合作用的场所是____。 / Photosynthesis takes place in the ____.",
            AnswerKey::FillIn(FillInKey {
                blanks: vec![BlankKey {
                    accepted: vec!["叶绿体".into(), "chloroplast".into()],
                    rules: TextRules::school(),
                }],
            }),
            &[],
        )?,
        item(
            "demo-dynasties",
            2.0,
            "朝代顺序 / Dynasties",
            "按时间先后排列。 / Put them in time order.",
            AnswerKey::Ordering { correct: ids("s1 s2 s3")?, credit: OrderCredit::PairwiseOrder },
            &[("s1", "秦 / Qin"), ("s2", "汉 / Han"), ("s3", "唐 / Tang")],
        )?,
        item(
            "demo-capitals",
            2.0,
            "首都 / Capitals",
            "把国家和首都连起来。 / Match each country with its capital.",
            AnswerKey::Matching {
                pairs: vec![
                    (OptionId::parse("c1").map_err(Error::internal)?, OptionId::parse("p1").map_err(Error::internal)?),
                    (OptionId::parse("c2").map_err(Error::internal)?, OptionId::parse("p2").map_err(Error::internal)?),
                ],
                credit: MatchCredit::PerPair,
            },
            &[("c1", "中国 / China"), ("c2", "法国 / France"), ("p1", "北京 / Beijing"), ("p2", "巴黎 / Paris")],
        )?,
        item(
            "demo-why-leaves",
            3.0,
            "简答 / Short answer",
            "为什么植物需要阳光？ / Why do plants need sunlight?",
            AnswerKey::FreeText(FreeTextKey {
                references: vec![
                    "植物利用阳光进行光合作用，把二氧化碳和水变成有机物并释放氧气。".into(),
                    "Plants use sunlight for photosynthesis, turning carbon dioxide and water into sugar and oxygen."
                        .into(),
                ],
                rubric: Some(
                    "要点：光合作用、原料（二氧化碳和水）、产物（有机物、氧气） / photosynthesis, inputs, outputs"
                        .into(),
                ),
            }),
            &[],
        )?,
    ])
}

/// A generated response to a demo item: right with probability `p`, otherwise a typical mistake.
fn response(item: &str, right: bool, rng: &mut ChaCha8Rng) -> Option<StudentResponse> {
    let text = |s: &str| StudentResponse::Text { text: s.to_owned() };
    let choice = |s: &[&str]| StudentResponse::Choice { selected: s.iter().map(|x| (*x).to_owned()).collect() };
    Some(match (item, right) {
        ("demo-water", true) => choice(&["B"]),
        ("demo-water", false) => choice(&[["A", "C", "D"][rng.random_range(0..3)]]),
        ("demo-primes", true) => choice(&["A", "C"]),
        ("demo-primes", false) => choice(if rng.random_bool(0.5) { &["A"] } else { &["A", "B", "C"] }),
        ("demo-moon", right) => StudentResponse::TrueFalse { value: !right },
        ("demo-speed", true) => text(if rng.random_bool(0.5) { "75 km/h" } else { "75千米/小时" }),
        ("demo-speed", false) => text(if rng.random_bool(0.5) { "75" } else { "300 km/h" }),
        ("demo-expand", true) => text(if rng.random_bool(0.5) { "x^2+2x+1" } else { "1+2x+x^2" }),
        ("demo-expand", false) => text("x^2+1"),
        ("demo-leaf", true) => StudentResponse::Blanks { blanks: vec!["叶綠體".into()] },
        ("demo-leaf", false) => StudentResponse::Blanks { blanks: vec!["叶子".into()] },
        ("demo-dynasties", true) => StudentResponse::Order { order: vec!["s1".into(), "s2".into(), "s3".into()] },
        ("demo-dynasties", false) => StudentResponse::Order { order: vec!["s2".into(), "s1".into(), "s3".into()] },
        ("demo-capitals", right) => StudentResponse::Pairs {
            pairs: if right {
                vec![("c1".into(), "p1".into()), ("c2".into(), "p2".into())]
            } else {
                vec![("c1".into(), "p2".into()), ("c2".into(), "p1".into())]
            },
        },
        ("demo-why-leaves", true) => text(
            [
                "植物需要阳光进行光合作用，把二氧化碳和水变成有机物，同时放出氧气。",
                "因为光合作用要用光，制造养分和氧气。",
            ][rng.random_range(0..2)],
        ),
        ("demo-why-leaves", false) => {
            text(["因为植物喜欢温暖。", "植物要晒太阳才能长大。", "不知道"][rng.random_range(0..3)])
        }
        _ => return None,
    })
}

impl App {
    /// Adds the demo bank and one assignment for `class`, answered by its students (a few
    /// leave it for later). Grades stay suggestions for the teacher to review.
    pub(crate) async fn demo_assessment(&self, caller: &Caller, class: &ClassId, due: Timestamp) -> Result<()> {
        let mut files = Vec::new();
        for q in demo_items()? {
            let xml = qti::export(&q).map_err(Error::internal)?;
            files.push(QtiFile { name: format!("{}.xml", q.item.id), bytes: xml.into_bytes() });
        }
        let report = self.import_qti(caller, "demo", &files).await?;
        let items: Vec<String> = report.added.iter().chain(&report.existing).cloned().collect();
        let assignment = self
            .create_assignment(
                caller,
                &NewAssignment {
                    class: class.clone(),
                    title: DEMO_ASSIGNMENT.into(),
                    items: items.clone(),
                    due: Some(due),
                },
            )
            .await?;
        let today = self.today();
        let mut conn = self.store.read().await?;
        let students: Vec<PersonId> = store::teaching::enrollments_of_class(&mut conn, class)
            .await?
            .into_iter()
            .filter(|e| e.role == records::EnrollmentRole::Student && e.active_on(today))
            .map(|e| e.person)
            .collect();
        let bank = store::assessment::bank_items_by_id(&mut conn, &items).await?;
        drop(conn);
        let mut rng = ChaCha8Rng::seed_from_u64(20_261_123);
        for (k, student) in students.iter().enumerate() {
            // One student in six has not submitted yet.
            if k % 6 == 5 {
                continue;
            }
            let ability: f64 = rng.random_range(0.3..0.95);
            let mut answers = Vec::new();
            for b in &bank {
                let right = rng.random_bool(ability);
                if let Some(r) = response(&b.qti_identifier, right, &mut rng) {
                    answers.push((b.item_id.clone(), r));
                }
            }
            self.submit(caller, &assignment.id, student, &answers).await?;
        }
        Ok(())
    }
}
