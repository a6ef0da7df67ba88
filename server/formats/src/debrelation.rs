//! Debian relationship fields: Depends, Pre-Depends, Provides, alternatives, version constraints, arch qualifiers.
//!
//! The resolver walks these fields to build a sysroot's closure. The syntax
//! is Debian Policy §7.1: a comma-separated list of groups, each group a
//! `|`-separated list of alternatives, each alternative
//! `name[:archqual] [(op version)] [[arch list]] [<profiles>...]`.
//! Arch lists and build profiles occur in source packages' Build-Depends;
//! they are parsed and kept so a caller can decide, and a binary index
//! normally has none.

use std::fmt;

use crate::debversion::{Version, VersionError};

/// A version relation operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `<<`
    Earlier,
    /// `<=` (and the obsolete `<`)
    EarlierOrEqual,
    /// `=`
    Equal,
    /// `>=` (and the obsolete `>`)
    LaterOrEqual,
    /// `>>`
    Later,
}

impl Op {
    fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "<<" => Self::Earlier,
            "<=" | "<" => Self::EarlierOrEqual,
            "=" => Self::Equal,
            ">=" | ">" => Self::LaterOrEqual,
            ">>" => Self::Later,
            _ => return None,
        })
    }

    /// The operator as written in a control file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Earlier => "<<",
            Self::EarlierOrEqual => "<=",
            Self::Equal => "=",
            Self::LaterOrEqual => ">=",
            Self::Later => ">>",
        }
    }
}

/// `(op version)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub op: Op,
    pub version: Version,
}

impl Constraint {
    /// Whether `candidate` satisfies this constraint.
    pub fn satisfied_by(&self, candidate: &Version) -> bool {
        let ordering = candidate.cmp(&self.version);
        match self.op {
            Op::Earlier => ordering.is_lt(),
            Op::EarlierOrEqual => ordering.is_le(),
            Op::Equal => ordering.is_eq(),
            Op::LaterOrEqual => ordering.is_ge(),
            Op::Later => ordering.is_gt(),
        }
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({} {})", self.op.as_str(), self.version)
    }
}

/// The `:qualifier` after a package name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchQualifier {
    /// `:any`: satisfied by a `Multi-Arch: allowed` package of any architecture.
    Any,
    /// `:native`: the build architecture (in a sysroot: the target's).
    Native,
    /// An explicit architecture, `:amd64`.
    Arch(String),
}

/// One entry of an `[arch ...]` restriction list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchRestriction {
    /// `!arch` excludes rather than includes.
    pub negated: bool,
    pub arch: String,
}

/// One term of a `<profile ...>` build-profile restriction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileTerm {
    pub negated: bool,
    pub profile: String,
}

/// One alternative: a package name with its optional qualifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub name: String,
    pub arch_qualifier: Option<ArchQualifier>,
    pub constraint: Option<Constraint>,
    /// `[amd64 !i386]`, empty when absent.
    pub arch_restrictions: Vec<ArchRestriction>,
    /// `<!nocheck> <stage1 cross>`: a list of conjunctions (outer: or).
    pub profiles: Vec<Vec<ProfileTerm>>,
}

impl Relation {
    /// Whether an `[arch ...]` list lets this alternative apply on `arch`.
    /// Exact names only: the list's wildcards (`linux-any`) count as
    /// matching, which is right for every Linux port a sysroot serves.
    pub fn applies_to_arch(&self, arch: &str) -> bool {
        if self.arch_restrictions.is_empty() {
            return true;
        }
        let matches = |entry: &ArchRestriction| {
            entry.arch == arch || entry.arch == "any" || entry.arch == "linux-any"
        };
        if self.arch_restrictions.iter().all(|entry| entry.negated) {
            !self.arch_restrictions.iter().any(matches)
        } else {
            self.arch_restrictions
                .iter()
                .any(|entry| !entry.negated && matches(entry))
        }
    }

    /// Whether the build profiles let this alternative apply when the given
    /// profiles are active (none for a sysroot).
    pub fn applies_with_profiles(&self, active: &[&str]) -> bool {
        self.profiles.is_empty()
            || self.profiles.iter().any(|conjunction| {
                conjunction
                    .iter()
                    .all(|term| active.contains(&term.profile.as_str()) != term.negated)
            })
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        match &self.arch_qualifier {
            Some(ArchQualifier::Any) => f.write_str(":any")?,
            Some(ArchQualifier::Native) => f.write_str(":native")?,
            Some(ArchQualifier::Arch(arch)) => write!(f, ":{arch}")?,
            None => {}
        }
        if let Some(constraint) = &self.constraint {
            write!(f, " {constraint}")?;
        }
        Ok(())
    }
}

/// A group of alternatives: `a | b | c` (one of them is needed).
pub type Alternatives = Vec<Relation>;

/// Renders a group the way a control file writes it.
pub fn display_alternatives(group: &[Relation]) -> String {
    group
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Why a relationship field could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelationError {
    #[error("empty alternative in `{0}`")]
    EmptyAlternative(String),
    #[error("invalid package name in `{0}`")]
    BadName(String),
    #[error("unknown relation operator `{op}` in `{text}`")]
    BadOperator { op: String, text: String },
    #[error("unterminated `{delimiter}` in `{text}`")]
    Unterminated { delimiter: char, text: String },
    #[error("bad version in `{text}`: {source}")]
    BadVersion { text: String, source: VersionError },
    #[error("unexpected `{rest}` in `{text}`")]
    Trailing { rest: String, text: String },
}

/// Parses a whole relationship field (`Depends`, `Pre-Depends`, `Provides` …).
/// An empty field is an empty list. Newlines (folded fields) count as spaces.
pub fn parse_relations(text: &str) -> Result<Vec<Alternatives>, RelationError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    // A trailing comma is tolerated, as dpkg does.
    let text = text.strip_suffix(',').unwrap_or(text);
    text.split(',').map(parse_alternatives).collect()
}

/// Parses one group: `a | b (>= 1)`.
pub fn parse_alternatives(text: &str) -> Result<Alternatives, RelationError> {
    text.split('|').map(parse_relation).collect()
}

/// Parses a single alternative: `name[:arch] [(op version)] [[archs]] [<profiles>]`.
pub fn parse_relation(text: &str) -> Result<Relation, RelationError> {
    let original = text.trim();
    if original.is_empty() {
        return Err(RelationError::EmptyAlternative(original.to_owned()));
    }
    let name_end = original
        .find(|c: char| c.is_whitespace() || "([<".contains(c))
        .unwrap_or(original.len());
    let (name, arch_qualifier) = parse_name(&original[..name_end], original)?;
    let mut relation = Relation {
        name,
        arch_qualifier,
        constraint: None,
        arch_restrictions: Vec::new(),
        profiles: Vec::new(),
    };
    let mut rest = original[name_end..].trim_start();
    while let Some(first) = rest.chars().next() {
        let (close, body, after) = match first {
            '(' => take_delimited(rest, ')', original)?,
            '[' => take_delimited(rest, ']', original)?,
            '<' => take_delimited(rest, '>', original)?,
            _ => {
                return Err(RelationError::Trailing {
                    rest: rest.to_owned(),
                    text: original.to_owned(),
                });
            }
        };
        match close {
            ')' if relation.constraint.is_none() => {
                relation.constraint = Some(parse_constraint(body, original)?);
            }
            ']' => relation.arch_restrictions.extend(parse_arch_list(body)),
            '>' => relation.profiles.push(parse_profiles(body)),
            _ => {
                return Err(RelationError::Trailing {
                    rest: rest.to_owned(),
                    text: original.to_owned(),
                });
            }
        }
        rest = after.trim_start();
    }
    Ok(relation)
}

fn parse_name(
    token: &str,
    original: &str,
) -> Result<(String, Option<ArchQualifier>), RelationError> {
    let (name, qualifier) = match token.split_once(':') {
        Some((name, qualifier)) => (name, Some(qualifier)),
        None => (token, None),
    };
    let valid_name = |name: &str| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    };
    if !valid_name(name) || qualifier.is_some_and(|q| !valid_name(q)) {
        return Err(RelationError::BadName(original.to_owned()));
    }
    let qualifier = qualifier.map(|qualifier| match qualifier {
        "any" => ArchQualifier::Any,
        "native" => ArchQualifier::Native,
        arch => ArchQualifier::Arch(arch.to_owned()),
    });
    Ok((name.to_owned(), qualifier))
}

/// Splits `(body)rest` at the matching closing delimiter.
fn take_delimited<'t>(
    text: &'t str,
    close: char,
    original: &str,
) -> Result<(char, &'t str, &'t str), RelationError> {
    let end = text
        .find(close)
        .ok_or_else(|| RelationError::Unterminated {
            delimiter: close,
            text: original.to_owned(),
        })?;
    Ok((close, &text[1..end], &text[end + 1..]))
}

fn parse_constraint(body: &str, original: &str) -> Result<Constraint, RelationError> {
    let body = body.trim();
    let op_end = body
        .find(|c: char| !"<>=".contains(c))
        .unwrap_or(body.len());
    let (op_text, version_text) = body.split_at(op_end);
    let op = Op::parse(op_text).ok_or_else(|| RelationError::BadOperator {
        op: op_text.to_owned(),
        text: original.to_owned(),
    })?;
    let version =
        version_text
            .trim()
            .parse::<Version>()
            .map_err(|source| RelationError::BadVersion {
                text: original.to_owned(),
                source,
            })?;
    Ok(Constraint { op, version })
}

fn parse_arch_list(body: &str) -> impl Iterator<Item = ArchRestriction> + '_ {
    body.split_whitespace()
        .map(|word| match word.strip_prefix('!') {
            Some(arch) => ArchRestriction {
                negated: true,
                arch: arch.to_owned(),
            },
            None => ArchRestriction {
                negated: false,
                arch: word.to_owned(),
            },
        })
}

fn parse_profiles(body: &str) -> Vec<ProfileTerm> {
    body.split_whitespace()
        .map(|word| match word.strip_prefix('!') {
            Some(profile) => ProfileTerm {
                negated: true,
                profile: profile.to_owned(),
            },
            None => ProfileTerm {
                negated: false,
                profile: word.to_owned(),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relations(text: &str) -> Vec<Alternatives> {
        parse_relations(text).expect("valid relations in test")
    }

    #[test]
    fn parses_a_real_depends_line() {
        let groups = relations(
            "libc6 (>= 2.34), libssl3 (= 3.0.15-1~deb12u1), debconf (>= 0.5) | debconf-2.0",
        );
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[0][0].name, "libc6");
        let constraint = groups[1][0].constraint.as_ref().expect("constraint");
        assert_eq!(constraint.op, Op::Equal);
        assert_eq!(constraint.version.to_string(), "3.0.15-1~deb12u1");
        assert_eq!(groups[2].len(), 2);
        assert_eq!(groups[2][1].name, "debconf-2.0");
        assert_eq!(groups[2][1].constraint, None);
        assert_eq!(
            display_alternatives(&groups[2]),
            "debconf (>= 0.5) | debconf-2.0"
        );
    }

    #[test]
    fn parses_every_operator() {
        for (text, op) in [
            ("a (<< 1)", Op::Earlier),
            ("a (<= 1)", Op::EarlierOrEqual),
            ("a (< 1)", Op::EarlierOrEqual),
            ("a (= 1)", Op::Equal),
            ("a (>= 1)", Op::LaterOrEqual),
            ("a (> 1)", Op::LaterOrEqual),
            ("a (>>1)", Op::Later),
        ] {
            let relation = parse_relation(text).expect("valid");
            assert_eq!(relation.constraint.map(|c| c.op), Some(op), "{text}");
        }
        assert!(matches!(
            parse_relation("a (=> 1)"),
            Err(RelationError::BadOperator { .. })
        ));
    }

    #[test]
    fn constraints_compare_with_dpkg_order() {
        let constraint = |text: &str| parse_relation(text).expect("valid").constraint.expect("c");
        let version = |text: &str| text.parse::<Version>().expect("valid");
        assert!(constraint("a (>= 2.34)").satisfied_by(&version("2.36-9+deb12u7")));
        assert!(!constraint("a (>= 2.34)").satisfied_by(&version("2.31-13")));
        assert!(constraint("a (<< 3.1~)").satisfied_by(&version("3.0.15-1")));
        assert!(!constraint("a (<< 3.1~)").satisfied_by(&version("3.1")));
        assert!(constraint("a (= 1.0)").satisfied_by(&version("0:1.0")));
        assert!(!constraint("a (>> 1.0)").satisfied_by(&version("1.0")));
    }

    #[test]
    fn parses_arch_qualifiers_restrictions_and_profiles() {
        let groups = relations(
            "python3:any (>= 3.11~), libfoo-dev:amd64 [amd64 arm64] <!nocheck> <stage1 cross>, bar:native [!i386]",
        );
        assert_eq!(groups[0][0].arch_qualifier, Some(ArchQualifier::Any));
        let foo = &groups[1][0];
        assert_eq!(
            foo.arch_qualifier,
            Some(ArchQualifier::Arch("amd64".to_owned()))
        );
        assert!(foo.applies_to_arch("arm64"));
        assert!(!foo.applies_to_arch("armhf"));
        assert_eq!(foo.profiles.len(), 2);
        assert!(foo.applies_with_profiles(&[]));
        assert!(!foo.applies_with_profiles(&["nocheck"]));
        let bar = &groups[2][0];
        assert_eq!(bar.arch_qualifier, Some(ArchQualifier::Native));
        assert!(!bar.applies_to_arch("i386"));
        assert!(bar.applies_to_arch("arm64"));
    }

    #[test]
    fn tolerates_folding_and_trailing_commas() {
        let groups = relations("libc6 (>= 2.34),\n libgcc-s1 (>= 3.0),");
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[1][0].name, "libgcc-s1");
        assert!(relations("").is_empty());
        assert!(relations("  ").is_empty());
    }

    #[test]
    fn reports_bad_input() {
        assert!(matches!(
            parse_relations("a, , b"),
            Err(RelationError::EmptyAlternative(_))
        ));
        assert!(matches!(
            parse_relations("a | "),
            Err(RelationError::EmptyAlternative(_))
        ));
        assert!(matches!(
            parse_relations("a (>= 1"),
            Err(RelationError::Unterminated { .. })
        ));
        assert!(matches!(
            parse_relations("a (>= )"),
            Err(RelationError::BadVersion { .. })
        ));
        assert!(matches!(
            parse_relations("a b"),
            Err(RelationError::Trailing { .. })
        ));
        assert!(matches!(
            parse_relations("a$"),
            Err(RelationError::BadName(_))
        ));
    }
}
