import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { addThought, listThoughts, thoughtCount, type Thought } from '../../../sync/doc/shard-doc';
import type { ExportedThought } from '../../../sync/export-format';

/**
 * The cold-start baseline, bundled into a page by one-doc-baseline.ts: every thought in ONE Y.Doc
 * (our shard entry format, without shards or a view store) persisted with y-indexeddb. On load it
 * reads the whole doc, renders the newest 50; its search is a lower-cased substring scan.
 *   ?seed  fills the doc from /thoughts.json, then sets document.title to "seeded <count>".
 */

const DB_NAME = 'one-doc-baseline';
const SHOWN = 50;

function render(list: HTMLUListElement, thoughts: readonly Thought[]): void {
	list.replaceChildren(
		...thoughts.slice(0, SHOWN).map((thought) => {
			const item = document.createElement('li');
			item.textContent = thought.text;
			return item;
		})
	);
}

async function seed(): Promise<void> {
	const thoughts = (await (await fetch('/thoughts.json')).json()) as ExportedThought[];
	const doc = new Y.Doc();
	const persistence = new IndexeddbPersistence(DB_NAME, doc);
	await persistence.whenSynced;
	doc.transact(() => {
		for (const t of thoughts) {
			const fields = { ...t, createdAt: Date.parse(t.createdAt) };
			addThought(doc, t.id, fields);
		}
	});
	// y-indexeddb writes in the background: read it back into a second doc to know it is stored.
	for (;;) {
		const check = new Y.Doc();
		const reader = new IndexeddbPersistence(DB_NAME, check);
		await reader.whenSynced;
		const count = thoughtCount(check);
		await reader.destroy();
		if (count >= thoughts.length) {
			document.title = `seeded ${count}`;
			return;
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

async function open(): Promise<void> {
	const timeline = document.querySelector<HTMLUListElement>('ul[aria-label="Thoughts"]')!;
	const results = document.querySelector<HTMLUListElement>('ul[aria-label="Search results"]')!;
	const box = document.querySelector<HTMLInputElement>('input[aria-label="Search thoughts"]')!;
	const doc = new Y.Doc();
	await new IndexeddbPersistence(DB_NAME, doc).whenSynced;
	const newestFirst = listThoughts(doc).sort((a, b) => b.createdAt - a.createdAt);
	render(timeline, newestFirst);
	box.addEventListener('input', () => {
		const needle = box.value.trim().toLowerCase();
		timeline.hidden = needle.length > 0;
		render(results, needle ? newestFirst.filter((t) => t.text.toLowerCase().includes(needle)) : []);
	});
}

if (new URLSearchParams(location.search).has('seed')) void seed();
else void open();
