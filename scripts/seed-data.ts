import type { ExportedThought } from '../sync/export-format';
import { newThoughtId } from '../sync/ids';
import { parseTags } from '../sync/tags';
import { seededRandom } from '../tests/fixtures/seeded-random';

/**
 * Realistic, deterministic thoughts for development and performance work: four years of notes
 * with more recent activity, bursts and a daily rhythm, on topics varied enough that searching
 * for a word finds some thoughts but not all.
 */
const DAY = 86_400_000;
const SPAN_DAYS = 4 * 365;
const MAX_LONG_LENGTH = 1500;

interface Topic {
	tags: string[];
	things: string[];
	clauses: string[];
}

const TOPICS: Topic[] = [
	{
		tags: ['work', 'work/meetings', 'work/planning', 'work/hiring', 'work/1on1', 'work/oncall'],
		things: [
			'the roadmap',
			'the standup',
			'the quarterly review',
			'our onboarding flow',
			'the offsite',
			'the hiring loop',
			'the budget',
			'the incident review',
			'the design doc',
			'the retro'
		],
		clauses: [
			'{thing} ran long because nobody owned the agenda',
			'ask {person} about {thing} before {day}',
			'{thing} needs one owner, not three',
			'moved {thing} to {day} so people can prepare',
			'the best part of {thing} was the last {n} minutes',
			'write down the decision from {thing} this time',
			'{person} had a sharp point about {thing}'
		]
	},
	{
		tags: ['reading', 'reading/books', 'reading/articles', 'reading/papers', 'reading/poetry'],
		things: [
			'Middlemarch',
			'The Dispossessed',
			'Thinking in Systems',
			'a long essay on attention',
			'the paper on CRDTs',
			'Piranesi',
			'The Overstory',
			'a Mary Oliver poem',
			'Gödel, Escher, Bach',
			'the chapter on habits'
		],
		clauses: [
			'finished {thing} and it stayed with me all day',
			'halfway through {thing}, slower going than expected',
			'{person} recommended {thing}',
			'the second chapter of {thing} is the best part',
			'reread {thing} on the train to {place}',
			'want to underline half of {thing}'
		]
	},
	{
		tags: ['ideas', 'ideas/product', 'ideas/writing', 'ideas/side-project', 'ideas/startup'],
		things: [
			'a tiny habit tracker',
			'an app for shared grocery lists',
			'a newsletter about maps',
			'a board game about trains',
			'a plugin that summarises tabs',
			'a zine about bread',
			'a kinder code review bot',
			'an offline-first recipe box'
		],
		clauses: [
			'what if there was {thing}',
			'{thing} could work as a weekend project',
			'pitched {thing} to {person}, they laughed but then asked questions',
			'the hard part of {thing} is distribution, not code',
			'sketch {thing} before {day}',
			'nobody has built {thing} well yet'
		]
	},
	{
		tags: ['health', 'health/running', 'health/sleep', 'health/food', 'health/yoga'],
		things: [
			'a {n} km run',
			'the morning stretch',
			'eight hours of sleep',
			'less coffee',
			'the yoga class',
			'a long walk',
			'the physio exercises',
			'more vegetables'
		],
		clauses: [
			'did {thing} and felt great afterwards',
			'skipped {thing} again, no excuses tomorrow',
			'{thing} makes the whole day calmer',
			'trying {thing} for {n} weeks',
			'knee hurts after {thing}',
			'{person} convinced me to try {thing}'
		]
	},
	{
		tags: ['family', 'family/kids', 'family/parents', 'family/birthdays'],
		things: [
			'the school play',
			'grandma’s birthday',
			'the Sunday call with mum',
			'the swimming lessons',
			'pancake breakfast',
			'the drawing on the fridge',
			'bedtime stories',
			'the garden'
		],
		clauses: [
			'{thing} was the highlight of the week',
			'remember {thing} on {day}',
			'{person} asked about {thing}',
			'the kids want {thing} every day now',
			'photos from {thing} are on the laptop',
			'need to plan {thing} with {person}'
		]
	},
	{
		tags: ['travel', 'travel/japan', 'travel/portugal', 'travel/planning', 'travel/packing'],
		things: [
			'the night train',
			'the ryokan',
			'the hike above the village',
			'the old market',
			'the ferry',
			'the rental car',
			'the museum pass',
			'the packing list'
		],
		clauses: [
			'book {thing} for {place} before prices go up',
			'{thing} in {place} was worth every minute',
			'next time in {place}, skip {thing}',
			'{person} swears by {thing}',
			'forgot the adapter again, add it to {thing}',
			'still thinking about {thing} in {place}'
		]
	},
	{
		tags: ['cooking', 'cooking/recipes', 'cooking/baking', 'cooking/ferment'],
		things: [
			'sourdough',
			'the miso soup',
			'kimchi',
			'the lemon cake',
			'dal with extra ginger',
			'focaccia',
			'the tomato sauce',
			'ramen broth'
		],
		clauses: [
			'{thing} came out better with {n} percent less salt',
			'try {thing} with brown butter',
			'{person} asked for the {thing} recipe',
			'the starter for {thing} is finally lively',
			'burnt {thing}, oven runs hot',
			'make a double batch of {thing} on {day}'
		]
	},
	{
		tags: ['music', 'music/guitar', 'music/piano', 'music/playlists', 'music/concerts'],
		things: [
			'the Bach prelude',
			'barre chords',
			'the new Khruangbin album',
			'the jazz trio downtown',
			'a playlist for focus',
			'scales at 80 bpm',
			'the Radiohead show',
			'the fingerpicking pattern'
		],
		clauses: [
			'practised {thing} for {n} minutes',
			'{thing} finally clicked today',
			'{person} recommended {thing}',
			'tickets for {thing} on {day}',
			'cannot stop listening to {thing}',
			'{thing} sounds better slower'
		]
	},
	{
		tags: [
			'code',
			'code/rust',
			'code/typescript',
			'code/svelte',
			'code/bugs',
			'code/review',
			'code/perf'
		],
		things: [
			'the flaky test',
			'the borrow checker',
			'the sync protocol',
			'the search index',
			'the service worker',
			'the migration script',
			'the build cache',
			'the date parsing bug',
			'the IndexedDB upgrade'
		],
		clauses: [
			'{thing} fails only on CI, never locally',
			'rewrote {thing} and it is {n}x faster',
			'{person} found the root cause of {thing}',
			'write a test for {thing} before touching it',
			'{thing} needs a comment explaining why',
			'spent the afternoon on {thing}, worth it'
		]
	},
	{
		tags: ['learning', 'learning/spanish', 'learning/math', 'learning/courses', 'learning/drawing'],
		things: [
			'the subjunctive',
			'linear algebra',
			'the statistics course',
			'figure drawing',
			'flashcards',
			'the pottery class',
			'proofs by induction',
			'perspective sketches'
		],
		clauses: [
			'{n} days in a row of {thing}',
			'{thing} makes sense when explained with pictures',
			'asked {person} to quiz me on {thing}',
			'stuck on {thing}, try again on {day}',
			'the trick with {thing} is repetition',
			'finally enjoying {thing}'
		]
	}
];

const GENERAL_TAGS = [
	'todo',
	'someday',
	'quote',
	'question',
	'til',
	'gratitude',
	'journal',
	'rant',
	'follow-up',
	'weekend',
	'morning',
	'inbox'
];
const PEOPLE = [
	'Ana',
	'Ben',
	'Chen',
	'Dara',
	'Eli',
	'Fatima',
	'Grace',
	'Hugo',
	'Ines',
	'Jonas',
	'Kemal',
	'Lena',
	'Mum',
	'Dad'
];
const PLACES = [
	'Kyoto',
	'Lisbon',
	'Porto',
	'Berlin',
	'Oaxaca',
	'Edinburgh',
	'Tokyo',
	'the coast',
	'the mountains'
];
const DAYS = [
	'Monday',
	'Tuesday',
	'Wednesday',
	'Thursday',
	'Friday',
	'Saturday',
	'Sunday',
	'next week'
];
const OPENERS = [
	'',
	'',
	'',
	'',
	'Note to self: ',
	'Realised ',
	'Honestly, ',
	'TIL ',
	'Reminder: ',
	'Random thought: ',
	'Again: ',
	'Small win: '
];
const ENDINGS = ['.', '.', '.', '.', '!', '?', '…'];
const SHORT = [
	'Groceries',
	'Call back',
	'Dentist',
	'Later',
	'Yes!',
	'Hmm',
	'Tired',
	'Rain',
	'Focus',
	'Coffee',
	'Why?',
	'Done'
];
const LINKS = [
	'en.wikipedia.org/wiki',
	'example.com/notes',
	'blog.example.org',
	'news.ycombinator.com/item'
];
/** Weight of each UTC hour: mornings, lunch and evenings, little at night. */
const HOURS = [1, 0.5, 0.3, 0.2, 0.2, 0.5, 2, 5, 7, 6, 5, 5, 6, 5, 4, 4, 4, 5, 5, 6, 7, 7, 5, 3];

type Rng = ReturnType<typeof makeRng>;

/** The start of today (UTC): data generated the same day is identical, and stays recent. */
export function defaultSeedEnd(now = Date.now()): number {
	return Math.floor(now / DAY) * DAY;
}

export function generateThoughts(
	count: number,
	seed: number,
	end = defaultSeedEnd()
): ExportedThought[] {
	const rng = makeRng(seed);
	const bursts = Array.from({ length: 30 }, () => rng.next() * SPAN_DAYS);
	const thoughts: ExportedThought[] = [];
	for (let i = 0; i < count; i++) {
		const time = sampleTime(rng, bursts, end);
		const text =
			rng.chance(0.01) && i > 0 ? nearDuplicate(rng, rng.pick(thoughts).text) : makeText(rng);
		thoughts.push({
			id: newThoughtId(time, rng.bytes),
			createdAt: new Date(time).toISOString(),
			visibility: rng.chance(0.9) ? 'private' : rng.chance(0.7) ? 'followers' : 'public',
			pinned: rng.chance(0.02),
			tags: parseTags(text),
			text
		});
	}
	return thoughts;
}

/** Half uniform, half skewed to recent days, a fifth of it in bursts of a few busy days. */
function sampleTime(rng: Rng, bursts: number[], end: number): number {
	const age = rng.chance(0.2)
		? rng.pick(bursts) + (rng.next() - 0.5) * 6
		: SPAN_DAYS * (rng.chance(0.5) ? rng.next() : Math.min(rng.next(), rng.next()));
	const day = Math.min(SPAN_DAYS - 1, Math.max(0, Math.floor(age)));
	return (
		end - (day + 1) * DAY + rng.weighted(HOURS) * 3_600_000 + Math.floor(rng.next() * 3_600_000)
	);
}

function makeText(rng: Rng): string {
	const topic = rng.pick(TOPICS);
	const roll = rng.next();
	const text =
		roll < 0.08
			? rng.pick(SHORT)
			: roll < 0.8
				? sentences(rng, topic, rng.int(1, 2))
				: roll < 0.95
					? sentences(rng, topic, rng.int(3, 5))
					: longNote(rng, topic);
	return rng.chance(0.4) ? withTags(rng, topic, text) : text;
}

function sentences(rng: Rng, topic: Topic, count: number): string {
	return Array.from({ length: count }, () => sentence(rng, topic)).join(' ');
}

function sentence(rng: Rng, topic: Topic): string {
	const clause = fill(rng, topic, rng.pick(topic.clauses));
	const opener = rng.pick(OPENERS);
	return capitalise(opener + clause) + rng.pick(ENDINGS);
}

function fill(rng: Rng, topic: Topic, template: string): string {
	return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
		if (slot === 'thing') return fill(rng, topic, rng.pick(topic.things));
		if (slot === 'person') return rng.pick(PEOPLE);
		if (slot === 'place') return rng.pick(PLACES);
		if (slot === 'day') return rng.pick(DAYS);
		return String(rng.int(2, 12));
	});
}

/** Paragraphs, a list, bold and a link, up to MAX_LONG_LENGTH characters. */
function longNote(rng: Rng, topic: Topic): string {
	const target = rng.int(400, MAX_LONG_LENGTH);
	const blocks = [`**${capitalise(fill(rng, topic, rng.pick(topic.things)))}**`];
	let length = blocks[0].length;
	while (length < target) {
		const block = longBlock(rng, topic);
		if (length + block.length + 2 > MAX_LONG_LENGTH) break;
		blocks.push(block);
		length += block.length + 2;
	}
	return blocks.join('\n\n');
}

function longBlock(rng: Rng, topic: Topic): string {
	const kind = rng.next();
	if (kind < 0.5) return sentences(rng, topic, rng.int(2, 4));
	if (kind < 0.8) {
		const items = Array.from(
			{ length: rng.int(2, 5) },
			() => `- ${fill(rng, topic, rng.pick(topic.things))}`
		);
		return items.join('\n');
	}
	const thing = fill(rng, topic, rng.pick(topic.things));
	const slug = thing.toLowerCase().replace(/[^a-z0-9]+/g, '-');
	return `More on ${thing}: [${thing}](https://${rng.pick(LINKS)}/${slug}).`;
}

function withTags(rng: Rng, topic: Topic, text: string): string {
	const tags = Array.from({ length: rng.weighted([0, 6, 3, 1]) }, () =>
		rng.chance(0.75) ? rng.pick(topic.tags) : rng.pick(GENERAL_TAGS)
	);
	const written = [...new Set(tags)].map((tag) => `#${tag}`).join(' ');
	if (text.includes('\n')) return `${text}\n\n${written}`;
	return rng.chance(0.8) ? `${text} ${written}` : `${written} ${text}`;
}

/** The same thought written again a little differently, as people do. */
function nearDuplicate(rng: Rng, text: string): string {
	const edits = [
		`${text} (again)`,
		`Still true: ${text}`,
		text.replace(/[.!?…]$/, '!'),
		text.toLowerCase()
	];
	return rng.pick(edits);
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Seeded helpers over mulberry32 (tests/fixtures/seeded-random.ts). */
function makeRng(seed: number) {
	const next = seededRandom(seed);
	const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
	return {
		next,
		int,
		chance: (probability: number): boolean => next() < probability,
		pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
		bytes: (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(0, 255)),
		/** An index drawn in proportion to its weight. */
		weighted: (weights: readonly number[]): number => {
			let roll = next() * weights.reduce((sum, weight) => sum + weight, 0);
			const index = weights.findIndex((weight) => (roll -= weight) < 0);
			return index === -1 ? weights.length - 1 : index;
		}
	};
}
