//! Text analysis: Chinese (jieba, search mode) and English (stemmed) analyzers.

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer, Token, TokenFilter,
    TokenStream, Tokenizer,
};
use tantivy_jieba::JiebaTokenizer;

/// Name of the Chinese analyzer in the index's tokenizer manager.
pub const ZH: &str = "inkstone_zh";
/// Name of the English analyzer in the index's tokenizer manager.
pub const EN: &str = "inkstone_en";

/// Tokens longer than this many bytes are dropped (base64 blobs, URLs pasted into transcripts).
const MAX_TOKEN_BYTES: usize = 60;

/// Function words that only add noise to a query. Kept short on purpose: single characters such as
/// 上, 下 or 中 carry meaning in course titles and stay searchable.
const ZH_STOP_WORDS: &[&str] = &[
    "的", "了", "是", "在", "和", "与", "及", "等", "吗", "呢", "吧", "啊", "也", "就", "都", "而", "之", "这", "那",
    "着", "过", "地", "得", "把", "被",
];

/// English stop words that also appear inside Chinese text ("the DNA", "of").
const EN_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on", "or", "the", "to",
    "with",
];

/// Chinese text (and any Latin words inside it) as indexed: jieba in search mode, which also
/// emits the shorter words inside long ones (光合作用 → 光合, 合作, 作用, 光合作用) so a query
/// for a part finds the whole; punctuation and spaces dropped; lowercased; stop words removed.
pub fn zh_analyzer() -> TextAnalyzer {
    zh_with(JiebaTokenizer::new())
}

/// Chinese query text: jieba's precise mode, which keeps long words whole. The index holds
/// them (and their parts), and fewer, more specific terms make every-word matching both
/// stricter and faster.
pub fn zh_query_analyzer() -> TextAnalyzer {
    zh_with(JiebaTokenizer::with_search_mode(false))
}

fn zh_with(jieba: JiebaTokenizer) -> TextAnalyzer {
    let stop_words = ZH_STOP_WORDS.iter().chain(EN_STOP_WORDS).map(|w| (*w).to_owned());
    TextAnalyzer::builder(jieba)
        .filter(WordsOnly)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(stop_words))
        .build()
}

/// English text: split on non-alphanumerics, lowercased, English stop words removed, Snowball
/// English stemming (lessons → lesson, equations → equat).
pub fn en_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(StopWordFilter::new(Language::English).expect("tantivy ships English stop words"))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The terms `analyzer` makes of `text`, in order, duplicates kept.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Drops tokens with no letter or digit (jieba emits spaces and punctuation as tokens).
#[derive(Debug, Clone, Copy)]
struct WordsOnly;

impl TokenFilter for WordsOnly {
    type Tokenizer<T: Tokenizer> = WordsOnlyTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> WordsOnlyTokenizer<T> {
        WordsOnlyTokenizer(tokenizer)
    }
}

#[derive(Debug, Clone)]
struct WordsOnlyTokenizer<T>(T);

impl<T: Tokenizer> Tokenizer for WordsOnlyTokenizer<T> {
    type TokenStream<'a> = WordsOnlyStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordsOnlyStream(self.0.token_stream(text))
    }
}

#[derive(Debug)]
struct WordsOnlyStream<S>(S);

impl<S: TokenStream> TokenStream for WordsOnlyStream<S> {
    fn advance(&mut self) -> bool {
        while self.0.advance() {
            if self.0.token().text.chars().any(char::is_alphanumeric) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.0.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.0.token_mut()
    }
}

#[cfg(test)]
mod tests;
