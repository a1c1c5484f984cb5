import * as v from 'valibot';
import { EmbedRequestSchema, MAX_EMBED_TOTAL_CHARS } from '../../sync/protocol/ai';
import { PoolUnavailableError } from '../ai/inference-pool';
import type { AuthService } from '../services/auth.service';
import type { EmbedService } from '../services/embed.service';
import { HttpError, readJson, sendJson } from './json';
import { requireSameOrigin, requireSession } from './route-guards';
import type { Route } from './router';

/** Room for the largest valid request even if every character arrives as a `\uXXXX` escape. */
const MAX_EMBED_BODY_BYTES = 6 * MAX_EMBED_TOTAL_CHARS + 16 * 1024;

/** The server fallback for on-device AI: thin translation between HTTP and the EmbedService. */
export function aiRoutes(auth: AuthService, embed: EmbedService): Route[] {
	return [
		{
			method: 'POST',
			path: /^\/api\/ai\/embed$/,
			async handle({ req, res }) {
				requireSameOrigin(req);
				const session = requireSession(auth, req);
				if (!embed.allow(session.userId)) {
					throw new HttpError(429, 'rate_limited', 'Too many embedding requests. Wait a minute.');
				}
				const parsed = v.safeParse(EmbedRequestSchema, await readJson(req, MAX_EMBED_BODY_BYTES));
				if (!parsed.success) {
					const issue = parsed.issues[0];
					throw new HttpError(
						400,
						'invalid_body',
						`${v.getDotPath(issue) ?? 'body'}: ${issue.message}`
					);
				}
				const result = await embed.embed(session.userId, parsed.output).catch((error: unknown) => {
					if (error instanceof PoolUnavailableError) {
						throw new HttpError(503, 'busy', error.message);
					}
					throw error;
				});
				if (result === 'unknown_model') {
					throw new HttpError(404, 'not_found', 'This server does not run that model.');
				}
				if (result === 'in_flight') {
					throw new HttpError(429, 'rate_limited', 'One embedding request at a time, please.');
				}
				sendJson(res, 200, result);
			}
		}
	];
}
