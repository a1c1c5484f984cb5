import { VISIBILITIES, type Visibility } from '$sync/doc/shard-doc';

/** How each visibility reads: as a choice in a menu, and as the badge on a shared thought. */
export const VISIBILITY_LABELS: Record<Visibility, { choice: string; badge: string | null }> = {
	private: { choice: 'Private (only you)', badge: null },
	followers: { choice: 'Followers', badge: 'Followers' },
	public: { choice: 'Public', badge: 'Public' }
};

export const VISIBILITY_CHOICES = VISIBILITIES.map((value) => ({
	value,
	label: VISIBILITY_LABELS[value].choice
}));
