export type ReplicaErrorCode = 'newer-schema' | 'not-found' | 'empty';

export class ReplicaError extends Error {
	constructor(
		readonly code: ReplicaErrorCode,
		message: string
	) {
		super(message);
	}
}
