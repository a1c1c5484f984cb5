import fc from 'fast-check';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { VISIBILITIES } from '../../../../sync/doc/shard-doc';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportedThought } from '../../../../sync/export-format';
import { newThoughtId } from '../../../../sync/ids';
import { parseTags } from '../../../../sync/tags';
import {
	MAX_IMPORT_BYTES,
	MAX_IMPORT_THOUGHTS,
	parseImportFile,
	toExportJson,
	toMarkdownZip,
	type ImportResult
} from './export-files';

const START = Date.UTC(2024, 4, 17, 9, 30);
const EXPORTED_AT = new Date(Date.UTC(2025, 0, 1));

function makeThought(text: string, index: number, fields: Partial<ExportedThought> = {}) {
	const time = START + index * 3_600_000;
	const thought: ExportedThought = {
		id: newThoughtId(time, (n) => new Uint8Array(n).fill(index)),
		createdAt: new Date(time).toISOString(),
		visibility: 'private',
		pinned: false,
		tags: parseTags(text),
		text
	};
	return { ...thought, ...fields };
}

const TRICKY_TEXTS = [
	'Hello, world',
	'Ünïcödé — 日本語のテキスト, Ελληνικά, עברית, العربية',
	'Emoji 👩‍👩‍👧‍👦 🇯🇵 🏳️‍🌈 😀 and astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎𠜱',
	'line one\r\nline two\r\n',
	'  leading and trailing spaces  ',
	'\n\nleading newlines',
	'trailing newlines\n\n\n',
	'\r\n\r\n',
	'\r',
	'---\nlooks like front matter\n---\n\nbody',
	'---',
	'a\n---\n',
	'id: tnotanid\ncreatedAt: "1999"\n---\n',
	'quotes "double" and \'single\' and `back`',
	'back\\slashes \\n \\u0041 \\" \\',
	'',
	'\t tabs \t and \u2028 line separator \u2029 NEL \u0085 NUL \0 end',
	'Tags #work/meetings and #Reading, not `#code`',
	'lorem ipsum dolor sit amet '.repeat(800).slice(0, 20_000)
];

const CORPUS = TRICKY_TEXTS.map((text, index) =>
	makeThought(text, index, { visibility: VISIBILITIES[index % 3], pinned: index % 4 === 0 })
);

function importJson(thoughts: ExportedThought[]): ImportResult {
	return parseImportFile('thoughts.json', strToU8(toExportJson(thoughts, EXPORTED_AT)));
}

function importZip(thoughts: ExportedThought[]): ImportResult {
	return parseImportFile('thoughts.zip', toMarkdownZip(thoughts));
}

function errorOf(result: ImportResult): string {
	if (result.ok) throw new Error('expected the import to fail');
	return result.error;
}

function sortedWithTags(thoughts: ExportedThought[]): ExportedThought[] {
	return [...thoughts]
		.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : 1))
		.map((thought) => ({ ...thought, tags: parseTags(thought.text) }));
}

function jsonBytes(value: unknown): Uint8Array {
	return strToU8(JSON.stringify(value));
}

describe('round trips', () => {
	it('imports the JSON export as the same thoughts', () => {
		expect(importJson(CORPUS)).toEqual({ ok: true, thoughts: CORPUS });
	});

	it('imports the Markdown zip as the same thoughts', () => {
		expect(importZip(CORPUS)).toEqual({ ok: true, thoughts: CORPUS });
	});

	it('keeps lone surrogates in JSON, which UTF-8 Markdown cannot hold', () => {
		const thoughts = [makeThought('lone \ud800 and \udfff surrogates', 0)];
		expect(importJson(thoughts)).toEqual({ ok: true, thoughts });
	});

	it('sorts by creation time then id, and re-derives tags from the text', () => {
		const late = makeThought('late #b', 2, { tags: ['stale'] });
		const early = makeThought('early #a', 1);
		const json = JSON.parse(toExportJson([late, early], EXPORTED_AT));
		expect(json.format).toBe(EXPORT_FORMAT);
		expect(json.version).toBe(EXPORT_VERSION);
		expect(json.exportedAt).toBe(EXPORTED_AT.toISOString());
		expect(json.thoughts.map((t: ExportedThought) => t.tags)).toEqual([['a'], ['b']]);
	});

	it('writes a deterministic zip of Markdown files with front matter', () => {
		const thought = makeThought('Say "hi" #Work/Meetings\n', 0, { pinned: true });
		const zip = toMarkdownZip([thought]);
		expect(toMarkdownZip([thought])).toEqual(zip);
		const files = unzipSync(zip);
		const path = `thoughts/2024/2024-05-17-${thought.id}.md`;
		expect(Object.keys(files)).toEqual([path]);
		expect(strFromU8(files[path])).toBe(
			`---\nid: ${thought.id}\ncreatedAt: "2024-05-17T09:30:00.000Z"\nvisibility: private\n` +
				'pinned: true\ntags: ["work/meetings"]\n---\n\nSay "hi" #Work/Meetings\n'
		);
	});

	it('records more than 65,535 files with a zip64 end record', () => {
		const thoughts = Array.from({ length: 70_000 }, (_, index) => makeThought(`n${index}`, index));
		const result = importZip(thoughts);
		expect(result.ok && result.thoughts.length).toBe(70_000);
	});

	it('reads front matter edited on Windows', () => {
		const thought = makeThought('body\r\n', 0);
		const source = `---\r\nid: ${thought.id}\r\ncreatedAt: ${thought.createdAt}\r\n---\r\n\r\nbody\r\n`;
		const zip = zipSync({ 'a.md': strToU8(source) });
		expect(parseImportFile('a.zip', zip)).toEqual({ ok: true, thoughts: [thought] });
	});

	it('round-trips arbitrary unicode through both formats', () => {
		const unit = fc.oneof(
			fc.constantFrom('-', '\n', '\r', ' ', '"', '\\', '#', 'a', ':'),
			fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })
		);
		const thought = fc
			.record({
				time: fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2200, 0, 1) }),
				random: fc.uint8Array({ minLength: 12, maxLength: 12 }),
				text: fc.string({ unit, maxLength: 200 }),
				visibility: fc.constantFrom(...VISIBILITIES),
				pinned: fc.boolean()
			})
			.map(({ time, random, text, visibility, pinned }) => ({
				id: newThoughtId(time, () => random),
				createdAt: new Date(time).toISOString(),
				visibility,
				pinned,
				tags: parseTags(text),
				text
			}));
		const property = fc.property(
			fc.uniqueArray(thought, { selector: (t) => t.id, minLength: 1, maxLength: 5 }),
			(thoughts) => {
				const expected = { ok: true, thoughts: sortedWithTags(thoughts) };
				expect(importJson(thoughts)).toEqual(expected);
				expect(importZip(thoughts)).toEqual(expected);
			}
		);
		fc.assert(property, { seed: 42, numRuns: 200 });
	});
});

describe('import errors', () => {
	const valid = JSON.parse(toExportJson(CORPUS.slice(0, 3), EXPORTED_AT));

	it('rejects text that is not JSON', () => {
		expect(errorOf(parseImportFile('x.json', strToU8('{ "format": ')))).toMatch(/not valid JSON/);
		expect(errorOf(parseImportFile('x.json', strToU8('hello')))).toMatch(/not JSON/);
	});

	it('rejects a file of another format', () => {
		const error = errorOf(parseImportFile('x.json', jsonBytes({ ...valid, format: 'other' })));
		expect(error).toMatch(/format is "other", expected "thoughts10x-export"/);
		expect(errorOf(parseImportFile('x.json', strToU8('{}')))).toMatch(/format is none/);
	});

	it('names the index of an invalid thought', () => {
		const thoughts = [valid.thoughts[0], { ...valid.thoughts[1], id: 'nope' }];
		const error = errorOf(parseImportFile('x.json', jsonBytes({ ...valid, thoughts })));
		expect(error).toBe('invalid thought at index 1: id: not a thought id');
	});

	it('names the zip entry of an invalid thought', () => {
		const noId = '---\ncreatedAt: "2024-01-01T00:00:00.000Z"\n---\n\ntext';
		const noDate = `---\nid: ${CORPUS[0].id}\n---\n\ntext`;
		const badId = noId.replace('---\n', '---\nid: t123\n');
		const badDate = noDate.replace('\n---\n\n', '\ncreatedAt: 2024-13-01\n---\n\n');
		const badQuote = `---\nid: ${CORPUS[0].id}\ncreatedAt: "2024\n---\n\ntext`;
		const cases: [string, RegExp][] = [
			[noId, /invalid file b\.md: id is missing/],
			[noDate, /invalid file b\.md: createdAt is missing/],
			[badId, /invalid file b\.md: id: not a thought id/],
			[badDate, /invalid file b\.md: createdAt: Invalid timestamp/],
			[badQuote, /invalid file b\.md: createdAt: invalid quoted string/],
			['just text', /invalid file b\.md: no front matter/]
		];
		const good = strToU8(`---\nid: ${CORPUS[1].id}\ncreatedAt: "${CORPUS[1].createdAt}"\n---\n\n`);
		for (const [source, message] of cases) {
			const zip = zipSync({ 'a.md': good, 'b.md': strToU8(source) });
			expect(errorOf(parseImportFile('x.zip', zip))).toMatch(message);
		}
	});

	it('rejects a zip without Markdown files', () => {
		const zip = zipSync({ 'notes.txt': strToU8('hi'), '__MACOSX/._a.md': new Uint8Array(4) });
		expect(errorOf(parseImportFile('x.zip', zip))).toMatch(/no \.md files/);
		expect(errorOf(parseImportFile('x.zip', zipSync({})))).toMatch(/no \.md files/);
	});

	it('rejects a corrupt zip', () => {
		const zip = toMarkdownZip(CORPUS);
		expect(errorOf(parseImportFile('x.zip', zip.slice(0, zip.length - 30)))).toMatch(/corrupt zip/);
		expect(errorOf(parseImportFile('x.zip', strToU8('not a zip')))).toMatch(/corrupt zip/);
	});

	it('rejects files that are too large', () => {
		const huge = new Uint8Array(MAX_IMPORT_BYTES + 1);
		expect(errorOf(parseImportFile('x.json', huge))).toMatch(/file too large: .* 200 MiB/);
		const thoughts = new Array(MAX_IMPORT_THOUGHTS + 1).fill(0);
		const error = errorOf(parseImportFile('x.json', jsonBytes({ ...valid, thoughts })));
		expect(error).toMatch(/too many thoughts: 200001/);
	});

	it('rejects content it does not recognise', () => {
		const error = errorOf(parseImportFile('photo.png', new Uint8Array([0x89, 0x50, 0x4e])));
		expect(error).toMatch(/photo\.png is neither a Thoughts10x JSON export nor a zip/);
	});
});

describe('duplicate ids', () => {
	it('keeps the first thought with an id', () => {
		const [first, second] = valid();
		const duplicate = { ...second, id: first.id };
		const file = { format: EXPORT_FORMAT, version: EXPORT_VERSION, thoughts: [first, duplicate] };
		expect(parseImportFile('x.json', jsonBytes(file))).toEqual({ ok: true, thoughts: [first] });
	});

	it('keeps the first zip entry with an id', () => {
		const [first, second] = valid();
		const zip = zipSync({
			'a.md': strToU8(`---\nid: ${first.id}\ncreatedAt: "${first.createdAt}"\n---\n\n${first.text}`),
			'b.md': strToU8(`---\nid: ${first.id}\ncreatedAt: "${second.createdAt}"\n---\n\nother`)
		});
		expect(parseImportFile('x.zip', zip)).toEqual({ ok: true, thoughts: [first] });
	});

	function valid(): ExportedThought[] {
		return [makeThought('first #one', 0), makeThought('second', 1)];
	}
});
