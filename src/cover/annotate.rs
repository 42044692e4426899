//! The source rewrite of go 1.19's `cmd/cover` (`go tool cover -mode M
//! -var V file.go`), on tree-sitter-go's syntax tree instead of go/ast:
//! the same basic blocks, counted in the same order, the same counter
//! statements inserted at the same byte offsets, the same `//line` first
//! line and the same `GoCover_…` struct at the end, so that a profile of
//! the rewritten code names the blocks gc's would.
//!
//! cmd/cover's walk (`File.Visit`, `addCounters`, `statementBoundary`,
//! `endsBasicSourceBlock`, `hasFuncLiteral`) is followed rule by rule; the
//! comments name the go/ast node each tree-sitter kind stands for.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use anyhow::{Result, bail};
use tree_sitter::Node;

use super::Mode;

/// One basic block: byte offsets into the original file and its number of
/// statements (cmd/cover's `Block`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Block {
    /// Start, a byte offset.
    pub start: usize,
    /// End (exclusive), a byte offset.
    pub end: usize,
    /// Top-level statements in the block.
    pub num_stmt: usize,
}

/// A statement of a list: a node, or the implicit empty statement go/parser
/// puts after a label that ends a block (`L: }`), at the `}`.
#[derive(Debug, Clone, Copy)]
enum Stmt<'t> {
    Real(Node<'t>),
    Implicit(usize),
}

struct Walk<'s> {
    src: &'s str,
    mode: Mode,
    var: &'s str,
    /// (offset, text), in the order cmd/cover's edit buffer receives them.
    inserts: Vec<(usize, String)>,
    blocks: Vec<Block>,
}

/// Rewrites `src` (the file `name`, as the `//line` directive names it)
/// for coverage with counter variable `var`, as `go tool cover -mode
/// <mode> -var <var> <name>` prints it; returns the new source and the blocks.
///
/// Errors: the file does not parse (cmd/cover's `cover: file: error`).
pub fn annotate(src: &str, name: &str, mode: Mode, var: &str) -> Result<(String, Vec<Block>)> {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&tree_sitter_go::LANGUAGE.into())?;
    let Some(tree) = parser.parse(src, None) else {
        bail!("cover: {name}: the Go parser gave up");
    };
    let root = tree.root_node();
    if root.has_error() {
        let at = first_error(root).unwrap_or(root);
        let p = at.start_position();
        bail!(
            "cover: {name}:{}:{}: syntax error (or Go syntax the tree-sitter grammar does not \
             know); fix the file, or test without -cover",
            p.row + 1,
            p.column + 1
        );
    }
    let mut w = Walk {
        src,
        mode,
        var,
        inserts: Vec::new(),
        blocks: Vec::new(),
    };
    if mode == Mode::Atomic
        && let Some(pkg) = named(root)
            .into_iter()
            .find(|n| n.kind() == "package_clause")
    {
        let end = named(pkg).last().map_or(pkg.end_byte(), |n| n.end_byte());
        w.inserts
            .push((end, format!("; import {ATOMIC_NAME} \"sync/atomic\"")));
    }
    w.walk(root);
    let mut out = format!("//line {name}:1\n");
    out.push_str(&apply(src, &w.inserts));
    w.add_variables(&mut out, &LineTable::new(src, root));
    Ok((out, w.blocks))
}

/// The name cmd/cover imports sync/atomic as.
const ATOMIC_NAME: &str = "_cover_atomic_";

fn first_error(n: Node) -> Option<Node> {
    if n.is_error() || n.is_missing() {
        return Some(n);
    }
    let mut c = n.walk();
    let kids: Vec<Node> = n.children(&mut c).collect();
    kids.into_iter()
        .filter(|k| k.has_error())
        .find_map(first_error)
}

/// cmd/internal/edit's `Buffer.Bytes` for insertions only: stable by
/// offset, so insertions at one offset keep their order.
fn apply(src: &str, inserts: &[(usize, String)]) -> String {
    let mut order: Vec<&(usize, String)> = inserts.iter().collect();
    order.sort_by_key(|(o, _)| *o);
    let mut out = String::with_capacity(src.len() + inserts.len() * 40);
    let mut at = 0;
    for (o, text) in order {
        out.push_str(&src[at..*o]);
        out.push_str(text);
        at = *o;
    }
    out.push_str(&src[at..]);
    out
}

/// A node's named children without comments.
fn named(n: Node) -> Vec<Node> {
    let mut c = n.walk();
    n.named_children(&mut c)
        .filter(|k| k.kind() != "comment")
        .collect()
}

/// The anonymous child `tok` of `n` (`{`, `:`, `else`).
fn token<'t>(n: Node<'t>, tok: &str) -> Option<Node<'t>> {
    let mut c = n.walk();
    n.children(&mut c)
        .find(|k| !k.is_named() && k.kind() == tok)
}

fn is_case(n: &Node) -> bool {
    matches!(
        n.kind(),
        "expression_case" | "default_case" | "type_case" | "communication_case"
    )
}

/// The statements of a `block` or a case clause (its `statement_list`).
fn stmt_list(n: Node) -> Vec<Stmt> {
    let Some(list) = named(n).into_iter().find(|k| k.kind() == "statement_list") else {
        return Vec::new();
    };
    named(list).into_iter().map(Stmt::Real).collect()
}

impl<'t> Stmt<'t> {
    fn pos(&self) -> usize {
        match self {
            Stmt::Real(n) => n.start_byte(),
            Stmt::Implicit(o) => *o,
        }
    }

    fn end(&self) -> usize {
        match self {
            Stmt::Real(n) => n.end_byte(),
            Stmt::Implicit(o) => *o,
        }
    }
}

/// A labeled statement's statement: the node, or go/parser's implicit
/// empty statement at the next token when the label ends the list.
fn labeled_inner(label: Node) -> Stmt {
    match named(label).into_iter().find(|k| k.kind() != "label_name") {
        Some(s) => Stmt::Real(s),
        None => Stmt::Implicit(next_token_offset(label)),
    }
}

/// The offset of the first token after `n` (skipping blanks and comments).
fn next_token_offset(n: Node) -> usize {
    let mut cur = n;
    loop {
        if let Some(s) = cur.next_sibling() {
            if s.kind() == "comment" {
                cur = s;
                continue;
            }
            return s.start_byte();
        }
        match cur.parent() {
            Some(p) => cur = p,
            None => return n.end_byte(),
        }
    }
}

/// cmd/cover's `hasFuncLiteral`: the `{` of the body of the first function
/// literal in `n` (ast.Walk's order is source order).
fn func_lit(n: Option<Node>) -> Option<usize> {
    let n = n?;
    if n.kind() == "func_literal" {
        return n.child_by_field_name("body").map(|b| b.start_byte());
    }
    let mut c = n.walk();
    let kids: Vec<Node> = n.named_children(&mut c).collect();
    kids.into_iter().find_map(|k| func_lit(Some(k)))
}

/// The `{` of a switch's or select's body.
fn lbrace(n: Node) -> usize {
    token(n, "{").map_or(n.end_byte(), |t| t.start_byte())
}

/// A `for` statement's clause parts: (init, cond, post, range X).
type ForParts<'t> = (
    Option<Node<'t>>,
    Option<Node<'t>>,
    Option<Node<'t>>,
    Option<Node<'t>>,
);

fn for_parts(n: Node) -> ForParts {
    let body = n.child_by_field_name("body").map(|b| b.id());
    let head = named(n).into_iter().find(|k| Some(k.id()) != body);
    match head {
        Some(h) if h.kind() == "for_clause" => (
            h.child_by_field_name("initializer"),
            h.child_by_field_name("condition"),
            h.child_by_field_name("update"),
            None,
        ),
        Some(h) if h.kind() == "range_clause" => (None, None, None, h.child_by_field_name("right")),
        Some(h) => (None, Some(h), None, None),
        None => (None, None, None, None),
    }
}

/// cmd/cover's `statementBoundary`: where the basic block that `s` ends
/// (or continues) stops in the source.
fn statement_boundary(s: Stmt) -> usize {
    let Stmt::Real(n) = s else {
        return s.end();
    };
    let field = |f: &str| n.child_by_field_name(f);
    match n.kind() {
        "block" => n.start_byte(),
        "if_statement" => func_lit(field("initializer"))
            .or_else(|| func_lit(field("condition")))
            .unwrap_or_else(|| field("consequence").map_or(n.end_byte(), |b| b.start_byte())),
        "for_statement" => {
            let (init, cond, post, x) = for_parts(n);
            let body = field("body").map_or(n.end_byte(), |b| b.start_byte());
            if x.is_some() {
                return func_lit(x).unwrap_or(body);
            }
            func_lit(init)
                .or_else(|| func_lit(cond))
                .or_else(|| func_lit(post))
                .unwrap_or(body)
        }
        "labeled_statement" => statement_boundary(labeled_inner(n)),
        "expression_switch_statement" => func_lit(field("initializer"))
            .or_else(|| func_lit(field("value")))
            .unwrap_or_else(|| lbrace(n)),
        "select_statement" => lbrace(n),
        "type_switch_statement" => func_lit(field("initializer")).unwrap_or_else(|| lbrace(n)),
        _ => func_lit(Some(n)).unwrap_or(n.end_byte()),
    }
}

/// cmd/cover's `endsBasicSourceBlock`, but for its `panic(x)` rule (which
/// needs the text: `Walk::is_panic`).
fn ends_basic_block(s: Stmt) -> bool {
    let Stmt::Real(n) = s else {
        return false;
    };
    match n.kind() {
        "block"
        | "break_statement"
        | "continue_statement"
        | "goto_statement"
        | "fallthrough_statement"
        | "for_statement"
        | "if_statement"
        | "labeled_statement"
        | "expression_switch_statement"
        | "select_statement"
        | "type_switch_statement" => {
            return true;
        }
        _ => {}
    }
    func_lit(Some(n)).is_some()
}

/// cmd/cover's `isControl`: a statement that cannot be parted from its label.
fn is_control(s: Stmt) -> bool {
    matches!(s, Stmt::Real(n) if matches!(
        n.kind(),
        "for_statement" | "expression_switch_statement" | "select_statement" | "type_switch_statement"
    ))
}

impl<'s> Walk<'s> {
    fn text(&self, n: Node) -> &'s str {
        &self.src[n.byte_range()]
    }

    /// A call of `panic` with one argument (cmd/cover does not check that
    /// `panic` is the predeclared one either).
    fn is_panic(&self, s: Stmt) -> bool {
        let Stmt::Real(n) = s else { return false };
        if n.kind() != "expression_statement" {
            return false;
        }
        let Some(call) = named(n).into_iter().next() else {
            return false;
        };
        if call.kind() != "call_expression" {
            return false;
        }
        let fun = call.child_by_field_name("function");
        let args = call.child_by_field_name("arguments").map(named);
        fun.is_some_and(|f| f.kind() == "identifier" && self.text(f) == "panic")
            && args.is_some_and(|a| a.len() == 1)
    }

    fn ends(&self, s: Stmt) -> bool {
        ends_basic_block(s) || self.is_panic(s)
    }

    /// ast.Walk with cmd/cover's `Visit`.
    fn walk(&mut self, n: Node<'s>) {
        match n.kind() {
            "comment" => {}
            "block" => {
                // A plain block (switch and select bodies are not `block`s here).
                let list = stmt_list(n);
                let rbrace = n.end_byte().saturating_sub(1);
                self.add_counters(n.start_byte(), n.start_byte() + 1, rbrace + 1, list, true);
                self.walk_children(n);
            }
            "if_statement" => self.walk_if(n),
            "expression_switch_statement" | "type_switch_statement" | "select_statement" => {
                self.walk_switch(n)
            }
            "function_declaration" => {
                if n.child_by_field_name("name")
                    .is_some_and(|m| self.text(m) == "_")
                {
                    return;
                }
                self.walk_children(n);
            }
            _ => self.walk_children(n),
        }
    }

    fn walk_children(&mut self, n: Node<'s>) {
        for k in named(n) {
            self.walk(k);
        }
    }

    /// A switch, type switch or select: its header, then (a non-empty body)
    /// each clause's counters, then each clause's contents.
    fn walk_switch(&mut self, n: Node<'s>) {
        let kids = named(n);
        let cases: Vec<Node> = kids.iter().copied().filter(is_case).collect();
        if n.kind() == "select_statement" && cases.is_empty() {
            return;
        }
        for k in kids.iter().filter(|k| !is_case(k)) {
            self.walk(*k);
        }
        for c in &cases {
            let colon = token(*c, ":").map_or(c.start_byte(), |t| t.start_byte());
            let list = stmt_list(*c);
            let end = list.last().map_or(colon + 1, |s| s.end());
            self.add_counters(colon + 1, colon + 1, end, list, false);
        }
        for c in cases {
            self.walk_children(c);
        }
    }

    /// cmd/cover's `IfStmt` case: the else branch gets a hidden block so
    /// that an `else if` has a place for its counter.
    fn walk_if(&mut self, n: Node<'s>) {
        for f in ["initializer", "condition", "consequence"] {
            if let Some(k) = n.child_by_field_name(f) {
                self.walk(k);
            }
        }
        let Some(alt) = n.child_by_field_name("alternative") else {
            return;
        };
        let Some(els) = token(n, "else") else { return };
        let pos = els.start_byte() + 4;
        self.inserts.push((pos, "{".into()));
        self.inserts.push((alt.end_byte(), "}".into()));
        if alt.kind() == "if_statement" {
            let list = vec![Stmt::Real(alt)];
            self.add_counters(pos, pos + 1, alt.end_byte() + 1, list, true);
            self.walk(alt);
        } else {
            let list = stmt_list(alt);
            let rbrace = alt.end_byte().saturating_sub(1);
            self.add_counters(pos, pos + 1, rbrace + 1, list, true);
            self.walk_children(alt);
        }
    }

    fn new_counter(&mut self, start: usize, end: usize, num_stmt: usize) -> String {
        let counter = format!("{}.Count[{}]", self.var, self.blocks.len());
        self.blocks.push(Block {
            start,
            end,
            num_stmt,
        });
        match self.mode {
            Mode::Set => format!("{counter} = 1"),
            Mode::Count => format!("{counter}++"),
            Mode::Atomic => format!("{ATOMIC_NAME}.AddUint32(&{counter}, 1)"),
        }
    }

    /// cmd/cover's `addCounters`: a counter at the start of each basic
    /// block of the top level of `list`.
    fn add_counters(
        &mut self,
        mut pos: usize,
        mut insert_pos: usize,
        block_end: usize,
        mut list: Vec<Stmt<'s>>,
        mut extend: bool,
    ) {
        if list.is_empty() {
            let c = self.new_counter(insert_pos, block_end, 0);
            self.inserts.push((insert_pos, c + ";"));
            return;
        }
        loop {
            let mut last = 0;
            let mut end = block_end;
            while last < list.len() {
                let s = list[last];
                end = statement_boundary(s);
                if self.ends(s) {
                    if let Stmt::Real(l) = s
                        && l.kind() == "labeled_statement"
                    {
                        let inner = labeled_inner(l);
                        if !is_control(inner) {
                            end = l.start_byte();
                            list.insert(last + 1, inner);
                        }
                    }
                    last += 1;
                    extend = false;
                    break;
                }
                last += 1;
            }
            if extend {
                end = block_end;
            }
            if pos != end {
                let c = self.new_counter(pos, end, last);
                self.inserts.push((insert_pos, c + ";"));
            }
            list.drain(..last);
            let Some(first) = list.first() else { break };
            pos = first.pos();
            insert_pos = pos;
        }
    }

    /// cmd/cover's `addVariables`: the counter struct after the source.
    fn add_variables(&self, w: &mut String, lines: &LineTable) {
        let n = self.blocks.len();
        let var = self.var;
        let _ = write!(
            w,
            "\nvar {var} = struct {{\n\tCount     [{n}]uint32\n\tPos       [3 * {n}]uint32\n\tNumStmt   [{n}]uint16\n}} {{\n\tPos: [3 * {n}]uint32{{\n"
        );
        // cmd/cover's `dedup`: a repeated pair (a `//line` without a column)
        // gets its end column moved on.
        type Pair = (String, usize, usize, String, usize, usize);
        let mut seen: BTreeSet<Pair> = BTreeSet::new();
        for (i, b) in self.blocks.iter().enumerate() {
            let (f0, l0, c0) = lines.position(b.start);
            let (f1, l1, mut c1) = lines.position(b.end);
            while seen.contains(&(f0.clone(), l0, c0, f1.clone(), l1, c1)) {
                c1 += 1;
            }
            seen.insert((f0, l0, c0, f1, l1, c1));
            let packed = ((c1 & 0xFFFF) << 16) | (c0 & 0xFFFF);
            let _ = writeln!(w, "\t\t{l0}, {l1}, {packed:#x}, // [{i}]");
        }
        let _ = write!(w, "\t}},\n\tNumStmt: [{n}]uint16{{\n");
        for (i, b) in self.blocks.iter().enumerate() {
            let _ = writeln!(w, "\t\t{}, // {i}", b.num_stmt.min(0xFFFF));
        }
        w.push_str("\t},\n}\n");
        if self.mode == Mode::Atomic {
            let _ = writeln!(w, "var _ = {ATOMIC_NAME}.LoadUint32");
        }
    }
}

/// A `//line` (or `/*line */`) directive: from byte `offset` on, positions
/// are reported as `file:line[:col]` (go/token's `lineInfo`).
struct LineInfo {
    offset: usize,
    file: String,
    line: usize,
    /// 0: unknown (a directive without a column).
    col: usize,
}

/// Byte offset → (file, line, column), lines and columns from 1, columns
/// in bytes, as go/token's `Position` with go/scanner's `//line`
/// directives applied (`File.unpack`, adjusted).
struct LineTable {
    starts: Vec<usize>,
    infos: Vec<LineInfo>,
}

impl LineTable {
    fn new(src: &str, root: Node) -> LineTable {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        let mut t = LineTable {
            starts,
            infos: Vec::new(),
        };
        let mut comments = Vec::new();
        collect_comments(root, &mut comments);
        for c in comments {
            t.directive(src, c);
        }
        t
    }

    /// go/scanner's `updateLineInfo` for one comment.
    fn directive(&mut self, src: &str, c: Node) {
        let text = &src[c.byte_range()];
        let block = text.starts_with("/*");
        let at_line_start = self.starts.binary_search(&c.start_byte()).is_ok();
        if !(text[2..].starts_with("line ") && (block || at_line_start)) {
            return;
        }
        let mut next = c.end_byte();
        if !block && src.as_bytes().get(next) == Some(&b'\n') {
            next += 1;
        }
        let body = if block {
            &text[7..text.len() - 2]
        } else {
            &text[7..]
        };
        let Some((rest, n)) = trailing_number(body) else {
            return;
        };
        let (file, line, col) = match trailing_number(rest) {
            // `file:line:col`; an empty file keeps the previous one.
            Some(_) if n == 0 => return,
            Some(("", line)) => (self.infos.last().map_or("", |i| i.file.as_str()), line, n),
            Some((file, line)) => (file, line, n),
            None => (rest, n, 0),
        };
        if line == 0 {
            return;
        }
        let file = file.to_string();
        let last = self.infos.last().map(|i| i.offset);
        if last.is_none_or(|o| o < next) && next < src.len() {
            self.infos.push(LineInfo {
                offset: next,
                file,
                line,
                col,
            });
        }
    }

    fn position(&self, offset: usize) -> (String, usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let col = offset - self.starts[line - 1] + 1;
        let i = self.infos.partition_point(|x| x.offset <= offset);
        let Some(alt) = i.checked_sub(1).map(|i| &self.infos[i]) else {
            return (String::new(), line, col);
        };
        let base = self.starts.partition_point(|&s| s <= alt.offset);
        let d = line - base;
        let col = if alt.col == 0 {
            0
        } else if d == 0 {
            alt.col + (offset - alt.offset)
        } else {
            col
        };
        (alt.file.clone(), alt.line + d, col)
    }
}

/// go/scanner's `trailingDigits`: `text` = `rest:N` with N a number →
/// (rest, N); `None` without a colon or when what follows is not a number.
fn trailing_number(text: &str) -> Option<(&str, usize)> {
    let i = text.rfind(':')?;
    let n = text[i + 1..].parse::<usize>().ok()?;
    Some((&text[..i], n))
}

fn collect_comments<'t>(n: Node<'t>, out: &mut Vec<Node<'t>>) {
    if n.kind() == "comment" {
        out.push(n);
        return;
    }
    let mut c = n.walk();
    let kids: Vec<Node> = n.children(&mut c).collect();
    for k in kids {
        collect_comments(k, out);
    }
}
