// Links in a ship note. Customers read the note in their own threads, posted by the app, so it may link
// only to domains the team trusts: Slack's own (slack.com and its subdomains) and those of
// SHIP_LINK_DOMAINS. A link is anything a reader could follow: an http(s) URL (also inside Slack's
// `<url|label>` form, where the label is checked too), any other `scheme://host`, and a bare domain such as
// `evil.example/login` or the domain of an email address. Pure.

/** Slack's own domain: always allowed (with its subdomains). */
export const SLACK_DOMAIN = "slack.com";

// The dots IDNA treats as dots: "evil。example" is opened as evil.example.
const DOTS = "\\.\\u3002\\uFF0E\\uFF61";
const LABEL_CHAR = "\\p{L}\\p{N}_";
const LABEL = `[${LABEL_CHAR}](?:[${LABEL_CHAR}-]*[${LABEL_CHAR}])?`;
const TLD = "(?:xn--[a-z0-9-]{1,59}|\\p{L}{2,63})";

/** `scheme://authority...` up to whitespace or the end of Slack's `<url|label>` form. */
const SCHEME_URL = /[a-z][a-z0-9+.-]*:\/\/[^\s<>|"]*/giu;
/** A bare domain: labels and a top-level domain of letters, not part of a longer word or an email's name. */
const BARE_DOMAIN = new RegExp(`(?<![${LABEL_CHAR}${DOTS}-])(?:${LABEL}[${DOTS}])+${TLD}(?![${LABEL_CHAR}@-])`, "giu");

/**
 * File extensions that are no top-level domain: `report.xlsx` or `Node.js` can be no link. (Extensions
 * that are also top-level domains, such as .zip or .md, stay links.)
 */
const NOT_TLDS = new Set([
  "csv",
  "doc",
  "docx",
  "gif",
  "htm",
  "html",
  "jpeg",
  "jpg",
  "js",
  "json",
  "pdf",
  "png",
  "pptx",
  "svg",
  "ts",
  "tsx",
  "txt",
  "xls",
  "xlsx",
  "xml",
  "yaml",
  "yml",
]);

/**
 * A host as a browser opens it: lower case, IDNA dots and a trailing dot folded, internationalised names
 * in their `xn--` form, so a look-alike never equals the name it imitates. Null for no host.
 */
export function hostKey(host: string): string | null {
  const folded = host
    .replace(/[\u3002\uFF0E\uFF61]/g, ".")
    .trim()
    .replace(/\.+$/, "")
    .toLowerCase();
  if (!folded) return null;
  try {
    return new URL(`http://${folded}/`).hostname || null;
  } catch {
    return folded;
  }
}

/** The host of `scheme://...` as a browser reads it (so `https://slack.com@evil.example/` is evil.example). */
function urlHost(url: string): string | null {
  try {
    const host = new URL(url).hostname;
    if (host) return hostKey(host.replace(/^\[|\]$/g, ""));
  } catch {
    // Not a URL a browser would open as written; read its authority by hand.
  }
  const authority = url.replace(/^[^:]*:\/\//, "").split(/[/?#\\]/)[0] ?? "";
  return hostKey((authority.split("@").pop() ?? "").replace(/:\d*$/, ""));
}

/** Every host the text links to, in order of appearance, each once. */
export function linkedHosts(text: string): string[] {
  const hosts: string[] = [];
  const add = (host: string | null) => {
    if (host && !hosts.includes(host)) hosts.push(host);
  };
  // Slack sends `<`, `>` and `&` of typed text as entities; read them as the characters they stand for.
  const plain = text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  // URLs first; what they span is not read again as bare domains (a path such as /v2.setup is no host).
  const rest = plain.replace(SCHEME_URL, (url) => {
    add(urlHost(url));
    return " ";
  });
  for (const match of rest.matchAll(BARE_DOMAIN)) {
    const raw = match[0];
    const tld = raw
      .split(/[.\u3002\uFF0E\uFF61]/)
      .pop()!
      .toLowerCase();
    const path = rest.charAt((match.index ?? 0) + raw.length) === "/";
    if (!path && NOT_TLDS.has(tld)) continue;
    add(hostKey(raw));
  }
  return hosts;
}

/** The allowed domains in their canonical form, Slack's own first (duplicates and blanks dropped). */
export function allowedLinkDomains(configured: readonly string[]): string[] {
  const domains: string[] = [];
  for (const d of [SLACK_DOMAIN, ...configured]) {
    const key = hostKey(d.replace(/^\*?\./, ""));
    if (key && !domains.includes(key)) domains.push(key);
  }
  return domains;
}

/** Whether the host is an allowed domain or one of its subdomains (slack.com.evil.example is neither). */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/**
 * The hosts the text links to that are not allowed, each once, in order of appearance; empty when every
 * link is allowed. `configured` is SHIP_LINK_DOMAINS (Slack's own domain is always allowed).
 */
export function linksNotAllowed(text: string, configured: readonly string[]): string[] {
  const allowed = allowedLinkDomains(configured);
  return linkedHosts(text).filter((host) => !hostAllowed(host, allowed));
}
