//! DriverKit version numbers as build settings and `LC_BUILD_VERSION` state them.

use std::fmt;

/// The first DriverKit release whose `IOUserClient.iig` puts `ExternalMethod` on the
/// named queue `IOUserClientQueueExternalMethod` and whose runtime tolerates an unset
/// named queue (xnu-8019, macOS 12).
pub const FIRST_SAFE_RUNTIME: Version = Version::new(21, 0, 0);

/// A DriverKit version such as `20.0` or `21.4.1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// Parses `20`, `20.0` or `20.0.1`, ignoring surrounding quotes and spaces.
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim().trim_matches('"').trim();
        let mut parts = text.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = match parts.next() {
            Some(part) => part.parse().ok()?,
            None => 0,
        };
        let patch = match parts.next() {
            Some(part) => part.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Version::new(major, minor, patch))
    }

    /// Decodes the `xxxx.yy.zz` nibble encoding of `LC_BUILD_VERSION` fields.
    pub fn from_macho(encoded: u32) -> Version {
        Version::new(encoded >> 16, (encoded >> 8) & 0xff, encoded & 0xff)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.patch == 0 {
            write!(f, "{}.{}", self.major, self.minor)
        } else {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }
}

impl serde::Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_common_forms() {
        assert_eq!(Version::parse("20"), Some(Version::new(20, 0, 0)));
        assert_eq!(Version::parse("\"20.0\""), Some(Version::new(20, 0, 0)));
        assert_eq!(Version::parse("21.4.1"), Some(Version::new(21, 4, 1)));
    }

    #[test]
    fn parse_rejects_garbage() {
        assert_eq!(Version::parse("$(inherited)"), None);
        assert_eq!(Version::parse("1.2.3.4"), None);
        assert_eq!(Version::parse(""), None);
    }

    #[test]
    fn macho_encoding_decodes() {
        assert_eq!(Version::from_macho(0x0014_0000), Version::new(20, 0, 0));
        assert_eq!(Version::from_macho(0x0015_0401), Version::new(21, 4, 1));
    }
}
