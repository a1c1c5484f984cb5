import type { ArtifactStore, EvalMetrics } from './ports';

/** A blob store in memory, keyed by sha256 like the device's. */
export class MemoryBlobs implements ArtifactStore {
	readonly bytes = new Map<string, Uint8Array>();

	async put(bytes: Uint8Array): Promise<string> {
		const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
		const sha256 = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0'));
		this.bytes.set(sha256.join(''), bytes.slice());
		return sha256.join('');
	}

	async get(sha256: string): Promise<Uint8Array> {
		const bytes = this.bytes.get(sha256);
		if (!bytes) throw new Error(`No blob ${sha256}`);
		return bytes;
	}

	async delete(sha256: string): Promise<void> {
		this.bytes.delete(sha256);
	}
}

export const metrics = (microF1: number, examples = 10): EvalMetrics => ({
	precisionAt3: microF1,
	recallAt3: microF1,
	microF1,
	examples
});
