//! Extracts classes, function definitions and queue-setting calls from C++ and iig
//! sources with tree-sitter's C++ grammar.
//!
//! iig files are C++ with annotations that the grammar does not know (`LOCAL`,
//! `QUEUENAME(...)`, ...). Those are blanked out before parsing, as the
//! preprocessor would; positions and line numbers stay the same.

use tree_sitter::{Node, Parser, Tree};

use crate::preproc::{self, Expr, Requirement};
use crate::report::FixStyle;

/// The string value of `kIOUserClientQueueNameExternalMethod` in the DriverKit 21+ SDK.
pub const EXTERNAL_METHOD_QUEUE: &str = "IOUserClientQueueExternalMethod";
/// The macro the DriverKit 21+ SDK defines for that queue name.
pub const EXTERNAL_METHOD_QUEUE_MACRO: &str = "kIOUserClientQueueNameExternalMethod";

/// iig annotations that expand to nothing for a C++ compiler.
const IIG_WORDS: &[&str] = &["KERNEL", "LOCAL", "LOCALONLY", "REMOTE", "LOCALHOST"];
/// iig annotations written like function-like macros, blanked with their arguments.
const IIG_CALLS: &[&str] = &["QUEUENAME", "TYPE"];

/// A class or struct definition.
#[derive(Debug, Clone)]
pub struct ClassDecl {
    pub name: String,
    pub bases: Vec<String>,
    pub line: u32,
}

/// A function body, the functions it calls and the queue-setting calls in it.
#[derive(Debug, Default)]
pub struct FunctionDef {
    /// The class for `Class::Method`, `IMPL(Class, Method)` or an inline method.
    pub class: Option<String>,
    /// The method name without iig's `_Impl` suffix.
    pub name: String,
    pub line: u32,
    pub calls: Vec<String>,
    pub candidates: Vec<CandidateCall>,
    /// The body calls `IODispatchQueue::Create`.
    pub creates_queue: bool,
    /// The body calls `CopyDispatchQueue`.
    pub copies_queue: bool,
}

impl FunctionDef {
    pub fn qualified_name(&self) -> String {
        match &self.class {
            Some(class) => format!("{class}::{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// The queue name argument of a call, before macros are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameArg {
    Literal(String),
    Identifier(String),
    Other(String),
}

/// A call that sets a named queue, which becomes a fix once its queue name is known
/// to be the ExternalMethod queue.
#[derive(Debug, Clone)]
pub struct CandidateCall {
    /// The callee as written, such as `dext_compat::ensure_external_method_queue`.
    pub api: String,
    pub style: FixStyle,
    /// `None` for helpers that always name the ExternalMethod queue.
    pub queue_name: Option<NameArg>,
    pub line: u32,
    /// Byte offset of the call in the file, for conditions found after the walk.
    pub byte: usize,
    pub commented_out: bool,
    /// Preprocessor conditions around the call, innermost first.
    pub requirements: Vec<Requirement>,
}

/// Everything the audit takes from one file.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub classes: Vec<ClassDecl>,
    pub functions: Vec<FunctionDef>,
    /// Candidate calls outside any function body.
    pub loose_candidates: Vec<CandidateCall>,
    /// `#define` names with their replacement text.
    pub defines: Vec<(String, Option<String>)>,
}

/// Creates a parser for the C++ grammar.
pub fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_cpp::LANGUAGE.into())
        .expect("the bundled tree-sitter-cpp grammar matches the tree-sitter version");
    parser
}

/// Parses one source file. `is_iig` enables blanking of iig annotations.
pub fn parse_source(parser: &mut Parser, bytes: &[u8], is_iig: bool) -> Option<ParsedFile> {
    let mut source = normalize_line_endings(bytes);
    if is_iig {
        blank_iig_annotations(&mut source);
    }
    let tree = parser.parse(&source, None)?;
    let mut extractor = Extractor {
        source: &source,
        file: ParsedFile::default(),
        comments: Vec::new(),
        stray_directives: Vec::new(),
    };
    extractor.walk(&tree);
    let Extractor {
        mut file,
        comments,
        stray_directives,
        ..
    } = extractor;
    apply_stray_directives(&mut file, &stray_directives);

    // Comments are parsed after the walk, as C++ of their own, so that a call that
    // was commented out is recognised by the same rules as live code.
    for (function, line, text) in comments {
        let found = parse_comment(parser, &text, line);
        match function {
            Some(index) => file.functions[index].candidates.extend(found),
            None => file.loose_candidates.extend(found),
        }
    }
    Some(file)
}

/// Turns CRLF into LF and lone CR into LF, so line numbers match editors and the
/// grammar's line-based preprocessor rules work.
fn normalize_line_endings(bytes: &[u8]) -> Vec<u8> {
    let mut output = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter().peekable();
    while let Some(&byte) = iter.next() {
        if byte == b'\r' {
            if iter.peek() == Some(&&b'\n') {
                continue;
            }
            output.push(b'\n');
        } else {
            output.push(byte);
        }
    }
    output
}

fn is_ident_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Replaces iig-only annotations with spaces, keeping newlines.
fn blank_iig_annotations(source: &mut [u8]) {
    let mut index = 0;
    while index < source.len() {
        if !is_ident_byte(source[index]) || source[index].is_ascii_digit() {
            index += 1;
            continue;
        }
        let start = index;
        while index < source.len() && is_ident_byte(source[index]) {
            index += 1;
        }
        let word = &source[start..index];
        if IIG_WORDS.iter().any(|w| w.as_bytes() == word) {
            blank(&mut source[start..index]);
        } else if IIG_CALLS.iter().any(|w| w.as_bytes() == word) {
            let mut end = index;
            while end < source.len() && source[end] == b' ' {
                end += 1;
            }
            if end < source.len() && source[end] == b'(' {
                let mut depth = 0usize;
                while end < source.len() {
                    match source[end] {
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                end += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    end += 1;
                }
                blank(&mut source[start..end]);
                index = end;
            }
        }
    }
}

fn blank(bytes: &mut [u8]) {
    for byte in bytes {
        if *byte != b'\n' {
            *byte = b' ';
        }
    }
}

fn text(node: Node, source: &[u8]) -> String {
    String::from_utf8_lossy(&source[node.byte_range()]).into_owned()
}

fn line_of(node: Node) -> u32 {
    u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX)
}

struct Extractor<'s> {
    source: &'s [u8],
    file: ParsedFile,
    /// Comments that may contain a call: enclosing function, line, text.
    comments: Vec<(Option<usize>, u32, String)>,
    /// Conditional directives the grammar could not attach to a `preproc_if`.
    stray_directives: Vec<StrayDirective>,
}

/// A conditional directive outside any `preproc_if` node. The grammar leaves
/// these when it cannot read a condition, such as `__has_include(<...>)`: the
/// `#if` lands in an ERROR node and its `#endif` in a `preproc_call`.
#[derive(Debug)]
enum StrayDirective {
    Open { byte: usize, text: String },
    Else { byte: usize },
    Close { byte: usize },
}

impl StrayDirective {
    fn byte(&self) -> usize {
        match self {
            StrayDirective::Open { byte, .. }
            | StrayDirective::Else { byte }
            | StrayDirective::Close { byte } => *byte,
        }
    }
}

/// Adds an unknown requirement for every stray `#if` still open at each call.
fn apply_stray_directives(file: &mut ParsedFile, directives: &[StrayDirective]) {
    if directives.is_empty() {
        return;
    }
    let candidates = file
        .functions
        .iter_mut()
        .flat_map(|f| f.candidates.iter_mut())
        .chain(file.loose_candidates.iter_mut())
        .filter(|c| !c.commented_out);
    for candidate in candidates {
        let mut open: Vec<(&str, bool)> = Vec::new();
        for directive in directives.iter().take_while(|d| d.byte() < candidate.byte) {
            match directive {
                StrayDirective::Open { text, .. } => open.push((text, true)),
                StrayDirective::Else { .. } => {
                    if let Some(last) = open.last_mut() {
                        last.1 = false;
                    }
                }
                StrayDirective::Close { .. } => {
                    open.pop();
                }
            }
        }
        for (text, must_hold) in open {
            candidate.requirements.push(Requirement {
                expr: Expr::Unknown,
                must_hold,
                text: text.to_string(),
            });
        }
    }
}

impl Extractor<'_> {
    /// Visits every node once, iteratively, so deeply nested input cannot exhaust
    /// the stack.
    fn walk(&mut self, tree: &Tree) {
        let mut stack: Vec<(Node, Option<usize>, Option<usize>)> =
            vec![(tree.root_node(), None, None)];

        while let Some((node, function, class)) = stack.pop() {
            let mut function = function;
            let mut class = class;
            match node.kind() {
                "class_specifier" | "struct_specifier" => {
                    if let Some(index) = self.class_decl(node) {
                        class = Some(index);
                    }
                }
                "function_definition" => {
                    let class_name = class.map(|i| self.file.classes[i].name.clone());
                    if let Some((owner, name)) = function_identity(node, self.source, class_name) {
                        self.file.functions.push(FunctionDef {
                            class: owner,
                            name,
                            line: line_of(node),
                            ..FunctionDef::default()
                        });
                        function = Some(self.file.functions.len() - 1);
                    }
                }
                "call_expression" => self.call(node, function),
                "comment" => self.comment(node, function),
                "preproc_def" | "preproc_function_def" => self.define(node),
                "ERROR" | "preproc_call" => self.stray_directive(node),
                _ => {}
            }

            let mut cursor = node.walk();
            let children: Vec<Node> = node.children(&mut cursor).collect();
            for child in children.into_iter().rev() {
                stack.push((child, function, class));
            }
        }
    }

    fn class_decl(&mut self, node: Node) -> Option<usize> {
        let name = node.child_by_field_name("name")?;
        node.child_by_field_name("body")?;
        let mut bases = Vec::new();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.kind() != "base_class_clause" {
                continue;
            }
            let mut base_cursor = child.walk();
            for base in child.named_children(&mut base_cursor) {
                let base_name = match base.kind() {
                    "type_identifier" => text(base, self.source),
                    "qualified_identifier" => last_segment(&text(base, self.source)),
                    "template_type" => match base.child_by_field_name("name") {
                        Some(name) => text(name, self.source),
                        None => continue,
                    },
                    _ => continue,
                };
                bases.push(base_name);
            }
        }
        self.file.classes.push(ClassDecl {
            name: last_segment(&text(name, self.source)),
            bases,
            line: line_of(name),
        });
        Some(self.file.classes.len() - 1)
    }

    fn call(&mut self, node: Node, function: Option<usize>) {
        let Some((scope, name)) = callee(node, self.source) else {
            return;
        };
        let candidate = classify_call(node, self.source, scope.as_deref(), &name).map(
            |(api, style, queue_name)| CandidateCall {
                api,
                style,
                queue_name,
                line: line_of(node),
                byte: node.start_byte(),
                commented_out: false,
                requirements: requirements_of(node, self.source),
            },
        );

        let Some(index) = function else {
            self.file.loose_candidates.extend(candidate);
            return;
        };
        let def = &mut self.file.functions[index];
        if name == "Create"
            && scope
                .as_deref()
                .is_some_and(|s| s.ends_with("IODispatchQueue"))
        {
            def.creates_queue = true;
        }
        if name == "CopyDispatchQueue" {
            def.copies_queue = true;
        }
        def.calls.push(name);
        def.candidates.extend(candidate);
    }

    fn comment(&mut self, node: Node, function: Option<usize>) {
        let body = text(node, self.source);
        if body.contains("SetDispatchQueue") || body.contains("ensure_") {
            self.comments.push((function, line_of(node), body));
        }
    }

    fn stray_directive(&mut self, node: Node) {
        let Some(first) = node.child(0) else {
            return;
        };
        let directive = match first.kind() {
            "preproc_directive" => text(first, self.source),
            kind => kind.to_string(),
        };
        let byte = node.start_byte();
        let entry = match directive.as_str() {
            "#if" | "#ifdef" | "#ifndef" => StrayDirective::Open {
                byte,
                text: text(node, self.source)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string(),
            },
            "#else" | "#elif" | "#elifdef" | "#elifndef" => StrayDirective::Else { byte },
            "#endif" => StrayDirective::Close { byte },
            _ => return,
        };
        self.stray_directives.push(entry);
    }

    fn define(&mut self, node: Node) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let value = node
            .child_by_field_name("value")
            .map(|value| text(value, self.source).trim().to_string());
        self.file.defines.push((text(name, self.source), value));
    }
}

fn last_segment(name: &str) -> String {
    name.rsplit("::").next().unwrap_or(name).trim().to_string()
}

fn strip_impl(name: &str) -> String {
    name.strip_suffix("_Impl").unwrap_or(name).to_string()
}

/// Finds the class and method a function definition defines.
fn function_identity(
    node: Node,
    source: &[u8],
    class_context: Option<String>,
) -> Option<(Option<String>, String)> {
    let mut declarator = node.child_by_field_name("declarator")?;
    while declarator.kind() != "function_declarator" {
        declarator = declarator.child_by_field_name("declarator").or_else(|| {
            declarator
                .named_child(u32::try_from(declarator.named_child_count().checked_sub(1)?).ok()?)
        })?;
    }
    let inner = declarator.child_by_field_name("declarator")?;

    // `IMPL(Class, Method)(...)` parses as a call-like declarator inside another.
    if inner.kind() == "function_declarator"
        && let Some(identity) = impl_macro(inner, source)
    {
        return Some(identity);
    }
    if inner.kind() == "identifier" && text(inner, source) == "IMPL" {
        return impl_macro(declarator, source);
    }
    match inner.kind() {
        "qualified_identifier" => {
            let full = text(inner, source);
            let full = full.trim_start_matches("::");
            let (scope, name) = full.rsplit_once("::")?;
            Some((Some(last_segment(scope)), strip_impl(name.trim())))
        }
        "identifier" => Some((None, text(inner, source))),
        "field_identifier" => Some((class_context, strip_impl(&text(inner, source)))),
        _ => None,
    }
}

fn impl_macro(declarator: Node, source: &[u8]) -> Option<(Option<String>, String)> {
    let name = declarator.child_by_field_name("declarator")?;
    if name.kind() != "identifier" || text(name, source) != "IMPL" {
        return None;
    }
    let parameters = declarator.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let arguments: Vec<String> = parameters
        .named_children(&mut cursor)
        .filter(|child| child.kind() != "comment")
        .map(|child| text(child, source).trim().to_string())
        .collect();
    match arguments.as_slice() {
        [class, method] => Some((Some(class.clone()), strip_impl(method))),
        _ => None,
    }
}

/// Returns the scope (if written) and the name of the function a call invokes.
fn callee(call: Node, source: &[u8]) -> Option<(Option<String>, String)> {
    let function = call.child_by_field_name("function")?;
    match function.kind() {
        "identifier" => Some((None, text(function, source))),
        "qualified_identifier" => {
            let full = text(function, source);
            let full = full.trim_start_matches("::");
            match full.rsplit_once("::") {
                Some((scope, name)) => {
                    Some((Some(scope.trim().to_string()), name.trim().to_string()))
                }
                None => Some((None, full.to_string())),
            }
        }
        "field_expression" => function
            .child_by_field_name("field")
            .map(|field| (None, text(field, source))),
        _ => None,
    }
}

/// Recognises a call that sets a named queue: the library's helpers, through
/// either API, and `SetDispatchQueue`.
fn classify_call(
    call: Node,
    source: &[u8],
    scope: Option<&str>,
    name: &str,
) -> Option<(String, FixStyle, Option<NameArg>)> {
    let in_library_namespace = scope.is_none_or(|s| s.trim_start_matches("::") == "dext_compat");
    let (style, name_index) = match name {
        "ensure_external_method_queue" | "ensure_external_method_queue_with_options"
            if in_library_namespace =>
        {
            (FixStyle::LibraryCxx, None)
        }
        "ensure_named_queue" if in_library_namespace => (FixStyle::LibraryCxx, Some(1)),
        "dext_compat_ensure_external_method_queue"
        | "dext_compat_ensure_external_method_queue_with_options" => (FixStyle::LibraryC, None),
        "dext_compat_ensure_named_queue" => (FixStyle::LibraryC, Some(1)),
        "SetDispatchQueue" => (FixStyle::SetDispatchQueue, Some(0)),
        _ => return None,
    };

    let api = match (style, scope) {
        (FixStyle::LibraryCxx, _) => format!("dext_compat::{name}"),
        (_, Some(scope)) => format!("{scope}::{name}"),
        (_, None) => name.to_string(),
    };
    let queue_name = match name_index {
        Some(index) => Some(argument(call, source, index)?),
        None => None,
    };
    Some((api, style, queue_name))
}

fn argument(call: Node, source: &[u8], index: usize) -> Option<NameArg> {
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let node = arguments
        .named_children(&mut cursor)
        .filter(|child| child.kind() != "comment")
        .nth(index)?;
    Some(name_arg(node, source))
}

fn name_arg(node: Node, source: &[u8]) -> NameArg {
    match node.kind() {
        "string_literal" | "concatenated_string" => {
            let mut value = String::new();
            let mut stack = vec![node];
            while let Some(current) = stack.pop() {
                if current.kind() == "string_content" {
                    value.push_str(&text(current, source));
                }
                let mut cursor = current.walk();
                let children: Vec<Node> = current.named_children(&mut cursor).collect();
                stack.extend(children.into_iter().rev());
            }
            NameArg::Literal(value)
        }
        "identifier" => NameArg::Identifier(text(node, source)),
        "parenthesized_expression" => match node.named_child(0) {
            Some(inner) => name_arg(inner, source),
            None => NameArg::Other(text(node, source)),
        },
        _ => NameArg::Other(text(node, source)),
    }
}

/// Collects the preprocessor conditions around `node`, innermost first.
fn requirements_of(node: Node, source: &[u8]) -> Vec<Requirement> {
    let mut requirements = Vec::new();
    let mut child = node;
    while let Some(parent) = child.parent() {
        let kind = parent.kind();
        if matches!(
            kind,
            "preproc_if" | "preproc_ifdef" | "preproc_elif" | "preproc_elifdef"
        ) {
            let in_alternative = parent.child_by_field_name("alternative") == Some(child);
            if let Some((expr, directive)) = condition_of(parent, source) {
                requirements.push(Requirement {
                    expr,
                    must_hold: !in_alternative,
                    text: directive,
                });
            }
        }
        child = parent;
    }
    requirements
}

fn condition_of(node: Node, source: &[u8]) -> Option<(Expr, String)> {
    let directive = text(node.child(0)?, source);
    match node.kind() {
        "preproc_if" | "preproc_elif" => {
            let condition = node.child_by_field_name("condition")?;
            let expr = preproc::expr_from_node(condition, source);
            Some((
                expr,
                format!("{directive} {}", text(condition, source).trim()),
            ))
        }
        _ => {
            let name = text(node.child_by_field_name("name")?, source);
            let defined = Expr::Defined(name.clone());
            let expr = if directive.ends_with("ndef") {
                Expr::Not(Box::new(defined))
            } else {
                defined
            };
            Some((expr, format!("{directive} {name}")))
        }
    }
}

/// Finds calls in a comment's text by parsing it as C++.
fn parse_comment(parser: &mut Parser, comment: &str, first_line: u32) -> Vec<CandidateCall> {
    let code = strip_comment_markers(comment);
    let Some(tree) = parser.parse(code.as_bytes(), None) else {
        return Vec::new();
    };
    let source = code.as_bytes();
    let mut found = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.kind() == "call_expression"
            && let Some((scope, name)) = callee(node, source)
            && let Some((api, style, queue_name)) =
                classify_call(node, source, scope.as_deref(), &name)
        {
            found.push(CandidateCall {
                api,
                style,
                queue_name,
                line: first_line + line_of(node) - 1,
                byte: 0,
                commented_out: true,
                requirements: Vec::new(),
            });
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    found
}

/// Removes `//`, `/*`, `*/` and leading `*` so the rest reads as code; line breaks
/// stay in place.
fn strip_comment_markers(comment: &str) -> String {
    let body = comment
        .strip_prefix("/*")
        .map(|rest| rest.strip_suffix("*/").unwrap_or(rest))
        .unwrap_or(comment);
    body.lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let trimmed = trimmed.strip_prefix("//").unwrap_or(trimmed);
            let trimmed = trimmed.trim_start_matches('/');
            match trimmed.trim_start().strip_prefix('*') {
                Some(rest) if !rest.starts_with('/') => rest.to_string(),
                _ => trimmed.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str, is_iig: bool) -> ParsedFile {
        parse_source(&mut new_parser(), source.as_bytes(), is_iig).expect("parse")
    }

    #[test]
    fn iig_annotations_do_not_hide_classes() {
        let file = parse(
            "class KERNEL Foo : public IOUserClient {\n\
             public:\n  virtual kern_return_t Start(IOService *p) override LOCAL;\n\
             virtual kern_return_t ExternalMethod() QUEUENAME(IOUserClientQueueExternalMethod);\n};\n\
             class Bar : public Foo, public OSObject {};\n",
            true,
        );
        let names: Vec<_> = file
            .classes
            .iter()
            .map(|c| (c.name.as_str(), c.bases.clone()))
            .collect();
        assert_eq!(names[0], ("Foo", vec!["IOUserClient".to_string()]));
        assert_eq!(
            names[1],
            ("Bar", vec!["Foo".to_string(), "OSObject".to_string()])
        );
        assert_eq!(file.classes[1].line, 6);
    }

    #[test]
    fn impl_and_qualified_definitions_are_named() {
        let file = parse(
            "kern_return_t IMPL(A, Start)\n{ return 0; }\n\
             kern_return_t IMPL(B, Start)(IOService *p) { return 0; }\n\
             bool C::init() { return true; }\n\
             kern_return_t D::Start_Impl(IOService_Start_Args) { return 0; }\n\
             static void helper(IOService *s) {}\n",
            false,
        );
        let names: Vec<_> = file
            .functions
            .iter()
            .map(FunctionDef::qualified_name)
            .collect();
        assert_eq!(
            names,
            ["A::Start", "B::Start", "C::init", "D::Start", "helper"]
        );
    }

    #[test]
    fn calls_in_comments_are_found() {
        let file = parse(
            "bool C::init() {\n  // SetDispatchQueue(kIOUserClientQueueNameExternalMethod, q);\n\
             /*\n * dext_compat_ensure_external_method_queue(this);\n */\n  return true;\n}\n",
            false,
        );
        let candidates = &file.functions[0].candidates;
        assert_eq!(candidates.len(), 2);
        assert!(candidates.iter().all(|c| c.commented_out));
        assert_eq!(candidates[0].line, 2);
        assert_eq!(candidates[1].line, 4);
    }

    #[test]
    fn crlf_keeps_line_numbers() {
        let file = parse(
            "\r\nbool C::init()\r\n{\r\n#if 0\r\n  ensure_external_method_queue(*this);\r\n#endif\r\n}\r\n",
            false,
        );
        let candidate = &file.functions[0].candidates[0];
        assert_eq!(candidate.line, 5);
        assert_eq!(candidate.requirements.len(), 1);
    }

    #[test]
    fn queue_name_arguments_are_read() {
        let file = parse(
            "void f() {\n SetDispatchQueue(\"IOUserClientQueueExternalMethod\", q);\n\
             dext_compat::ensure_named_queue(*this, kIOUserClientQueueNameExternalMethod, 0);\n\
             other::ensure_named_queue(x, y, z);\n}\n",
            false,
        );
        let names: Vec<_> = file.functions[0]
            .candidates
            .iter()
            .map(|c| c.queue_name.clone())
            .collect();
        assert_eq!(
            names,
            [
                Some(NameArg::Literal(EXTERNAL_METHOD_QUEUE.to_string())),
                Some(NameArg::Identifier(EXTERNAL_METHOD_QUEUE_MACRO.to_string())),
            ]
        );
    }
}
