//! A generated catalogue of resources that reads like a Chinese school's: subjects, topics with
//! Chinese and English names, lesson titles, descriptions and transcript snippets. Every
//! document is a pure function of its number, so the bench can check hits against it.

use content::manifest::ResourceKind;
use search::{ResourceDoc, SearchQuery};

/// Bump when the generator changes, so cached indexes are rebuilt.
pub(crate) const VERSION: u32 = 2;

/// (subject code, Chinese name, share of the catalogue in percent, grades, topics as (zh, en)).
type Subject = (&'static str, &'static str, u32, (u8, u8), &'static [(&'static str, &'static str)]);

const SUBJECTS: &[Subject] = &[
    (
        "maths",
        "数学",
        20,
        (1, 12),
        &[
            ("有理数", "rational numbers"),
            ("整式的加减", "adding and subtracting polynomials"),
            ("一元一次方程", "linear equations in one variable"),
            ("二元一次方程组", "systems of linear equations"),
            ("不等式与不等式组", "inequalities"),
            ("因式分解", "factorisation"),
            ("分式", "algebraic fractions"),
            ("二次根式", "square roots"),
            ("勾股定理", "Pythagorean theorem"),
            ("平行四边形", "parallelograms"),
            ("一次函数", "linear functions"),
            ("二次函数", "quadratic functions"),
            ("反比例函数", "inverse proportion"),
            ("全等三角形", "congruent triangles"),
            ("相似三角形", "similar triangles"),
            ("圆的性质", "properties of circles"),
            ("锐角三角函数", "trigonometric ratios"),
            ("概率初步", "introduction to probability"),
            ("数据的分析", "analysing data"),
            ("分数的加减法", "adding fractions"),
            ("小数乘法", "multiplying decimals"),
            ("长方体和正方体", "cuboids and cubes"),
            ("集合与函数", "sets and functions"),
            ("数列", "sequences"),
        ],
    ),
    (
        "chinese",
        "语文",
        15,
        (1, 12),
        &[
            ("古诗词鉴赏", "appreciating classical poetry"),
            ("文言文阅读", "reading classical Chinese"),
            ("记叙文写作", "narrative writing"),
            ("说明文阅读", "reading expository texts"),
            ("议论文写作", "argumentative essays"),
            ("修辞手法", "rhetorical devices"),
            ("标点符号", "punctuation"),
            ("汉字书写", "writing Chinese characters"),
            ("成语故事", "idiom stories"),
            ("名著导读", "guide to classics"),
            ("现代诗歌", "modern poetry"),
            ("口语交际", "oral communication"),
            ("拼音", "pinyin"),
            ("朱自清《背影》", "Zhu Ziqing's Back View"),
            ("鲁迅《故乡》", "Lu Xun's Hometown"),
        ],
    ),
    (
        "english",
        "英语",
        15,
        (3, 12),
        &[
            ("一般现在时", "present simple tense"),
            ("现在进行时", "present continuous tense"),
            ("一般过去时", "past simple tense"),
            ("现在完成时", "present perfect tense"),
            ("被动语态", "passive voice"),
            ("定语从句", "relative clauses"),
            ("宾语从句", "object clauses"),
            ("阅读理解", "reading comprehension"),
            ("完形填空", "cloze test"),
            ("书面表达", "writing"),
            ("听力训练", "listening practice"),
            ("情态动词", "modal verbs"),
            ("形容词比较级", "comparative adjectives"),
            ("自然拼读", "phonics"),
        ],
    ),
    (
        "physics",
        "物理",
        10,
        (8, 12),
        &[
            ("机械运动", "motion"),
            ("声现象", "sound"),
            ("光的折射", "refraction of light"),
            ("透镜", "lenses"),
            ("质量与密度", "mass and density"),
            ("牛顿第一定律", "Newton's first law"),
            ("压强", "pressure"),
            ("浮力", "buoyancy"),
            ("杠杆", "levers"),
            ("功和机械能", "work and mechanical energy"),
            ("内能", "internal energy"),
            ("欧姆定律", "Ohm's law"),
            ("电功率", "electric power"),
            ("电磁感应", "electromagnetic induction"),
            ("匀变速直线运动", "uniformly accelerated motion"),
        ],
    ),
    (
        "chemistry",
        "化学",
        8,
        (9, 12),
        &[
            ("物质的变化", "physical and chemical change"),
            ("氧气的制取", "preparing oxygen"),
            ("原子结构", "atomic structure"),
            ("化学式与化合价", "formulas and valence"),
            ("质量守恒定律", "conservation of mass"),
            ("化学方程式", "chemical equations"),
            ("燃烧与灭火", "combustion and fire fighting"),
            ("金属的化学性质", "chemical properties of metals"),
            ("溶液", "solutions"),
            ("酸和碱", "acids and bases"),
            ("盐和化肥", "salts and fertilisers"),
            ("元素周期表", "the periodic table"),
            ("氧化还原反应", "redox reactions"),
        ],
    ),
    (
        "biology",
        "生物",
        8,
        (7, 12),
        &[
            ("细胞的结构", "cell structure"),
            ("光合作用", "photosynthesis"),
            ("呼吸作用", "cellular respiration"),
            ("植物的生长", "plant growth"),
            ("人体的消化", "human digestion"),
            ("血液循环", "blood circulation"),
            ("神经调节", "nervous regulation"),
            ("遗传与变异", "heredity and variation"),
            ("DNA的复制", "DNA replication"),
            ("生态系统", "ecosystems"),
            ("微生物", "microorganisms"),
            ("生物的进化", "evolution"),
        ],
    ),
    (
        "history",
        "历史",
        8,
        (7, 12),
        &[
            ("秦朝统一", "the Qin unification"),
            ("丝绸之路", "the Silk Road"),
            ("唐朝的繁荣", "the Tang dynasty"),
            ("宋元时期的科技", "science in the Song and Yuan"),
            ("鸦片战争", "the Opium War"),
            ("辛亥革命", "the 1911 Revolution"),
            ("五四运动", "the May Fourth Movement"),
            ("改革开放", "reform and opening up"),
            ("文艺复兴", "the Renaissance"),
            ("工业革命", "the Industrial Revolution"),
            ("两次世界大战", "the two world wars"),
        ],
    ),
    (
        "geography",
        "地理",
        8,
        (7, 12),
        &[
            ("地球的运动", "the Earth's motion"),
            ("经纬网", "latitude and longitude"),
            ("地图的阅读", "reading maps"),
            ("气候类型", "climate types"),
            ("河流与湖泊", "rivers and lakes"),
            ("人口分布", "population distribution"),
            ("板块构造", "plate tectonics"),
            ("中国的地形", "China's landforms"),
            ("水循环", "the water cycle"),
            ("农业区位", "agricultural location"),
            ("城市化", "urbanisation"),
        ],
    ),
    (
        "politics",
        "道德与法治",
        8,
        (1, 12),
        &[
            ("宪法", "the constitution"),
            ("公民的权利和义务", "citizens' rights and duties"),
            ("诚信", "honesty"),
            ("友谊", "friendship"),
            ("青春期", "adolescence"),
            ("法律保护", "legal protection"),
            ("生命安全", "personal safety"),
            ("家庭美德", "family virtues"),
            ("网络生活", "life online"),
        ],
    ),
];

const ASPECTS: &[(&str, &str)] = &[
    ("概念讲解", "concepts explained"),
    ("典型例题", "worked examples"),
    ("易错点分析", "common mistakes"),
    ("课后练习", "homework practice"),
    ("知识梳理", "summary"),
    ("解题方法", "problem-solving methods"),
    ("实验探究", "experiment"),
    ("拓展阅读", "further reading"),
    ("单元复习", "unit review"),
    ("期末复习", "end-of-term review"),
    ("基础训练", "basic training"),
    ("能力提升", "challenge problems"),
    ("中考真题", "exam questions"),
    ("预习导学", "preview guide"),
    ("微课精讲", "micro-lesson"),
];

const KIND_WORDS: &[&str] = &["微课", "练习", "讲义", "动画", "音频"];

const ZH_SENTENCES: &[&str] = &[
    "本节课通过生活中的实例讲解{t}的{a}，帮助学生理解核心概念。",
    "学习{t}之前，请先复习上一单元的内容。",
    "本资源适合{g}年级学生课堂学习和课后巩固。",
    "通过{a}，学生能够独立解决与{t}有关的问题。",
    "教师可以结合本资源组织小组讨论和课堂练习。",
    "内容包括{t}的基本概念、{a}和拓展应用。",
    "配套练习题附有详细解析，便于自主学习。",
];

const ZH_TALK: &[&str] = &[
    "同学们好",
    "今天我们来学习{t}",
    "大家请看黑板",
    "首先我们回顾一下",
    "这道题应该怎么做呢",
    "我们可以先画一个图",
    "注意这里容易出错",
    "请同学们思考一下",
    "下面我们来看一个例子",
    "所以答案是",
    "这个结论非常重要",
    "大家记住这个方法",
    "我们一起来总结一下",
    "课后请完成练习",
    "{t}在生活中有很多应用",
    "我们用{a}的方法来分析",
    "这一步的依据是什么",
    "好，我们继续",
];

/// People, things and measures for the worked examples teachers talk through: they give the
/// transcripts a long tail of words and numbers, as real ones have.
const NAMES: &[(&str, &str)] = &[
    ("小明", "Xiaoming"),
    ("小红", "Xiaohong"),
    ("小刚", "Xiaogang"),
    ("小丽", "Xiaoli"),
    ("王老师", "Ms Wang"),
    ("李华", "Li Hua"),
    ("张伟", "Zhang Wei"),
    ("刘洋", "Liu Yang"),
    ("陈静", "Chen Jing"),
    ("赵磊", "Zhao Lei"),
];

const THINGS: &[(&str, &str)] = &[
    ("苹果", "apples"),
    ("铅笔", "pencils"),
    ("书包", "schoolbags"),
    ("自行车", "bicycles"),
    ("小麦", "wheat"),
    ("玉米", "maize"),
    ("水稻", "rice"),
    ("鸡蛋", "eggs"),
    ("木块", "wooden blocks"),
    ("铁球", "iron balls"),
    ("电池", "batteries"),
    ("灯泡", "light bulbs"),
    ("烧杯", "beakers"),
    ("试管", "test tubes"),
    ("蜡烛", "candles"),
    ("绳子", "ropes"),
    ("弹簧", "springs"),
    ("小车", "trolleys"),
    ("水箱", "water tanks"),
    ("果树", "fruit trees"),
    ("羊", "sheep"),
    ("鸡", "chickens"),
    ("鱼", "fish"),
    ("树叶", "leaves"),
    ("种子", "seeds"),
    ("石头", "stones"),
    ("课本", "textbooks"),
    ("作业本", "exercise books"),
    ("篮球", "basketballs"),
    ("跳绳", "skipping ropes"),
    ("蔬菜", "vegetables"),
    ("西瓜", "watermelons"),
    ("茶叶", "tea leaves"),
    ("砖块", "bricks"),
    ("木板", "planks"),
];

const MEASURES: &[(&str, &str, &str, &str)] = &[
    ("长", "厘米", "length", "centimetres"),
    ("宽", "米", "width", "metres"),
    ("高", "分米", "height", "decimetres"),
    ("质量", "千克", "mass", "kilograms"),
    ("价格", "元", "price", "yuan"),
    ("速度", "千米每时", "speed", "km per hour"),
    ("温度", "摄氏度", "temperature", "degrees Celsius"),
    ("体积", "立方厘米", "volume", "cubic centimetres"),
    ("时间", "秒", "time", "seconds"),
    ("电压", "伏", "voltage", "volts"),
    ("面积", "平方米", "area", "square metres"),
];

/// A worked example in Chinese and English: names, things and numbers vary freely.
fn example(rng: &mut Rng) -> (String, String) {
    let (name_zh, name_en) = *rng.pick(NAMES);
    let (thing_zh, thing_en) = *rng.pick(THINGS);
    let (m_zh, u_zh, m_en, u_en) = *rng.pick(MEASURES);
    let (a, b) = (1 + rng.below(999), 1 + rng.below(99));
    match rng.below(3) {
        0 => (
            format!("例如{name_zh}有{a}个{thing_zh}，又买了{b}个"),
            format!("for example {name_en} has {a} {thing_en} and buys {b} more"),
        ),
        1 => (format!("{thing_zh}的{m_zh}是{a}{u_zh}"), format!("the {m_en} of the {thing_en} is {a} {u_en}")),
        _ => (format!("{name_zh}测得{m_zh}为{a}.{b}{u_zh}"), format!("{name_en} measured a {m_en} of {a}.{b} {u_en}")),
    }
}

const EN_SENTENCES: &[&str] = &[
    "This lesson explains {t} with everyday examples.",
    "Students practise {t} through {a}.",
    "Review the previous unit before starting {t}.",
    "Suitable for grade {g} classes and self-study.",
    "Includes answers and step-by-step explanations.",
];

const EN_TALK: &[&str] = &[
    "hello everyone",
    "today we are learning about {t}",
    "look at the board",
    "let us review",
    "how do we solve this problem",
    "be careful here",
    "think about it for a moment",
    "here is another example",
    "so the answer is",
    "remember this method",
    "let us summarise",
    "please finish the exercises after class",
];

/// Deterministic generator (SplitMix64 seeded by the document number).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Skewed towards the front: popular topics get more resources, as in a real catalogue.
    fn skewed(&mut self, n: usize) -> usize {
        let a = self.below(n);
        let b = self.below(n);
        a.min(b)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn percent(&mut self) -> u32 {
        (self.next() % 100) as u32
    }
}

fn subject(rng: &mut Rng) -> &'static Subject {
    let mut roll = rng.percent();
    for s in SUBJECTS {
        if roll < s.2 {
            return s;
        }
        roll -= s.2;
    }
    &SUBJECTS[0]
}

fn fill(template: &str, topic: &str, aspect: &str, grade: u8) -> String {
    template.replace("{t}", topic).replace("{a}", aspect).replace("{g}", &grade.to_string())
}

/// Documents whose number is a multiple of this carry a unique marker word in their titles.
pub(crate) const NEEDLE_EVERY: usize = 99_991;

pub(crate) fn needle(i: usize) -> String {
    format!("quokka{i}")
}

/// Resource number `i` of the catalogue.
pub(crate) fn doc(i: usize) -> ResourceDoc {
    let mut rng = Rng::new(i as u64);
    let (code, subject_zh, _, (lo, hi), topics) = subject(&mut rng);
    let topic_idx = rng.skewed(topics.len());
    let (topic_zh, topic_en) = topics[topic_idx];
    let (aspect_zh, aspect_en) = *rng.pick(ASPECTS);
    let grade = lo + rng.below(usize::from(hi - lo + 1)) as u8;
    let kind = match rng.percent() {
        0..35 => ResourceKind::Video,
        35..65 => ResourceKind::Exercise,
        65..85 => ResourceKind::Pdf,
        85..95 => ResourceKind::Html5,
        _ => ResourceKind::Audio,
    };
    // 20 knowledge points per topic; a resource covers one to three of them.
    let n_kps = 1 + rng.below(3);
    let kps = (0..n_kps).map(|_| format!("{code}.t{topic_idx}.k{}", rng.below(20))).collect();
    let (zh, en) = match rng.percent() {
        0..60 => (true, false),
        60..85 => (true, true),
        _ => (false, true),
    };
    let lesson = 1 + rng.below(6);
    let mut d = ResourceDoc {
        channel: format!("ch{}", i % 40),
        course: format!("{code}-g{grade}"),
        unit: format!("{code}-t{topic_idx}"),
        resource: format!("r{i}"),
        kind,
        subject: (*code).to_owned(),
        grades: vec![grade],
        kps,
        title_zh: String::new(),
        title_en: String::new(),
        description_zh: String::new(),
        description_en: String::new(),
        transcript_zh: String::new(),
        transcript_en: String::new(),
    };
    let spoken = matches!(kind, ResourceKind::Video | ResourceKind::Audio);
    if zh {
        d.title_zh = match rng.below(4) {
            0 => format!("{topic_zh}{aspect_zh}"),
            1 => format!("{topic_zh}：{aspect_zh}（第{lesson}课时）"),
            2 => format!("{grade}年级{subject_zh}·{topic_zh}{}", KIND_WORDS[kind as usize % KIND_WORDS.len()]),
            _ => format!("{topic_zh}{aspect_zh}专项{}", KIND_WORDS[rng.below(KIND_WORDS.len())]),
        };
        d.description_zh = (0..1 + rng.below(2))
            .map(|_| fill(rng.pick::<&str>(ZH_SENTENCES), topic_zh, aspect_zh, grade))
            .collect::<Vec<_>>()
            .join("");
        if spoken {
            let mut talk: Vec<String> =
                (0..8 + rng.below(16)).map(|_| fill(rng.pick::<&str>(ZH_TALK), topic_zh, aspect_zh, grade)).collect();
            for _ in 0..2 + rng.below(5) {
                let at = rng.below(talk.len() + 1);
                talk.insert(at, example(&mut rng).0);
            }
            d.transcript_zh = talk.join("，") + "。";
        }
    }
    if en {
        d.title_en = match rng.below(3) {
            0 => format!("{topic_en}: {aspect_en}"),
            1 => format!("{topic_en} (lesson {lesson})"),
            _ => format!("Grade {grade} {code}: {topic_en} {aspect_en}"),
        };
        d.description_en = (0..1 + rng.below(2))
            .map(|_| fill(rng.pick::<&str>(EN_SENTENCES), topic_en, aspect_en, grade))
            .collect::<Vec<_>>()
            .join(" ");
        if spoken {
            let mut talk: Vec<String> =
                (0..8 + rng.below(16)).map(|_| fill(rng.pick::<&str>(EN_TALK), topic_en, aspect_en, grade)).collect();
            for _ in 0..2 + rng.below(5) {
                let at = rng.below(talk.len() + 1);
                talk.insert(at, example(&mut rng).1);
            }
            d.transcript_en = talk.join(", ") + ".";
        }
    }
    if i.is_multiple_of(NEEDLE_EVERY) {
        if zh {
            d.title_zh.push_str(&needle(i));
        } else {
            d.title_en.push_str(&format!(" {}", needle(i)));
        }
    }
    d
}

/// What a query tests, for the per-class figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum QueryClass {
    ZhText,
    EnText,
    CommonWords,
    TextSubject,
    TextSubjectGrade,
    TextKind,
    KpBrowse,
}

/// Query number `i` of the workload: the mix of a school's searches.
pub(crate) fn query(i: usize) -> (QueryClass, SearchQuery) {
    let mut rng = Rng::new(0x5EA2_C400 + i as u64);
    let (code, _, _, (lo, hi), topics) = subject(&mut rng);
    let topic_idx = rng.skewed(topics.len());
    let (topic_zh, topic_en) = topics[topic_idx];
    let (aspect_zh, aspect_en) = *rng.pick(ASPECTS);
    let mut q = SearchQuery { limit: 20, ..SearchQuery::default() };
    let zh_text =
        |rng: &mut Rng| if rng.below(2) == 0 { topic_zh.to_owned() } else { format!("{topic_zh} {aspect_zh}") };
    let class = match rng.percent() {
        0..25 => {
            q.text = zh_text(&mut rng);
            QueryClass::ZhText
        }
        25..40 => {
            q.text = if rng.below(2) == 0 { topic_en.to_owned() } else { format!("{topic_en} {aspect_en}") };
            QueryClass::EnText
        }
        40..50 => {
            q.text = (*rng.pick(&["期末复习", "练习", "例题 解析", "review", "practice exercises", "同学们 总结"]))
                .to_owned();
            QueryClass::CommonWords
        }
        50..70 => {
            q.text = zh_text(&mut rng);
            q.subjects = vec![(*code).to_owned()];
            QueryClass::TextSubject
        }
        70..85 => {
            q.text = zh_text(&mut rng);
            q.subjects = vec![(*code).to_owned()];
            q.grades = vec![lo + rng.below(usize::from(hi - lo + 1)) as u8];
            QueryClass::TextSubjectGrade
        }
        85..95 => {
            q.text = zh_text(&mut rng);
            q.kinds = vec![*rng.pick(&ResourceKind::ALL)];
            QueryClass::TextKind
        }
        _ => {
            q.kps = vec![format!("{code}.t{topic_idx}.k{}", rng.below(20))];
            QueryClass::KpBrowse
        }
    };
    (class, q)
}
