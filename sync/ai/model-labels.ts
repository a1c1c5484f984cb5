import { parseTags } from '../tags';
import { ModelCheckError } from './model-check-error';

const MAX_LABELS = 4096;

export function parseJson(text: string, what: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		throw new ModelCheckError('labels', `The ${what} are not valid JSON.`);
	}
}

/** Each label must be a tag as the app writes it (`#word`, lower-case), once. */
export function labelList(value: unknown): string[] {
	if (!Array.isArray(value) || value.length === 0) {
		throw new ModelCheckError('labels', 'The labels must be a non-empty list of tags.');
	}
	if (value.length > MAX_LABELS) {
		throw new ModelCheckError('labels', `${value.length} labels is more than ${MAX_LABELS}.`);
	}
	const labels = value.map((item) => {
		const label = typeof item === 'string' ? item.trim().replace(/^#/, '').toLowerCase() : '';
		if (parseTags(`#${label}`)[0] !== label) {
			throw new ModelCheckError('labels', `${JSON.stringify(item)} is not a tag (like #work).`);
		}
		return label;
	});
	const repeated = labels.find((label, i) => labels.indexOf(label) !== i);
	if (repeated) throw new ModelCheckError('labels', `The label "${repeated}" is listed twice.`);
	return labels;
}

/** A head's labels file: a JSON array of tags, or one tag per line. */
export function parseLabels(text: string): string[] {
	const trimmed = text.trim();
	if (trimmed.startsWith('[')) return labelList(parseJson(trimmed, 'labels'));
	return labelList(trimmed.split(/\r?\n/).filter((line) => line.trim() !== ''));
}
