//! OneRoster vocabularies and how they map onto Inkstone's records.

use records::{EnrollmentRole, OrgKind, Role};

/// The users.csv extension column that carries the national student id (OneRoster allows extra
/// `metadata.*` columns after the standard ones).
pub const NATIONAL_ID_COLUMN: &str = "metadata.nationalStudentId";

/// OneRoster 1.2 role words that mean an administrator; which Inkstone role they become depends on
/// the organisation they hold it in (see [`admin_role_for_org`]).
pub const ADMIN_ROLE_NAMES: [&str; 4] =
    ["principal", "siteAdministrator", "districtAdministrator", "systemAdministrator"];

/// The organisation kind of an `orgs.csv` type.
pub fn org_kind(s: &str) -> Option<OrgKind> {
    Some(match s {
        "national" => OrgKind::National,
        "state" => OrgKind::Province,
        "district" | "local" => OrgKind::County,
        "school" => OrgKind::School,
        "department" => OrgKind::Department,
        _ => return None,
    })
}

/// The `orgs.csv` type for an organisation kind.
pub fn org_type_name(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::National => "national",
        OrgKind::Province => "state",
        OrgKind::County => "district",
        OrgKind::School => "school",
        OrgKind::Department => "department",
    }
}

/// The administrator role that holding an admin role in an organisation of `kind` gives.
pub fn admin_role_for_org(kind: OrgKind) -> Role {
    match kind {
        OrgKind::National => Role::NationalAdmin,
        OrgKind::Province => Role::ProvinceAdmin,
        OrgKind::County => Role::CountyAdmin,
        OrgKind::School | OrgKind::Department => Role::SchoolAdmin,
    }
}

/// The Inkstone role for a OneRoster 1.2 role word held in an organisation of `kind`.
pub fn person_role(s: &str, kind: OrgKind) -> Option<Role> {
    Some(match s {
        "student" => Role::Student,
        "teacher" => Role::Teacher,
        "aide" | "proctor" => Role::Aide,
        "guardian" | "parent" | "relative" => Role::Guardian,
        "counselor" => Role::Counselor,
        s if ADMIN_ROLE_NAMES.contains(&s) => admin_role_for_org(kind),
        _ => return None,
    })
}

/// The OneRoster 1.2 role word for an Inkstone role.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Student => "student",
        Role::Guardian => "guardian",
        Role::Teacher => "teacher",
        Role::Aide => "aide",
        Role::Counselor => "counselor",
        Role::SchoolAdmin => "siteAdministrator",
        Role::CountyAdmin => "districtAdministrator",
        Role::ProvinceAdmin | Role::NationalAdmin => "systemAdministrator",
    }
}

/// The Inkstone enrollment role for an `enrollments.csv` role. Proctors and class-level
/// administrators become aides: they see the roster but do not own the class.
pub fn enrollment_role(s: &str) -> Option<EnrollmentRole> {
    Some(match s {
        "student" => EnrollmentRole::Student,
        "teacher" => EnrollmentRole::Teacher,
        "aide" | "proctor" | "administrator" => EnrollmentRole::Aide,
        _ => return None,
    })
}

/// Whether `s` is a grade code OneRoster accepts (the CEDS list, or an `ext:` extension).
pub(crate) fn is_grade(s: &str) -> bool {
    const CEDS: [&str; 22] = [
        "IT", "PR", "PK", "TK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13",
        "PS", "UG", "Other", "Ungraded",
    ];
    CEDS.contains(&s) || (s.starts_with("ext:") && s.len() > 4)
}
