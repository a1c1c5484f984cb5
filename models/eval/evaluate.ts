/**
 * Offline evaluation of thought search on a labelled set (thoughts.json, queries.json): the
 * full-text, semantic and hybrid rankings are computed as the app computes them (same index,
 * same fusion, same top-K, the built-in model's maths via its TypeScript oracle) and scored by
 * recall@10 and MRR@10, overall and on the queries that share no word with their answers.
 * `npx tsx models/eval/evaluate.ts` writes models/EVAL.md.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
// Relative imports only: tsx does not know the app's $lib / $sync aliases.
import { TopK, type Scored } from '../../src/lib/ai/rank-fusion';
import { MIN_SIMILARITY } from '../../src/lib/ai/similarity';
import { ThoughtSearchIndex } from '../../src/lib/features/thoughts/search-index';
import {
	CANDIDATES,
	RESULTS,
	WEAK_RESULTS,
	WEAK_SIMILARITY,
	rankHybrid
} from '../../src/lib/features/thoughts/search-ranking';
import { typoBudget } from '../../src/lib/features/thoughts/search-typos';
import { cosine, embedIds } from '../static-embedder';
import { parseVocabulary, tokenize, words } from '../../sync/ai/tokenizer';
import type { ThoughtId } from '../../sync/ids';
import { readStaticTable } from '../static-onnx';
import { CUTS, LIBRARY_SIZE, SAMPLES, pickCut, sweepWeakCut, type CutRow } from './small-libraries';
import { osaDistance } from './typo-distance';
import { sectionOf, withSection } from './tagger-section';

const ROOT = join(import.meta.dirname, '..', '..');
const EVAL_DIR = import.meta.dirname;
const MODEL_DIR = join(ROOT, 'static', 'models', 'glove-sif-50k');
const REPORT = join(ROOT, 'models', 'EVAL.md');
export const REPRODUCE = 'npx tsx models/eval/evaluate.ts';

/** Cut-off of both metrics: about what a phone screen shows without scrolling. */
export const K = 10;
/** Thresholds tried for MIN_SIMILARITY (0.20, 0.25 … 0.60). */
export const SWEEP = Array.from({ length: 9 }, (_, i) => Math.round((0.2 + i * 0.05) * 100) / 100);

/**
 * Ignored when deciding whether a query shares a word with a thought: they carry no topic, and
 * MiniSearch's AND over them (prefix "a" matches almost anything) says nothing about meaning.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
	'a an the my me i im of to in on at for from and or with about is it its s t'.split(' ')
);

export interface EvalThought {
	id: string;
	text: string;
}

export interface EvalQuery {
	id: string;
	query: string;
	/** Ids of every thought in the set that answers the query. */
	relevant: string[];
}

export interface Metrics {
	queries: number;
	/** Mean over queries of the share of its relevant thoughts in the top K. */
	recall: number;
	/** Mean over queries of 1 / rank of the first relevant thought (0 if none in the top K). */
	mrr: number;
	/** Relevant thoughts found in the top K, pooled over the queries. */
	found: number;
	relevant: number;
}

export const RANKERS = ['fullText', 'semantic', 'hybrid'] as const;
export type Ranker = (typeof RANKERS)[number];

export interface RankerMetrics {
	all: Metrics;
	noSharedWord: Metrics;
}

export interface QueryResult {
	id: string;
	query: string;
	noSharedWord: boolean;
	/** Shares no word with an answer as typed, but does within the words' typo budget. */
	isMisspelt: boolean;
	relevant: number;
	/** 1-based rank of the first relevant thought within the top K, or null. */
	firstRank: Record<Ranker, number | null>;
	found: Record<Ranker, number>;
}

export interface SweepRow {
	minSimilarity: number;
	hybrid: RankerMetrics;
	semantic: RankerMetrics;
	/** Mean length of the hybrid result list the app would show (at most RESULTS). */
	shown: number;
	/** Share of all shown results, pooled over queries, that are relevant. */
	precision: number;
}

export interface Evaluation {
	model: { id: string; version: string; sha256: string };
	thoughts: number;
	queries: number;
	noSharedWordQueries: number;
	misspeltQueries: number;
	app: {
		candidates: number;
		results: number;
		minSimilarity: number;
		weakSimilarity: number;
		weakResults: number;
	};
	/** The threshold the main results were computed with. */
	minSimilarity: number;
	rankers: Record<Ranker, RankerMetrics>;
	perQuery: QueryResult[];
	sweep: SweepRow[];
	best: SweepRow;
	/** WEAK_SIMILARITY tried in sampled libraries of five (small-libraries.ts). */
	weakCuts: CutRow[];
	bestWeakCut: CutRow;
}

export interface EvaluateOptions {
	/** Threshold for the main results; the app's current MIN_SIMILARITY by default. */
	minSimilarity?: number;
	thresholds?: readonly number[];
}

/** The set, checked: a mislabelled id would silently lower every score. */
export function loadDataset(dir = EVAL_DIR): { thoughts: EvalThought[]; queries: EvalQuery[] } {
	const thoughts: EvalThought[] = JSON.parse(readFileSync(join(dir, 'thoughts.json'), 'utf8'));
	const queries: EvalQuery[] = JSON.parse(readFileSync(join(dir, 'queries.json'), 'utf8'));
	const ids = new Set(thoughts.map((thought) => thought.id));
	if (ids.size !== thoughts.length) throw new Error('thoughts.json: duplicate ids');
	if (new Set(queries.map((query) => query.id)).size !== queries.length) {
		throw new Error('queries.json: duplicate ids');
	}
	for (const { id, query, relevant } of queries) {
		if (!query.trim()) throw new Error(`query ${id}: empty`);
		if (relevant.length < 1 || new Set(relevant).size !== relevant.length) {
			throw new Error(`query ${id}: needs distinct relevant ids`);
		}
		const unknown = relevant.filter((thought) => !ids.has(thought));
		if (unknown.length) throw new Error(`query ${id}: unknown ids ${unknown.join(', ')}`);
	}
	return { thoughts, queries };
}

/** Content words of the query (tokenizer's normalisation, stop words dropped) found in text. */
export function sharedWords(query: string, text: string): string[] {
	const inText = new Set(words(text));
	return [...new Set(words(query))].filter((word) => !STOP_WORDS.has(word) && inText.has(word));
}

/** The app's search constants (search-ranking.ts, similarity.ts), so the evaluation follows it. */
export function appSearchConstants(): Evaluation['app'] {
	return {
		candidates: CANDIDATES,
		results: RESULTS,
		minSimilarity: MIN_SIMILARITY,
		weakSimilarity: WEAK_SIMILARITY,
		weakResults: WEAK_RESULTS
	};
}

/** Some word of the query is a misspelling of some word of the text (as search forgives it). */
export function sharesMisspeltWord(query: string, text: string): boolean {
	const inText = words(text);
	return words(query).some(
		(word) =>
			!STOP_WORDS.has(word) &&
			typoBudget(word) > 0 &&
			inText.some((other) => osaDistance(word, other) <= typoBudget(word))
	);
}

/** The built-in model from static/, embedding through its TypeScript oracle. */
export function loadBuiltinModel() {
	const manifest = JSON.parse(readFileSync(join(MODEL_DIR, 'manifest.json'), 'utf8'));
	const onnx = new Uint8Array(readFileSync(join(MODEL_DIR, 'model.onnx')));
	const table = readStaticTable(onnx);
	const vocab = parseVocabulary(readFileSync(join(MODEL_DIR, 'vocab.txt'), 'utf8'));
	return {
		info: {
			id: String(manifest.id),
			version: String(manifest.version),
			sha256: createHash('sha256').update(onnx).digest('hex')
		},
		embed: (text: string) => embedIds(tokenize(text, vocab), table)
	};
}

function score(
	ranking: readonly ThoughtId[],
	relevant: ReadonlySet<string>
): { firstRank: number | null; found: number } {
	const top = ranking.slice(0, K);
	const index = top.findIndex((id) => relevant.has(id));
	return {
		firstRank: index < 0 ? null : index + 1,
		found: top.filter((id) => relevant.has(id)).length
	};
}

function aggregate(results: readonly QueryResult[], ranker: Ranker): Metrics {
	const n = results.length;
	const sum = (value: (result: QueryResult) => number) =>
		results.reduce((total, result) => total + value(result), 0);
	const rank = (result: QueryResult) => result.firstRank[ranker];
	return {
		queries: n,
		recall: n ? sum((r) => r.found[ranker] / r.relevant) / n : 0,
		mrr: n ? sum((r) => (rank(r) ? 1 / rank(r)! : 0)) / n : 0,
		found: sum((r) => r.found[ranker]),
		relevant: sum((r) => r.relevant)
	};
}

function rankerMetrics(results: readonly QueryResult[], ranker: Ranker): RankerMetrics {
	return {
		all: aggregate(results, ranker),
		noSharedWord: aggregate(
			results.filter((result) => result.noSharedWord),
			ranker
		)
	};
}

/**
 * The best floor for the app: highest hybrid (recall@10 + MRR@10) / 2. Among floors within 0.005
 * of it, the best semantic (recall@10 + MRR@10) / 2, because related thoughts show the semantic
 * hits above the floor with no word matches to lean on. Among those within 0.005 again, the
 * highest floor, because a lower one only adds loosely related results to the list the app
 * shows (precision), which recall and MRR at 10 do not see.
 */
export function pickBest(sweep: readonly SweepRow[]): SweepRow {
	const near = (rows: readonly SweepRow[], quality: (row: SweepRow) => number) => {
		const top = Math.max(...rows.map(quality));
		return rows.filter((row) => quality(row) >= top - 0.005);
	};
	const byHybrid = near(sweep, (row) => (row.hybrid.all.recall + row.hybrid.all.mrr) / 2);
	const bySemantic = near(byHybrid, (row) => (row.semantic.all.recall + row.semantic.all.mrr) / 2);
	return bySemantic.reduce((best, row) => (row.minSimilarity > best.minSimilarity ? row : best));
}

export async function evaluate(options: EvaluateOptions = {}): Promise<Evaluation> {
	const { thoughts, queries } = loadDataset();
	const app = appSearchConstants();
	const model = loadBuiltinModel();
	const minSimilarity = options.minSimilarity ?? app.minSimilarity;
	const thresholds = options.thresholds ?? SWEEP;

	const index = new ThoughtSearchIndex();
	await index.addAll(
		thoughts.map((thought) => ({ id: thought.id as ThoughtId, text: thought.text, tags: [] }))
	);
	// Insertion order as in SemanticIndex's Map, so top-K ties break the same way.
	const vectors = thoughts.map((thought) => ({
		id: thought.id as ThoughtId,
		vector: model.embed(thought.text)
	}));
	const byId = new Map(thoughts.map((thought) => [thought.id, thought.text]));

	const prepared = queries.map((query) => {
		const texts = query.relevant.map((id) => byId.get(id)!);
		const sharesNoWord = texts.every((text) => sharedWords(query.query, text).length === 0);
		const isMisspelt = sharesNoWord && texts.some((text) => sharesMisspeltWord(query.query, text));
		const vector = model.embed(query.query);
		return {
			query,
			relevant: new Set(query.relevant),
			noSharedWord: sharesNoWord && !isMisspelt,
			isMisspelt,
			byWords: index.search(query.query, app.candidates),
			// SemanticIndex.nearest as search asks it: cosine ≥ the weak cut, best `candidates`.
			hits: nearest(vector),
			similarity: new Map(vectors.map(({ id, vector: other }) => [id, cosine(vector, other)]))
		};
	});

	function nearest(vector: Float32Array): Scored<ThoughtId>[] {
		const top = new TopK<ThoughtId>(app.candidates);
		for (const { id, vector: other } of vectors) {
			const similarity = cosine(vector, other);
			if (similarity >= app.weakSimilarity) top.add({ id, score: similarity });
		}
		return top.items;
	}

	const run = (threshold: number) => {
		let shown = 0;
		let shownRelevant = 0;
		const perQuery = prepared.map(
			({ query, relevant, noSharedWord, isMisspelt, byWords, hits }) => {
				const meaning = hits.filter((hit) => hit.score >= threshold).map((hit) => hit.id);
				// Search.#search's first page, with the semantic index ready and non-empty.
				const fused = rankHybrid(byWords, hits, { floor: threshold }).slice(0, app.results);
				shown += fused.length;
				shownRelevant += fused.filter((id) => relevant.has(id)).length;
				const scores = {
					fullText: score(byWords, relevant),
					semantic: score(meaning, relevant),
					hybrid: score(fused, relevant)
				};
				return {
					id: query.id,
					query: query.query,
					noSharedWord,
					isMisspelt,
					relevant: relevant.size,
					firstRank: {
						fullText: scores.fullText.firstRank,
						semantic: scores.semantic.firstRank,
						hybrid: scores.hybrid.firstRank
					},
					found: {
						fullText: scores.fullText.found,
						semantic: scores.semantic.found,
						hybrid: scores.hybrid.found
					}
				} satisfies QueryResult;
			}
		);
		return {
			perQuery,
			shown: shown / prepared.length,
			precision: shown ? shownRelevant / shown : 0
		};
	};

	const main = run(minSimilarity);
	const weakCuts = sweepWeakCut(
		prepared,
		vectors.map(({ id }) => id),
		minSimilarity
	);
	const sweep = thresholds.map((threshold): SweepRow => {
		const { perQuery, shown, precision } = run(threshold);
		return {
			minSimilarity: threshold,
			hybrid: rankerMetrics(perQuery, 'hybrid'),
			semantic: rankerMetrics(perQuery, 'semantic'),
			shown,
			precision
		};
	});

	return {
		model: model.info,
		thoughts: thoughts.length,
		queries: queries.length,
		noSharedWordQueries: prepared.filter((query) => query.noSharedWord).length,
		misspeltQueries: prepared.filter((query) => query.isMisspelt).length,
		app,
		minSimilarity,
		rankers: {
			fullText: rankerMetrics(main.perQuery, 'fullText'),
			semantic: rankerMetrics(main.perQuery, 'semantic'),
			hybrid: rankerMetrics(main.perQuery, 'hybrid')
		},
		perQuery: main.perQuery,
		sweep,
		best: pickBest(sweep),
		weakCuts,
		bestWeakCut: pickCut(weakCuts)
	};
}

const LABELS: Record<Ranker, string> = {
	fullText: 'Full text (MiniSearch)',
	semantic: 'Semantic (cosine ≥ floor)',
	hybrid: 'Hybrid (as the app ranks)'
};

const fixed = (value: number, digits = 3) => value.toFixed(digits);
const pooled = (metrics: Metrics) => `${metrics.found}/${metrics.relevant}`;

export function renderReport(result: Evaluation): string {
	const { rankers, app, model } = result;
	const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
	const lines = [
		'# Search evaluation',
		'',
		`Generated by \`${REPRODUCE}\` from \`models/eval/\`; do not edit by hand. What the set is and`,
		'how it was written: `models/eval/README.md`.',
		'',
		`- Model: \`${model.id}\` ${model.version} (model.onnx sha256 \`${model.sha256.slice(0, 16)}…\`),`,
		'  embedded with the TypeScript oracle (`models/static-embedder.ts`).',
		`- Set: ${result.thoughts} thoughts, ${result.queries} queries, of which ` +
			`${result.noSharedWordQueries} share no word with any of their relevant thoughts ` +
			'(tokenizer normalisation, stop words ignored) and ' +
			`${result.misspeltQueries} share one only as a misspelling within the typo budget ` +
			'(swapped letters count as one edit); those count as neither.',
		`- Search as in \`search-ranking.ts\`: ${app.candidates} candidates per ranking, the first ` +
			`${app.results} results; semantic hits at or above MIN_SIMILARITY ${result.minSimilarity} ` +
			"(the app's current value) are fused with the word matches (RRF); when that finds " +
			`nothing, the best ${app.weakResults} between ${app.weakSimilarity} and the floor ` +
			'are shown instead. Related thoughts show the semantic hits at or above the floor.',
		`- Metrics at ${K}: recall@${K} is the mean share of a query's relevant thoughts in the top ` +
			`${K}; MRR@${K} the mean of 1 / rank of the first relevant one (0 if none in the top ${K}). ` +
			'"Found" pools the relevant thoughts in the top 10 over all queries.',
		'',
		`## Rankers (MIN_SIMILARITY ${result.minSimilarity})`,
		'',
		row([
			'Ranker',
			`Recall@${K}`,
			`MRR@${K}`,
			'Found',
			`Recall@${K} (no shared word)`,
			`MRR@${K} (no shared word)`,
			'Found (no shared word)'
		]),
		row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
		...RANKERS.map((ranker) => {
			const { all, noSharedWord } = rankers[ranker];
			return row([
				LABELS[ranker],
				fixed(all.recall),
				fixed(all.mrr),
				pooled(all),
				fixed(noSharedWord.recall),
				fixed(noSharedWord.mrr),
				pooled(noSharedWord)
			]);
		}),
		'',
		'## MIN_SIMILARITY sweep',
		'',
		'Shown: mean length of the hybrid list the app would show; precision: share of those results',
		'that are relevant (pooled). Best: highest hybrid (recall@10 + MRR@10) / 2; among floors within',
		'0.005 of it, the best semantic (recall@10 + MRR@10) / 2 (what related thoughts show); among',
		'those within 0.005, the highest, since a lower one only adds loosely related results.',
		'',
		row([
			'MIN_SIMILARITY',
			'Hybrid recall@10',
			'Hybrid MRR@10',
			'Hybrid recall@10 (no shared word)',
			'Hybrid MRR@10 (no shared word)',
			'Semantic recall@10',
			'Semantic MRR@10',
			'Shown',
			'Precision'
		]),
		row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
		...result.sweep.map((entry) =>
			row([
				entry === result.best
					? `**${fixed(entry.minSimilarity, 2)}**`
					: fixed(entry.minSimilarity, 2),
				fixed(entry.hybrid.all.recall),
				fixed(entry.hybrid.all.mrr),
				fixed(entry.hybrid.noSharedWord.recall),
				fixed(entry.hybrid.noSharedWord.mrr),
				fixed(entry.semantic.all.recall),
				fixed(entry.semantic.all.mrr),
				fixed(entry.shown, 1),
				fixed(entry.precision)
			])
		),
		'',
		`Best MIN_SIMILARITY: **${result.best.minSimilarity}**.`,
		'',
		`## WEAK_SIMILARITY in small libraries (MIN_SIMILARITY ${result.minSimilarity})`,
		'',
		`Issue 17's case sampled: for every query and every thought answering it, ${SAMPLES} seeded`,
		`libraries of ${LIBRARY_SIZE}, that thought and ${LIBRARY_SIZE - 1} answering nothing. Semantic hits`,
		'below the floor, down to the cut, stand in for an empty list. Answers shown: share of the',
		'answering thoughts in the list; others shown: share of the rest. Best: highest J (their',
		`difference), and among cuts within 0.005 of it the highest; ${CUTS.at(-1)} (the floor) ` +
			`never shows a hit below it. The app uses ${result.app.weakSimilarity}.`,
		'',
		row(['WEAK_SIMILARITY', 'Answers shown', 'Others shown', 'J']),
		row(['---:', '---:', '---:', '---:']),
		...result.weakCuts.map((entry) =>
			row([
				entry === result.bestWeakCut ? `**${fixed(entry.cut, 2)}**` : fixed(entry.cut, 2),
				fixed(entry.truePositiveRate),
				fixed(entry.falsePositiveRate),
				fixed(entry.j)
			])
		),
		'',
		`Best WEAK_SIMILARITY: **${result.bestWeakCut.cut}**.`,
		'',
		`## Per query (MIN_SIMILARITY ${result.minSimilarity})`,
		'',
		`Rank of the first relevant thought in the top ${K} (– if none), and relevant found / relevant.`,
		'',
		row(['Id', 'Query', 'No shared word', 'Full text', 'Semantic', 'Hybrid']),
		row(['---', '---', '---', '---', '---', '---']),
		...result.perQuery.map((query) =>
			row([
				query.id,
				query.query,
				query.noSharedWord ? 'yes' : query.isMisspelt ? 'misspelt' : '',
				...RANKERS.map(
					(ranker) => `${query.firstRank[ranker] ?? '–'} (${query.found[ranker]}/${query.relevant})`
				)
			])
		),
		'',
		'## Reproduce',
		'',
		'```sh',
		REPRODUCE,
		'npx vitest run models/eval',
		'```',
		''
	];
	return lines.join('\n');
}

async function main(): Promise<void> {
	const result = await evaluate();
	// The tagger's section is tagger.ts's to write: kept as it is.
	const tagger = existsSync(REPORT) ? sectionOf(readFileSync(REPORT, 'utf8')) : null;
	const markdown = tagger ? withSection(renderReport(result), tagger) : renderReport(result);
	// Formatted as `npm run lint` expects, so regenerating never fails prettier --check.
	const config = (await prettier.resolveConfig(REPORT)) ?? {};
	writeFileSync(REPORT, await prettier.format(markdown, { ...config, filepath: REPORT }));
	for (const ranker of RANKERS) {
		const { all, noSharedWord } = result.rankers[ranker];
		console.log(
			`${LABELS[ranker].padEnd(24)} recall@${K} ${fixed(all.recall)}  MRR@${K} ${fixed(all.mrr)}` +
				`  | no shared word: recall@${K} ${fixed(noSharedWord.recall)}  MRR@${K} ${fixed(noSharedWord.mrr)}`
		);
	}
	console.log(`best MIN_SIMILARITY: ${result.best.minSimilarity}; wrote ${REPORT}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	main().catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
