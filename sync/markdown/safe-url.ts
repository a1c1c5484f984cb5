/** Schemes a link may use; anything else (javascript:, data:, vbscript:, file:…) loses its href. */
const ALLOWED_SCHEMES = new Set(['http', 'https', 'mailto']);

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Markdown decodes character references in a link destination (`&amp;` in a query string).
 * Numeric ones and the five XML names are decoded here; any other name makes the URL
 * unusable (undefined), since without a DOM its meaning cannot be known for sure.
 */
function decodeReferences(href: string): string | undefined {
	let isKnown = true;
	const decoded = href.replace(
		/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z][a-zA-Z0-9]*);/g,
		(_, ref: string) => {
			if (ref[0] !== '#') {
				const char = NAMED[ref];
				if (char === undefined) isKnown = false;
				return char ?? '';
			}
			const code =
				ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
			return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
				? String.fromCodePoint(code)
				: '\ufffd';
		}
	);
	return isKnown ? decoded : undefined;
}

/**
 * The href to emit for a link destination, or null when it must not be a link. The value is
 * escaped in full when emitted, so the browser reads exactly this string. Browsers drop
 * control characters and whitespace from a URL before reading its scheme, so any such
 * character rejects the URL outright; so do `<` and `>`, which no real URL holds unencoded.
 */
export function safeHref(destination: string): string | null {
	const href = decodeReferences(destination);
	// eslint-disable-next-line no-control-regex
	if (!href || /[\u0000-\u0020\u007f-\u009f<>]/.test(href)) return null;
	const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(href);
	// No scheme: a relative URL (path, query or fragment) on the page's own origin.
	if (!scheme) return href;
	return ALLOWED_SCHEMES.has(scheme[1].toLowerCase()) ? href : null;
}

/** Whether a link leaves the site (absolute or protocol-relative): it opens in a new tab. */
export const isExternal = (href: string) => /^(?:https?:|[\\/]{2})/i.test(href);
