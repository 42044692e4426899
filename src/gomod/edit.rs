//! Adding a requirement to go.mod text the way the go command writes it
//! (golang.org/x/mod/modfile's `AddNewRequire`, then `SortBlocks` and
//! the go ≥ 1.17 layout of `SetRequireSeparateIndirect`): into the
//! first `require ( … )` block holding direct requirements (an indirect
//! one into the indirect block, if any), sorted by path; a lone
//! `require x v` line becomes a block with the new line; with no
//! requirement at all, a `require x v` line after the rest. Comments and
//! every other line stay as written.

/// `text` (a go.mod) with `path version` required (`// indirect` when
/// `indirect`). Returns `text` unchanged when `path` is required already.
pub fn add_require(text: &str, path: &str, version: &str, indirect: bool) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let entry = if indirect {
        format!("{path} {version} // indirect")
    } else {
        format!("{path} {version}")
    };
    let fields = |l: &str| -> Vec<String> { l.split_whitespace().map(String::from).collect() };
    // (start, end) line indexes of each `require (` block, end at `)`.
    let mut blocks = Vec::new();
    let mut singles = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let f = fields(lines[i]);
        if f.first().map(String::as_str) == Some("require") {
            if f.get(1).map(String::as_str) == Some("(") {
                let start = i;
                while i < lines.len() && lines[i].trim() != ")" {
                    if i > start && fields(lines[i]).first().map(String::as_str) == Some(path) {
                        return text.to_string();
                    }
                    i += 1;
                }
                blocks.push((start, i));
            } else {
                if f.get(1).map(String::as_str) == Some(path) {
                    return text.to_string();
                }
                singles.push(i);
            }
        }
        i += 1;
    }
    let is_indirect_block = |(s, e): (usize, usize)| {
        lines[s + 1..e]
            .iter()
            .filter(|l| !l.trim().is_empty() && !l.trim().starts_with("//"))
            .all(|l| l.contains("// indirect"))
    };
    let block = blocks
        .iter()
        .copied()
        .find(|b| is_indirect_block(*b) == indirect)
        .or(blocks.first().copied());
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match (block, singles.as_slice()) {
        (Some((s, e)), _) => {
            // Sorted position among the block's entries (SortBlocks).
            let at = (s + 1..e)
                .find(|&k| {
                    fields(lines[k])
                        .first()
                        .is_some_and(|p| !p.starts_with("//") && p.as_str() > path)
                })
                .unwrap_or(e);
            out.insert(at, format!("\t{entry}"));
        }
        (None, [one]) => {
            let old = lines[*one].trim_start()["require".len()..]
                .trim()
                .to_string();
            let mut two = vec![old, entry];
            two.sort();
            out.splice(
                *one..=*one,
                std::iter::once("require (".to_string())
                    .chain(two.into_iter().map(|l| format!("\t{l}")))
                    .chain(std::iter::once(")".to_string())),
            );
        }
        (None, [.., last]) => out.insert(last + 1, format!("require {entry}")),
        (None, []) => {
            while out.last().is_some_and(|l| l.trim().is_empty()) {
                out.pop();
            }
            out.push(String::new());
            out.push(format!("require {entry}"));
        }
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_are_added_as_go_mod_mod_writes_them() {
        let base = "module example.com/hello\n\ngo 1.17\n";
        assert_eq!(
            add_require(base, "example.com/greet", "v1.0.0", false),
            "module example.com/hello\n\ngo 1.17\n\nrequire example.com/greet v1.0.0\n"
        );
        let one = "module m\n\ngo 1.17\n\nrequire example.com/cmd v1.0.0\n";
        assert_eq!(
            add_require(one, "example.com/greet", "v1.0.0", false),
            "module m\n\ngo 1.17\n\nrequire (\n\texample.com/cmd v1.0.0\n\texample.com/greet v1.0.0\n)\n"
        );
        let block = "module m\n\nrequire (\n\ta.com/x v1.0.0\n\tc.com/x v1.0.0\n)\n\nrequire (\n\td.com/y v1.0.0 // indirect\n)\n";
        assert_eq!(
            add_require(block, "b.com/x", "v1.2.0", false),
            "module m\n\nrequire (\n\ta.com/x v1.0.0\n\tb.com/x v1.2.0\n\tc.com/x v1.0.0\n)\n\nrequire (\n\td.com/y v1.0.0 // indirect\n)\n"
        );
        assert_eq!(add_require(block, "a.com/x", "v9.0.0", false), block);
    }
}
