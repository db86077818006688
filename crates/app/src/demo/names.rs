//! Name material for generated people: common Chinese family names and given-name characters.

/// The most common family names in China, roughly in order of frequency.
pub(super) const FAMILY: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金",
];

/// Characters common in given names.
pub(super) const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "桂", "英", "华", "玉", "萍", "红", "鹏", "辉", "宇", "浩", "欣", "怡", "涵", "子", "梓", "轩", "然",
    "晨", "雨", "思", "佳", "博", "文", "诗", "琪", "嘉", "俊", "瑞", "泽", "航", "睿", "悦", "可", "馨", "一", "若",
    "安", "晴", "阳",
];

/// Grade names as schools write them.
pub(super) const GRADE_NAMES: [&str; 3] = ["七年级", "八年级", "九年级"];

/// The main subjects of junior secondary school: (Chinese name, English name, code).
pub(super) const SUBJECTS: [(&str, &str, &str); 4] = [
    ("语文", "Chinese", "CHN"),
    ("数学", "Mathematics", "MATH"),
    ("英语", "English", "ENG"),
    ("科学", "Science", "SCI"),
];

/// Senior secondary and vocational schools an alumnus may go on to.
pub(super) const DESTINATIONS: &[(&str, &str)] = &[
    ("senior_secondary", "示范县第一高级中学"),
    ("senior_secondary", "示范县第二高级中学"),
    ("senior_secondary", "示范市外国语学校"),
    ("vocational", "示范县职业技术学校"),
    ("vocational", "示范市卫生学校"),
];
