//! A small shell lexer: one logical line into simple commands, quotes removed, with the
//! words that depend on run-time values marked, and the files output is redirected to.
//!
//! It knows what finding unit names needs: `'…'` and `"…"` quoting, `\` escapes, `$VAR`
//! and `${…}`, command substitution (`$(…)` and backticks, also inside double quotes),
//! subshells, `;`, `&`, `|`, `&&`, `||`, redirections (`>file`, `2>&1`, `&>`), here-documents
//! (their delimiter) and `#` comments. It never fails: unbalanced quotes end with the line.

/// A word of a command, quotes removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The text.
    pub text: String,
    /// Part of it is only known at run time (a variable or a command substitution).
    pub dynamic: bool,
}

/// A simple command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Command {
    /// Its words, the command name first.
    pub words: Vec<Word>,
    /// Files its output is written to (`> file`, `>> file`).
    pub writes: Vec<Word>,
}

/// The commands of a line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lexed {
    /// The simple commands, in order (those of a substitution come where it starts).
    pub commands: Vec<Command>,
    /// The delimiter of a here-document the line opens (`<<EOF`, `<<-'EOF'`).
    pub heredoc: Option<String>,
}

/// What the next word is, after a redirection operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A file written.
    Write,
    /// A file read or a file descriptor: dropped.
    Drop,
    /// A here-document delimiter.
    Heredoc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Paren,
    Backtick,
    DQuote,
}

#[derive(Default)]
struct Lexer {
    out: Lexed,
    cur: Command,
    word: String,
    in_word: bool,
    dynamic: bool,
    target: Option<Target>,
    stack: Vec<Ctx>,
}

/// Most words kept per line: a line is bounded anyway, this bounds the allocations.
const MAX_WORDS: usize = 4_096;

impl Lexer {
    fn end_word(&mut self) {
        if !self.in_word {
            return;
        }
        let w = Word {
            text: std::mem::take(&mut self.word),
            dynamic: self.dynamic,
        };
        self.in_word = false;
        self.dynamic = false;
        match self.target.take() {
            Some(Target::Write) => self.cur.writes.push(w),
            Some(Target::Heredoc) if self.out.heredoc.is_none() => {
                self.out.heredoc = Some(w.text);
            }
            Some(Target::Heredoc) => {}
            Some(Target::Drop) => {}
            None if self.cur.words.len() < MAX_WORDS => self.cur.words.push(w),
            None => {}
        }
    }

    fn end_command(&mut self) {
        self.end_word();
        self.target = None;
        let c = std::mem::take(&mut self.cur);
        if (!c.words.is_empty() || !c.writes.is_empty()) && self.out.commands.len() < MAX_WORDS {
            self.out.commands.push(c);
        }
    }

    fn push(&mut self, c: char) {
        self.in_word = true;
        self.word.push(c);
    }
}

/// Split one logical line (continuations already joined) into commands.
pub fn lex(line: &str) -> Lexed {
    let mut l = Lexer::default();
    let mut it = line.chars().peekable();
    while let Some(c) = it.next() {
        if l.stack.last() == Some(&Ctx::DQuote) {
            match c {
                '"' => {
                    l.stack.pop();
                    l.in_word = true;
                }
                '\\' => {
                    if let Some(n) = it.next() {
                        if !matches!(n, '"' | '\\' | '$' | '`') {
                            l.word.push('\\');
                        }
                        l.push(n);
                    }
                }
                '$' if it.peek() == Some(&'(') => {
                    it.next();
                    l.dynamic = true;
                    l.end_command();
                    l.stack.push(Ctx::Paren);
                }
                '`' => {
                    l.dynamic = true;
                    l.end_command();
                    l.stack.push(Ctx::Backtick);
                }
                '$' => {
                    l.dynamic = true;
                    l.push('$');
                }
                _ => l.push(c),
            }
            continue;
        }
        match c {
            ' ' | '\t' | '\r' | '\n' => l.end_word(),
            '\'' => {
                l.in_word = true;
                for n in it.by_ref() {
                    if n == '\'' {
                        break;
                    }
                    l.word.push(n);
                }
            }
            '"' => {
                l.in_word = true;
                l.stack.push(Ctx::DQuote);
            }
            '\\' => {
                l.in_word = true;
                if let Some(n) = it.next() {
                    l.word.push(n);
                }
            }
            '#' if !l.in_word => break,
            '$' if it.peek() == Some(&'(') => {
                it.next();
                l.end_command();
                l.stack.push(Ctx::Paren);
            }
            '$' => {
                l.dynamic = true;
                l.push('$');
            }
            '`' => {
                l.end_command();
                if l.stack.last() == Some(&Ctx::Backtick) {
                    l.stack.pop();
                    l.resume_after_substitution();
                } else {
                    l.stack.push(Ctx::Backtick);
                }
            }
            '(' => {
                l.end_command();
                l.stack.push(Ctx::Paren);
            }
            ')' => {
                l.end_command();
                if l.stack.last() == Some(&Ctx::Paren) {
                    l.stack.pop();
                    l.resume_after_substitution();
                }
            }
            '&' if it.peek() == Some(&'>') => l.end_word(),
            ';' | '&' | '|' => l.end_command(),
            '>' | '<' => {
                let fd = l.in_word
                    && !l.dynamic
                    && !l.word.is_empty()
                    && l.word.bytes().all(|b| b.is_ascii_digit());
                if fd {
                    l.word.clear();
                    l.in_word = false;
                } else {
                    l.end_word();
                }
                let mut target = if c == '>' {
                    Target::Write
                } else {
                    Target::Drop
                };
                if c == '<' && it.peek() == Some(&'<') {
                    it.next();
                    target = Target::Heredoc;
                    if it.peek() == Some(&'<') {
                        // A here-string: its word is data.
                        it.next();
                        target = Target::Drop;
                    } else if it.peek() == Some(&'-') {
                        it.next();
                    }
                }
                while let Some(&n) = it.peek() {
                    if n == '&' && target == Target::Write {
                        // `>&2`: a descriptor, not a file.
                        target = Target::Drop;
                        it.next();
                    } else if matches!(n, '>' | '|') {
                        it.next();
                    } else {
                        break;
                    }
                }
                l.target = Some(target);
            }
            _ => l.push(c),
        }
    }
    l.end_command();
    l.out
}

impl Lexer {
    /// After a substitution closes inside double quotes, the quoted word goes on, known only
    /// at run time.
    fn resume_after_substitution(&mut self) {
        if self.stack.last() == Some(&Ctx::DQuote) {
            self.in_word = true;
            self.dynamic = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Vec<String>> {
        lex(line)
            .commands
            .iter()
            .map(|c| {
                c.words
                    .iter()
                    .map(|w| {
                        if w.dynamic {
                            format!("<{}>", w.text)
                        } else {
                            w.text.clone()
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn quoting_and_separators() {
        assert_eq!(
            words("systemctl restart 'acme.service' \"b c\" d\\ e # comment"),
            [["systemctl", "restart", "acme.service", "b c", "d e"]]
        );
        assert_eq!(
            words("systemctl stop a && systemctl start b || true; echo x|grep y &"),
            vec![
                vec!["systemctl", "stop", "a"],
                vec!["systemctl", "start", "b"],
                vec!["true"],
                vec!["echo", "x"],
                vec!["grep", "y"],
            ]
        );
        assert_eq!(
            words("systemctl start \"$SVC\" ${x}.service pre$y"),
            [["systemctl", "start", "<$SVC>", "<${x}.service>", "<pre$y>"]]
        );
        assert_eq!(words("a#b"), [["a#b"]]);
    }

    #[test]
    fn substitutions() {
        assert_eq!(
            words("if [ \"$(systemctl is-active acme)\" = active ]; then"),
            vec![
                vec!["if", "[", "<>"],
                vec!["systemctl", "is-active", "acme"],
                vec!["<>", "=", "active", "]"],
                vec!["then"],
            ]
        );
        assert_eq!(
            words("x=`systemctl show -p MainPID acme`"),
            vec![
                vec!["x="],
                vec!["systemctl", "show", "-p", "MainPID", "acme"]
            ]
        );
        assert_eq!(
            words("(cd /x && systemctl restart y)"),
            vec![vec!["cd", "/x"], vec!["systemctl", "restart", "y"]]
        );
    }

    #[test]
    fn redirections_and_heredocs() {
        let l = lex("systemctl restart acme >/dev/null 2>&1 &>/tmp/log");
        assert_eq!(
            words("systemctl restart acme >/dev/null 2>&1 &>/tmp/log"),
            [["systemctl", "restart", "acme"]]
        );
        let writes: Vec<_> = l
            .commands
            .iter()
            .flat_map(|c| &c.writes)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(writes, ["/dev/null", "/tmp/log"]);
        let h = lex("cat > /etc/systemd/system/acme.service <<-'EOF'");
        assert_eq!(h.heredoc.as_deref(), Some("EOF"));
        assert_eq!(
            h.commands
                .first()
                .and_then(|c| c.writes.first())
                .map(|w| w.text.as_str()),
            Some("/etc/systemd/system/acme.service")
        );
        assert_eq!(lex("grep x <<< \"$y\"").heredoc, None);
        assert_eq!(
            lex("sort < in.txt").commands.first().map(|c| c.words.len()),
            Some(1)
        );
    }

    #[test]
    fn hostile_input_is_harmless() {
        for s in [
            "\"unterminated $(",
            "'",
            "\\",
            ")))",
            "`",
            "<<",
            "2>",
            "$",
            "é\"ü$(ß",
        ] {
            let _ = lex(s);
        }
        let long = "a ".repeat(10_000);
        assert!(lex(&long).commands.first().map_or(0, |c| c.words.len()) <= MAX_WORDS);
    }
}
