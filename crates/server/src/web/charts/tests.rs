//! Charts: geometry, text alternatives and escaping.

use super::{Completion, TimePoint, completion, results_over_time, score_bands, score_distribution};
use crate::web::i18n::{Lang, Tr};

#[test]
fn results_over_time_draws_one_dot_per_result_with_a_description() {
    let tr = Tr::new(Lang::En);
    let points = [
        TimePoint { label: "Quiz 1".into(), when: "1 Nov".into(), fraction: 0.5 },
        TimePoint { label: "Quiz 2".into(), when: "8 Nov".into(), fraction: 1.0 },
    ];
    let svg = results_over_time(&tr, "r", "Results", &points).to_string();
    assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
    assert!(svg.contains("role=\"img\"") && svg.contains("aria-labelledby=\"r-t r-d\""), "{svg}");
    assert!(svg.contains("2 results, from 50% to 100%; the first was 50% and the latest 100%."), "{svg}");
    // Full marks sit on the top grid line, half marks half way down.
    assert!(svg.contains("cx=\"44.0\" cy=\"102.0\"") && svg.contains("cx=\"588.0\" cy=\"12.0\""), "{svg}");
}

#[test]
fn text_in_charts_is_escaped() {
    let tr = Tr::new(Lang::En);
    let points = [TimePoint { label: "<script>alert(1)</script>".into(), when: "x".into(), fraction: 0.3 }];
    let svg = results_over_time(&tr, "r", "<b>", &points).to_string();
    assert!(!svg.contains("<script>") && !svg.contains("<b>"), "{svg}");
    assert!(svg.contains("&#60;script&#62;") || svg.contains("&lt;script&gt;"), "{svg}");
    let rows = [Completion { label: "<img src=x onerror=alert(1)>".into(), done: 1, total: 2 }];
    let svg = completion(&tr, "c", "t", &rows).to_string();
    assert!(!svg.contains("<img"), "{svg}");
}

#[test]
fn mean_scores_fall_into_bands_of_ten_below_sixty_together() {
    assert_eq!(score_bands(&[0.0, 0.59, 0.6, 0.69, 0.7, 0.85, 0.9, 1.0]), [2, 2, 1, 1, 2]);
    let svg = score_distribution(&Tr::new(Lang::ZhCn), "d", "分布", &[2, 2, 1, 1, 2]).to_string();
    assert_eq!(svg.matches("<rect").count(), 5);
    assert!(svg.contains("60% 以下：2 人"), "{svg}");
}

#[test]
fn completion_bars_are_as_long_as_the_share_done() {
    let tr = Tr::new(Lang::En);
    let rows = [
        Completion { label: "All in".into(), done: 4, total: 4 },
        Completion { label: "Half".into(), done: 2, total: 4 },
    ];
    let svg = completion(&tr, "c", "t", &rows).to_string();
    assert!(svg.contains("width=\"330.0\" height=\"18\" class=\"bar\""), "{svg}");
    assert!(svg.contains("width=\"165.0\" height=\"18\" class=\"bar\""), "{svg}");
    assert!(svg.contains("2 assignments; 1 have a result for every student."), "{svg}");
}

#[test]
fn tile_maps_wrap_at_twelve_a_row_under_their_group_labels_and_escape_tips() {
    let tile = |group: &str, i: usize| super::Tile {
        group: group.into(),
        class: format!("t{i}"),
        tip: format!("<kp {i}>"),
        mark: i == 0,
    };
    let tiles: Vec<super::Tile> =
        (0..13).map(|i| tile("Grade 7", i)).chain((0..2).map(|i| tile("Grade 8", i))).collect();
    let svg = super::tile_map("m", "Map", "15 points".into(), &tiles).to_string();
    assert_eq!(svg.matches("<rect").count(), 15, "{svg}");
    assert_eq!(svg.matches("class=\"mark\"").count(), 2, "{svg}");
    // The thirteenth tile starts the second row; the next group starts below it.
    assert!(svg.contains("<rect x=\"2.0\" y=\"71.7\""), "{svg}");
    assert!(svg.contains(">Grade 8</text>") && svg.contains("&#60;kp 12&#62;"), "{svg}");
    assert!(!svg.contains("<kp"), "{svg}");
}

#[test]
fn the_item_chart_puts_difficulty_across_and_discrimination_up_and_leaves_out_undefined_questions() {
    let tr = Tr::new(Lang::En);
    let point = |n: usize, difficulty: Option<f64>, discrimination: Option<f64>, flagged: bool| super::ItemPoint {
        label: format!("<q{n}>"),
        short: n.to_string(),
        difficulty,
        discrimination,
        flagged,
    };
    let points =
        [point(1, Some(0.0), Some(1.0), false), point(2, Some(1.0), Some(-1.0), true), point(3, Some(0.5), None, true)];
    let svg = super::item_scatter(&tr, "a", "Items", &points).to_string();
    assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
    // Difficulty 0 at the left edge and discrimination 1 at the top; 1 and −1 at the other corners.
    assert!(svg.contains("cx=\"44.0\" cy=\"12.0\" r=\"6\" class=\"dot\""), "{svg}");
    assert!(svg.contains("cx=\"588.0\" cy=\"276.0\" r=\"6\" class=\"dot flagged\""), "{svg}");
    assert!(svg.contains("2 questions drawn, 2 of them flagged; 1 without enough answers to draw."), "{svg}");
    assert!(!svg.contains("<q1>"), "{svg}");
    assert!(
        svg.contains("q1&#62;: difficulty 0, discrimination 1")
            || svg.contains("q1&gt;: difficulty 0, discrimination 1"),
        "{svg}"
    );
}
