//! The preprocessor probe that mirrors `#ifdef kIOUserClientQueueNameExternalMethod`.
//!
//! The probe preprocesses a one-line program against the SDK's own
//! `IOUserClient.h` with the compiler that builds the shims, so the cfg
//! follows exactly what a dext's C++ sees.

use std::fs;
use std::path::{Path, PathBuf};

use crate::sdk::Sdk;

const MARKER: &str = "dext_compat_probe_queue_name =";

const PROBE: &str = "#include <DriverKit/IOUserClient.h>
#ifdef kIOUserClientQueueNameExternalMethod
dext_compat_probe_queue_name = kIOUserClientQueueNameExternalMethod ;
#endif
";

/// Returns the value of `kIOUserClientQueueNameExternalMethod`, or `None`
/// when the SDK does not define it.
pub fn external_method_queue_name(
    include_dirs: &[PathBuf],
    sdk: &Sdk,
    out_dir: &Path,
) -> Result<Option<String>, String> {
    let source = out_dir.join("probe.cpp");
    fs::write(&source, PROBE)
        .map_err(|error| format!("cannot write {}: {error}", source.display()))?;

    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++17")
        .file(&source)
        .cargo_metadata(false);
    for dir in include_dirs {
        build.include(dir);
    }
    if let Some(sysroot) = sdk.sysroot() {
        build.flag("-isysroot").flag(sysroot);
    }
    let expanded = build.try_expand().map_err(|error| {
        format!(
            "preprocessing <DriverKit/IOUserClient.h> from {} failed: {error}",
            sdk.root.display()
        )
    })?;
    let text = String::from_utf8_lossy(&expanded);

    let Some(line) = text.lines().find(|line| line.contains(MARKER)) else {
        return Ok(None);
    };
    parse_string_literal(line).map(Some).ok_or_else(|| {
        format!(
            "kIOUserClientQueueNameExternalMethod in {} is not a plain string literal (preprocessed: `{}`)",
            sdk.root.display(),
            line.trim()
        )
    })
}

/// Extracts `IOUserClientQueueExternalMethod` from
/// `dext_compat_probe_queue_name = "IOUserClientQueueExternalMethod" ;`.
/// Escapes are not expected in a queue name and are rejected, as is a name
/// that does not fit `IODispatchQueueName` (255 bytes and the NUL).
fn parse_string_literal(line: &str) -> Option<String> {
    let rest = line.split_once(MARKER)?.1.trim();
    let inner = rest.strip_prefix('"')?.split_once('"')?.0;
    let plain = !inner.is_empty()
        && inner.len() <= 255
        && inner
            .bytes()
            .all(|byte| byte.is_ascii_graphic() && byte != b'\\');
    plain.then(|| inner.to_owned())
}
