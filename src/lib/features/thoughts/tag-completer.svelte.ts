import { acceptTag, matchTags, tagQueryAt, type TagQuery } from './tag-completion';

/**
 * The `#tag` completion of a text box: what is being typed, the tags on offer and which one
 * the arrow keys point at. The box reports text and caret; this says what to show.
 */
export class TagCompleter {
	#tags: () => readonly (readonly [string, number])[];
	query = $state.raw<TagQuery | null>(null);
	active = $state(0);
	options = $derived.by(() => this.#matches());
	isOpen = $derived(this.options.length > 0);

	/** `tags`: every tag with its count, nested ones included (the timeline's tallies). */
	constructor(tags: () => readonly (readonly [string, number])[]) {
		this.#tags = tags;
	}

	follow(text: string, caret: number): void {
		this.query = tagQueryAt(text, caret);
		this.active = 0;
	}

	#matches(): string[] {
		return this.query ? matchTags(this.#tags(), this.query.prefix) : [];
	}

	close(): void {
		this.query = null;
	}

	move(step: 1 | -1): void {
		const count = this.options.length;
		if (count > 0) this.active = (this.active + step + count) % count;
	}

	/** The text with the chosen tag written in, and where the caret goes; closes the list. */
	accept(text: string, tag = this.options[this.active]): { text: string; caret: number } | null {
		const query = this.query;
		this.close();
		return query && tag ? acceptTag(text, query, tag) : null;
	}
}
