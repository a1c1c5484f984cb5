import type * as Y from 'yjs';
import { readThought, setThoughtText } from '$sync/doc/shard-doc';
import type { ThoughtId } from '$sync/ids';
import { setTaskChecked } from '$sync/markdown/tasks';
import { LOCAL_EDIT } from './shard-set';

/**
 * Writes to a thought's text one after another, per thought. Each write diffs against what the
 * doc holds when it runs, so a later keystroke can never land before an earlier one (undoing
 * it), and a ticked task box is applied to the current text, not to a view row that may lag.
 */
export class TextWriter {
	#queues = new Map<ThoughtId, Promise<unknown>>();

	constructor(private readonly writableDoc: (id: ThoughtId) => Promise<Y.Doc>) {}

	set(id: ThoughtId, text: string): Promise<void> {
		return this.#queue(id, async () => {
			setThoughtText(await this.writableDoc(id), id, text, LOCAL_EDIT);
		});
	}

	/** Ticks or clears task `index` (in document order); false when there is no such change. */
	setTask(id: ThoughtId, index: number, checked: boolean): Promise<boolean> {
		return this.#queue(id, async () => {
			const doc = await this.writableDoc(id);
			const current = readThought(doc, id)?.text;
			const next = current === undefined ? null : setTaskChecked(current, index, checked);
			if (next !== null) setThoughtText(doc, id, next, LOCAL_EDIT);
			return next !== null;
		});
	}

	#queue<T>(id: ThoughtId, write: () => Promise<T>): Promise<T> {
		// A failed write does not stop the next one: each stands on its own.
		const run = (this.#queues.get(id) ?? Promise.resolve()).then(write, write);
		this.#queues.set(id, run);
		const forget = () => {
			if (this.#queues.get(id) === run) this.#queues.delete(id);
		};
		run.then(forget, forget);
		return run;
	}
}
