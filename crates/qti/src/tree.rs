//! An owned element tree in QTI 3.0 vocabulary, read from QTI 3.0 or converted from QTI 2.x.

use crate::error::QtiError;

/// QTI namespaces this crate reads.
pub(crate) const NS_V3: &str = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0";
pub(crate) const NS_V21: &str = "http://www.imsglobal.org/xsd/imsqti_v2p1";
pub(crate) const NS_V22: &str = "http://www.imsglobal.org/xsd/imsqti_v2p2";

/// The QTI version a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QtiVersion {
    V2_1,
    V2_2,
    V3_0,
}

/// An element with QTI 3.0 names (`qti-choice-interaction`, `response-identifier`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct El {
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) children: Vec<Child>,
    pub(crate) line: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Child {
    El(El),
    Text(String),
}

impl El {
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub(crate) fn required(&self, name: &'static str) -> Result<&str, QtiError> {
        self.attr(name).ok_or_else(|| QtiError::MissingAttribute {
            line: self.line,
            element: self.name.clone(),
            attribute: name,
        })
    }

    pub(crate) fn elements(&self) -> impl Iterator<Item = &El> {
        self.children.iter().filter_map(|c| match c {
            Child::El(e) => Some(e),
            Child::Text(_) => None,
        })
    }

    pub(crate) fn child(&self, name: &str) -> Option<&El> {
        self.elements().find(|e| e.name == name)
    }

    pub(crate) fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> {
        self.elements().filter(move |e| e.name == name)
    }

    /// Every descendant element, depth first, in document order.
    pub(crate) fn descendants(&self) -> Vec<&El> {
        let mut out = Vec::new();
        let mut stack: Vec<&El> = self.elements().collect();
        stack.reverse();
        while let Some(e) = stack.pop() {
            out.push(e);
            let mut kids: Vec<&El> = e.elements().collect();
            kids.reverse();
            stack.extend(kids);
        }
        out
    }

    /// All text inside, with whitespace runs collapsed to single spaces.
    pub(crate) fn text(&self) -> String {
        let mut raw = String::new();
        collect_text(self, &mut raw);
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

fn collect_text(el: &El, out: &mut String) {
    for c in &el.children {
        match c {
            Child::Text(t) => out.push_str(t),
            Child::El(e) => {
                out.push(' ');
                collect_text(e, out);
                out.push(' ');
            }
        }
    }
}

/// Parses a QTI document and returns its root in QTI 3.0 vocabulary, with the version read.
pub(crate) fn parse(xml: &str) -> Result<(El, QtiVersion), QtiError> {
    let options = roxmltree::ParsingOptions { allow_dtd: false, ..roxmltree::ParsingOptions::default() };
    let doc = roxmltree::Document::parse_with_options(xml, options).map_err(|e| {
        let pos = e.pos();
        QtiError::Xml { line: pos.row, column: pos.col, message: e.to_string() }
    })?;
    let root = doc.root_element();
    let ns = root.tag_name().namespace().unwrap_or("");
    let version = match ns {
        NS_V3 => QtiVersion::V3_0,
        NS_V21 => QtiVersion::V2_1,
        NS_V22 => QtiVersion::V2_2,
        "" if root.tag_name().name() == "qti-assessment-item" => QtiVersion::V3_0,
        "" if root.tag_name().name() == "assessmentItem" => QtiVersion::V2_1,
        other => {
            return if matches!(root.tag_name().name(), "qti-assessment-item" | "assessmentItem") {
                Err(QtiError::UnknownNamespace(other.to_string()))
            } else {
                Err(QtiError::NotAnItem { root: root.tag_name().name().to_string() })
            };
        }
    };
    let el = convert(&doc, root, version, ns);
    if el.name != "qti-assessment-item" {
        return Err(QtiError::NotAnItem { root: root.tag_name().name().to_string() });
    }
    Ok((el, version))
}

fn convert(doc: &roxmltree::Document<'_>, node: roxmltree::Node<'_, '_>, version: QtiVersion, qti_ns: &str) -> El {
    let local = node.tag_name().name();
    let in_qti = node.tag_name().namespace().unwrap_or("") == qti_ns;
    let v2 = version != QtiVersion::V3_0;
    let name = if v2 && in_qti && is_qti2_name(local) { format!("qti-{}", kebab(local)) } else { local.to_string() };
    let attrs = node
        .attributes()
        .map(|a| {
            let key = if v2 && in_qti && a.namespace().is_none() { kebab(a.name()) } else { a.name().to_string() };
            (key, a.value().to_string())
        })
        .collect();
    let line = doc.text_pos_at(node.range().start).row;
    let mut children = Vec::new();
    for child in node.children() {
        if child.is_element() {
            children.push(Child::El(convert(doc, child, version, qti_ns)));
        } else if let Some(t) = child.text().filter(|_| child.is_text()) {
            children.push(Child::Text(t.to_string()));
        }
    }
    El { name, attrs, children, line }
}

/// QTI 2.x element names that are QTI vocabulary (camelCase ones always are; a few are
/// lower-case words); everything else in the namespace is HTML content (`p`, `div`, `img`).
fn is_qti2_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        || matches!(
            name,
            "value"
                | "prompt"
                | "gap"
                | "mapping"
                | "correct"
                | "variable"
                | "match"
                | "sum"
                | "product"
                | "subtract"
                | "divide"
                | "and"
                | "or"
                | "not"
                | "gt"
                | "gte"
                | "lt"
                | "lte"
                | "inside"
                | "member"
                | "contains"
                | "delete"
                | "index"
                | "min"
                | "max"
                | "power"
                | "round"
                | "truncate"
                | "null"
                | "default"
                | "multiple"
                | "ordered"
                | "random"
                | "equal"
                | "stylesheet"
        )
}

/// `responseIdentifier` → `response-identifier`.
pub(crate) fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (k, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if k > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
