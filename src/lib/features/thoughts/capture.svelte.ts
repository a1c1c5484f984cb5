import { handleError } from '$lib/app/handle-error';
import type { Replica } from '$lib/replica/replica';
import { CAPTURE_DRAFT } from '$lib/replica/view-store';
import type { ThoughtId } from '$sync/ids';

/**
 * The capture box. Every keystroke is written to IndexedDB as a draft, so a reload, a crash or
 * a closed tab never loses what was typed.
 */
export class Capture {
	text = $state('');
	isSaving = $state(false);
	#replica: Replica;
	/** Draft writes run one after another, so the last keystroke is the one that sticks. */
	#draftWrites = Promise.resolve();

	constructor(replica: Replica) {
		this.#replica = replica;
	}

	async restoreDraft(): Promise<void> {
		const draft = await this.#replica.view.drafts.get(CAPTURE_DRAFT);
		if (draft && !this.text) this.text = draft.text;
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
			const id = await this.#replica.capture(text);
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
		const drafts = this.#replica.view.drafts;
		this.#draftWrites = this.#draftWrites
			.then(async () => {
				if (text) await drafts.put({ key: CAPTURE_DRAFT, text });
				else await drafts.delete(CAPTURE_DRAFT);
			})
			.then(
				() => undefined,
				(error: unknown) => handleError(error, 'Could not keep the draft')
			);
	}
}
