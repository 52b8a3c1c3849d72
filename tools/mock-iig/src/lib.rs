//! A stand-in for Apple's `iig`, for building a dext's C++ against the mock
//! DriverKit SDK on machines without Xcode.
//!
//! Real iig compiles each `.iig` file into a C++ header, the RPC glue and a
//! class description. The mock SDK declares RPC methods so that a `.iig`
//! class body is valid C++ as written, so this tool only has to:
//! - write `<Name>.h` for each `<Name>.iig`: the same text, with
//!   `using super = Base;` added to each class body, as iig's output provides;
//! - write one source file that expands `DEXT_MOCK_DEFINE_CLASS` for every
//!   class and returns the list, which the simulated runtime registers.
//!
//! It recognises `class Name : public Base {` outside comments, which is the
//! form dext classes take; anything else in the file is copied unchanged.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// A class found in an `.iig` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub name: String,
    pub superclass: String,
    pub iig: PathBuf,
}

/// The files [`generate`] wrote.
#[derive(Debug)]
pub struct Output {
    /// The directory holding the headers; pass it with `-I`.
    pub header_dir: PathBuf,
    /// The source file with the class descriptions; compile it with the dext.
    pub classes_source: PathBuf,
    pub classes: Vec<Class>,
}

#[derive(Debug)]
pub enum Error {
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    NotUtf8 {
        path: PathBuf,
    },
    NoClass {
        path: PathBuf,
    },
    BadName {
        path: PathBuf,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Read { path, source } => {
                write!(formatter, "cannot read {}: {source}", path.display())
            }
            Error::Write { path, source } => {
                write!(formatter, "cannot write {}: {source}", path.display())
            }
            Error::NotUtf8 { path } => write!(formatter, "{} is not UTF-8 text", path.display()),
            Error::NoClass { path } => {
                write!(
                    formatter,
                    "{} declares no `class Name : public Base {{`",
                    path.display()
                )
            }
            Error::BadName { path } => write!(
                formatter,
                "{} has no file stem to name its header",
                path.display()
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Writes the headers and the class-description source for `iig_files`
/// into `out_dir`. `table_function` names the C function that returns the
/// descriptions: `const DextMockClassDescription *const *NAME(size_t *count)`.
pub fn generate(
    iig_files: &[PathBuf],
    out_dir: &Path,
    table_function: &str,
) -> Result<Output, Error> {
    let header_dir = out_dir.to_path_buf();
    fs::create_dir_all(&header_dir).map_err(|source| Error::Write {
        path: header_dir.clone(),
        source,
    })?;

    let mut classes = Vec::new();
    let mut headers = Vec::new();
    for iig in iig_files {
        let bytes = fs::read(iig).map_err(|source| Error::Read {
            path: iig.clone(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|_| Error::NotUtf8 { path: iig.clone() })?;
        let (header, found) = translate(&text);
        if found.is_empty() {
            return Err(Error::NoClass { path: iig.clone() });
        }

        let stem = iig
            .file_stem()
            .and_then(|stem| stem.to_str())
            .ok_or_else(|| Error::BadName { path: iig.clone() })?;
        let header_name = format!("{stem}.h");
        let header_path = header_dir.join(&header_name);
        let contents = format!(
            "// Written by mock-iig from {}; edit the .iig instead.\n#line 1 \"{}\"\n{header}",
            iig.display(),
            iig.display()
        );
        write_if_changed(&header_path, &contents)?;
        headers.push(header_name);
        classes.extend(found.into_iter().map(|(name, superclass)| Class {
            name,
            superclass,
            iig: iig.clone(),
        }));
    }

    let classes_source = header_dir.join("mock_iig_classes.cpp");
    write_if_changed(
        &classes_source,
        &classes_cpp(&headers, &classes, table_function),
    )?;
    Ok(Output {
        header_dir,
        classes_source,
        classes,
    })
}

/// Returns the header text and the `(class, superclass)` pairs found.
fn translate(text: &str) -> (String, Vec<(String, String)>) {
    let code = blank_comments(text);
    let mut found = Vec::new();
    let mut insertions = Vec::new();

    let mut search_from = 0;
    while let Some(offset) = find_word(&code[search_from..], "class") {
        let start = search_from + offset + "class".len();
        search_from = start;
        let mut tokens = Tokens {
            text: &code,
            position: start,
        };
        let (Some(name), Some(":"), Some("public"), Some(base), Some("{")) = (
            tokens.next(),
            tokens.next(),
            tokens.next(),
            tokens.next(),
            tokens.next(),
        ) else {
            continue;
        };
        found.push((name.to_owned(), base.to_owned()));
        // Same line as the brace, so compiler messages keep the .iig's line numbers.
        insertions.push((tokens.position, format!(" using super = {base};")));
    }

    let mut header = text.to_owned();
    for (position, insertion) in insertions.into_iter().rev() {
        header.insert_str(position, &insertion);
    }
    (header, found)
}

/// Replaces the contents of comments with spaces, keeping every offset.
fn blank_comments(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index..].starts_with(b"//") {
            while index < bytes.len() && bytes[index] != b'\n' {
                out[index] = b' ';
                index += 1;
            }
        } else if bytes[index..].starts_with(b"/*") {
            let end = text[index + 2..]
                .find("*/")
                .map_or(bytes.len(), |end| index + 2 + end + 2);
            for byte in &mut out[index..end] {
                if *byte != b'\n' {
                    *byte = b' ';
                }
            }
            index = end;
        } else {
            index += 1;
        }
    }
    // Only ASCII bytes were replaced, by ASCII spaces, and whole characters
    // were replaced, so the result is still UTF-8 in practice; fall back to a
    // lossy copy rather than fail on a multi-byte character inside a comment.
    String::from_utf8(out)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(offset) = text[from..].find(word) {
        let start = from + offset;
        let end = start + word.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let is_identifier =
            |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if !is_identifier(before) && !is_identifier(after) {
            return Some(start);
        }
        from = end;
    }
    None
}

/// Identifiers and single punctuation characters, skipping whitespace.
struct Tokens<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = &self.text[self.position..];
        let skipped = rest.len() - rest.trim_start().len();
        let start = self.position + skipped;
        let first = self.text[start..].chars().next()?;
        let length = if first.is_ascii_alphanumeric() || first == '_' {
            self.text[start..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(self.text.len() - start)
        } else {
            first.len_utf8()
        };
        self.position = start + length;
        Some(&self.text[start..start + length])
    }
}

fn classes_cpp(headers: &[String], classes: &[Class], table_function: &str) -> String {
    let mut source = String::from(
        "// Written by mock-iig: the class descriptions iig would emit for this dext.\n\
         #include <stddef.h>\n\n#include <DriverKit/IOUserClient.h>\n\n",
    );
    for header in headers {
        source.push_str(&format!("#include \"{header}\"\n"));
    }
    source.push('\n');
    for class in classes {
        source.push_str(&format!(
            "DEXT_MOCK_DEFINE_CLASS({}, {});\n",
            class.name, class.superclass
        ));
    }
    source.push_str(&format!(
        "\nextern \"C\" const DextMockClassDescription *const *{table_function}(size_t *count)\n{{\n    \
         static const DextMockClassDescription *const classes[] = {{\n"
    ));
    for class in classes {
        source.push_str(&format!(
            "        &{}_DextMockClassDescription,\n",
            class.name
        ));
    }
    source.push_str(
        "    };\n    *count = sizeof(classes) / sizeof(classes[0]);\n    return classes;\n}\n",
    );
    source
}

/// Leaves an unchanged file alone, so the C++ compiler's inputs keep their
/// timestamps and cargo does not rebuild for nothing.
fn write_if_changed(path: &Path, contents: &str) -> Result<(), Error> {
    if fs::read_to_string(path).is_ok_and(|existing| existing == contents) {
        return Ok(());
    }
    fs::write(path, contents).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translate_adds_super_to_each_class() {
        let text = "// class Commented : public IOService {\nclass A : public IOService\n{\n};\nclass B;\nclass C : public A {};\n";
        let (header, found) = translate(text);
        assert_eq!(
            found,
            vec![
                ("A".to_owned(), "IOService".to_owned()),
                ("C".to_owned(), "A".to_owned())
            ]
        );
        assert!(
            header.contains("{ using super = IOService;\n};"),
            "{header}"
        );
        assert!(
            header.contains("class C : public A { using super = A;};"),
            "{header}"
        );
        assert_eq!(header.lines().count(), text.lines().count());
    }

    #[test]
    fn translate_skips_block_comments() {
        let (_, found) = translate("/* class X : public Y { */ class Z : public IOService { };");
        assert_eq!(found, vec![("Z".to_owned(), "IOService".to_owned())]);
    }
}
