/**
 * The tagger's section of models/EVAL.md, between markers: models/eval/tagger.ts writes it,
 * models/eval/evaluate.ts regenerates the rest of the report and keeps it.
 */
export const SECTION_START = '<!-- tagger evaluation: start -->';
export const SECTION_END = '<!-- tagger evaluation: end -->';

/** The section (markers included) in a report, or null. */
export function sectionOf(report: string): string | null {
	const start = report.indexOf(SECTION_START);
	const end = report.indexOf(SECTION_END);
	return start >= 0 && end > start ? report.slice(start, end + SECTION_END.length) : null;
}

/** The report with the section replaced (or added at the end). */
export function withSection(report: string, section: string): string {
	const current = sectionOf(report);
	if (current !== null) return report.replace(current, () => section);
	return `${report.trimEnd()}\n\n${section}\n`;
}
