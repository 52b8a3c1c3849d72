//! A parser for the old-style (OpenStep) property list text that `project.pbxproj`
//! is written in: dictionaries `{ key = value; }`, arrays `( a, b, )`, quoted or
//! bare strings, `<hex data>`, and C-style comments.

use std::collections::HashMap;

/// A parsed value. Strings keep their 1-based line for locations in the report.
#[derive(Debug, Clone)]
pub enum Value {
    String(String, u32),
    Array(Vec<Value>),
    Dict(Dict),
}

#[derive(Debug, Clone, Default)]
pub struct Dict {
    pub entries: HashMap<String, Value>,
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text, _) => Some(text),
            _ => None,
        }
    }

    pub fn line(&self) -> Option<u32> {
        match self {
            Value::String(_, line) => Some(*line),
            _ => None,
        }
    }

    pub fn as_dict(&self) -> Option<&Dict> {
        match self {
            Value::Dict(dict) => Some(dict),
            _ => None,
        }
    }

    pub fn as_array(&self) -> &[Value] {
        match self {
            Value::Array(items) => items,
            _ => &[],
        }
    }
}

impl Dict {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.get(key)
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    pub fn dict(&self, key: &str) -> Option<&Dict> {
        self.get(key).and_then(Value::as_dict)
    }
}

/// Parses a whole old-style property list; the error names the line.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut parser = PlistParser {
        bytes: text.as_bytes(),
        position: 0,
        line: 1,
    };
    let value = parser.value(0)?;
    parser.skip_space()?;
    if parser.position < parser.bytes.len() {
        return Err(parser.error("unexpected text after the top-level value"));
    }
    Ok(value)
}

/// Nesting deeper than this is rejected; real project files nest about six levels.
const MAX_DEPTH: usize = 256;

struct PlistParser<'a> {
    bytes: &'a [u8],
    position: usize,
    line: u32,
}

impl PlistParser<'_> {
    fn error(&self, message: &str) -> String {
        format!("line {}: {message}", self.line)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn advance(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.position += 1;
        if byte == b'\n' {
            self.line += 1;
        }
        Some(byte)
    }

    fn skip_space(&mut self) -> Result<(), String> {
        loop {
            match (self.peek(), self.bytes.get(self.position + 1).copied()) {
                (Some(b'/'), Some(b'/')) => {
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.advance();
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    self.advance();
                    self.advance();
                    loop {
                        match self.advance() {
                            Some(b'*') if self.peek() == Some(b'/') => {
                                self.advance();
                                break;
                            }
                            Some(_) => {}
                            None => return Err(self.error("unterminated comment")),
                        }
                    }
                }
                (Some(byte), _) if byte.is_ascii_whitespace() => {
                    self.advance();
                }
                _ => return Ok(()),
            }
        }
    }

    fn expect(&mut self, wanted: u8) -> Result<(), String> {
        self.skip_space()?;
        if self.peek() == Some(wanted) {
            self.advance();
            Ok(())
        } else {
            Err(self.error(&format!("expected `{}`", wanted as char)))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("nesting is too deep"));
        }
        self.skip_space()?;
        match self.peek() {
            Some(b'{') => self.dict(depth),
            Some(b'(') => self.array(depth),
            Some(b'"') | Some(b'\'') => self.quoted(),
            Some(b'<') => self.data(),
            Some(_) => self.bare(),
            None => Err(self.error("unexpected end of file")),
        }
    }

    fn dict(&mut self, depth: usize) -> Result<Value, String> {
        self.advance();
        let mut dict = Dict::default();
        loop {
            self.skip_space()?;
            if self.peek() == Some(b'}') {
                self.advance();
                return Ok(Value::Dict(dict));
            }
            let key = match self.value(depth + 1)? {
                Value::String(key, _) => key,
                _ => return Err(self.error("a dictionary key must be a string")),
            };
            self.expect(b'=')?;
            let value = self.value(depth + 1)?;
            self.expect(b';')?;
            dict.entries.insert(key, value);
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        self.advance();
        let mut items = Vec::new();
        loop {
            self.skip_space()?;
            if self.peek() == Some(b')') {
                self.advance();
                return Ok(Value::Array(items));
            }
            items.push(self.value(depth + 1)?);
            self.skip_space()?;
            match self.peek() {
                Some(b',') => {
                    self.advance();
                }
                Some(b')') => {}
                _ => return Err(self.error("expected `,` or `)` in an array")),
            }
        }
    }

    fn quoted(&mut self) -> Result<Value, String> {
        let line = self.line;
        let quote = self.advance().unwrap_or(b'"');
        let mut bytes = Vec::new();
        loop {
            match self.advance() {
                Some(b'\\') => match self.advance() {
                    Some(b'n') => bytes.push(b'\n'),
                    Some(b't') => bytes.push(b'\t'),
                    Some(other) => bytes.push(other),
                    None => return Err(self.error("unterminated string")),
                },
                Some(byte) if byte == quote => break,
                Some(byte) => bytes.push(byte),
                None => return Err(self.error("unterminated string")),
            }
        }
        Ok(Value::String(
            String::from_utf8_lossy(&bytes).into_owned(),
            line,
        ))
    }

    fn data(&mut self) -> Result<Value, String> {
        let line = self.line;
        let start = self.position;
        while let Some(byte) = self.advance() {
            if byte == b'>' {
                let text = String::from_utf8_lossy(&self.bytes[start..self.position]);
                return Ok(Value::String(text.into_owned(), line));
            }
        }
        Err(self.error("unterminated `<data>`"))
    }

    fn bare(&mut self) -> Result<Value, String> {
        let line = self.line;
        let start = self.position;
        while self.peek().is_some_and(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'/' | b'.' | b':' | b'-' | b'+')
        }) {
            self.advance();
        }
        if start == self.position {
            return Err(self.error("unexpected character"));
        }
        let text = String::from_utf8_lossy(&self.bytes[start..self.position]);
        Ok(Value::String(text.into_owned(), line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_values_with_lines() {
        let value = parse(
            "// !$*UTF8*$!\n{\n\tobjects = {\n\t\tA /* x */ = { isa = Foo; list = (B, \"C d\", ); };\n\t};\n}\n",
        )
        .unwrap();
        let objects = value.as_dict().unwrap().dict("objects").unwrap();
        let a = objects.dict("A").unwrap();
        assert_eq!(a.str("isa"), Some("Foo"));
        assert_eq!(a.get("list").unwrap().as_array().len(), 2);
        assert_eq!(a.get("isa").unwrap().line(), Some(4));
    }

    #[test]
    fn reports_errors_with_line() {
        let error = parse("{\n a = b\n}").unwrap_err();
        assert!(error.starts_with("line 3"), "{error}");
    }
}
