//! Angular and AngularJS binding expressions, copied into the shadow program: a text as long
//! as the template's file, blank but for the expressions, each at its own offsets and wrapped
//! so that it parses as one TypeScript statement.
//!
//! Most of the expression language is JavaScript's. What is not becomes something that is,
//! byte for byte, so positions stay: a pipe's arguments (`date:'short'`) are separated by
//! commas instead of colons (`date,'short'`: a sequence), `this.` is blanked (a template's
//! `this` is its component, whose members are the template's names), AngularJS's one-time
//! `::` is blanked. Microsyntax (`*ngFor="let item of items; trackBy: byId"`), `@for`,
//! `@let`, `ng-repeat` and `ng-options` keep their expressions only, and the names they
//! declare are the template's own locals.

use std::ops::Range;

/// How an expression is wrapped in the shadow program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Form {
    /// A value: `;(expr)`, so an object literal is not read as a block.
    Expression,
    /// Statements (event handlers, `ng-init`): `;{a(); b = 1}`.
    Statements,
}

/// A template's shadow program, being written.
pub(super) struct Shadow {
    bytes: Vec<u8>,
    /// Where the last written expression ends: nothing is written before it.
    frontier: usize,
    /// Names the template declares itself (`let item`, `#ref`, `as user`).
    pub(super) locals: Vec<String>,
}

impl Shadow {
    /// A blank program as long as `text`, with its line breaks.
    pub(super) fn new(text: &str) -> Self {
        Shadow {
            bytes: text
                .bytes()
                .map(|b| if b == b'\n' || b == b'\r' { b } else { b' ' })
                .collect(),
            frontier: 0,
            locals: Vec::new(),
        }
    }

    /// The program. Only whole characters of the text are copied and only ASCII is written,
    /// so it is valid UTF-8.
    pub(super) fn finish(self) -> (String, Vec<String>) {
        let text = String::from_utf8(self.bytes).expect("only whole characters are copied");
        (text, self.locals)
    }

    pub(super) fn declare(&mut self, name: &str) {
        if !name.is_empty() && !self.locals.iter().any(|l| l == name) {
            self.locals.push(name.to_string());
        }
    }

    /// Copies the expression at `range` of `text`, wrapped.
    pub(super) fn expression(&mut self, text: &str, range: Range<usize>, form: Form) {
        let range = trim(text, range);
        if range.is_empty() || range.start < self.frontier {
            return;
        }
        let (open, close) = match form {
            Form::Expression => (b'(', b')'),
            Form::Statements => (b'{', b'}'),
        };
        // `;(` in the two bytes before (a quote and `=`, or `{{`), `)` in the byte after;
        // with one byte only, `;` alone keeps it a statement of its own.
        let wrapped = range.start >= self.frontier + 2 && range.end < self.bytes.len();
        if wrapped {
            self.bytes[range.start - 2] = b';';
            self.bytes[range.start - 1] = open;
        } else if range.start > self.frontier {
            self.bytes[range.start - 1] = b';';
        }
        let tokens = tokens(text, range.clone());
        self.bytes[range.clone()].copy_from_slice(&text.as_bytes()[range.clone()]);
        self.neutralize(text, &tokens);
        self.frontier = range.end;
        if wrapped {
            self.bytes[range.end] = close;
            self.frontier = range.end + 1;
        }
    }

    /// Rewrites, in place and byte for byte, what is Angular's and not JavaScript's.
    fn neutralize(&mut self, text: &str, tokens: &[Token]) {
        let mut depth = 0usize;
        // The depth of the pipe whose arguments follow, and the ternaries open in them.
        let mut pipe: Option<(usize, usize)> = None;
        for (index, token) in tokens.iter().enumerate() {
            let spelled = &text[token.range.clone()];
            match (token.kind, spelled) {
                (Kind::Punct, "(" | "[" | "{") => depth += 1,
                (Kind::Punct, ")" | "]" | "}") => {
                    depth = depth.saturating_sub(1);
                    if pipe.is_some_and(|(d, _)| depth < d) {
                        pipe = None;
                    }
                }
                (Kind::Punct, "|") => pipe = Some((depth, 0)),
                (Kind::Punct, "?") => {
                    if let Some((d, open)) = pipe.filter(|(d, _)| *d == depth) {
                        pipe = Some((d, open + 1));
                    }
                }
                (Kind::Punct, ":") => match pipe {
                    Some((d, 0)) if d == depth => self.bytes[token.range.start] = b',',
                    Some((d, open)) if d == depth => pipe = Some((d, open - 1)),
                    _ => {}
                },
                (Kind::Punct, "::") if index == 0 => self.blank(token.range.clone()),
                (Kind::Punct, ";" | ",") if depth == 0 => pipe = None,
                (Kind::Ident, "this") => {
                    let dot = tokens
                        .get(index + 1)
                        .filter(|next| &text[next.range.clone()] == ".");
                    if let Some(dot) = dot {
                        self.blank(token.range.start..dot.range.end);
                    }
                }
                _ => {}
            }
        }
    }

    fn blank(&mut self, range: Range<usize>) {
        for byte in &mut self.bytes[range] {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = b' ';
            }
        }
    }

    /// Angular microsyntax (`*ngFor`, `*ngIf`, ...): the expressions of its segments; `let`
    /// and `as` names are locals. With `implicit_let`, the first segment is `item of items`
    /// (`@for`).
    pub(super) fn microsyntax(&mut self, text: &str, range: Range<usize>, implicit_let: bool) {
        let tokens = tokens(text, range);
        for (index, segment) in segments(text, &tokens).into_iter().enumerate() {
            let mut rest = segment;
            let spelled = |t: &Token| &text[t.range.clone()];
            if let [first, name, ..] = rest {
                let declares = spelled(first) == "let" && name.kind == Kind::Ident;
                let implicit = implicit_let && index == 0 && first.kind == Kind::Ident;
                if declares {
                    self.declare(spelled(name));
                    rest = &rest[2..];
                    if let [equals, _, tail @ ..] = rest {
                        if spelled(equals) == "=" {
                            rest = tail;
                        }
                    }
                } else if implicit && spelled(name) == "of" {
                    self.declare(spelled(first));
                    rest = &rest[1..];
                }
            }
            match rest {
                // `index as i`, and `as user` after an expression (`@if (x; as user)`).
                [export, keyword, local]
                    if index > 0 && export.kind == Kind::Ident && spelled(keyword) == "as" =>
                {
                    self.declare(spelled(local));
                    continue;
                }
                [keyword, local] if index > 0 && spelled(keyword) == "as" => {
                    self.declare(spelled(local));
                    continue;
                }
                _ => {}
            }
            // `key: expression` or `key expression` after the first segment (or after `let`).
            let keyed = index > 0 || rest.len() < segment.len();
            if keyed {
                if let [key, tail @ ..] = rest {
                    if key.kind == Kind::Ident && !tail.is_empty() {
                        rest = tail;
                        if let [colon, tail @ ..] = rest {
                            if spelled(colon) == ":" {
                                rest = tail;
                            }
                        }
                    }
                }
            }
            if let [.., keyword, local] = rest {
                if spelled(keyword) == "as" && local.kind == Kind::Ident {
                    self.declare(spelled(local));
                    rest = &rest[..rest.len() - 2];
                }
            }
            self.span(text, rest, Form::Expression);
        }
    }

    /// AngularJS `ng-repeat`: `item in items | filter:q track by item.id`, `(key, value) in
    /// object`, `... as results`.
    pub(super) fn repeat(&mut self, text: &str, range: Range<usize>) {
        let tokens = tokens(text, range);
        let spelled = |t: &Token| &text[t.range.clone()];
        let Some(at) = tokens.iter().position(|t| spelled(t) == "in") else {
            return;
        };
        for token in &tokens[..at] {
            if token.kind == Kind::Ident {
                self.declare(spelled(token));
            }
        }
        self.clauses(text, &tokens[at + 1..]);
    }

    /// AngularJS `ng-options`: the collection after `for ... in` (and `track by`).
    pub(super) fn options(&mut self, text: &str, range: Range<usize>) {
        let tokens = tokens(text, range);
        let spelled = |t: &Token| &text[t.range.clone()];
        let Some(for_at) = tokens.iter().position(|t| spelled(t) == "for") else {
            return;
        };
        let Some(in_at) = tokens[for_at..]
            .iter()
            .position(|t| spelled(t) == "in")
            .map(|i| for_at + i)
        else {
            return;
        };
        for token in &tokens[for_at + 1..in_at] {
            if token.kind == Kind::Ident {
                self.declare(spelled(token));
            }
        }
        self.clauses(text, &tokens[in_at + 1..]);
    }

    /// `collection [as name] [track by expression]`.
    fn clauses(&mut self, text: &str, tokens: &[Token]) {
        let spelled = |t: &Token| &text[t.range.clone()];
        let mut depth = 0usize;
        let mut cut = tokens.len();
        for (index, token) in tokens.iter().enumerate() {
            match spelled(token) {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => depth = depth.saturating_sub(1),
                "as" | "track" if depth == 0 => {
                    cut = index;
                    break;
                }
                _ => {}
            }
        }
        self.span(text, &tokens[..cut], Form::Expression);
        let mut rest = &tokens[cut..];
        while let [keyword, tail @ ..] = rest {
            match spelled(keyword) {
                "as" => {
                    if let [name, tail @ ..] = tail {
                        self.declare(spelled(name));
                        rest = tail;
                    } else {
                        rest = tail;
                    }
                }
                "track" => {
                    let tail = match tail {
                        [by, tail @ ..] if spelled(by) == "by" => tail,
                        _ => tail,
                    };
                    let end = tail
                        .iter()
                        .position(|t| spelled(t) == "as")
                        .unwrap_or(tail.len());
                    self.span(text, &tail[..end], Form::Expression);
                    rest = &tail[end..];
                }
                _ => rest = tail,
            }
        }
    }

    /// `@let name = expression;`: the name is a local, the expression copied.
    pub(super) fn let_declaration(&mut self, text: &str, name: &str, range: Range<usize>) {
        self.declare(name);
        self.expression(text, range, Form::Expression);
    }

    /// Copies the text a run of tokens spans.
    fn span(&mut self, text: &str, tokens: &[Token], form: Form) {
        if let (Some(first), Some(last)) = (tokens.first(), tokens.last()) {
            self.expression(text, first.range.start..last.range.end, form);
        }
    }
}

/// The range without surrounding white space.
fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    start..end.max(start)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    Number,
    Str,
    Punct,
}

#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    range: Range<usize>,
}

/// The tokens of `text[range]`: identifiers (`$` and `_` included), numbers, string
/// literals (quotes and escapes respected, template literals whole), and punctuation, where
/// `||`, `&&`, `??`, `?.`, `::`, `==`, `===`, `!=`, `!==`, `<=`, `>=`, `=>` are one token.
fn tokens(text: &str, range: Range<usize>) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = range.start;
    let end = range.end;
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    while at < end {
        let b = bytes[at];
        let start = at;
        let kind = if b.is_ascii_whitespace() {
            at += 1;
            continue;
        } else if b.is_ascii_digit() {
            while at < end && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'.') {
                at += 1;
            }
            Kind::Number
        } else if is_ident(b) {
            while at < end && is_ident(bytes[at]) {
                at += 1;
            }
            Kind::Ident
        } else if matches!(b, b'\'' | b'"' | b'`') {
            at += 1;
            while at < end && bytes[at] != b {
                at += if bytes[at] == b'\\' { 2 } else { 1 };
            }
            at = (at + 1).min(end);
            Kind::Str
        } else {
            let rest = &text[at..end];
            let long = [
                "===", "!==", "||", "&&", "??", "?.", "::", "==", "!=", "<=", ">=", "=>",
            ]
            .iter()
            .find(|op| rest.starts_with(**op));
            at += long.map_or_else(
                || rest.chars().next().map_or(1, char::len_utf8),
                |op| op.len(),
            );
            Kind::Punct
        };
        out.push(Token {
            kind,
            range: start..at.min(end),
        });
    }
    out
}

/// Microsyntax segments: runs of tokens between top-level `;` and `,`.
fn segments<'a>(text: &str, tokens: &'a [Token]) -> Vec<&'a [Token]> {
    let mut segments = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, token) in tokens.iter().enumerate() {
        match &text[token.range.clone()] {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            ";" | "," if depth == 0 => {
                if index > start {
                    segments.push(&tokens[start..index]);
                }
                start = index + 1;
            }
            _ => {}
        }
    }
    if tokens.len() > start {
        segments.push(&tokens[start..]);
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shadow of one attribute value `x="..."` and the locals it declares.
    fn shadow(
        value: &str,
        write: impl FnOnce(&mut Shadow, &str, Range<usize>),
    ) -> (String, Vec<String>) {
        let text = format!("<a x=\"{value}\"></a>");
        let range = 6..6 + value.len();
        let mut shadow = Shadow::new(&text);
        write(&mut shadow, &text, range);
        let (program, locals) = shadow.finish();
        (program.trim().to_string(), locals)
    }

    #[test]
    fn pipes_take_commas_and_this_is_blanked() {
        let (program, _) = shadow(
            "this.user.created | date:'short':'UTC' | upper",
            |s, t, r| s.expression(t, r, Form::Expression),
        );
        assert_eq!(program, ";(     user.created | date,'short','UTC' | upper)");
        let (program, _) = shadow("a || b ? c : d", |s, t, r| {
            s.expression(t, r, Form::Expression)
        });
        assert_eq!(program, ";(a || b ? c : d)");
        let (program, _) = shadow("x | p: (a ? b : c) : {k: v}", |s, t, r| {
            s.expression(t, r, Form::Expression)
        });
        assert_eq!(program, ";(x | p, (a ? b : c) , {k: v})");
    }

    #[test]
    fn microsyntax_keeps_expressions_and_declares_locals() {
        let (program, locals) = shadow(
            "let item of items | async; trackBy: byId; let i = index; count as n",
            |s, t, r| s.microsyntax(t, r, false),
        );
        assert_eq!(program, ";(items | async)        ;(byId)");
        assert_eq!(locals, ["item", "i", "n"]);
        let (program, locals) = shadow("auth.user$ | async as user; else login", |s, t, r| {
            s.microsyntax(t, r, false)
        });
        assert_eq!(program, ";(auth.user$ | async)            ;(login)");
        assert_eq!(locals, ["user"]);
    }

    #[test]
    fn repeat_and_options_keep_the_collection() {
        let (program, locals) = shadow(
            "(key, value) in userInfo.profile | filter:q track by key",
            |s, t, r| s.repeat(t, r),
        );
        assert_eq!(program, ";(userInfo.profile | filter,q)       ;(key)");
        assert_eq!(locals, ["key", "value"]);
        let (program, locals) = shadow("o.id as o.name for o in options.all", |s, t, r| {
            s.options(t, r)
        });
        assert_eq!(program, ";(options.all)");
        assert_eq!(locals, ["o"]);
    }
}
