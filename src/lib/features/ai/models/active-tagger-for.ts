import { AiClient } from '$lib/ai/ai-client';
import { deviceBlobsFor } from '$lib/app/device-blobs';
import { perReplica } from '$lib/app/per-replica';
import { ActiveTagger } from './active-tagger.svelte';

/**
 * The replica's active tagger on its own, for the thoughts screens' suggestions: they must not
 * load the Models screen's training, validation and export code before their first paint.
 */
export const activeTaggerFor = perReplica((replica) => {
	let ai: AiClient | null = null;
	return new ActiveTagger({
		registry: replica.models,
		blobs: deviceBlobsFor(replica),
		runner: () => (ai ??= new AiClient((entry) => replica.view.inferences.add(entry)))
	});
});
