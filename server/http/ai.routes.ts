import * as v from 'valibot';
import {
	EmbedRequestSchema,
	MAX_EMBED_TOTAL_CHARS,
	type EmbedResponse
} from '../../sync/protocol/ai';
import { MAX_USAGE_DAYS, RunRequestSchema } from '../../sync/protocol/ai-run';
import type { ErrorCode } from '../../sync/protocol/api';
import { ModelRunError, PoolUnavailableError } from '../ai/run-outcome';
import { QuotaExceededError } from '../services/ai-quotas';
import { RateLimitedError, type AiRunService } from '../services/ai-run.service';
import type { AiUsageService } from '../services/ai-usage.service';
import type { AuthService } from '../services/auth.service';
import type { RateLimiter } from '../services/rate-limiter';
import { RunRefusedError, type RunRefusal } from '../services/run-refusal';
import { HttpError, readJson, sendJson } from './json';
import { requireSameOrigin, requireSession } from './route-guards';
import type { Route } from './router';

/** Room for the largest valid request even if every character arrives as a `\uXXXX` escape. */
const MAX_AI_BODY_BYTES = 6 * MAX_EMBED_TOTAL_CHARS + 16 * 1024;

const REFUSALS: Record<RunRefusal, [number, ErrorCode]> = {
	not_found: [404, 'not_found'],
	wrong_task: [400, 'invalid_body'],
	unsupported: [422, 'unsupported'],
	invalid_model: [422, 'invalid_model'],
	too_large: [413, 'payload_too_large']
};

function parse<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
	const parsed = v.safeParse(schema, body);
	if (parsed.success) return parsed.output;
	const issue = parsed.issues[0];
	throw new HttpError(400, 'invalid_body', `${v.getDotPath(issue) ?? 'body'}: ${issue.message}`);
}

/** What went wrong with a run, as a status the client can act on. */
function asHttpError(error: unknown): unknown {
	if (error instanceof RunRefusedError) {
		const [status, code] = REFUSALS[error.code];
		return new HttpError(status, code, error.message);
	}
	if (error instanceof QuotaExceededError) {
		const { resetsAt } = error.refusal;
		const retry: Record<string, string> =
			resetsAt === null ? {} : { 'Retry-After': String(Math.ceil((resetsAt - Date.now()) / 1000)) };
		return new HttpError(429, 'quota_exceeded', error.message, retry, { quota: error.refusal });
	}
	if (error instanceof RateLimitedError) {
		return new HttpError(429, 'rate_limited', error.message, { 'Retry-After': '60' });
	}
	if (error instanceof PoolUnavailableError) {
		// A run that overran is this model's doing on this input: trying again will not help.
		if (error.reason === 'timeout') return new HttpError(422, 'model_failed', error.message);
		// A lost runner may be the model's doing too, or the machine's: the next try may work.
		return new HttpError(503, 'busy', error.message, { 'Retry-After': '2' });
	}
	if (error instanceof ModelRunError) {
		return new HttpError(422, 'model_failed', `The model failed on this input: ${error.message}`);
	}
	return error;
}

/**
 * Server inference: thin translation between HTTP and the AiRunService. `/api/ai/embed` is the
 * older shape of running the built-in embedder, kept for builds already installed.
 */
export function aiRoutes(
	auth: AuthService,
	runs: AiRunService,
	usage: AiUsageService,
	usageReads: RateLimiter
): Route[] {
	return [
		{
			method: 'POST',
			path: /^\/api\/ai\/run$/,
			async handle({ req, res }) {
				requireSameOrigin(req);
				const session = requireSession(auth, req);
				const request = parse(RunRequestSchema, await readJson(req, MAX_AI_BODY_BYTES));
				const result = await runs.run(session.userId, request).catch((error: unknown) => {
					throw asHttpError(error);
				});
				sendJson(res, 200, result);
			}
		},
		{
			method: 'POST',
			path: /^\/api\/ai\/embed$/,
			async handle({ req, res }) {
				requireSameOrigin(req);
				const session = requireSession(auth, req);
				const { model, texts } = parse(EmbedRequestSchema, await readJson(req, MAX_AI_BODY_BYTES));
				const result = await runs
					.run(session.userId, { task: 'embed', version: model, texts })
					.catch((error: unknown) => {
						if (error instanceof RunRefusedError && error.code !== 'too_large') {
							throw new HttpError(404, 'not_found', 'This server does not run that model.');
						}
						throw asHttpError(error);
					});
				if (result.task !== 'embed') throw new Error('an embed run gave scores');
				const body: EmbedResponse = {
					model: result.model,
					version: result.version,
					dims: result.dims,
					vectors: result.vectors,
					stats: result.stats
				};
				sendJson(res, 200, body);
			}
		},
		{
			method: 'GET',
			path: /^\/api\/ai\/usage$/,
			handle({ req, res }) {
				const session = requireSession(auth, req);
				if (!usageReads.take(session.userId)) {
					throw new HttpError(429, 'rate_limited', 'Too many usage requests. Wait a minute.', {
						'Retry-After': '60'
					});
				}
				const raw = new URL(req.url ?? '/', 'http://x').searchParams.get('days');
				const days = raw === null ? 30 : Number(raw);
				if (!Number.isInteger(days) || days < 1 || days > MAX_USAGE_DAYS) {
					throw new HttpError(
						400,
						'invalid_body',
						`days: a whole number from 1 to ${MAX_USAGE_DAYS}.`
					);
				}
				sendJson(res, 200, usage.report(session.userId, days));
			}
		}
	];
}
