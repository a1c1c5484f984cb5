import { handleError } from '$lib/app/handle-error';
import type { Replica } from '$lib/replica/replica';
import type { Visibility } from '$sync/doc/shard-doc';
import type { ThoughtId } from '$sync/ids';
import { readCaptureDraft, writeCaptureDraft } from './capture-draft';

/**
 * The capture box. Every keystroke is written to IndexedDB as a draft, so a reload, a crash or
 * a closed tab never loses what was typed.
 */
export class Capture {
	text = $state('');
	/** Private unless chosen for this one thought; back to private after each save. */
	visibility = $state<Visibility>('private');
	isSaving = $state(false);
	#replica: Replica;
	/** Draft writes run one after another, so the last keystroke is the one that sticks. */
	#draftWrites = Promise.resolve();

	constructor(replica: Replica) {
		this.#replica = replica;
	}

	async restoreDraft(): Promise<void> {
		const draft = await readCaptureDraft(this.#replica.view);
		if (draft && !this.text) this.text = draft;
	}

	update(text: string): void {
		this.text = text;
		this.#persistDraft(text);
	}

	async save(): Promise<ThoughtId | null> {
		const text = this.text;
		if (!text.trim() || this.isSaving) return null;
		this.isSaving = true;
		try {
			const id = await this.#replica.capture(text, { visibility: this.visibility });
			this.visibility = 'private';
			if (this.text === text) this.update('');
			return id;
		} catch (error) {
			handleError(error, 'Could not save the thought');
			return null;
		} finally {
			this.isSaving = false;
		}
	}

	#persistDraft(text: string): void {
		const view = this.#replica.view;
		this.#draftWrites = this.#draftWrites
			.then(() => writeCaptureDraft(view, text))
			.then(
				() => undefined,
				(error: unknown) => handleError(error, 'Could not keep the draft')
			);
	}
}
