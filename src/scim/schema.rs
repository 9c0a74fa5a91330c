//! The schemas this server serves (RFC 7643 §7), as data: rendered by `/Schemas` and used to
//! resolve attribute names (case-insensitively) in filters, PATCH paths and projections.

use serde_json::{Value, json};

/// The core User schema.
pub const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The enterprise User extension.
pub const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The core Group schema.
pub const GROUP: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

/// An attribute's data type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `dateTime`
    DateTime,
    /// `reference`
    Reference,
    /// `complex`
    Complex,
}

/// Whether and how a client may write an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    /// `readWrite`
    ReadWrite,
    /// `readOnly`
    ReadOnly,
    /// `immutable`
    Immutable,
}

/// An attribute definition.
/// RFC 7643 §7 `returned`: when a response carries the attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returned {
    /// In every response, whatever `attributes` says.
    Always,
    /// Unless `attributes`/`excludedAttributes` leave it out.
    Default,
    /// Only when `attributes` names it.
    Request,
}

#[derive(Debug, Clone, Copy)]
pub struct Attribute {
    /// The canonical name.
    pub name: &'static str,
    /// The data type.
    pub kind: Kind,
    /// Multi-valued.
    pub multi: bool,
    /// Required on create and replace.
    pub required: bool,
    /// Compared case-sensitively.
    pub case_exact: bool,
    /// Mutability.
    pub mutability: Mutability,
    /// `server` uniqueness.
    pub unique: bool,
    /// When the attribute is returned.
    pub returned: Returned,
    /// Sub-attributes of a complex attribute.
    pub sub: &'static [Attribute],
    /// Resource types a reference may name.
    pub reference_types: &'static [&'static str],
    /// For people.
    pub description: &'static str,
}

const fn attr(name: &'static str, kind: Kind, description: &'static str) -> Attribute {
    Attribute {
        name,
        kind,
        multi: false,
        required: false,
        case_exact: false,
        mutability: Mutability::ReadWrite,
        unique: false,
        returned: Returned::Default,
        sub: &[],
        reference_types: &[],
        description,
    }
}

const fn text(name: &'static str, description: &'static str) -> Attribute {
    attr(name, Kind::String, description)
}

const fn read_only(mut a: Attribute) -> Attribute {
    a.mutability = Mutability::ReadOnly;
    a
}

const fn complex(
    name: &'static str,
    multi: bool,
    sub: &'static [Attribute],
    description: &'static str,
) -> Attribute {
    let mut a = attr(name, Kind::Complex, description);
    a.multi = multi;
    a.sub = sub;
    a
}

const fn reference(
    name: &'static str,
    types: &'static [&'static str],
    description: &'static str,
) -> Attribute {
    let mut a = attr(name, Kind::Reference, description);
    a.reference_types = types;
    a.case_exact = true;
    a
}

const USER_NAME: Attribute = {
    let mut a = text(
        "userName",
        "Unique identifier for the user, typically used to sign in; unique regardless of case.",
    );
    a.required = true;
    a.unique = true;
    a
};

const NAME_PARTS: &[Attribute] = &[
    text("formatted", "The full name, formatted for display."),
    text("familyName", "The family (last) name."),
    text("givenName", "The given (first) name."),
    text("middleName", "The middle name."),
];

const EMAIL_PARTS: &[Attribute] = &[
    text("value", "The e-mail address."),
    text("type", "A label such as work or home."),
    attr(
        "primary",
        Kind::Boolean,
        "Whether this is the preferred address.",
    ),
];

const ROLE_PARTS: &[Attribute] = &[text("value", "The role.")];

const GROUP_REF_PARTS: &[Attribute] = &[
    read_only(text("value", "The id of the group.")),
    read_only(reference("$ref", &["Group"], "The URI of the group.")),
    read_only(text("display", "The name of the group.")),
];

/// The core User schema's attributes.
pub const USER_ATTRIBUTES: &[Attribute] = &[
    USER_NAME,
    complex(
        "name",
        false,
        NAME_PARTS,
        "The components of the user's name.",
    ),
    text("displayName", "The name shown for the user."),
    {
        // Required: a user is always active or not, so "removing" the flag cannot be stored.
        // A create or replace without it still succeeds and means active.
        let mut a = attr(
            "active",
            Kind::Boolean,
            "Whether the user may sign in (default true).",
        );
        a.required = true;
        a
    },
    complex("emails", true, EMAIL_PARTS, "E-mail addresses."),
    complex(
        "roles",
        true,
        ROLE_PARTS,
        "Roles; the configured admin role grants admin rights.",
    ),
    read_only(complex(
        "groups",
        true,
        GROUP_REF_PARTS,
        "The groups the user belongs to (change them through the Group resource).",
    )),
];

const MANAGER_PARTS: &[Attribute] = &[
    text("value", "The id of the manager."),
    text("displayName", "The manager's name."),
];

/// The enterprise extension's attributes.
pub const ENTERPRISE_ATTRIBUTES: &[Attribute] = &[
    text("department", "The department."),
    complex("manager", false, MANAGER_PARTS, "The user's manager."),
];

const MEMBER_PARTS: &[Attribute] = &[
    {
        let mut a = text("value", "The id of the member user.");
        a.mutability = Mutability::Immutable;
        a.case_exact = true;
        a
    },
    {
        let mut a = reference("$ref", &["User"], "The URI of the member user.");
        a.mutability = Mutability::Immutable;
        a
    },
    {
        // Returned on request only: clients that PATCH members compare what comes back with
        // what they sent (scim2-tester does), and they never send a display.
        let mut a = read_only(text(
            "display",
            "The member user's display name (ask for it with attributes=members.display).",
        ));
        a.returned = Returned::Request;
        a
    },
];

/// The core Group schema's attributes.
pub const GROUP_ATTRIBUTES: &[Attribute] = &[
    {
        let mut a = text("displayName", "The group's name.");
        a.required = true;
        a
    },
    complex("members", true, MEMBER_PARTS, "The users in the group."),
];

/// `id`, a common attribute of every resource.
pub const ID: Attribute = {
    let mut a = read_only(text("id", "The server's id of the resource."));
    a.case_exact = true;
    a.returned = Returned::Always;
    a.unique = true;
    a
};

/// `externalId`, a common attribute of every resource.
pub const EXTERNAL_ID: Attribute = {
    let mut a = text("externalId", "The identity provider's id of the resource.");
    a.case_exact = true;
    a
};

const META_PARTS: &[Attribute] = &[
    read_only(text("resourceType", "The resource type.")),
    read_only(attr(
        "created",
        Kind::DateTime,
        "When the resource was created.",
    )),
    read_only(attr(
        "lastModified",
        Kind::DateTime,
        "When the resource last changed.",
    )),
    read_only(reference("location", &["uri"], "The resource's URI.")),
    read_only(text("version", "The resource's version (weak ETag).")),
];

/// `meta`, a common attribute of every resource.
pub const META: Attribute = read_only(complex("meta", false, META_PARTS, "Resource metadata."));

/// Which resource an attribute belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// `/Users`
    User,
    /// `/Groups`
    Group,
}

/// Where a resolved attribute lives in the JSON resource.
#[derive(Debug, Clone, Copy)]
pub struct Resolved {
    /// The extension URN holding the attribute (`None`: top level).
    pub extension: Option<&'static str>,
    /// The attribute.
    pub attr: &'static Attribute,
    /// The sub-attribute, if one was named.
    pub sub: Option<&'static Attribute>,
}

fn find(list: &'static [Attribute], name: &str) -> Option<&'static Attribute> {
    list.iter().find(|a| a.name.eq_ignore_ascii_case(name))
}

impl Resource {
    /// The JSON key paths of the attributes returned only when asked for.
    pub fn returned_on_request(self) -> Vec<Vec<String>> {
        let mut paths = Vec::new();
        for attr in self.core() {
            for sub in attr.sub {
                if sub.returned == Returned::Request {
                    paths.push(vec![attr.name.to_owned(), sub.name.to_owned()]);
                }
            }
            if attr.returned == Returned::Request {
                paths.push(vec![attr.name.to_owned()]);
            }
        }
        paths
    }

    /// The resource type's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Group => "Group",
        }
    }

    /// The core schema URN.
    pub fn schema(self) -> &'static str {
        match self {
            Self::User => USER,
            Self::Group => GROUP,
        }
    }

    fn core(self) -> &'static [Attribute] {
        match self {
            Self::User => USER_ATTRIBUTES,
            Self::Group => GROUP_ATTRIBUTES,
        }
    }

    /// The extension URN matching `urn` case-insensitively, if this resource has it.
    pub fn extension(self, urn: &str) -> Option<&'static str> {
        (self == Self::User && urn.eq_ignore_ascii_case(ENTERPRISE)).then_some(ENTERPRISE)
    }

    /// Resolves `[urn:]name[.sub]` case-insensitively. Unqualified names are looked up in the
    /// core schema, then (leniently) in the extension.
    pub fn resolve(self, urn: Option<&str>, name: &str, sub: Option<&str>) -> Option<Resolved> {
        let (extension, attr) = match urn {
            Some(urn) if urn.eq_ignore_ascii_case(self.schema()) => (None, self.find_core(name)?),
            Some(urn) => {
                let extension = self.extension(urn)?;
                (Some(extension), find(ENTERPRISE_ATTRIBUTES, name)?)
            }
            None => match self.find_core(name) {
                Some(attr) => (None, attr),
                None if self == Self::User => {
                    (Some(ENTERPRISE), find(ENTERPRISE_ATTRIBUTES, name)?)
                }
                None => return None,
            },
        };
        let sub = match sub {
            Some(sub) => Some(find(attr.sub, sub)?),
            None => None,
        };
        Some(Resolved {
            extension,
            attr,
            sub,
        })
    }

    fn find_core(self, name: &str) -> Option<&'static Attribute> {
        [&ID, &EXTERNAL_ID, &META]
            .into_iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .or_else(|| find(self.core(), name))
    }
}

/// The sub-attribute of `attr` named `name`, case-insensitively.
pub fn sub_attribute(attr: &'static Attribute, name: &str) -> Option<&'static Attribute> {
    find(attr.sub, name)
}

fn attribute_json(a: &Attribute) -> Value {
    let kind = match a.kind {
        Kind::String => "string",
        Kind::Boolean => "boolean",
        Kind::DateTime => "dateTime",
        Kind::Reference => "reference",
        Kind::Complex => "complex",
    };
    let mutability = match a.mutability {
        Mutability::ReadWrite => "readWrite",
        Mutability::ReadOnly => "readOnly",
        Mutability::Immutable => "immutable",
    };
    let mut out = json!({
        "name": a.name,
        "type": kind,
        "multiValued": a.multi,
        "description": a.description,
        "required": a.required,
        "caseExact": a.case_exact,
        "mutability": mutability,
        "returned": match a.returned {
            Returned::Always => "always",
            Returned::Default => "default",
            Returned::Request => "request",
        },
        "uniqueness": if a.unique { "server" } else { "none" },
    });
    if a.kind == Kind::Complex {
        out["subAttributes"] = a.sub.iter().map(attribute_json).collect();
    }
    if a.kind == Kind::Reference {
        out["referenceTypes"] = json!(a.reference_types);
    }
    out
}

/// Every schema this server serves, as `/Schemas` shows them (without `meta`).
pub fn all() -> Vec<Value> {
    [
        (USER, "User", "User Account", USER_ATTRIBUTES),
        (
            ENTERPRISE,
            "EnterpriseUser",
            "Enterprise User",
            ENTERPRISE_ATTRIBUTES,
        ),
        (GROUP, "Group", "Group", GROUP_ATTRIBUTES),
    ]
    .into_iter()
    .map(|(id, name, description, attributes)| {
        json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
            "id": id,
            "name": name,
            "description": description,
            "attributes": attributes.iter().map(attribute_json).collect::<Vec<_>>(),
        })
    })
    .collect()
}
