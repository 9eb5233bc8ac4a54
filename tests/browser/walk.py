"""A walk over every page a user can reach: from the start page (and a few pages reached only
through a form), every same-site link is followed, one page per URL pattern, and each page is
measured for what axe-core cannot see: sideways scroll at 320 px (WCAG 1.4.10), the contrast of
form-control borders (1.4.11) and of links in alerts (1.4.3), and the page title (2.4.2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Page

# Links that are not pages to check: they log out, switch the language, or answer with a file.
NOT_PAGES = {
    "logout",
    "logout_everywhere",
    "set_language",
    "healthz",
    "participants:import_template",
    "participants:import_template_xlsx",
    "placements:agreement",
    "placements:certificate",
    "placements:summary_pdf",
    "privacy:extract",
    "reporting:file",
    "reporting:generate",
}
# Django's admin and the API's documentation are not Platsa's pages (the admin has its own styles,
# the API documentation is Swagger UI).
NOT_OURS = ("admin", "api")

# Runs in the page: the sideways overflow, and the elements that stick out (for the message).
OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const out = [];
  if (root.scrollWidth > width) {
    for (const el of document.querySelectorAll("body *")) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 1 && !el.closest(".table-responsive")) {
        out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ends at ${Math.round(box.right)} px`);
        if (out.length >= 3) break;
      }
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: width, culprits: out};
}"""

# Colour arithmetic shared by the checks below: parse a computed colour, lay a translucent colour
# over another, find what is painted behind an element, and WCAG's contrast ratio of two colours.
COLOURS = """
  const parse = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const behind = (el) => {
    const layers = [];
    for (let node = el.parentElement; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] >= 1) break;
    }
    return layers.reverse().reduce((acc, layer) => over(layer, acc), [255, 255, 255, 1]);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
"""

# Runs in the page: every visible form control's border colour against the colour behind it,
# composited where either is translucent.
BORDERS = (
    "() => {"
    + COLOURS
    + """
  const skipped = ["hidden", "submit", "button", "reset", "image"].map((type) => `:not([type=${type}])`).join("");
  const selector = `input${skipped}, select, textarea, .ts-control`;
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    // Tom Select's search box sits inside its control, whose border is the one that counts.
    if (el.closest(".ts-control") && el.tagName === "INPUT") continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const hidden = box.width < 4 || box.height < 4 || style.visibility === "hidden";
    if (hidden || parseFloat(style.borderTopWidth) === 0) continue;
    const background = behind(el);
    const border = over(parse(style.borderTopColor), background);
    const value = ratio(border, background);
    if (value < 3) {
      const name = el.id || el.name || [...el.classList].join(".");
      const what = `${el.tagName.toLowerCase()}[${el.type || ""}] ${name}`;
      out.push(`${what}: border ${style.borderTopColor} is ${value.toFixed(2)}:1`);
    }
  }
  return out;
}"""
)

# Runs in the page: links inside alerts against the alert's background (WCAG 1.4.3, 4.5:1).
ALERT_LINKS = (
    "() => {"
    + COLOURS
    + """
  const out = [];
  for (const link of document.querySelectorAll(".alert a:not(.btn)")) {
    const background = behind(link);
    const colour = over(parse(getComputedStyle(link).color), background);
    const value = ratio(colour, background);
    if (value < 4.5) out.push(`link "${link.textContent.trim()}" in an alert is ${value.toFixed(2)}:1`);
  }
  return out;
}"""
)


@dataclass
class Visit:
    path: str
    page_type: str  # the URL pattern's name
    title: str
    problems: list[str] = field(default_factory=list)


def page_type(path: str) -> str | None:
    """The URL pattern's name of a link, or None where it is no page to check."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    name = match.view_name
    if name in NOT_PAGES or name.split(":")[0] in NOT_OURS or urlsplit(path).path.startswith("/admin/"):
        return None
    return name


def links(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "(anchors) => anchors.map((a) => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href)
        if url.startswith(base) and "#" not in href:
            found.append(url[len(base) :] or "/")
    return found


def measure(page: Page) -> list[str]:
    """What is wrong on the page as it is now: sideways scroll, faint form-control borders, pale links
    in alerts."""
    problems = []
    overflow = page.evaluate(OVERFLOW)
    if overflow["scrollWidth"] > overflow["clientWidth"]:
        problems.append(
            f"scrolls sideways: {overflow['scrollWidth']} px wide in {overflow['clientWidth']} px "
            f"({'; '.join(overflow['culprits']) or 'inside a wrapper'})"
        )
    problems += page.evaluate(BORDERS)
    problems += page.evaluate(ALERT_LINKS)
    return problems


def enlarge_text(page: Page) -> None:
    """Text at 200 % (WCAG 1.4.4): the root font size, which every Bootstrap size follows, doubled."""
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")


def walk(
    page: Page,
    base: str,
    seeds: list[str],
    *,
    before: Callable[[Page], None] | None = None,
    also: Callable[[Page], list[str]] | None = None,
    limit: int = 80,
) -> list[Visit]:
    """Every page reachable from the seeds, one per URL pattern (the seeds are all visited), each
    prepared with `before` (for instance larger text), measured, and checked with `also` (for
    instance axe-core) where given."""
    queue = list(dict.fromkeys(seeds))
    seen_types: set[str] = set()
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        path = queue.pop(0)
        kind = page_type(path)
        if kind is None:
            continue
        if kind in seen_types and path not in seeds:
            continue
        seen_types.add(kind)
        response = page.goto(base + path)
        status = response.status if response else None
        # A redirect (the anonymous start page to the login page) lands on another kind of page.
        landed = page_type(page.url[len(base) :]) if page.url.startswith(base) else None
        if landed is not None and landed != kind:
            kind = landed
            if kind in seen_types:
                continue
            seen_types.add(kind)
        visit = Visit(path=path, page_type=kind, title=page.title())
        if status != 200:
            visit.problems.append(f"answered {status}")
        else:
            if before is not None:
                before(page)
            visit.problems += measure(page)
            if also is not None:
                visit.problems += also(page)
        visits.append(visit)
        for link in links(page, base):
            link_type = page_type(link)
            if link_type is not None and link_type not in seen_types and link not in queue:
                queue.append(link)
    return visits


def shared_titles(visits: list[Visit]) -> list[str]:
    """Titles that two different kinds of page share (WCAG 2.4.2: a title says which page it is)."""
    by_title: dict[str, set[str]] = {}
    for visit in visits:
        by_title.setdefault(visit.title, set()).add(visit.page_type)
    return [f"{title!r}: {', '.join(sorted(kinds))}" for title, kinds in by_title.items() if len(kinds) > 1]
