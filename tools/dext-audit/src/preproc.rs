//! Preprocessor conditions around a fix, and the rule that decides whether the
//! compiler compiles it.
//!
//! The rule, kept simple on purpose: a macro counts as defined when a scanned
//! source file `#define`s it, when a build setting defines it
//! (`GCC_PREPROCESSOR_DEFINITIONS`, or `-D` in `OTHER_CFLAGS` or
//! `OTHER_CPLUSPLUSFLAGS`), when `--define` names it, or when it is one of the SDK
//! macros in [`SDK_MACROS`]. Names reserved for the compiler (`__x`, `_X`) and
//! anything else the audit cannot evaluate, such as `__has_include(...)`, are
//! unknown, and a fix behind an unknown condition counts as present with a
//! caveat. Every other macro is undefined, so `#ifdef NAME` is false and
//! `#ifndef NAME` is true.

use std::collections::HashMap;

use tree_sitter::Node;

/// Macros the DriverKit SDK defines, with the value `#if` evaluates them to. `None` is a macro
/// without a numeric value. `kIOUserClientQueueNameExternalMethod` exists only in
/// SDK 21 and later and is handled by [`Macros::new`].
const SDK_MACROS: &[(&str, Option<i64>)] = &[
    ("TARGET_OS_DRIVERKIT", Some(1)),
    ("kIOServiceDefaultQueueName", None),
];

/// A preprocessor condition in a form that outlives the syntax tree.
#[derive(Clone, Debug)]
pub enum Expr {
    Number(i64),
    Macro(String),
    Defined(String),
    Not(Box<Expr>),
    Binary(String, Box<Expr>, Box<Expr>),
    Unknown,
}

/// One condition a piece of code needs, such as "`#if 0` is true".
#[derive(Clone, Debug)]
pub struct Requirement {
    pub expr: Expr,
    pub must_hold: bool,
    /// The directive as written, for messages: `#ifndef SAMPLE_DEXT_WITHOUT_FIX`.
    pub text: String,
}

impl Requirement {
    /// Describes the requirement for a reader: the directive, or the `#else` of it.
    pub fn describe(&self) -> String {
        if self.must_hold {
            format!("`{}`", self.text)
        } else {
            format!("the `#else` of `{}`", self.text)
        }
    }
}

/// Three-valued truth: the audit may not know a macro's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

/// The macros known to be defined, with their numeric values where known.
#[derive(Debug, Default)]
pub struct Macros {
    defined: HashMap<String, Option<i64>>,
}

impl Macros {
    /// Starts from the SDK macros. `external_method_name` is true when the SDK
    /// defines `kIOUserClientQueueNameExternalMethod` (SDK 21 and later).
    pub fn new(external_method_name: bool) -> Self {
        let mut macros = Macros::default();
        for (name, value) in SDK_MACROS {
            macros.defined.insert((*name).to_string(), *value);
        }
        if external_method_name {
            macros
                .defined
                .insert("kIOUserClientQueueNameExternalMethod".to_string(), None);
        }
        macros
    }

    /// Records `NAME` or `NAME=VALUE`.
    pub fn define(&mut self, definition: &str) {
        let (name, value) = match definition.split_once('=') {
            Some((name, value)) => (name, parse_number(value)),
            None => (definition, Some(1)),
        };
        let name = name.trim();
        if !name.is_empty() {
            self.defined.insert(name.to_string(), value);
        }
    }

    /// Records a `#define` seen in a source file.
    pub fn define_from_source(&mut self, name: &str, value: Option<&str>) {
        let value = value.and_then(parse_number);
        self.defined.entry(name.to_string()).or_insert(value);
    }

    fn is_defined(&self, name: &str) -> Truth {
        if self.defined.contains_key(name) {
            Truth::True
        } else if is_reserved(name) {
            Truth::Unknown
        } else {
            Truth::False
        }
    }

    fn value(&self, name: &str) -> Option<i64> {
        match self.defined.get(name) {
            Some(value) => *value,
            None if is_reserved(name) => None,
            // The C preprocessor replaces an undefined identifier in `#if` with 0.
            None => Some(0),
        }
    }
}

fn is_reserved(name: &str) -> bool {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some('_'), Some(second)) => second == '_' || second.is_ascii_uppercase(),
        _ => false,
    }
}

fn parse_number(text: &str) -> Option<i64> {
    let text = text
        .trim()
        .trim_end_matches(['u', 'U', 'l', 'L'])
        .to_ascii_lowercase();
    if let Some(hex) = text.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else {
        text.parse().ok()
    }
}

/// Converts a `#if` condition node into an [`Expr`].
pub fn expr_from_node(node: Node, source: &[u8]) -> Expr {
    match node.kind() {
        "number_literal" => parse_number(&node_text(node, source))
            .map(Expr::Number)
            .unwrap_or(Expr::Unknown),
        "true" => Expr::Number(1),
        "false" => Expr::Number(0),
        "identifier" => Expr::Macro(node_text(node, source)),
        "preproc_defined" => match node.named_child(0) {
            Some(name) => Expr::Defined(node_text(name, source)),
            None => Expr::Unknown,
        },
        "parenthesized_expression" => match node.named_child(0) {
            Some(inner) => expr_from_node(inner, source),
            None => Expr::Unknown,
        },
        "unary_expression" => {
            let operator = node
                .child_by_field_name("operator")
                .map(|op| node_text(op, source));
            match (operator.as_deref(), node.child_by_field_name("argument")) {
                (Some("!"), Some(argument)) => {
                    Expr::Not(Box::new(expr_from_node(argument, source)))
                }
                _ => Expr::Unknown,
            }
        }
        "binary_expression" => {
            let parts = (
                node.child_by_field_name("left"),
                node.child_by_field_name("operator"),
                node.child_by_field_name("right"),
            );
            match parts {
                (Some(left), Some(operator), Some(right)) => Expr::Binary(
                    node_text(operator, source),
                    Box::new(expr_from_node(left, source)),
                    Box::new(expr_from_node(right, source)),
                ),
                _ => Expr::Unknown,
            }
        }
        _ => Expr::Unknown,
    }
}

fn node_text(node: Node, source: &[u8]) -> String {
    String::from_utf8_lossy(&source[node.byte_range()]).into_owned()
}

/// Evaluates `expr` as `#if` would, with `None` for an unknown value.
fn value_of(expr: &Expr, macros: &Macros) -> Option<i64> {
    match expr {
        Expr::Number(value) => Some(*value),
        Expr::Macro(name) => macros.value(name),
        Expr::Defined(name) => match macros.is_defined(name) {
            Truth::True => Some(1),
            Truth::False => Some(0),
            Truth::Unknown => None,
        },
        Expr::Not(inner) => value_of(inner, macros).map(|value| i64::from(value == 0)),
        Expr::Binary(operator, left, right) => {
            // `&&` and `||` decide with one known side, as the preprocessor does.
            let left = value_of(left, macros);
            let right = value_of(right, macros);
            match operator.as_str() {
                "&&" => match (left, right) {
                    (Some(0), _) | (_, Some(0)) => Some(0),
                    (Some(_), Some(_)) => Some(1),
                    _ => None,
                },
                "||" => match (left, right) {
                    (Some(l), _) if l != 0 => Some(1),
                    (_, Some(r)) if r != 0 => Some(1),
                    (Some(_), Some(_)) => Some(0),
                    _ => None,
                },
                _ => binary_value(operator, left?, right?),
            }
        }
        Expr::Unknown => None,
    }
}

fn binary_value(operator: &str, left: i64, right: i64) -> Option<i64> {
    let value = match operator {
        "==" => i64::from(left == right),
        "!=" => i64::from(left != right),
        "<" => i64::from(left < right),
        "<=" => i64::from(left <= right),
        ">" => i64::from(left > right),
        ">=" => i64::from(left >= right),
        "+" => left.checked_add(right)?,
        "-" => left.checked_sub(right)?,
        "*" => left.checked_mul(right)?,
        _ => return None,
    };
    Some(value)
}

/// Evaluates a condition to three-valued truth.
pub fn truth(expr: &Expr, macros: &Macros) -> Truth {
    match value_of(expr, macros) {
        Some(0) => Truth::False,
        Some(_) => Truth::True,
        None => Truth::Unknown,
    }
}

/// The combined effect of the conditions around one piece of code.
#[derive(Debug, PartialEq, Eq)]
pub enum Reach {
    Compiled,
    /// Some condition could not be evaluated; the text names them.
    Unknown(String),
    /// A condition is known to exclude the code; the text names it.
    Excluded(String),
}

/// Decides whether code behind `requirements` (outermost last) is compiled.
pub fn reach(requirements: &[Requirement], macros: &Macros) -> Reach {
    let mut unknown = Vec::new();
    for requirement in requirements {
        let wanted = if requirement.must_hold {
            Truth::True
        } else {
            Truth::False
        };
        match truth(&requirement.expr, macros) {
            Truth::Unknown => unknown.push(requirement.describe()),
            actual if actual != wanted => {
                let state = if requirement.must_hold {
                    "false"
                } else {
                    "true"
                };
                return Reach::Excluded(format!(
                    "{} (the condition is {state})",
                    requirement.describe()
                ));
            }
            _ => {}
        }
    }
    if unknown.is_empty() {
        Reach::Compiled
    } else {
        Reach::Unknown(format!(
            "{} (cannot evaluate; assumed compiled)",
            unknown.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirement(expr: Expr, must_hold: bool) -> Requirement {
        Requirement {
            expr,
            must_hold,
            text: "test".to_string(),
        }
    }

    #[test]
    fn undefined_macro_is_false() {
        let macros = Macros::new(true);
        let ifdef = requirement(Expr::Defined("SAMPLE_DEXT_WITHOUT_FIX".into()), false);
        assert_eq!(reach(&[ifdef], &macros), Reach::Compiled);
    }

    #[test]
    fn defined_macro_excludes_ifndef() {
        let mut macros = Macros::new(true);
        macros.define("SAMPLE_DEXT_WITHOUT_FIX");
        let ifndef = requirement(Expr::Defined("SAMPLE_DEXT_WITHOUT_FIX".into()), false);
        assert!(matches!(reach(&[ifndef], &macros), Reach::Excluded(_)));
    }

    #[test]
    fn if_zero_excludes() {
        let macros = Macros::new(true);
        let if_zero = requirement(Expr::Number(0), true);
        assert!(matches!(reach(&[if_zero], &macros), Reach::Excluded(_)));
    }

    #[test]
    fn reserved_names_are_unknown() {
        let macros = Macros::new(true);
        let expr = Expr::Defined("__DRIVERKIT_21_0".into());
        assert_eq!(truth(&expr, &macros), Truth::Unknown);
    }

    #[test]
    fn and_with_false_side_is_false() {
        let macros = Macros::new(true);
        let expr = Expr::Binary(
            "&&".into(),
            Box::new(Expr::Unknown),
            Box::new(Expr::Number(0)),
        );
        assert_eq!(truth(&expr, &macros), Truth::False);
    }

    #[test]
    fn sdk_queue_name_follows_sdk() {
        let expr = Expr::Defined("kIOUserClientQueueNameExternalMethod".into());
        assert_eq!(truth(&expr, &Macros::new(true)), Truth::True);
        assert_eq!(truth(&expr, &Macros::new(false)), Truth::False);
    }
}
