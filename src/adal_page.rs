//! The plain ADAL.js page migration: an HTML page that loads ADAL.js with a `<script src>`
//! and a classic script of the project (no module system) that creates the context at its
//! top level and starts the page the way ADAL.js' samples do:
//!
//! ```js
//! var authContext = new AuthenticationContext({ clientId, tenant, cacheLocation });
//! if (authContext.isCallback(window.location.hash)) {
//!   authContext.handleWindowCallback();
//!   var err = authContext.getLoginError();   // optional
//!   ...
//! } else {
//!   var user = authContext.getCachedUser();
//!   ... authContext.acquireToken(resource, function (error, token) { ... }) ...
//! }
//! ```
//!
//! MSAL.js must be initialised and handle the redirect asynchronously, and a classic script
//! cannot `await` at its top level, so the page start becomes one promise chain
//! (`initialize().then(() => handleRedirectPromise()).then(onStart, onLoginError)`) holding
//! the two branches, the context becomes `new msal.PublicClientApplication(...)` of
//! msal-browser's own browser build, and the page's `<script src>` of ADAL.js loads that
//! build instead (a local copy's directory keeps it; a CDN URL becomes the npm package's CDN
//! file). The page's inline handlers (`onclick="authContext.login()"`) are rewritten with
//! the script. Any other use of the context, in the script, the page or another script of
//! the page, withholds the migration with its place.

use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser};

use crate::fix::Edit;
use crate::language::Language;
use crate::react_adal::{Module, Settings, descendants, file_name, named_children, one_line};
use crate::semantic::normalize;

/// Where msal-browser's browser build (the global `msal`) is loaded from when ADAL.js came
/// from a CDN.
const MSAL_CDN: &str =
    "https://cdn.jsdelivr.net/npm/@azure/msal-browser@3.28.1/lib/msal-browser.min.js";

/// A page's and its script's edits, or why the page is not migrated.
pub(crate) type PagePlan = Result<Vec<crate::react_adal::FileEdits>, String>;

/// Plans the migration of `page` (an HTML file with text `text`), reading its scripts
/// with `read`. `None` when the page is not of this shape at all (it loads no ADAL.js, or
/// its context is not created in a script of the project).
pub(crate) fn plan(
    page: &Path,
    text: &str,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Option<(PathBuf, PagePlan)> {
    let mut parser = Parser::new();
    parser.set_language(&Language::Html.grammar()).ok()?;
    let tree = parser.parse(text, None)?;
    let directory = page.parent().unwrap_or(Path::new(""));
    let scripts: Vec<(Node<'_>, Option<&str>)> = descendants(tree.root_node())
        .into_iter()
        .filter(|n| n.kind() == "script_element")
        .map(|n| (n, crate::page::attribute(n, "src", text)))
        .collect();
    let adal: Vec<_> = scripts
        .iter()
        .filter(|(_, src)| src.is_some_and(is_adal_src))
        .collect();
    let [(adal_tag, Some(adal_src))] = adal.as_slice() else {
        return None;
    };
    // The project's scripts the page loads, and which of them creates the context.
    let mut local = Vec::new();
    for (node, src) in &scripts {
        let Some(src) = src else { continue };
        if is_adal_src(src) || src.contains("://") || src.starts_with("//") {
            continue;
        }
        let path = normalize(&directory.join(src.trim_start_matches('/')));
        if let Some(script) = read(&path) {
            local.push((*node, path, script));
        }
    }
    let creator = local.iter().find(|(_, _, script)| {
        script.contains("new AuthenticationContext")
            || script.contains("new window.AuthenticationContext")
    })?;
    let (_, script_path, script_text) = creator;
    let result = migrate(
        page,
        text,
        &tree,
        (*adal_tag, adal_src),
        script_path,
        script_text,
        &local,
    );
    Some((script_path.clone(), result))
}

fn is_adal_src(src: &str) -> bool {
    let name = src.rsplit(['/', '\\', '=']).next().unwrap_or(src);
    let name = name.split(['?', '#']).next().unwrap_or(name);
    matches!(
        name,
        "adal.js" | "adal.min.js" | "adal-angular.js" | "adal-angular.min.js"
    )
}

#[allow(clippy::too_many_arguments)]
fn migrate(
    page: &Path,
    text: &str,
    tree: &tree_sitter::Tree,
    (adal_tag, adal_src): (Node<'_>, &str),
    script_path: &Path,
    script_text: &str,
    local: &[(Node<'_>, PathBuf, String)],
) -> PagePlan {
    if descendants(tree.root_node()).iter().any(|n| {
        n.kind() == "script_element" && crate::page::attribute(*n, "src", text).is_none() && {
            let inner = &text[n.byte_range()];
            inner.contains("AuthenticationContext") || inner.contains("authContext")
        }
    }) {
        return Err(format!(
            "an inline script of `{}` uses ADAL.js too",
            file_name(page)
        ));
    }
    let script = Module::parse(script_path, Language::JavaScript, script_text)
        .ok_or_else(|| format!("`{}` does not parse as a script", file_name(script_path)))?;
    if !script.imports().is_empty() || script_text.contains("require(") {
        return Err(format!(
            "`{}` is a module, not a classic script",
            file_name(script_path)
        ));
    }
    let root = script.tree.root_node();
    // `var authContext = new AuthenticationContext({...})` at the top level.
    let creation = descendants(root)
        .into_iter()
        .filter(|n| {
            n.kind() == "new_expression"
                && n.child_by_field_name("constructor").is_some_and(|c| {
                    matches!(
                        script.source(c),
                        "AuthenticationContext" | "window.AuthenticationContext"
                    )
                })
        })
        .collect::<Vec<_>>();
    let [creation] = creation.as_slice() else {
        return Err("the context is created in more than one place".to_string());
    };
    let (context, _) = crate::react_adal::declared_name(&script, *creation).ok_or_else(|| {
        format!(
            "the context ({}) is not a variable of the script's top level",
            script.place(*creation)
        )
    })?;
    let arguments = named_children(creation.child_by_field_name("arguments").expect("new"));
    let [settings] = arguments[..] else {
        return Err("the context is not created from one configuration object".to_string());
    };
    if settings.kind() != "object" {
        return Err(format!(
            "the context is created from `{}`, not from an object literal",
            one_line(script.source(settings))
        ));
    }
    let settings = Settings::read(&script, settings)?;
    // The page start: `if (ctx.isCallback(...)) { ctx.handleWindowCallback(); ... } else { ... }`.
    let start = descendants(root)
        .into_iter()
        .find(|n| {
            n.kind() == "if_statement"
                && n.parent() == Some(root)
                && n.child_by_field_name("condition")
                    .is_some_and(|c| script.source(c).contains(&format!("{context}.isCallback(")))
        })
        .ok_or_else(|| {
            format!(
                "`{}` does not start with `if ({context}.isCallback(window.location.hash))`",
                file_name(script_path)
            )
        })?;
    let condition = start.child_by_field_name("condition").expect("if");
    let inner = condition
        .named_child(0)
        .filter(|c| c.kind() == "call_expression");
    if inner.is_none_or(|c| {
        c.child_by_field_name("function")
            .is_none_or(|f| script.source(f) != format!("{context}.isCallback"))
    }) {
        return Err(format!(
            "the condition at {} tests more than `{context}.isCallback(...)`",
            script.place(condition)
        ));
    }
    let consequence = start.child_by_field_name("consequence").expect("if");
    let alternative = start
        .child_by_field_name("alternative")
        .and_then(|e| e.named_child(0))
        .filter(|b| b.kind() == "statement_block")
        .ok_or_else(|| format!("the `if` at {} has no `else` block", script.place(start)))?;
    let callback_statements = named_children(consequence);
    let Some(first) = callback_statements.first() else {
        return Err("the callback branch is empty".to_string());
    };
    if script.source(*first).trim_end_matches(';') != format!("{context}.handleWindowCallback()") {
        return Err(format!(
            "the callback branch does not start with `{context}.handleWindowCallback()`"
        ));
    }
    let mut edits = Vec::new();
    // Every use of the context, by where it is.
    let mut error_block: Vec<Edit> = Vec::new();
    let mut main_block: Vec<Edit> = Vec::new();
    for used in script.uses(&context) {
        let Some(member) = used.parent().filter(|p| {
            p.kind() == "member_expression" && p.child_by_field_name("object") == Some(used)
        }) else {
            if crate::react_adal::declared_name(&script, *creation)
                .is_some_and(|(_, s)| s.byte_range().contains(&used.start_byte()))
            {
                continue;
            }
            return Err(format!(
                "`{context}` is used at {} in a way this migration does not rewrite",
                script.place(used)
            ));
        };
        let method = script.source(member.child_by_field_name("property").expect("member"));
        let call = member.parent().filter(|c| {
            c.kind() == "call_expression" && c.child_by_field_name("function") == Some(member)
        });
        let Some(call) = call else {
            return Err(format!(
                "`{}` at {} is not a call this migration rewrites",
                script.source(member),
                script.place(member)
            ));
        };
        let inside = |node: Node<'_>| node.byte_range().contains(&call.start_byte());
        let replacement = match method {
            "isCallback" if inside(condition) => continue,
            "handleWindowCallback" if inside(*first) => continue,
            "getLoginError" if inside(consequence) => Some("error.errorMessage".to_string()),
            "login" => Some(format!("{context}.loginRedirect()")),
            "logOut" => Some(format!("{context}.logoutRedirect()")),
            "getCachedUser" if inside(alternative) => {
                rename_user_reads(&script, call, &mut main_block)?;
                Some(format!("{context}.getActiveAccount()"))
            }
            "acquireToken" if inside(alternative) => Some(acquire_token(&script, &context, call)?),
            _ => None,
        };
        let Some(replacement) = replacement else {
            return Err(format!(
                "`{}(...)` at {} has no rewrite in this page's start",
                script.source(member),
                script.place(call)
            ));
        };
        let edit = Edit::replace(call.byte_range(), replacement);
        if inside(consequence) {
            error_block.push(edit);
        } else if inside(alternative) {
            main_block.push(edit);
        } else {
            edits.push(edit);
        }
    }
    let body = |block: Node<'_>, skip: usize, block_edits: &[Edit]| -> String {
        // Comments count: they move with the statements they stand above.
        let statements = named_children(block);
        // A comment on the line of a skipped statement goes with it.
        let after = match skip {
            0 => block.start_byte() + 1,
            _ => match statements.get(skip - 1) {
                Some(skipped) => {
                    let end = skipped.end_byte();
                    end + script_text[end..].find('\n').unwrap_or(0)
                }
                None => return String::new(),
            },
        };
        let mut cursor = block.walk();
        let children: Vec<Node<'_>> = block
            .named_children(&mut cursor)
            .filter(|c| c.start_byte() >= after)
            .collect();
        let (Some(from), Some(last)) = (children.first(), children.last()) else {
            return String::new();
        };
        let range = line_start(script_text, from.start_byte())..last.end_byte();
        let mut local: Vec<Edit> = block_edits
            .iter()
            .filter(|e| range.contains(&e.range.start))
            .map(|e| {
                Edit::replace(
                    e.range.start - range.start..e.range.end - range.start,
                    e.content.clone(),
                )
            })
            .collect();
        local.sort_by_key(|e| e.range.start);
        let refs: Vec<&Edit> = local.iter().collect();
        let text = crate::fix::apply_edits(&script_text[range.clone()], &refs);
        reindent(&text, 4)
    };
    let main = body(alternative, 0, &main_block);
    let on_error = body(consequence, 1, &error_block);
    let mut chain = format!(
        "{context}\n  .initialize()\n  .then(() => {context}.handleRedirectPromise())\n  .then((result) => {{\n    const account = result ? result.account : {context}.getAllAccounts()[0];\n    if (account) {{\n      {context}.setActiveAccount(account);\n    }}\n{main}\n  }}"
    );
    if on_error.trim().is_empty() {
        chain.push_str(");");
    } else {
        chain.push_str(&format!(", (error) => {{\n{on_error}\n  }});"));
    }
    edits.push(Edit::replace(start.byte_range(), chain));
    let settings_text = settings.application().replacen(
        "new PublicClientApplication(",
        "new msal.PublicClientApplication(",
        1,
    );
    edits.push(Edit::replace(
        creation.byte_range(),
        crate::react_adal::indent_like(&script, creation.start_byte(), &settings_text),
    ));
    // The other scripts of the page must not use the context.
    for (_, path, other) in local {
        if path != script_path && other.contains(&format!("{context}.")) {
            return Err(format!("`{}` uses `{context}` too", file_name(path)));
        }
    }
    // The page: ADAL.js' script tag, and the handlers that call the context.
    let mut page_edits = Vec::new();
    let src_node = descendants(adal_tag)
        .into_iter()
        .find(|n| n.kind() == "attribute_value" && &text[n.byte_range()] == adal_src)
        .ok_or("the script tag's `src` cannot be rewritten")?;
    let msal_src = if adal_src.contains("://") || adal_src.starts_with("//") {
        MSAL_CDN.to_string()
    } else {
        let cut = adal_src.rfind('/').map_or(0, |i| i + 1);
        format!("{}msal-browser.min.js", &adal_src[..cut])
    };
    if crate::page::attribute(adal_tag, "integrity", text).is_some() {
        return Err(format!(
            "the `<script src>` of ADAL.js in `{}` has an `integrity` hash, which only ADAL.js' file matches",
            file_name(page)
        ));
    }
    page_edits.push(Edit::replace(src_node.byte_range(), msal_src));
    for attribute in descendants(tree.root_node())
        .into_iter()
        .filter(|n| n.kind() == "attribute")
    {
        let Some(name) = attribute.named_child(0) else {
            continue;
        };
        let Some(value) = attribute.named_child(1) else {
            continue;
        };
        let name = &text[name.byte_range()];
        let value_text = &text[value.byte_range()];
        if !value_text.contains(&context) {
            continue;
        }
        if !name.to_ascii_lowercase().starts_with("on") {
            return Err(format!(
                "the page reads `{context}` in its `{name}` attribute"
            ));
        }
        let mut rewritten = value_text.to_string();
        for (adal, msal) in [
            ("login()", "loginRedirect()"),
            ("logOut()", "logoutRedirect()"),
        ] {
            rewritten =
                rewritten.replace(&format!("{context}.{adal}"), &format!("{context}.{msal}"));
        }
        let rest = rewritten
            .replace(&format!("{context}.loginRedirect()"), "")
            .replace(&format!("{context}.logoutRedirect()"), "");
        if rest.contains(&context) {
            return Err(format!(
                "the page's `{name}` handler `{}` uses `{context}` in a way this migration does not rewrite",
                value_text
            ));
        }
        page_edits.push(Edit::replace(value.byte_range(), rewritten));
    }
    let mut files = vec![
        (script_path.to_path_buf(), script_text.to_string(), edits),
        (page.to_path_buf(), text.to_string(), page_edits),
    ];
    for (path, original, file_edits) in &mut files {
        file_edits.sort_by_key(|e| (e.range.start, e.range.end));
        let refs: Vec<&Edit> = file_edits.iter().collect();
        let fixed = crate::fix::apply_edits(original, &refs);
        let language = Language::from_path(path).unwrap_or(Language::JavaScript);
        if crate::lint::has_syntax_errors(language, &fixed) {
            return Err(format!(
                "the migrated `{}` would not parse",
                file_name(path)
            ));
        }
    }
    Ok(files)
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Re-indents a block's lines so that the least indented one starts at `indent` spaces.
fn reindent(text: &str, indent: usize) -> String {
    let least = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!(
                    "{}{}",
                    " ".repeat(indent),
                    &l[least.min(l.len() - l.trim_start().len())..]
                )
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `var user = ctx.getCachedUser()`: the reads of `user.userName` and `user.profile` get
/// MSAL's names; any other use of `user` than a member read or a truth test withholds it.
fn rename_user_reads(script: &Module, call: Node<'_>, edits: &mut Vec<Edit>) -> Result<(), String> {
    let Some(declarator) = call.parent().filter(|p| p.kind() == "variable_declarator") else {
        return Err(format!(
            "the user `getCachedUser()` returns at {} is not kept in a variable",
            script.place(call)
        ));
    };
    let name = script.source(
        declarator
            .child_by_field_name("name")
            .expect("a declarator"),
    );
    for used in script.uses(name) {
        let Some(parent) = used.parent() else {
            continue;
        };
        if parent.kind() == "member_expression"
            && parent.child_by_field_name("object") == Some(used)
        {
            let property = parent.child_by_field_name("property").expect("member");
            match script.source(property) {
                "userName" => edits.push(Edit::replace(property.byte_range(), "username")),
                "profile" => edits.push(Edit::replace(property.byte_range(), "idTokenClaims")),
                other => {
                    return Err(format!(
                        "`{name}.{other}` at {} has no MSAL account counterpart",
                        script.place(parent)
                    ));
                }
            }
        } else if !matches!(
            parent.kind(),
            "parenthesized_expression"
                | "unary_expression"
                | "binary_expression"
                | "ternary_expression"
        ) {
            return Err(format!(
                "the user `{name}` is used at {} other than by reading its name or profile",
                script.place(used)
            ));
        }
    }
    Ok(())
}

/// `ctx.acquireToken(resource, callback)` as MSAL's silent call with a popup when the user
/// must interact, the callback still called with ADAL's `(errorDescription, token, error)`.
fn acquire_token(script: &Module, context: &str, call: Node<'_>) -> Result<String, String> {
    let arguments = named_children(call.child_by_field_name("arguments").expect("a call"));
    let [resource, callback] = arguments[..] else {
        return Err(format!(
            "`acquireToken` at {} does not take a resource and a callback",
            script.place(call)
        ));
    };
    if !matches!(
        callback.kind(),
        "function_expression" | "function" | "arrow_function"
    ) {
        return Err(format!(
            "the callback of `acquireToken` at {} is not a function written there",
            script.place(call)
        ));
    }
    let resource = script.source(resource);
    let scope = crate::react_adal::scope(resource);
    let callback = script.source(callback);
    let text = format!(
        "{context}.acquireTokenSilent({{ scopes: [{scope}], account: {context}.getActiveAccount() }})
  .catch((error) => (error instanceof msal.InteractionRequiredAuthError
    ? {context}.acquireTokenPopup({{ scopes: [{scope}] }})
    : Promise.reject(error)))
  .then((result) => [null, result.accessToken, null], (error) => [error.errorMessage, null, error.errorCode])
  .then(([errorDescription, token, error]) => ({callback})(errorDescription, token, error))"
    );
    Ok(crate::react_adal::indent_like(
        script,
        call.start_byte(),
        &text,
    ))
}
