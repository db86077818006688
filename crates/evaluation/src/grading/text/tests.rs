//! Tests of the free-text protocols on generated datasets in a temporary folder.
#![allow(clippy::unwrap_used)] // Tests may unwrap: a panic is the failure report.

use std::fmt::Write as _;
use std::path::Path;

use super::run_dataset;

/// Seeded generator so every run writes the same files.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 1000) as f64 / 1000.0 < p
    }
}

const FILLER: &[&str] = &["the", "it", "because", "so", "i", "think", "maybe", "that", "is"];

/// Question `q`: its prompt, key terms (the reference) and distractor terms.
fn topic(q: usize) -> (String, Vec<String>, Vec<String>) {
    let keys = (0..4).map(|k| format!("key{q}x{k}")).collect();
    let distractors = (0..4).map(|k| format!("wrong{q}x{k}")).collect();
    (format!("What explains effect {q}?"), keys, distractors)
}

/// An answer of quality `level` out of `top`: more key terms for higher levels.
fn answer(rng: &mut Rng, q: usize, level: usize, top: usize) -> String {
    let (_, keys, distractors) = topic(q);
    let share = level as f64 / top as f64;
    let mut words: Vec<String> = (0..2).map(|_| FILLER[rng.below(FILLER.len())].to_owned()).collect();
    for k in &keys {
        if rng.chance(0.1 + 0.85 * share) {
            words.push(k.clone());
        }
    }
    for d in &distractors {
        if rng.chance(0.8 - 0.7 * share) {
            words.push(d.clone());
        }
    }
    words.join(" ")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn semeval_question(rng: &mut Rng, q: usize, n: usize) -> String {
    let (prompt, keys, _) = topic(q);
    let mut xml = format!(
        "<?xml version=\"1.0\"?>\n<question id=\"Q{q}\" module=\"m\">\n  <questionText>{prompt}</questionText>\n  <referenceAnswers>\n    <referenceAnswer category=\"BEST\" id=\"r{q}\">{}</referenceAnswer>\n  </referenceAnswers>\n  <studentAnswers>\n",
        keys.join(" ")
    );
    for i in 0..n {
        let correct = i % 2 == 0;
        let label = if correct { "correct" } else { "incorrect" };
        writeln!(
            xml,
            "    <studentAnswer id=\"Q{q}.{i}\" accuracy=\"{label}\">{}</studentAnswer>",
            answer(rng, q, usize::from(correct), 1)
        )
        .unwrap();
    }
    xml + "  </studentAnswers>\n</question>\n"
}

fn run(name: &str, root: &Path) -> super::DatasetReport {
    run_dataset(name, &root.join(name), &mut |_| {}).expect("a free-text dataset").unwrap()
}

#[test]
fn semeval_trains_on_training_and_scores_every_test_folder_found() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("semeval2013-task7-2way");
    let mut rng = Rng(1);
    for q in 0..8 {
        write(&root.join(format!("training/2way/beetle/Q{q}.xml")), &semeval_question(&mut rng, q, 24));
        write(&root.join(format!("test/2way/beetle/test-unseen-answers/Q{q}.xml")), &semeval_question(&mut rng, q, 8));
    }
    for q in 8..10 {
        write(
            &root.join(format!("test/2way/beetle/test-unseen-questions/Q{q}.xml")),
            &semeval_question(&mut rng, q, 10),
        );
    }
    let report = run("semeval2013-task7-2way", dir.path());
    let m = &report.metrics;
    assert!(m["beetle.unseen_answers.macro_f1"] >= 0.8, "{m:?}");
    assert!(m["beetle.unseen_questions.macro_f1"] >= 0.7, "{m:?}");
    assert_eq!(m["beetle.unseen_questions.n"], 20.0);
    assert!(m["beetle.cv_unseen_questions.macro_f1"] >= 0.7, "{m:?}");
    assert_eq!(m["beetle.macro_f1"], m["beetle.unseen_answers.macro_f1"]);
    assert!(m.contains_key("beetle.unseen_answers.review_share") && m.contains_key("macro_f1"));
}

#[test]
fn a_malformed_question_file_is_reported_with_its_path_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("semeval2013-task7-2way");
    let mut rng = Rng(2);
    write(&root.join("training/2way/beetle/Q0.xml"), &semeval_question(&mut rng, 0, 12));
    write(
        &root.join("training/2way/beetle/Q1.xml"),
        "<question id=\"Q1\">\n<questionText>q</questionText>\n<studentAnswers>\n<studentAnswer id=\"a\">no label</studentAnswer>\n</studentAnswers></question>",
    );
    let err = run_dataset("semeval2013-task7-2way", &root, &mut |_| {}).unwrap().unwrap_err();
    let message = format!("{err:#}");
    assert!(message.contains("Q1.xml:4: studentAnswer without an accuracy label"), "{message}");
    assert!(run_dataset("math-equivalence", &root, &mut |_| {}).is_none());
}

#[test]
fn asap_sas_cross_validates_and_scores_a_test_file_with_a_solution_csv() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("asap-sas");
    let mut rng = Rng(3);
    let mut train = String::from("Id\tEssaySet\tScore1\tScore2\tEssayText\n");
    let mut test = String::from("Id\tEssaySet\tEssayText\n");
    let mut solution = String::from("Id,EssaySet,EssayWeights,Score1,Usage\n");
    let mut id = 0;
    for set in 1..=3 {
        let (prompt, _, _) = topic(set);
        write(&root.join(format!("descriptions/essay_{set}_description.txt")), &prompt);
        for i in 0..60 {
            id += 1;
            let level = i % 4;
            let text = answer(&mut rng, set, level, 3);
            if i < 48 {
                writeln!(train, "{id}\t{set}\t{level}\t{level}\t{text}").unwrap();
            } else {
                writeln!(test, "{id}\t{set}\t{text}").unwrap();
                writeln!(solution, "{id},{set},1,{level},PublicTest").unwrap();
            }
        }
    }
    write(&root.join("train.tsv"), &train);
    write(&root.join("public_leaderboard_rel_2.tsv"), &test);
    write(&root.join("public_leaderboard_solution.csv"), &solution);
    let report = run("asap-sas", dir.path());
    let m = &report.metrics;
    assert!(m["cv.qwk_mean"] > 0.6, "{m:?}");
    assert_eq!(m["public_leaderboard_rel_2.n"], 36.0);
    assert_eq!(m["qwk_mean"], m["public_leaderboard_rel_2.qwk_mean"]);
    assert!(m["qwk_fisher_mean"] > 0.6 && m.contains_key("public_leaderboard_rel_2.qwk.3"), "{m:?}");
}

fn essay(rng: &mut Rng, quality: usize) -> String {
    const BASIC: &[&str] = &["people", "like", "it", "good", "fun", "day", "go", "we"];
    const RICH: &[&str] = &["consequently", "perspective", "significant", "opportunity", "knowledge", "research"];
    let mut out = Vec::new();
    for s in 0..2 + 2 * quality {
        let mut words: Vec<&str> = Vec::new();
        if quality >= 2 && s == 1 {
            words.push("However,");
        }
        for _ in 0..4 + quality {
            words.push(if rng.chance(0.15 * quality as f64) {
                RICH[rng.below(RICH.len())]
            } else {
                BASIC[rng.below(BASIC.len())]
            });
        }
        out.push(words.join(" ") + ".");
    }
    format!("\"{}\"", out.join(" "))
}

#[test]
fn asap_aes_cross_validates_visible_folds_and_reports_nea_fold_zero_when_present() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("asap-aes");
    let mut rng = Rng(4);
    let header =
        "essay_id\tessay_set\tessay\trater1_domain1\trater2_domain1\trater3_domain1\tdomain1_score\trater1_domain2\n";
    let mut id = 0;
    for fold in 0..5 {
        let mut text = String::from(header);
        for prompt in 1..=2 {
            for i in 0..25 {
                id += 1;
                let score = i % 4 + prompt - 1;
                let line_end = if i % 3 == 0 { "\r\n" } else { "\n" };
                write!(
                    text,
                    "{id}\t{prompt}\t{}\t{score}\t{score}\t\t{score}\t{line_end}",
                    essay(&mut rng, score + 1 - prompt)
                )
                .unwrap();
            }
        }
        write(&root.join(format!("folds/fold_{fold}_test.tsv")), &text);
    }
    let report = run("asap-aes", dir.path());
    let m = &report.metrics;
    assert!(m["cv.qwk_mean"] > 0.6, "{m:?}");
    assert!(m.contains_key("dev_last_fold.qwk.2") && m.contains_key("nea_fold0.qwk.1"), "{m:?}");
    assert_eq!(m["qwk_mean"], m["nea_fold0.qwk_mean"]);
    std::fs::remove_file(root.join("folds/fold_0_test.tsv")).unwrap();
    let visible_only = run("asap-aes", dir.path());
    assert_eq!(visible_only.metrics["qwk_mean"], visible_only.metrics["cv.qwk_mean"]);
}

#[test]
fn mohler_scores_later_files_as_new_questions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("mohler-texas");
    let mut rng = Rng(5);
    let mut files = [String::new(), String::new()];
    for (f, text) in files.iter_mut().enumerate() {
        text.push_str("row,id,question,desired_answer,student_answer,score_me,score_other,score_avg\n");
        for q in f * 6..f * 6 + if f == 0 { 6 } else { 2 } {
            let (prompt, keys, _) = topic(q);
            for i in 0..20 {
                let level = i % 11;
                let score = level as f64 / 2.0;
                writeln!(
                    text,
                    "{i},{}.{q},\"{prompt}\",\"{}\",\"{}\",{score},{score},{score}",
                    f + 1,
                    keys.join(" "),
                    answer(&mut rng, q, level, 10)
                )
                .unwrap();
            }
        }
    }
    write(&root.join("mohler_assign01-10.csv"), &files[0]);
    write(&root.join("mohler_assign11-12.csv"), &files[1]);
    let report = run("mohler-texas", dir.path());
    let m = &report.metrics;
    assert!(m["pearson"] > 0.5 && m["rmse"] < 2.0, "{m:?}");
    assert_eq!(m["pearson"], m["mohler_assign11-12.pearson"]);
    assert_eq!(m["mohler_assign11-12.n"], 40.0);
    assert!(m.contains_key("cv_unseen_questions.pearson"));
}

#[test]
fn chinese_sets_are_read_and_scored_with_character_features() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("chinese-sas");
    let mut rng = Rng(6);
    let key = |q: usize| -> String {
        ["链表插入删除快", "栈后进先出", "队列先进先出", "哈希查找快", "二叉树有序", "图有顶点"][q].to_owned()
    };
    let wrong = ["顺序表随机访问", "数组连续存储", "递归调用自身", "排序比较交换", "指针指向地址", "字符串匹配"];
    let zh_answer = |rng: &mut Rng, q: usize, good: bool| -> String {
        let mut a = String::from(if rng.chance(0.5) { "因为" } else { "我认为" });
        a.push_str(&if good { key(q) } else { wrong[(q + 1 + rng.below(4)) % 6].to_owned() });
        a
    };
    let mut qa = String::new();
    let mut train = String::new();
    let mut eval = String::new();
    let mut ads = String::new();
    for q in 0..6 {
        writeln!(qa, "{q}\t问题{q}是什么？\t{}", key(q)).unwrap();
        for i in 0..16 {
            let good = i % 2 == 0;
            let line =
                format!("{q}\t{}\t{}\t{}\n", key(q), zh_answer(&mut rng, q, good), if good { "1.0" } else { "0.1" });
            if i < 12 {
                train.push_str(&line)
            } else {
                eval.push_str(&line)
            }
            let json = format!(
                "{{\"score\": \"{}\", \"answer\": \"  {}\\n\", \"q_id\": \"00{q}\", \"question\": \"问题{q}\", \"reference1\": \"{}\", \"reference2\": \"\", \"reference3\": \"\"}}\n",
                if good { 10 } else { 2 },
                zh_answer(&mut rng, q, good),
                key(q)
            );
            ads.push_str(&json);
        }
    }
    write(&root.join("LE/qa.csv"), &qa);
    write(&root.join("LE/s_train_zh.csv"), &train);
    write(&root.join("LE/s_eval_zh.csv"), &eval);
    write(&root.join("ADS/train.jsonl"), &ads);
    let report = run("chinese-sas", dir.path());
    let m = &report.metrics;
    assert!(m["le.s_eval_zh.pearson"] > 0.8, "{m:?}");
    assert_eq!(m["le.pearson"], m["le.s_eval_zh.pearson"]);
    assert!(m["ads.cv.pearson"] > 0.8 && m["ads.qwk"] == m["ads.cv.qwk"], "{m:?}");
}
