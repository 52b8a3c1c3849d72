//! Deployment-target versions such as `19.0` or `20.4`.

use std::fmt;

/// A `major.minor.patch` version; missing parts are 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u16,
    pub minor: u8,
    pub patch: u8,
}

impl Version {
    pub const fn new(major: u16, minor: u8) -> Self {
        Version {
            major,
            minor,
            patch: 0,
        }
    }

    /// Parses `MAJOR[.MINOR[.PATCH]]`, the form Xcode uses for
    /// `DRIVERKIT_DEPLOYMENT_TARGET`. Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let major = parse_number(parts.next()?)?;
        let minor = parts.next().map_or(Some(0), parse_number)?;
        let patch = parts.next().map_or(Some(0), parse_number)?;
        if parts.next().is_some() {
            return None;
        }
        Some(Version {
            major: u16::try_from(major).ok()?,
            minor: u8::try_from(minor).ok()?,
            patch: u8::try_from(patch).ok()?,
        })
    }

    /// Decodes the `xxxx.yy.zz` nibble form of Mach-O load commands.
    pub fn from_macho(encoded: u32) -> Self {
        Version {
            major: (encoded >> 16) as u16,
            minor: (encoded >> 8) as u8,
            patch: encoded as u8,
        }
    }
}

fn parse_number(part: &str) -> Option<u32> {
    if part.is_empty() || !part.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if self.patch != 0 {
            write!(f, ".{}", self.patch)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Version;

    #[test]
    fn parse_accepts_xcode_forms() {
        assert_eq!(Version::parse("19"), Some(Version::new(19, 0)));
        assert_eq!(Version::parse("20.0"), Some(Version::new(20, 0)));
        assert_eq!(
            Version::parse("21.2.1"),
            Some(Version {
                major: 21,
                minor: 2,
                patch: 1
            })
        );
    }

    #[test]
    fn parse_rejects_non_versions() {
        for text in [
            "", "abc", "19.", ".1", "19.x", "19.0.0.0", "-19", "19 .0", "99999",
        ] {
            assert_eq!(Version::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn macho_encoding_round_trips() {
        assert_eq!(Version::from_macho(0x0014_0000), Version::new(20, 0));
        assert_eq!(
            Version::from_macho(0x0013_0401),
            Version {
                major: 19,
                minor: 4,
                patch: 1
            }
        );
    }

    #[test]
    fn display_omits_zero_patch() {
        assert_eq!(Version::new(19, 0).to_string(), "19.0");
        assert_eq!(
            Version {
                major: 20,
                minor: 4,
                patch: 2
            }
            .to_string(),
            "20.4.2"
        );
    }
}
