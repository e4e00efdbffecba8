//! What a create page states as required in its "Request body" section: a table cell that
//! says so ("Required."), a table introduced as the properties required to create the entity
//! (each row, unless the row itself is optional or conditional), and prose naming properties
//! the body must contain. Conditional statements ("required if …", "not all … are required
//! when …") require nothing. The names in prose are resolved against the target type when
//! lowering (`ir::lower`), since the reader's text has lost its markup.

/// The sentences of a text: split after `.`, `;`, `!` or `?` followed by white space.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    for i in 0..b.len() {
        let end = matches!(b[i], b'.' | b';' | b'!' | b'?') && !matches!(b.get(i + 1), Some(c) if !c.is_ascii_whitespace());
        if end {
            out.push(text[start..=i].trim());
            start = i + 1;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out
}

/// The sentence in lower case with the operation itself taken out ("when you create a user",
/// "to create the X" name the create, not a condition).
fn without_the_create(sentence: &str) -> String {
    let s = format!(" {} ", sentence.to_ascii_lowercase());
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let lead = matches!(words[i], "when" | "to" | "for") as usize;
        let verb_at = i + lead + usize::from(lead == 1 && words.get(i + 1) == Some(&"you"));
        let is_create = words.get(verb_at).is_some_and(|w| w.starts_with("creat") || w.starts_with("add"));
        if lead == 1 && is_create {
            // Skip the phrase: the verb, an article, and the object named.
            i = verb_at + 1;
            if words.get(i).is_some_and(|w| matches!(*w, "a" | "an" | "the" | "new")) {
                i += 1;
            }
            i += 1;
            continue;
        }
        kept.push(words[i]);
        i += 1;
    }
    format!(" {} ", kept.join(" "))
}

/// Words that make a statement about requiring conditional or negative.
const CONDITIONS: &[&str] =
    &[" if ", " unless ", " when ", " whether ", " not all ", " not required", " optional", " depending ", " either ", " except ", " otherwise", " only needs", " at least ", " one of ", " no request body", " not ", " isn't ", " aren't ", " for a ", " for an ", " none "];

fn conditional(lower: &str) -> bool {
    CONDITIONS.iter().any(|c| lower.contains(c))
}

/// An unconditional requirement: "… is required", "must contain / include / specify …".
pub fn states_requirement(sentence: &str) -> bool {
    let s = without_the_create(sentence);
    let requires = s.contains(" required")
        || s.contains(" requires ")
        || ["must contain", "must include", "must specify", "must provide", "must be specified", "must be provided", "must be included"]
            .iter()
            .any(|p| s.contains(p));
    requires && !conditional(&s)
}

/// A requirement about the table that follows ("the following table lists the properties that
/// are required when you create a user", "all the properties listed … are required").
pub fn is_blanket(sentence: &str) -> bool {
    let s = without_the_create(sentence);
    states_requirement(sentence) && [" table", " following", " listed", " below"].iter().any(|w| s.contains(w))
}

/// A table cell that makes its row required ("Required.", "… is required"). A row about each
/// item of another property ("for each property in the … collection") is a member of that
/// property, not of the body.
pub fn cell_required(description: &str) -> bool {
    !nested(description) && sentences(description).iter().any(|s| states_requirement(s))
}

fn nested(description: &str) -> bool {
    description.to_ascii_lowercase().contains("for each ")
}

/// A row that is optional or required only under a condition, whatever its table says
/// ("Optional.", "Only needs to be specified when …", "Required if …").
pub fn cell_exempt(description: &str) -> bool {
    sentences(description).iter().any(|s| {
        let l = format!(" {} ", s.to_ascii_lowercase());
        let about_presence = ["requir", "specif", "needed", "needs to", "must", "provide"].iter().any(|w| l.contains(w));
        nested(s) || l.contains(" optional") || l.contains(" not required") || (about_presence && conditional(&without_the_create(s)))
    })
}

/// The words of a requirement sentence that may name properties (identifiers), in order;
/// "request body" is the body itself, not a property.
pub fn candidate_names(sentence: &str) -> Vec<String> {
    let lower = sentence.to_ascii_lowercase();
    let mut text = sentence.to_string();
    if let Some(i) = lower.find("request body") {
        text.replace_range(i..i + "request body".len(), " ");
    }
    let mut out: Vec<String> = Vec::new();
    for w in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if !w.is_empty() && w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && !out.iter().any(|o| o == w) {
            out.push(w.to_string());
        }
    }
    out
}

/// An identifier written in camel case (`displayName`): a name, even when the type lacks it.
pub fn looks_like_property(word: &str) -> bool {
    let mut cs = word.chars();
    cs.next().is_some_and(|c| c.is_ascii_lowercase()) && cs.any(|c| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_and_conditions() {
        assert!(states_requirement("The request body must contain displayName, which is a required property."));
        assert!(is_blanket("The following table lists the properties that are required when you create a user."));
        assert!(is_blanket("All the properties listed in the following table are required."));
        assert!(!states_requirement("If you're including an identities property for the user you're creating, not all the properties listed are required."));
        assert!(!states_requirement("No request body is required."));
        assert!(!states_requirement("The displayName is required if the group is a team."));
        assert!(cell_required("The name. Required."));
        assert!(!cell_required("The name. Optional."));
        assert!(!cell_required("Required if the type is custom."));
        assert!(!cell_required("For each property in the **x** collection, specify the value. Required."));
        assert!(!states_requirement("For a B2C local account identity, only passwordProfile is required."));
        assert!(cell_exempt("Only needs to be specified when creating a new user account if you are using a federated domain."));
        assert!(!cell_exempt("true if the account is enabled; otherwise, false."));
        assert_eq!(candidate_names("The request body must contain displayName, which is a required property.")[..2], ["The", "must"]);
        assert!(looks_like_property("displayName") && !looks_like_property("Id") && !looks_like_property("body"));
    }
}
