import { create, insertMultiple, search as oramaSearch, type AnyOrama } from '@orama/orama';
import FlexSearch from 'flexsearch';
import { performance } from 'node:perf_hooks';
import { loadDataset, STOP_WORDS, K } from '../models/eval/evaluate';
import { ThoughtSearchIndex } from '../src/lib/features/thoughts/search-index';
import { RESULTS } from '../src/lib/features/thoughts/search-ranking';
import { generateThoughts } from '../scripts/seed-data';
import type { ThoughtId } from '../sync/ids';
import {
	fmt,
	formatBenchmarksFile,
	isQuick,
	machineInfo,
	ratio,
	reportSummary,
	settle,
	summarise,
	table,
	writeSection,
	type SummaryRow
} from './lib/report';
import { wordQueries } from './lib/search-queries';

/**
 * Full-text engines side by side (issue 13): the app's MiniSearch index, FlexSearch and Orama at
 * the closest settings each offers to ours (every query word must match, as a word prefix, with
 * typo tolerance where the engine has it), and the linear substring scan, alternated query by
 * query. Quality: recall@10 and MRR@10 of each engine alone on the labelled set (models/eval).
 */

const SIZES = isQuick ? [10_000] : [10_000, 50_000];
const ROUNDS = isQuick ? 4 : 10;
const SEED = 20240601;
const GOAL_MS = 2;
const GOAL_RATIO = 0.3;

interface Row {
	id: string;
	text: string;
	tags: string[];
}

interface Engine {
	name: string;
	/** What "prefix" and "typos" mean for this engine, for the table. */
	settings: string;
	build(rows: readonly Row[]): Promise<void>;
	search(query: string, limit: number): string[];
}

function miniSearch(): Engine {
	let index = new ThoughtSearchIndex();
	return {
		name: 'MiniSearch (ours)',
		settings: 'prefix; typos by word length (1 per 5 letters, swaps count 1); AND; tags ×2',
		async build(rows) {
			index = new ThoughtSearchIndex();
			await index.addAll(rows.map((row) => ({ ...row, id: row.id as ThoughtId })));
		},
		search: (query, limit) => index.search(query, limit)
	};
}

function flexSearch(tokenize: 'forward' | 'tolerant'): Engine {
	const make = () =>
		new FlexSearch.Index({
			tokenize,
			encoder: new FlexSearch.Encoder({ filter: STOP_WORDS as Set<string> })
		});
	let index = make();
	return {
		name: `FlexSearch (${tokenize})`,
		settings:
			tokenize === 'forward'
				? 'prefix (forward); no typos; AND'
				: 'tolerant (swapped or missing letters); no prefix; AND',
		async build(rows) {
			index = make();
			for (const row of rows) index.add(row.id, `${row.text} ${row.tags.join(' ')}`);
		},
		search: (query, limit) => index.search(query, { limit }) as string[]
	};
}

function orama(): Engine {
	let db: AnyOrama | undefined;
	return {
		name: 'Orama',
		settings: 'prefix; tolerance 1 (Levenshtein); threshold 0 (AND); tags ×2; stop words',
		async build(rows) {
			db = create({
				schema: { text: 'string', tags: 'string' } as const,
				components: { tokenizer: { stopWords: [...STOP_WORDS] } }
			});
			await insertMultiple(
				db,
				rows.map((row) => ({ id: row.id, text: row.text, tags: row.tags.join(' ') })),
				1000
			);
		},
		search(query, limit) {
			const results = oramaSearch(db!, {
				term: query,
				tolerance: 1,
				threshold: 0,
				limit,
				boost: { tags: 2 }
			});
			if (results instanceof Promise) throw new Error('Orama answered asynchronously');
			return results.hits.map((hit) => hit.id);
		}
	};
}

/** The baseline: what one would write without an index. */
function scan(): Engine {
	let lowered: { id: string; text: string }[] = [];
	return {
		name: 'Linear scan',
		settings: 'lower-cased substring of the whole query over every text; first 50',
		async build(rows) {
			lowered = rows.map((row) => ({ id: row.id, text: row.text.toLowerCase() }));
		},
		search(query, limit) {
			const needle = query.toLowerCase();
			const hits: string[] = [];
			for (const row of lowered) if (row.text.includes(needle)) hits.push(row.id);
			return hits.slice(0, limit);
		}
	};
}

const ENGINES = [miniSearch(), flexSearch('forward'), flexSearch('tolerant'), orama(), scan()];

let sink = 0;

async function latencies(size: number, queries: string[]) {
	const rows: Row[] = generateThoughts(size, SEED, Date.UTC(2024, 0, 1)).map(
		({ id, text, tags }) => ({ id, text, tags })
	);
	const buildMs = new Map<string, number>();
	for (const engine of ENGINES) {
		const start = performance.now();
		await engine.build(rows);
		buildMs.set(engine.name, performance.now() - start);
		await settle();
	}
	const samples = new Map(ENGINES.map((engine) => [engine.name, [] as number[]]));
	for (const query of queries) for (const engine of ENGINES) engine.search(query, RESULTS);
	for (let round = 0; round < ROUNDS; round++) {
		queries.forEach((query, q) => {
			// Rotate who goes first so no engine always meets a cold cache.
			for (let i = 0; i < ENGINES.length; i++) {
				const engine = ENGINES[(i + round + q) % ENGINES.length];
				const start = performance.now();
				sink += engine.search(query, RESULTS).length;
				samples.get(engine.name)!.push(performance.now() - start);
			}
		});
	}
	return { samples, buildMs };
}

/** recall@K and MRR@K of each engine alone on the labelled set. */
async function quality(): Promise<Map<string, { recall: number; mrr: number; found: number }>> {
	const { thoughts, queries } = loadDataset();
	const rows = thoughts.map((thought) => ({ ...thought, tags: [] }));
	const byEngine = new Map<string, { recall: number; mrr: number; found: number }>();
	for (const engine of ENGINES) {
		await engine.build(rows);
		let recall = 0;
		let mrr = 0;
		let found = 0;
		for (const { query, relevant } of queries) {
			const top = engine.search(query, RESULTS).slice(0, K);
			const hits = top.filter((id) => relevant.includes(id)).length;
			const first = top.findIndex((id) => relevant.includes(id));
			recall += hits / relevant.length;
			mrr += first < 0 ? 0 : 1 / (first + 1);
			found += hits;
		}
		byEngine.set(engine.name, {
			recall: recall / queries.length,
			mrr: mrr / queries.length,
			found
		});
	}
	return byEngine;
}

async function main(): Promise<void> {
	const queries = wordQueries(SEED);
	const summary: SummaryRow[] = [];
	const scored = await quality();
	const relevantTotal = loadDataset().queries.reduce((n, q) => n + q.relevant.length, 0);
	const sections: string[] = [];
	for (const size of SIZES) {
		console.log(`full-text engines: ${size.toLocaleString('en-US')} thoughts…`);
		const { samples, buildMs } = await latencies(size, queries);
		const scanP95 = summarise(samples.get('Linear scan')!).p95;
		const rows = ENGINES.map((engine) => {
			const s = summarise(samples.get(engine.name)!);
			const q = scored.get(engine.name)!;
			const meets =
				engine.name !== 'Linear scan' && s.p95 <= GOAL_MS && s.p95 <= GOAL_RATIO * scanP95;
			summary.push({
				bench: 'full-text engines',
				metric: `${engine.name} p95 @ ${size.toLocaleString('en-US')}`,
				ours: `${fmt(s.p95)} ms`,
				baseline: `${fmt(scanP95)} ms`,
				ratio: ratio(s.p95, scanP95)
			});
			return [
				engine.name,
				fmt(s.p50),
				fmt(s.p95),
				fmt(s.p99),
				ratio(s.p95, scanP95),
				fmt(buildMs.get(engine.name)!),
				q.recall.toFixed(3),
				q.mrr.toFixed(3),
				`${q.found}/${relevantTotal}`,
				engine.name === 'Linear scan' ? '' : meets ? 'yes' : 'no'
			];
		});
		sections.push(
			[
				`### ${size.toLocaleString('en-US')} thoughts`,
				'',
				table(
					[
						'engine',
						'p50 ms',
						'p95 ms',
						'p99 ms',
						'p95 ÷ scan',
						'build ms',
						`recall@${K}`,
						`MRR@${K}`,
						'found',
						`p95 ≤ ${GOAL_MS} ms and ≤ ${GOAL_RATIO}× scan`
					],
					rows
				)
			].join('\n')
		);
		console.log(sections.at(-1));
	}
	writeSection(
		'full-text-engines',
		[
			'## Full-text engines side by side',
			'',
			`Each engine at the closest settings it offers to the app's (every word must match; prefix; typos where the engine has them), built once per size from \`generateThoughts(n, ${SEED})\`, then ${queries.length} queries of 1–3 words × ${ROUNDS} rounds, the engines alternated in rotating order per query (n = ${queries.length * ROUNDS} per cell). Quality: each engine alone on the labelled set (\`models/eval\`, full text only, first ${K} of ${RESULTS}).`,
			'',
			machineInfo(),
			'',
			table(
				['engine', 'settings'],
				ENGINES.map((engine) => [engine.name, engine.settings])
			),
			'',
			...sections
		].join('\n')
	);
	await formatBenchmarksFile();
	reportSummary(summary);
	console.log(`full-text engines: done (checksum ${sink})`);
}

await main();
