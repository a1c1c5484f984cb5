import { formatBytes } from '../../sync/ai/model-check-error';
import type { ModelTask, ModelVersion } from '../../sync/doc/model-versions';

export type RunRefusal = 'not_found' | 'unsupported' | 'invalid_model' | 'too_large' | 'wrong_task';

/** The request names nothing this server will run for this user; the route maps the code. */
export class RunRefusedError extends Error {
	constructor(
		readonly code: RunRefusal,
		message: string
	) {
		super(message);
	}
}

export function wrongTask(versionId: string, task: ModelTask): RunRefusedError {
	return new RunRefusedError('wrong_task', `${versionId} is a model for the ${task} task.`);
}

export function deviceOnly(version: ModelVersion, why: string): RunRefusedError {
	return new RunRefusedError('unsupported', `${version.name} runs on your devices only: ${why}.`);
}

export function notOnServer(version: ModelVersion): RunRefusedError {
	return new RunRefusedError(
		'not_found',
		`The files of ${version.name} are not on the server yet; they upload when the device that made it is online.`
	);
}

export function tooLarge(limit: number, size: number): RunRefusedError {
	return new RunRefusedError(
		'too_large',
		`The server runs models of up to ${formatBytes(limit)}; this one has ${formatBytes(size)}.`
	);
}
