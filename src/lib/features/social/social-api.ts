import { api } from '$lib/app/api';
import type {
	FeedPage,
	LikeState,
	NotificationsPage,
	PeoplePage,
	Profile,
	Thread
} from '$sync/protocol/social';

/** Reads of the social API (writes go through the outbox). */
export const socialApi = {
	feed: (before?: string) => api<FeedPage>(`/api/feed${query(before)}`),
	profile: (handle: string) =>
		api<{ profile: Profile }>(`/api/profiles/${encodeURIComponent(handle)}`),
	posts: (handle: string, before?: string) =>
		api<FeedPage>(`/api/profiles/${encodeURIComponent(handle)}/posts${query(before)}`),
	people: (q: string, after?: string) =>
		api<PeoplePage>(
			`/api/people?q=${encodeURIComponent(q)}${after ? `&after=${encodeURIComponent(after)}` : ''}`
		),
	thread: (id: string) => api<Thread>(`/api/posts/${encodeURIComponent(id)}`),
	notifications: (before?: string) => api<NotificationsPage>(`/api/notifications${query(before)}`),
	markRead: (upTo: number) =>
		api<void>('/api/notifications/read', { method: 'POST', body: { upTo } })
};

export type { LikeState };

const query = (before?: string) => (before ? `?before=${encodeURIComponent(before)}` : '');
