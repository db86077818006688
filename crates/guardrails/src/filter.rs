//! An age-appropriate content filter over Chinese and English term lists.
//!
//! Chinese terms match as substrings (they are chosen as multi-character words so that, e.g.,
//! 杀菌 is not caught by 杀); English terms match whole words, case-insensitively, with simple
//! plural/verb endings. A term list cannot understand context: it is a floor under teacher
//! approval, not a replacement for it.

/// What a term is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Graphic violence, weapons used on people.
    Violence,
    /// Sexual content.
    Sexual,
    /// Suicide and self-harm.
    SelfHarm,
    /// Illegal drugs.
    Drugs,
    /// Swearing and slurs.
    Profanity,
    /// Gambling.
    Gambling,
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Category::Violence => "violence",
            Category::Sexual => "sexual content",
            Category::SelfHarm => "self-harm",
            Category::Drugs => "drugs",
            Category::Profanity => "profanity",
            Category::Gambling => "gambling",
        })
    }
}

const ZH_TERMS: &[(&str, Category)] = &[
    ("血腥", Category::Violence),
    ("砍死", Category::Violence),
    ("杀人", Category::Violence),
    ("虐杀", Category::Violence),
    ("肢解", Category::Violence),
    ("枪杀", Category::Violence),
    ("爆头", Category::Violence),
    ("屠杀", Category::Violence),
    ("色情", Category::Sexual),
    ("裸体", Category::Sexual),
    ("性交", Category::Sexual),
    ("做爱", Category::Sexual),
    ("黄片", Category::Sexual),
    ("强奸", Category::Sexual),
    ("援交", Category::Sexual),
    ("约炮", Category::Sexual),
    ("自杀", Category::SelfHarm),
    ("割腕", Category::SelfHarm),
    ("自残", Category::SelfHarm),
    ("轻生", Category::SelfHarm),
    ("跳楼", Category::SelfHarm),
    ("上吊", Category::SelfHarm),
    ("毒品", Category::Drugs),
    ("吸毒", Category::Drugs),
    ("冰毒", Category::Drugs),
    ("海洛因", Category::Drugs),
    ("大麻", Category::Drugs),
    ("摇头丸", Category::Drugs),
    ("可卡因", Category::Drugs),
    ("K粉", Category::Drugs),
    ("傻逼", Category::Profanity),
    ("他妈的", Category::Profanity),
    ("操你", Category::Profanity),
    ("妈逼", Category::Profanity),
    ("贱人", Category::Profanity),
    ("王八蛋", Category::Profanity),
    ("狗日的", Category::Profanity),
    ("滚蛋", Category::Profanity),
    ("赌博", Category::Gambling),
    ("赌场", Category::Gambling),
    ("下注", Category::Gambling),
    ("博彩", Category::Gambling),
];

const EN_TERMS: &[(&str, Category)] = &[
    ("gore", Category::Violence),
    ("behead", Category::Violence),
    ("decapitate", Category::Violence),
    ("massacre", Category::Violence),
    ("murder", Category::Violence),
    ("stab", Category::Violence),
    ("torture", Category::Violence),
    ("bloodbath", Category::Violence),
    ("porn", Category::Sexual),
    ("porno", Category::Sexual),
    ("pornography", Category::Sexual),
    ("nude", Category::Sexual),
    ("naked", Category::Sexual),
    ("sex", Category::Sexual),
    ("sexy", Category::Sexual),
    ("rape", Category::Sexual),
    ("erotic", Category::Sexual),
    ("suicide", Category::SelfHarm),
    ("self-harm", Category::SelfHarm),
    ("kill yourself", Category::SelfHarm),
    ("cut yourself", Category::SelfHarm),
    ("overdose", Category::SelfHarm),
    ("cocaine", Category::Drugs),
    ("heroin", Category::Drugs),
    ("meth", Category::Drugs),
    ("methamphetamine", Category::Drugs),
    ("marijuana", Category::Drugs),
    ("weed", Category::Drugs),
    ("ecstasy", Category::Drugs),
    ("lsd", Category::Drugs),
    ("fuck", Category::Profanity),
    ("fucking", Category::Profanity),
    ("shit", Category::Profanity),
    ("bitch", Category::Profanity),
    ("bastard", Category::Profanity),
    ("asshole", Category::Profanity),
    ("damn", Category::Profanity),
    ("crap", Category::Profanity),
    ("slut", Category::Profanity),
    ("gambling", Category::Gambling),
    ("gamble", Category::Gambling),
    ("casino", Category::Gambling),
    ("betting", Category::Gambling),
];

/// One term found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Its category.
    pub category: Category,
    /// The list term that matched.
    pub term: &'static str,
    /// Byte offset in the text.
    pub offset: usize,
}

/// Every listed term in `text`, in order of position.
pub fn scan(text: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    for &(term, category) in ZH_TERMS {
        for (offset, _) in text.match_indices(term) {
            findings.push(Finding { category, term, offset });
        }
    }
    let lower = text.to_ascii_lowercase();
    let is_word = |c: char| c.is_ascii_alphanumeric();
    for &(term, category) in EN_TERMS {
        for (offset, _) in lower.match_indices(term) {
            let before_ok = !lower[..offset].ends_with(is_word);
            let rest = &lower[offset + term.len()..];
            // Whole word, or the word with a common ending (murders, stabbed, tortured).
            // A doubled final consonant is allowed before an ending (stabbed, betting).
            let last = &term[term.len() - 1..];
            let rest_after_double =
                rest.strip_prefix(last).filter(|r| ["ed", "ing", "er"].iter().any(|e| r.starts_with(e)));
            let ends_word = |rest: &str| {
                ["", "s", "es", "ed", "d", "ing", "er", "ers"]
                    .into_iter()
                    .any(|e| rest.starts_with(e) && !rest[e.len()..].starts_with(is_word))
            };
            let after_ok = ends_word(rest) || rest_after_double.is_some_and(ends_word);
            if before_ok && after_ok {
                findings.push(Finding { category, term, offset });
            }
        }
    }
    findings.sort_by_key(|f| (f.offset, f.term));
    findings.dedup_by_key(|f| f.offset);
    findings
}

/// The first finding whose category is in `blocked`, if any.
pub fn first_blocked(text: &str, blocked: &[Category]) -> Option<Finding> {
    scan(text).into_iter().find(|f| blocked.contains(&f.category))
}
