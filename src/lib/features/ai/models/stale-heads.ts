import { isStale } from './model-versions.svelte';
import type { VersionRegistry } from './ports';
import type { TrainingOutcome } from './tag-training.svelte';

export interface StaleHeadsDeps {
	registry: VersionRegistry;
	training: { readonly isBusy: boolean; train(): Promise<TrainingOutcome> };
	activeEmbedder(): string;
	onError(error: unknown): void;
}

/**
 * Retrains the active tagger in the background once it reads another embedder's vectors than
 * the active one (after a switch here or on another device). Each stale pair is tried once, so
 * a run that fails, or whose result the gate turns down, is not repeated in a loop.
 */
export function retrainStaleHeads(deps: StaleHeadsDeps): () => void {
	const { registry, training } = deps;
	const tried = new Set<string>();
	const check = () => {
		const id = registry.aliasesOf('tag').active;
		const active = id ? registry.getVersion(id) : null;
		const embedder = deps.activeEmbedder();
		if (!active || !isStale(active, embedder) || training.isBusy) return;
		const key = `${active.id} ${embedder}`;
		if (tried.has(key)) return;
		tried.add(key);
		training.train().catch(deps.onError);
	};
	check();
	return registry.onChanged(check);
}
