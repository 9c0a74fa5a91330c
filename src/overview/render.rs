//! The overview message: subject, HTML part and plain-text part, from the same data, so the
//! text part carries exactly the objectives the HTML part shows.

use std::fmt::Write as _;

use crate::overview::plan::{Content, CycleSection, Planned};

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// The `text/html` part.
    pub html: String,
    /// The `text/plain` part.
    pub text: String,
}

/// Subject of an overview.
pub const OVERVIEW_SUBJECT: &str = "It's time to review your OKRs";
/// Subject of a reminder.
pub const REMINDER_SUBJECT: &str = "It's time to define your OKRs";

/// Renders `planned`; `base_url` prefixes the link to the recipient's page.
pub fn render(planned: &Planned, base_url: &str) -> Rendered {
    let link = format!(
        "{}/{}",
        base_url.trim_end_matches('/'),
        planned.recipient.slug
    );
    let name = &planned.recipient.first_name;
    let mut text = format!("Hi {name},\n\n");
    let mut html = format!("<p>Hi {},</p>\n", escape(name));
    let subject = match &planned.content {
        Content::Overview(cycles) => {
            text.push_str("Below are your OKRs! Now is a great time to plan your week and track your progress.\n");
            html.push_str("<p>Below are your OKRs! Now is a great time to plan your week and track your progress.</p>\n");
            for cycle in cycles {
                cycle_parts(cycle, &mut text, &mut html);
            }
            OVERVIEW_SUBJECT
        }
        Content::Reminder(titles) => {
            let names = titles
                .iter()
                .map(|t| format!("'{t}'"))
                .collect::<Vec<_>>()
                .join(", ");
            let line = format!(
                "I noticed you haven't set any objectives for {} {names}. It's never too late in the quarter to begin!",
                if titles.len() == 1 {
                    "this cycle,"
                } else {
                    "these cycles:"
                }
            );
            let _ = writeln!(text, "{line}");
            let _ = writeln!(html, "<p>{}</p>", escape(&line));
            REMINDER_SUBJECT
        }
    };
    let _ = write!(text, "\nYour OKRs: {link}\n\nGood luck!\nThe OKR Bot\n");
    let _ = write!(
        html,
        "<p><a href=\"{href}\">Your OKRs</a></p>\n<p>Good luck!<br>The OKR Bot</p>\n",
        href = escape(&link)
    );
    Rendered {
        subject: subject.to_owned(),
        html: wrap(&html),
        text,
    }
}

fn cycle_parts(cycle: &CycleSection, text: &mut String, html: &mut String) {
    let _ = write!(text, "\nCycle: {}\n", cycle.title);
    let _ = writeln!(html, "<h2>Cycle: {}</h2>", escape(&cycle.title));
    for okr in &cycle.okrs {
        let owner = okr.group.as_ref().map_or_else(
            || "Your objectives".to_owned(),
            |g| format!("{g}'s objectives"),
        );
        let _ = writeln!(text, "{owner}:");
        let _ = writeln!(html, "<h3>{}</h3>\n<ul>", escape(&owner));
        for objective in &okr.objectives {
            let state = if objective.cancelled {
                " (cancelled)"
            } else {
                ""
            };
            let scores = format!("Mid: {} | Final: {}", objective.mid, objective.fin);
            let _ = writeln!(text, "* {}{state} - {scores}", objective.content);
            let _ = write!(
                html,
                "<li><strong>{}</strong>{state} &mdash; {scores}<ul>",
                escape(&objective.content)
            );
            for kr in &objective.key_results {
                let state = if kr.cancelled { " (cancelled)" } else { "" };
                let mut scores = format!("Mid: {} | Final: {}", kr.mid, kr.fin);
                if let Some(days) = kr.days_since_check_in {
                    let _ = write!(scores, " ({})", last_check_in(days));
                }
                let _ = writeln!(text, "    - {}{state} - {scores}", kr.content);
                let _ = write!(
                    html,
                    "<li>{}{state} &mdash; {scores}</li>",
                    escape(&kr.content)
                );
            }
            html.push_str("</ul></li>\n");
        }
        html.push_str("</ul>\n");
    }
}

/// "last check-in today", "… 1 day ago", "… 3 days ago".
fn last_check_in(days: i64) -> String {
    match days {
        0 => "last check-in today".to_owned(),
        1 => "last check-in 1 day ago".to_owned(),
        n => format!("last check-in {n} days ago"),
    }
}

fn wrap(body: &str) -> String {
    format!(
        "<!doctype html>\n<html><body style=\"font-family: sans-serif\">\n{body}</body></html>\n"
    )
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::overview::plan::{KeyResultLine, ObjectiveLine, OkrSection, Recipient};

    fn recipient() -> Recipient {
        Recipient {
            user_id: "u".to_owned(),
            address: "a@x.io".to_owned(),
            first_name: "Ann".to_owned(),
            slug: "ann.lee".to_owned(),
        }
    }

    #[test]
    fn both_parts_list_the_same_objectives_and_escape_html() {
        let objective = ObjectiveLine {
            content: "Ship <fast> & safe".to_owned(),
            cancelled: false,
            mid: Decimal::new(30, 2),
            fin: Decimal::new(0, 2),
            key_results: vec![KeyResultLine {
                content: "Cut build time".to_owned(),
                cancelled: true,
                mid: Decimal::new(5, 1),
                fin: Decimal::ZERO,
                days_since_check_in: Some(3),
            }],
        };
        let planned = Planned {
            recipient: recipient(),
            content: Content::Overview(vec![CycleSection {
                title: "Q4".to_owned(),
                okrs: vec![OkrSection {
                    group: Some("Platform".to_owned()),
                    objectives: vec![objective],
                }],
            }]),
        };
        let rendered = render(&planned, "https://okrs.example.com/");
        assert_eq!(rendered.subject, OVERVIEW_SUBJECT);
        for part in [&rendered.text, &rendered.html] {
            assert!(
                part.contains("Q4")
                    && part.contains("Platform")
                    && part.contains("Mid: 0.30 | Final: 0.00")
            );
            assert!(
                part.contains("Cut build time (cancelled)")
                    && part.contains("https://okrs.example.com/ann.lee")
            );
            assert!(part.contains("Mid: 0.5 | Final: 0 (last check-in 3 days ago)"));
        }
        assert!(rendered.text.contains("Ship <fast> & safe"));
        assert!(rendered.html.contains("Ship &lt;fast&gt; &amp; safe"));
    }

    #[test]
    fn one_reminder_names_every_cycle() {
        let planned = Planned {
            recipient: recipient(),
            content: Content::Reminder(vec!["Q4".to_owned(), "FY".to_owned()]),
        };
        let rendered = render(&planned, "http://x");
        assert_eq!(rendered.subject, REMINDER_SUBJECT);
        assert!(
            rendered.text.contains("'Q4', 'FY'")
                && rendered.html.contains("&#39;Q4&#39;, &#39;FY&#39;")
        );
    }
}
