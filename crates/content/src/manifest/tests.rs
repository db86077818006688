//! Tests of the manifest format: a valid sample, and one broken copy per rule.
#![allow(clippy::unwrap_used)]

use expect_test::{Expect, expect};

use super::*;

/// A small valid manifest: one course, two units, a video, an exercise and a PDF.
pub(crate) const SAMPLE: &str = r#"{
  "format": "inkstone-channel/1",
  "id": "county-maths-7",
  "version": 2,
  "publisher": "县教育局 County Education Bureau",
  "created_at": "2026-09-01T08:00:00Z",
  "title": { "zh-CN": "七年级数学", "en": "Grade 7 maths" },
  "licence": "CC-BY-SA-4.0",
  "courses": [
    {
      "id": "algebra",
      "title": { "zh-CN": "代数初步" },
      "subject": "maths",
      "grades": [7],
      "units": [
        {
          "id": "u1",
          "title": { "zh-CN": "一元一次方程" },
          "resources": [
            {
              "id": "r1",
              "kind": "video",
              "title": { "zh-CN": "移项", "en": "Moving terms" },
              "transcript": { "zh-CN": "把含有未知数的项移到等号左边" },
              "kps": ["linear-eq.transpose"],
              "duration_seconds": 300,
              "files": [
                { "hash": "08ab8b7c72fc2746ba90ef6d391d09acc73054cee78dd4e979a41d9f78208f38", "size": 12, "media_type": "video/mp4", "role": "main" },
                { "hash": "05eeec2d70845694d3ba89ad9e1c34b6b4d806275c3c63b84241a40ae4591ca4", "size": 5, "media_type": "image/png", "role": "thumbnail" }
              ]
            },
            {
              "id": "r2",
              "kind": "exercise",
              "title": { "en": "Practice: moving terms" },
              "kps": ["linear-eq.transpose"],
              "prerequisites": ["integers.add"],
              "items": ["le-0001", "le-0002"],
              "files": [
                { "hash": "2e688477c04e6d0a6b03fe28c7fd2bd9b9faeffe19eabf85c0a9ce50274b2a69", "size": 12, "media_type": "application/json", "role": "items" }
              ]
            }
          ]
        },
        {
          "id": "u2",
          "title": { "en": "Inequalities" },
          "resources": [
            {
              "id": "r3",
              "kind": "pdf",
              "title": { "zh-CN": "不等式讲义" },
              "kps": ["inequality.basic"],
              "files": [
                { "hash": "e0927b02e37657e93c185b8fc8d0bedee155e44a1f8065b1d4cd8accc1f324b8", "size": 10, "media_type": "application/pdf", "role": "main" },
                { "hash": "05eeec2d70845694d3ba89ad9e1c34b6b4d806275c3c63b84241a40ae4591ca4", "size": 5, "media_type": "image/png", "role": "thumbnail" }
              ]
            }
          ]
        }
      ]
    }
  ]
}
"#;

/// Parses SAMPLE with `from` replaced by `to` (the first occurrence) and shows the outcome.
fn check(from: &str, to: &str, expect: Expect) {
    assert!(SAMPLE.contains(from), "the sample has no {from:?}");
    let text = SAMPLE.replacen(from, to, 1);
    let actual = match Manifest::from_json(text.as_bytes()) {
        Ok(m) => format!("ok: {} v{}, {} resources", m.id, m.version, m.resources().count()),
        Err(e) => e.to_string(),
    };
    expect.assert_eq(&actual);
}

#[test]
fn the_sample_is_valid() {
    check("", "", expect!["ok: county-maths-7 v2, 3 resources"]);
}

#[test]
fn a_written_manifest_reads_back_the_same() {
    let manifest = Manifest::from_json(SAMPLE.as_bytes()).unwrap();
    let again = Manifest::from_json(&manifest.to_json().unwrap()).unwrap();
    assert_eq!(manifest, again);
}

#[test]
fn broken_json_is_reported_with_its_line_and_column() {
    check(
        r#""version": 2,"#,
        r#""version": 2"#,
        expect!["the channel manifest cannot be read at line 5, column 3: expected `,` or `}`"],
    );
}

#[test]
fn another_format_is_refused() {
    check(
        "inkstone-channel/1",
        "inkstone-transfer/1",
        expect![[
            r#"the channel manifest is invalid at format: expected "inkstone-channel/1", found "inkstone-transfer/1": not a version-1 channel manifest"#
        ]],
    );
}

#[test]
fn unknown_fields_are_refused_rather_than_ignored() {
    check(
        r#""licence": "CC-BY-SA-4.0","#,
        r#""licence": "CC-BY-SA-4.0", "licence_url": "x","#,
        expect![
            "the channel manifest cannot be read at line 8, column 42: unknown field `licence_url`, expected one of `format`, `id`, `version`, `publisher`, `created_at`, `title`, `description`, `licence`, `courses`"
        ],
    );
}

#[test]
fn a_channel_id_that_is_not_a_safe_file_name_is_refused() {
    check(
        "county-maths-7",
        "../etc",
        expect![[
            r#"the channel manifest cannot be read at line 3, column 16: invalid channel id "../etc": channel ids use a-z, 0-9, '.', '_' and '-' and start with a letter or digit"#
        ]],
    );
}

#[test]
fn version_zero_is_refused() {
    check(
        r#""version": 2"#,
        r#""version": 0"#,
        expect!["the channel manifest is invalid at version: versions start at 1"],
    );
}

#[test]
fn a_bad_publication_time_is_refused() {
    check(
        "2026-09-01T08:00:00Z",
        "yesterday",
        expect![[r#"the channel manifest is invalid at created_at: "yesterday" is not an RFC 3339 time"#]],
    );
}

#[test]
fn a_title_needs_some_text() {
    check(
        r#""title": { "zh-CN": "代数初步" }"#,
        r#""title": { "zh-CN": "" }"#,
        expect!["the channel manifest is invalid at course algebra title: needs text in zh-CN or en"],
    );
}

#[test]
fn a_unit_id_used_twice_is_refused() {
    check(
        r#""id": "u2""#,
        r#""id": "u1""#,
        expect![
            "the channel manifest is invalid at course algebra / unit u1: the unit id is used twice in the channel"
        ],
    );
}

#[test]
fn a_resource_id_used_twice_is_refused() {
    check(
        r#""id": "r3""#,
        r#""id": "r1""#,
        expect![
            "the channel manifest is invalid at course algebra / unit u2 / resource r1: the resource id is used twice in the channel"
        ],
    );
}

#[test]
fn a_grade_outside_one_to_twelve_is_refused() {
    check(
        r#""grades": [7]"#,
        r#""grades": [13]"#,
        expect!["the channel manifest is invalid at course algebra: grade 13 is outside 1–12"],
    );
}

#[test]
fn a_subject_must_be_a_code() {
    check(
        r#""subject": "maths""#,
        r#""subject": "Maths & Science""#,
        expect![[
            r#"the channel manifest is invalid at course algebra: subject "Maths & Science" is not a code like "maths""#
        ]],
    );
}

#[test]
fn a_video_without_a_main_file_is_refused() {
    check(
        r#""media_type": "video/mp4", "role": "main""#,
        r#""media_type": "video/mp4", "role": "lowquality""#,
        expect![
            "the channel manifest is invalid at course algebra / unit u1 / resource r1: a video needs a file with role Main"
        ],
    );
}

#[test]
fn an_exercise_needs_items() {
    check(
        r#""items": ["le-0001", "le-0002"],"#,
        "",
        expect![
            "the channel manifest is invalid at course algebra / unit u1 / resource r2: an exercise needs at least one item"
        ],
    );
}

#[test]
fn a_video_cannot_have_items() {
    check(
        r#""duration_seconds": 300,"#,
        r#""duration_seconds": 300, "items": ["x"],"#,
        expect![
            "the channel manifest is invalid at course algebra / unit u1 / resource r1: a video cannot have exercise items"
        ],
    );
}

#[test]
fn a_malformed_hash_is_refused() {
    check(
        "08ab8b7c72fc2746ba90ef6d391d09acc73054cee78dd4e979a41d9f78208f38",
        "08ab8b7c",
        expect![[
            r#"the channel manifest cannot be read at line 28, column 36: "08ab8b7c" is not a SHA-256 hash (64 hex digits)"#
        ]],
    );
}

#[test]
fn one_file_with_two_sizes_is_refused() {
    check(
        r#""size": 5, "media_type": "image/png", "role": "thumbnail" }
              ]
            }
          ]
        }"#,
        r#""size": 6, "media_type": "image/png", "role": "thumbnail" }
              ]
            }
          ]
        }"#,
        expect![
            "the channel manifest is invalid at course algebra / unit u2 / resource r3: file 05eeec2d70845694d3ba89ad9e1c34b6b4d806275c3c63b84241a40ae4591ca4 is listed with sizes 5 and 6"
        ],
    );
}

#[test]
fn a_media_type_must_look_like_one() {
    check(
        r#""media_type": "application/pdf""#,
        r#""media_type": "pdf""#,
        expect![[
            r#"the channel manifest is invalid at course algebra / unit u2 / resource r3: file e0927b02e37657e93c185b8fc8d0bedee155e44a1f8065b1d4cd8accc1f324b8 has media type "pdf"; expected e.g. "video/mp4""#
        ]],
    );
}

#[test]
fn a_knowledge_point_cannot_be_its_own_prerequisite() {
    check(
        r#""prerequisites": ["integers.add"]"#,
        r#""prerequisites": ["linear-eq.transpose"]"#,
        expect![
            "the channel manifest is invalid at course algebra / unit u1 / resource r2: knowledge point linear-eq.transpose is both taught and a prerequisite"
        ],
    );
}

#[test]
fn files_of_units_counts_a_shared_file_once() {
    let manifest = Manifest::from_json(SAMPLE.as_bytes()).unwrap();
    let units = manifest.unit_ids().cloned().collect();
    let files = manifest.files_of_units(&units);
    assert_eq!(files.len(), 4);
    assert_eq!(files.values().sum::<u64>(), 12 + 12 + 10 + 5);
}
