import type { Thought } from '$sync/doc/shard-doc';

/**
 * Thoughts that bringing a batch into an account would send out. An import or a sign-in may
 * publish only after the person has seen these counts and said yes.
 */
export interface Outgoing {
	public: number;
	followers: number;
}

/** Keep each thought's visibility (publishing the shared ones), or bring every one in private. */
export type PublishChoice = 'keep' | 'private';

export function countOutgoing(thoughts: Iterable<Pick<Thought, 'visibility'>>): Outgoing {
	const outgoing: Outgoing = { public: 0, followers: 0 };
	for (const { visibility } of thoughts) if (visibility !== 'private') outgoing[visibility]++;
	return outgoing;
}

export function isQuiet(outgoing: Outgoing): boolean {
	return outgoing.public === 0 && outgoing.followers === 0;
}

/** "3 public and 1 followers-only thought", naming only the kinds there are. */
export function describeOutgoing({ public: shared, followers }: Outgoing): string {
	const parts = [];
	if (shared) parts.push(`${shared} public`);
	if (followers) parts.push(`${followers} followers-only`);
	const total = shared + followers;
	return `${parts.join(' and ') || 'no'} thought${total === 1 ? '' : 's'}`;
}

export function applyChoice<T extends Pick<Thought, 'visibility'>>(
	thoughts: readonly T[],
	choice: PublishChoice
): T[] {
	if (choice === 'keep') return [...thoughts];
	return thoughts.map((thought) =>
		thought.visibility === 'private' ? thought : { ...thought, visibility: 'private' }
	);
}
