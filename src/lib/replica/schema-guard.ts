import type { MigrationOutcome } from '$sync/doc/migrations';
import { ReplicaError } from './replica-error';

/**
 * Remembers whether a newer app version wrote any of a replica's docs. From then on this build
 * must not write to them: it could drop fields it does not know.
 */
export class SchemaGuard {
	#isNewer = false;
	#listeners = new Set<() => void>();

	get isReadOnly(): boolean {
		return this.#isNewer;
	}

	/** Told once, when the first doc from a newer version is seen. */
	onReadOnly(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Called with the outcome of migrating each doc as it is opened. */
	check(outcome: MigrationOutcome): void {
		if (outcome.status !== 'newer' || this.#isNewer) return;
		this.#isNewer = true;
		for (const listener of this.#listeners) listener();
	}

	assertWritable(): void {
		if (!this.#isNewer) return;
		throw new ReplicaError(
			'newer-schema',
			'These thoughts were saved by a newer version of Thoughts10x. Reload to update.'
		);
	}
}
