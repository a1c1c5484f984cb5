import { describe, expect, it } from 'vitest';
import type { AnalyticsRepository, DayRange, PostActivity } from '../db/analytics.repository';
import { AnalyticsService } from './analytics.service';
import { RateLimiter } from './rate-limiter';

const NOW = Date.parse('2025-03-10T23:59:59Z');

function service(posts: PostActivity[] = []) {
	const ranges: DayRange[] = [];
	const views: [string, string][] = [];
	const repository = {
		daily: (_author: string, range: DayRange) => {
			ranges.push(range);
			return [
				{ day: '2025-03-09', likes: 1, replies: 2, followers: 3, views: 4 },
				{ day: '2025-03-10', likes: 10, replies: 0, followers: 0, views: 6 }
			];
		},
		topPosts: () => posts,
		countView: (postId: string, day: string) => views.push([postId, day])
	} as unknown as AnalyticsRepository;
	return { analytics: new AnalyticsService(repository, new RateLimiter(2, 60_000)), ranges, views };
}

describe('AnalyticsService', () => {
	it('asks for the days that end today (UTC) and adds them up', () => {
		const { analytics, ranges } = service();
		const report = analytics.report('ana', 2, NOW);
		expect(ranges).toEqual([{ first: '2025-03-09', last: '2025-03-10' }]);
		expect(report.totals).toEqual({ likes: 11, replies: 2, followers: 3, views: 10 });
	});

	it('shows the first line of a top post, cut at a word, never inside an emoji', () => {
		const row = { id: 'p', visibility: 'public', views: 1, likes: 0, replies: 0 } as const;
		const long = 'word '.repeat(30);
		const emoji = '🧠'.repeat(100);
		const { analytics } = service([
			{ ...row, text: '  Title line  \nbody' },
			{ ...row, text: long },
			{ ...row, text: emoji }
		]);
		const [title, words, brains] = analytics.report('ana', 1, NOW).topPosts.map((p) => p.excerpt);
		expect(title).toBe('Title line');
		expect(words).toBe(`${'word '.repeat(15).trim()}…`);
		expect(brains).toBe(`${'🧠'.repeat(79)}…`);
	});

	it('shows a top post as read, without its Markdown marks', () => {
		const row = { id: 'p', visibility: 'public', views: 1, likes: 0, replies: 0 } as const;
		const { analytics } = service([
			{ ...row, text: '**Bob** lent me [Piranesi](https://x.example)' }
		]);
		expect(analytics.report('ana', 1, NOW).topPosts[0].excerpt).toBe('Bob lent me Piranesi');
	});

	it('counts a view for its UTC day, except the author’s own', () => {
		const { analytics, views } = service();
		analytics.recordView({ id: 'p1', userId: 'ana' }, null, NOW);
		analytics.recordView({ id: 'p1', userId: 'ana' }, 'bob', NOW + 1000);
		analytics.recordView({ id: 'p1', userId: 'ana' }, 'ana', NOW);
		expect(views).toEqual([
			['p1', '2025-03-10'],
			['p1', '2025-03-11']
		]);
	});

	it('allows each user their own allowance', () => {
		const { analytics } = service();
		expect([1, 2, 3].map(() => analytics.allow('ana'))).toEqual([true, true, false]);
		expect(analytics.allow('bob')).toBe(true);
	});
});
