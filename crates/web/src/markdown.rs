//! Markdown, as national administrators write training modules and policies, rendered to
//! GOV.UK-styled HTML. Safe by construction: every piece of text is escaped, raw HTML in the
//! source shows as the text it is, images are not shown (their description is), and a link
//! goes only to a web page, an email address or a path inside Hearth.

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// The HTML for a Markdown text. Headings start at `<h2>`: the page's own title is its `<h1>`.
pub fn render(source: &str) -> String {
    render_with(source, Open::default())
}

/// The HTML for a post in a team room, written by anyone on the staff: as [`render`], and a link
/// that leaves Hearth says so, to the eye and to a screen reader, and passes nothing on.
pub fn render_post(source: &str) -> String {
    render_with(source, Open { mark_external: true, ..Default::default() })
}

fn render_with(source: &str, mut st: Open) -> String {
    let mut out = String::with_capacity(source.len() * 3 / 2);
    for event in Parser::new_ext(source, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(tag) => start(&mut out, tag, &mut st),
            Event::End(tag) => end(&mut out, tag, &mut st),
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) | Event::InlineMath(t) | Event::DisplayMath(t) => escape(&mut out, &t),
            Event::Code(t) => {
                out.push_str("<code>");
                escape(&mut out, &t);
                out.push_str("</code>");
            }
            Event::FootnoteReference(t) => escape(&mut out, &t),
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br>"),
            Event::Rule => out.push_str("<hr class=\"govuk-section-break govuk-section-break--m govuk-section-break--visible\">"),
            Event::TaskListMarker(done) => out.push_str(if done { "[x] " } else { "[ ] " }),
        }
    }
    out
}

/// What is open while rendering.
#[derive(Default)]
struct Open {
    /// Inside an image, its description is written as text and the image itself is not.
    images: usize,
    /// For each open link: `None` if unsafe (a `<span>`), else whether it leaves Hearth.
    links: Vec<Option<bool>>,
    /// Mark links that leave Hearth (posts by anyone), not those national administrators write.
    mark_external: bool,
    /// In a table's head row, whose cells are headers.
    head: bool,
}

fn start(out: &mut String, tag: Tag, st: &mut Open) {
    if st.images > 0 {
        if matches!(tag, Tag::Image { .. }) {
            st.images += 1;
        }
        return;
    }
    match tag {
        Tag::Paragraph => out.push_str("<p class=\"govuk-body\">"),
        Tag::Heading { level, .. } => out.push_str(match level {
            HeadingLevel::H1 => "<h2 class=\"govuk-heading-l\">",
            HeadingLevel::H2 => "<h3 class=\"govuk-heading-m\">",
            _ => "<h4 class=\"govuk-heading-s\">",
        }),
        Tag::BlockQuote(_) => out.push_str("<div class=\"govuk-inset-text\">"),
        Tag::CodeBlock(_) => out.push_str("<pre class=\"hearth-pre\"><code>"),
        Tag::List(Some(1)) => out.push_str("<ol class=\"govuk-list govuk-list--number\">"),
        Tag::List(Some(n)) => out.push_str(&format!("<ol class=\"govuk-list govuk-list--number\" start=\"{n}\">")),
        Tag::List(None) => out.push_str("<ul class=\"govuk-list govuk-list--bullet\">"),
        Tag::Item => out.push_str("<li>"),
        Tag::Emphasis => out.push_str("<em>"),
        Tag::Strong => out.push_str("<strong>"),
        Tag::Strikethrough => out.push_str("<s>"),
        Tag::Link { link_type, dest_url, .. } => {
            let href = safe_href(link_type, &dest_url);
            let external = href.as_deref().is_some_and(|h| st.mark_external && !h.starts_with('/') && !h.starts_with('#'));
            st.links.push(href.as_ref().map(|_| external));
            match href {
                Some(href) => {
                    out.push_str("<a class=\"govuk-link\" href=\"");
                    escape(out, &href);
                    out.push_str(if external { "\" rel=\"external noopener noreferrer\">" } else { "\">" });
                }
                None => out.push_str("<span>"),
            }
        }
        Tag::Image { .. } => st.images += 1,
        Tag::Table(_) => out.push_str("<table class=\"govuk-table\">"),
        Tag::TableHead => {
            st.head = true;
            out.push_str("<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">")
        }
        Tag::TableRow => out.push_str("<tr class=\"govuk-table__row\">"),
        Tag::TableCell if st.head => out.push_str("<th scope=\"col\" class=\"govuk-table__header\">"),
        Tag::TableCell => out.push_str("<td class=\"govuk-table__cell\">"),
        _ => {}
    }
}

fn end(out: &mut String, tag: TagEnd, st: &mut Open) {
    if st.images > 0 {
        if matches!(tag, TagEnd::Image) {
            st.images -= 1;
        }
        return;
    }
    match tag {
        TagEnd::Paragraph => out.push_str("</p>\n"),
        TagEnd::Heading(HeadingLevel::H1) => out.push_str("</h2>\n"),
        TagEnd::Heading(HeadingLevel::H2) => out.push_str("</h3>\n"),
        TagEnd::Heading(_) => out.push_str("</h4>\n"),
        TagEnd::BlockQuote(_) => out.push_str("</div>\n"),
        TagEnd::CodeBlock => out.push_str("</code></pre>\n"),
        TagEnd::List(true) => out.push_str("</ol>\n"),
        TagEnd::List(false) => out.push_str("</ul>\n"),
        TagEnd::Item => out.push_str("</li>\n"),
        TagEnd::Emphasis => out.push_str("</em>"),
        TagEnd::Strong => out.push_str("</strong>"),
        TagEnd::Strikethrough => out.push_str("</s>"),
        TagEnd::Link => out.push_str(match st.links.pop().flatten() {
            Some(true) => "<span class=\"hearth-external\" aria-hidden=\"true\"> ↗</span><span class=\"govuk-visually-hidden\"> (leaves Hearth)</span></a>",
            Some(false) => "</a>",
            None => "</span>",
        }),
        TagEnd::Table => out.push_str("</tbody></table>\n"),
        TagEnd::TableHead => {
            st.head = false;
            out.push_str("</tr></thead><tbody class=\"govuk-table__body\">")
        }
        TagEnd::TableRow => out.push_str("</tr>"),
        TagEnd::TableCell => out.push_str(if st.head { "</th>" } else { "</td>" }),
        _ => {}
    }
}

/// A link's destination, if it is one Hearth will follow: http(s), mailto, or a path inside
/// Hearth. Anything else (`javascript:`, `data:`, another scheme) is shown as plain text.
fn safe_href(link_type: LinkType, dest: &CowStr) -> Option<String> {
    let d = dest.trim();
    if matches!(link_type, LinkType::Email) {
        return Some(format!("mailto:{d}"));
    }
    let lower = d.to_ascii_lowercase();
    let allowed = lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:") || (d.starts_with('/') && !d.starts_with("//")) || d.starts_with('#');
    allowed.then(|| d.to_string())
}

fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn headings_lists_and_links_take_the_design_systems_classes() {
        let html = render("# Safety\n\nRead *this*.\n\n- one\n- two\n\n[Policy](/policies)");
        assert!(html.contains("<h2 class=\"govuk-heading-l\">Safety</h2>"), "{html}");
        assert!(html.contains("<p class=\"govuk-body\">Read <em>this</em>.</p>"), "{html}");
        assert!(html.contains("<ul class=\"govuk-list govuk-list--bullet\"><li>one</li>"), "{html}");
        assert!(html.contains("<a class=\"govuk-link\" href=\"/policies\">Policy</a>"), "{html}");
    }

    #[test]
    fn raw_html_scripts_and_unsafe_links_never_reach_the_page() {
        let html = render("<script>alert(1)</script>\n\nHi <b onclick=\"x()\">there</b> [click](javascript:alert(1)) ![a cat](https://example.org/cat.png) [x](//evil.example)");
        assert!(!html.contains("<script") && !html.contains("<b ") && !html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(!html.contains("href=\"javascript:") && !html.contains("href=\"//evil"), "{html}");
        assert!(html.contains("<span>click</span>") && html.contains("a cat"), "{html}");
    }

    #[test]
    fn a_post_marks_links_that_leave_hearth_and_not_those_that_stay() {
        let html = super::render_post("See [the guide](https://example.org/guide) and [my cases](/my/workload).");
        assert!(html.contains("href=\"https://example.org/guide\" rel=\"external noopener noreferrer\">the guide<span class=\"hearth-external\" aria-hidden=\"true\"> ↗</span><span class=\"govuk-visually-hidden\"> (leaves Hearth)</span></a>"), "{html}");
        assert!(html.contains("<a class=\"govuk-link\" href=\"/my/workload\">my cases</a>"), "{html}");
        assert!(!render("[x](https://example.org)").contains("rel="), "national content is not marked");
    }

    #[test]
    fn a_quoted_attribute_cannot_be_broken_out_of() {
        let html = render("[x](https://a.example/\"onmouseover=\"alert(1))");
        assert!(!html.contains("\"onmouseover"), "{html}");
    }
}
