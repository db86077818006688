//! Languages: the Fluent catalogs compiled in, choosing a visitor's language, dates and numbers.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    ZhCn,
    En,
}

/// The catalogs, in [`Lang`] order.
const CATALOGS: [(Lang, &str); 2] =
    [(Lang::ZhCn, include_str!("../../i18n/zh-CN.ftl")), (Lang::En, include_str!("../../i18n/en.ftl"))];

/// The cookie that keeps a visitor's choice of language.
pub(crate) const LANG_COOKIE: &str = "inkstone_lang";

impl Lang {
    pub(crate) const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The BCP 47 tag, for `lang` attributes and the cookie.
    pub(crate) fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language's name in itself, for the switcher.
    pub(crate) fn own_name(self) -> &'static str {
        match self {
            Lang::ZhCn => "中文",
            Lang::En => "English",
        }
    }

    /// A tag as sent by browsers or kept in the cookie (`zh`, `zh-CN`, `zh-Hans-CN`, `en-GB`, …).
    pub(crate) fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best of our languages for an `Accept-Language` header; Chinese when nothing matches,
    /// since that is who the schools are.
    pub(crate) fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (idx, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::from_tag) else { continue };
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            // Higher quality wins; among equals, the earlier one.
            if q > 0.0 && best.is_none_or(|(bq, bi, _)| q > bq || (q == bq && idx < bi)) {
                best = Some((q, idx, lang));
            }
        }
        best.map_or(Lang::ZhCn, |(_, _, l)| l)
    }

    fn index(self) -> usize {
        match self {
            Lang::ZhCn => 0,
            Lang::En => 1,
        }
    }
}

static BUNDLES: LazyLock<Vec<FluentBundle<FluentResource>>> = LazyLock::new(|| {
    CATALOGS
        .iter()
        .map(|(lang, source)| {
            let resource = FluentResource::try_new((*source).to_owned())
                .unwrap_or_else(|(partial, _)| partial_with_log(lang.tag(), partial));
            let id: unic_langid::LanguageIdentifier =
                lang.tag().parse().expect("the catalogs' tags are valid language identifiers");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // No Unicode isolation marks: the pages set `dir` and `lang` themselves, and the marks
            // would show up in copied text and tests.
            bundle.set_use_isolating(false);
            if let Err(errors) = bundle.add_resource(resource) {
                tracing::error!(lang = lang.tag(), ?errors, "duplicate messages in a catalog");
            }
            bundle
        })
        .collect()
});

fn partial_with_log(tag: &str, partial: FluentResource) -> FluentResource {
    // The catalogs are checked by a test; should one still be broken, serve what parsed.
    tracing::error!(lang = tag, "a message catalog has syntax errors");
    partial
}

/// A number or text for a message's placeable.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Num(f64),
    Text(String),
}

/// Numbers that can fill a placeable (and pick a plural form).
pub(crate) trait NumArg {
    fn as_f64(&self) -> f64;
}

macro_rules! num_arg {
    ($($t:ty),*) => { $(impl NumArg for $t { fn as_f64(&self) -> f64 { *self as f64 } })* };
}
num_arg!(u16, i32, i64, u32, u64, usize, f64);

// Templates pass their arguments by reference.
impl<T: NumArg> NumArg for &T {
    fn as_f64(&self) -> f64 {
        (**self).as_f64()
    }
}

/// The translator a page renders with: messages, dates and numbers in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tr {
    pub(crate) lang: Lang,
}

impl Tr {
    pub(crate) fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// Whether the catalog has a message (for ids built from data, such as audit actions).
    pub(crate) fn has(&self, key: &str) -> bool {
        BUNDLES[self.lang.index()].has_message(key)
    }

    /// A message with no arguments.
    pub(crate) fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// A message with one number argument.
    pub(crate) fn tn(&self, key: &str, name: &str, n: impl NumArg) -> String {
        self.targs(key, &[(name, Arg::Num(n.as_f64()))])
    }

    /// A message with one text argument.
    pub(crate) fn ts(&self, key: &str, name: &str, s: &str) -> String {
        self.targs(key, &[(name, Arg::Text(s.to_owned()))])
    }

    /// "n of m", as in "3 of 5 done".
    pub(crate) fn of(&self, n: impl NumArg, m: impl NumArg) -> String {
        self.targs("n-of-m", &[("n", Arg::Num(n.as_f64())), ("m", Arg::Num(m.as_f64()))])
    }

    /// A message with several arguments.
    pub(crate) fn targs(&self, key: &str, args: &[(&str, Arg)]) -> String {
        let mut fargs = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Num(n) => fargs.set(*name, FluentValue::from(*n)),
                Arg::Text(s) => fargs.set(*name, FluentValue::from(s.clone())),
            }
        }
        self.format(key, Some(&fargs))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let bundle = &BUNDLES[self.lang.index()];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, lang = self.lang.tag(), "missing message");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, lang = self.lang.tag(), ?errors, "message formatted with errors");
        }
        text.into_owned()
    }

    /// A calendar date: `2026年11月16日` or `16 Nov 2026`.
    pub(crate) fn date(&self, d: base::Date) -> String {
        match self.lang {
            Lang::ZhCn => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
            Lang::En => format!("{} {} {}", d.day(), MONTHS_EN[usize::from(d.month().clamp(1, 12)) - 1], d.year()),
        }
    }

    /// A short date for chart axes: `11月16日` or `16 Nov`.
    pub(crate) fn short_date(&self, d: base::Date) -> String {
        match self.lang {
            Lang::ZhCn => format!("{}月{}日", d.month(), d.day()),
            Lang::En => format!("{} {}", d.day(), MONTHS_EN[usize::from(d.month().clamp(1, 12)) - 1]),
        }
    }

    /// A moment, in UTC (the server keeps no time zone of its own).
    pub(crate) fn when(&self, t: base::Timestamp) -> String {
        let ms = t.millis();
        let secs_of_day = ms.div_euclid(1000).rem_euclid(86_400);
        let (h, m) = (secs_of_day / 3600, secs_of_day % 3600 / 60);
        format!("{} {h:02}:{m:02} UTC", self.date(t.date_utc()))
    }

    /// A number with at most `decimals` decimals, trailing zeros dropped, thousands grouped.
    pub(crate) fn num(&self, x: f64, decimals: usize) -> String {
        let s = format!("{x:.decimals$}");
        let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s };
        let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
        let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        match frac {
            Some(f) => format!("{sign}{grouped}.{f}"),
            None => format!("{sign}{grouped}"),
        }
    }

    /// A fraction as a whole percentage: `0.853` → `85%`.
    pub(crate) fn pct(&self, fraction: f64) -> String {
        format!("{}%", self.num((fraction * 100.0).round(), 0))
    }
}

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The message ids of a catalog and whether it parses, for the tests that keep the catalogs in step.
#[cfg(test)]
pub(crate) fn catalog_ids(lang: Lang) -> Result<Vec<String>, String> {
    let (_, source) = CATALOGS[lang.index()];
    FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| format!("{errors:?}"))?;
    Ok(source
        .lines()
        .filter_map(|line| line.split_once(" =").map(|(id, _)| id))
        .filter(|id| id.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter(|id| id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map(str::to_owned)
        .collect())
}

#[cfg(test)]
mod tests;
