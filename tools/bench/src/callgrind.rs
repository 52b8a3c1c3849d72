//! Reads callgrind output files (format version 1, as described in
//! valgrind's "Callgrind Format Specification") and splits the instructions
//! of one collected call into the caller's own code and the runtime calls it
//! makes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The call graph of one callgrind output file: each function's self cost
/// and its outgoing calls, in instructions (`Ir`).
#[derive(Debug, Default)]
pub struct Profile {
    /// The `summary:` or `totals:` line, which is the whole collected cost.
    pub total: u64,
    pub functions: BTreeMap<String, Function>,
}

#[derive(Debug, Default)]
pub struct Function {
    pub self_cost: u64,
    /// Callee name to the call count and the inclusive cost of those calls.
    pub calls: BTreeMap<String, Call>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    pub count: u64,
    pub inclusive: u64,
}

/// A line of the file that could not be read.
#[derive(Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "line {}: {}", self.line, self.message)
    }
}

impl Profile {
    /// Parses the text of a callgrind output file that has an `Ir` event.
    pub fn parse(text: &str) -> Result<Profile, ParseError> {
        let mut profile = Profile::default();
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        let mut positions = 1;
        let mut ir_column: Option<usize> = None;
        let mut current: Option<String> = None;
        // Set by `cfn=` and `calls=`: the next cost line is that call's
        // inclusive cost.
        let mut callee: Option<String> = None;
        let mut pending_call: Option<(String, u64)> = None;
        let mut summary: Option<u64> = None;
        let mut totals: Option<u64> = None;

        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            let error = |message: String| ParseError {
                line: number,
                message,
            };
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }

            if let Some(rest) = line.strip_prefix("positions:") {
                positions = rest.split_whitespace().count();
            } else if let Some(rest) = line.strip_prefix("events:") {
                ir_column = rest.split_whitespace().position(|event| event == "Ir");
                if ir_column.is_none() {
                    return Err(error(format!(
                        "the events `{}` do not include Ir; run callgrind with its default \
                         events, which count instructions",
                        rest.trim()
                    )));
                }
            } else if let Some(rest) = line.strip_prefix("summary:") {
                summary =
                    Some(first_number(rest).ok_or_else(|| error("unreadable summary".into()))?);
            } else if let Some(rest) = line.strip_prefix("totals:") {
                totals = Some(first_number(rest).ok_or_else(|| error("unreadable totals".into()))?);
            } else if let Some(rest) = line.strip_prefix("fn=") {
                let name = resolve_name(&mut names, rest).map_err(error)?;
                profile.functions.entry(name.clone()).or_default();
                current = Some(name);
                callee = None;
                pending_call = None;
            } else if let Some(rest) = line.strip_prefix("cfn=") {
                callee = Some(resolve_name(&mut names, rest).map_err(error)?);
            } else if let Some(rest) = line.strip_prefix("calls=") {
                let count = first_number(rest)
                    .ok_or_else(|| error(format!("unreadable call count in `{line}`")))?;
                let name = callee
                    .clone()
                    .ok_or_else(|| error("calls= without a preceding cfn=".into()))?;
                pending_call = Some((name, count));
            } else if starts_cost_line(line) {
                let ir_column = ir_column
                    .ok_or_else(|| error("a cost line before the events: header".into()))?;
                let cost = cost_at(line, positions + ir_column)
                    .ok_or_else(|| error(format!("unreadable cost line `{line}`")))?;
                let function = current
                    .as_ref()
                    .ok_or_else(|| error("a cost line before any fn=".into()))?;
                let entry = profile.functions.entry(function.clone()).or_default();
                match pending_call.take() {
                    Some((name, count)) => {
                        let call = entry.calls.entry(name).or_default();
                        call.count += count;
                        call.inclusive += cost;
                    }
                    None => entry.self_cost += cost,
                }
            }
            // Other lines (ob=, fl=, fi=, fe=, cob=, cfi=, jump=, desc: and
            // the other headers) do not change the call graph by name.
        }

        profile.total = match (totals, summary) {
            (Some(total), _) | (None, Some(total)) => total,
            (None, None) => profile
                .functions
                .values()
                .map(|function| function.self_cost)
                .sum(),
        };
        Ok(profile)
    }

    /// The one function that `pattern` names, in callgrind's
    /// `--toggle-collect` syntax: a name, or a prefix followed by `*`. An
    /// error names the candidates when there is none or more than one.
    pub fn find_function(&self, pattern: &str) -> Result<&str, String> {
        let matches: Vec<&str> = self
            .functions
            .keys()
            .map(String::as_str)
            .filter(|name| matches_pattern(name, pattern))
            .collect();
        match matches.as_slice() {
            [name] => Ok(name),
            [] => Err(format!("no function matches `{pattern}` in the profile")),
            _ => Err(format!(
                "{} functions match `{pattern}` in the profile: {}",
                matches.len(),
                matches.join(", ")
            )),
        }
    }

    /// Splits the collected cost of `root` into its own code and the calls
    /// into `is_runtime` functions, counting each runtime call once with
    /// everything below it.
    ///
    /// The root's own code is every function reachable from it without
    /// passing through a runtime function: the helper's Rust and C++ code,
    /// or the reference's body.
    pub fn split(&self, root: &str, is_runtime: impl Fn(&str) -> bool) -> Split {
        let mut own = BTreeSet::new();
        let mut stack = vec![root.to_string()];
        let mut runtime_calls: BTreeMap<String, Call> = BTreeMap::new();
        while let Some(name) = stack.pop() {
            if !own.insert(name.clone()) {
                continue;
            }
            let Some(function) = self.functions.get(&name) else {
                continue;
            };
            for (callee, call) in &function.calls {
                if is_runtime(callee) {
                    let entry = runtime_calls.entry(callee.clone()).or_default();
                    entry.count += call.count;
                    entry.inclusive += call.inclusive;
                } else if !own.contains(callee) {
                    stack.push(callee.clone());
                }
            }
        }

        let runtime: u64 = runtime_calls.values().map(|call| call.inclusive).sum();
        Split {
            own_functions: own.into_iter().collect(),
            runtime,
            runtime_calls,
            own: self.total.saturating_sub(runtime),
        }
    }

    /// Counts the calls with a collected cost into functions named by
    /// `is_match`, anywhere in the profile.
    pub fn count_calls(&self, is_match: impl Fn(&str) -> bool) -> u64 {
        self.functions
            .values()
            .flat_map(|function| function.calls.iter())
            .filter(|(callee, call)| call.inclusive > 0 && is_match(callee))
            .map(|(_, call)| call.count)
            .sum()
    }
}

/// The cost of one collected call, split at the runtime boundary.
#[derive(Debug, PartialEq, Eq)]
pub struct Split {
    /// The functions counted as the caller's own code.
    pub own_functions: Vec<String>,
    /// Instructions outside the runtime calls.
    pub own: u64,
    /// Instructions inside the runtime calls.
    pub runtime: u64,
    pub runtime_calls: BTreeMap<String, Call>,
}

/// Tells whether `name` matches a `--toggle-collect` pattern whose only wildcard
/// is a trailing `*`.
pub fn matches_pattern(name: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

/// Resolves callgrind's name compression: `(id) name` defines an id, `(id)`
/// refers to one, and a plain name has no id.
fn resolve_name(names: &mut BTreeMap<String, String>, text: &str) -> Result<String, String> {
    let text = text.trim();
    let Some(rest) = text.strip_prefix('(') else {
        return Ok(text.to_string());
    };
    let (id, name) = rest
        .split_once(')')
        .ok_or_else(|| format!("unterminated name id in `{text}`"))?;
    let name = name.trim();
    if name.is_empty() {
        names
            .get(id)
            .cloned()
            .ok_or_else(|| format!("name id ({id}) used before it was defined"))
    } else {
        names.insert(id.to_string(), name.to_string());
        Ok(name.to_string())
    }
}

/// Tells whether a line is a cost line, which starts with a position: a
/// number, a relative `+N` or `-N`, or `*` for the same position.
fn starts_cost_line(line: &str) -> bool {
    line.starts_with(|character: char| {
        character.is_ascii_digit() || matches!(character, '+' | '-' | '*')
    })
}

/// Reads whitespace column `column` of a cost line. A missing trailing
/// column is 0, as the format allows.
fn cost_at(line: &str, column: usize) -> Option<u64> {
    match line.split_whitespace().nth(column) {
        Some(field) => parse_number(field),
        None => Some(0),
    }
}

fn first_number(text: &str) -> Option<u64> {
    text.split_whitespace().next().and_then(parse_number)
}

/// Parses a decimal or `0x` hexadecimal number, as the format allows.
fn parse_number(text: &str) -> Option<u64> {
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shortened real file: main calls the fix, which calls two runtime
    /// functions; one runtime function calls an internal one.
    const SAMPLE: &str = "\
# callgrind format
version: 1
positions: line
events: Ir
summary: 70

ob=(1) /probe
fl=(1) ???
fn=(1) main
cfn=(2) fix(IOUserClient*)
calls=1 0
0 70

fn=(2)
0 9
cfn=(3) IOService::CopyDispatchQueue(char const*)
calls=1 0
0 40
+2 3
cfn=(4) helper_step
calls=2 0
* 18

fn=(4)
4 10
cfn=(5) OSMetaClassBase::release() const
calls=1 0
0 8

fn=(3)
0 30
cfn=(5)
calls=1 0
0 10

fn=(5)
0 18
";

    #[test]
    fn parse_reads_compressed_names() {
        let profile = Profile::parse(SAMPLE).unwrap();
        assert_eq!(profile.total, 70);
        let names: Vec<&str> = profile.functions.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "IOService::CopyDispatchQueue(char const*)",
                "OSMetaClassBase::release() const",
                "fix(IOUserClient*)",
                "helper_step",
                "main"
            ]
        );
    }

    #[test]
    fn parse_separates_self_and_call_costs() {
        let profile = Profile::parse(SAMPLE).unwrap();
        let fix = &profile.functions["fix(IOUserClient*)"];
        assert_eq!(fix.self_cost, 12);
        assert_eq!(
            fix.calls["helper_step"],
            Call {
                count: 2,
                inclusive: 18
            }
        );
        assert_eq!(profile.functions["helper_step"].self_cost, 10);
    }

    #[test]
    fn split_counts_runtime_once() {
        let profile = Profile::parse(SAMPLE).unwrap();
        let is_runtime =
            |name: &str| name.starts_with("IOService::") || name.starts_with("OSMetaClassBase::");
        let split = profile.split("fix(IOUserClient*)", is_runtime);
        // CopyDispatchQueue 40 (its internal release call included) and the
        // release that helper_step makes, 8.
        assert_eq!(split.runtime, 48);
        assert_eq!(split.own, 22);
        assert_eq!(
            split.runtime_calls["OSMetaClassBase::release() const"].count,
            1
        );
        assert_eq!(split.own_functions, ["fix(IOUserClient*)", "helper_step"]);
    }

    #[test]
    fn totals_line_wins_over_summary() {
        let text = "events: Ir\nsummary: 5\nfn=a\n0 7\ntotals: 7\n";
        assert_eq!(Profile::parse(text).unwrap().total, 7);
    }

    #[test]
    fn missing_ir_event_is_an_error() {
        let error = Profile::parse("events: Dr Dw\n").unwrap_err();
        assert_eq!(error.line, 1);
        assert!(
            error.message.contains("do not include Ir"),
            "{}",
            error.message
        );
    }

    #[test]
    fn undefined_name_id_is_an_error() {
        let error = Profile::parse("events: Ir\nfn=(7)\n").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.message.contains("(7)"), "{}", error.message);
    }

    #[test]
    fn hex_and_multi_event_costs() {
        let text = "positions: instr line\nevents: Dr Ir\nfn=a\n0x10 3 5 0x20\n+4 * 1\n";
        let profile = Profile::parse(text).unwrap();
        // The second line has no Ir column, which counts as 0.
        assert_eq!(profile.functions["a"].self_cost, 32);
    }

    #[test]
    fn find_function_reports_ambiguity() {
        let profile = Profile::parse(SAMPLE).unwrap();
        assert_eq!(
            profile.find_function("fix(*").unwrap(),
            "fix(IOUserClient*)"
        );
        assert!(
            profile
                .find_function("fix")
                .unwrap_err()
                .contains("no function")
        );
        assert!(
            profile
                .find_function("*")
                .unwrap_err()
                .contains("5 functions")
        );
    }
}
